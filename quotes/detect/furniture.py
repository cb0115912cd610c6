"""Page furniture (navigation lines, photo credits, captions, tag lists, markup), datelines and title case:
text that is never a quote."""

from __future__ import annotations

import re

from quotes.marks import line_spans
from quotes.records import Span


# Lines that are page furniture, never speech.
_NAVIGATION_RE = re.compile(
    r"^\s*(read more|read also|see also|related|watch|listen|more|tags|share this|follow us)\b\s*:",
    re.IGNORECASE,
)
# Metadata lines of a scraped page ("Updated: 2012-07-27 20:18", "Reuters | Created: ...", "Author: ...").
_METADATA_RE = re.compile(
    r"^\s*(?:[^|\n]{1,40}\|\s*)*(?:last\s+)?(?:updated|created|posted|published|modified|source|sources|author|authors"
    r"|by|byline|credit|credits|photo|image|picture|video|copyright|filed|written\s+by|edited\s+by|date)\s*:",
    re.IGNORECASE,
)
# Wire credits of who wrote and edited a story ("Written by Kannaki Deka for Reuters", "(Reporting by ...)").
_CONTRIBUTORS_RE = re.compile(
    r"^\s*\(?\s*(?:additional\s+)?(?:written|reporting|writing|editing|compiled|translated|produced)\s+by\b", re.IGNORECASE
)
_CREDIT_RE = re.compile(r"\u00a9|\bphoto\s*(credit)?\s*[:/]|\bgetty images\b|\(photo\b", re.IGNORECASE)
_MARKUP_RE = re.compile(r"</?[a-zA-Z][\w-]*(\s+[\w:-]+\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]*))*\s*/?>")
# "MOSCOW (Sputnik) -", "SEOUL, Oct 8 (Reuters) -", and the bare date of a wire story: "March 21 (Reuters) -".
DATELINE_RE = re.compile(
    r"^[ \t]*(?:[A-Z][A-Z .,'\-]{1,40}(?:,[^\n()]{1,30})?(?:\([^)\n]{2,40}\))?|[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}[ \t]*\([^)\n]{2,40}\))"
    r"[ \t]*[-\u2013\u2014]+[ \t]*",
    re.MULTILINE,
)


# Furniture comes in short lines; a longer line is prose holding a credit, or lines run together.
FURNITURE_MAX_WORDS = 80
_SENTENCE_END_RE = re.compile(r"[.!?][\"\u201d\u2019)\]]*\s")
# How far back a sentence's start is looked for: a bound, so that many credits cost no rescans.
_SENTENCE_REACH = 400


def _sentence_around(text: str, start: int, end: int, line_start: int, line_end: int) -> Span:
    """The sentence of the line ``line_start:line_end`` that holds ``start:end``."""
    window = max(line_start, start - _SENTENCE_REACH)
    ends_before = [m.end() for m in _SENTENCE_END_RE.finditer(text, window, start)]
    sentence_start = ends_before[-1] if ends_before else window
    after = _SENTENCE_END_RE.search(text, end, min(line_end, end + _SENTENCE_REACH))
    return sentence_start, after.end() if after else min(line_end, end + _SENTENCE_REACH)


def furniture_spans(text: str) -> list[Span]:
    """Navigation lines, photo credits and captions, tag lists: never quotes."""
    lines = [s for s in line_spans(text) if text[s[0] : s[1]].strip()]
    furniture = []
    for index, (start, end) in enumerate(lines):
        line = text[start:end]
        following = text[lines[index + 1][0] : lines[index + 1][1]] if index + 1 < len(lines) else ""
        credit = _CREDIT_RE.search(line)
        lead = _NAVIGATION_RE.match(line) or _METADATA_RE.match(line) or _CONTRIBUTORS_RE.match(line)
        if (lead or credit) and len(line.split(maxsplit=FURNITURE_MAX_WORDS)) > FURNITURE_MAX_WORDS:
            # A paragraph of prose that merely holds a credit (or a text whose line breaks were
            # lost): only the sentences holding the furniture are furniture.
            furniture.extend(_sentence_around(text, start + m.start(), start + m.end(), start, end) for m in (lead, credit) if m)
        elif lead or credit:
            furniture.append((start, end))
        elif _CREDIT_RE.search(following) and len(following.split()) <= 8 and not title_case(line):
            furniture.append((start, end))  # a caption: the line right above its credit
        elif index > 0 and re.match(r"^\s*tags\s*:\s*$", text[lines[index - 1][0] : lines[index - 1][1]], re.I):
            furniture.append((start, end))
    # Markup left in the text (embedded tweets, HTML): its attribute values are not quotes.
    furniture.extend(m.span() for m in _MARKUP_RE.finditer(text))
    return furniture


def title_case(line: str) -> bool:
    """A headline's look: short, mostly capitalised words, no final full stop."""
    words = line.split(maxsplit=21)  # a line of more than 20 words is no headline, however long
    capitalised = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return 3 <= len(words) <= 20 and capitalised >= 0.6 * len(words) and line.strip()[-1:] not in ".!?\"\u201d"
