"""Headlines and link titles: "X Says ...", "X Warns ...", "X: ..."."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace

from spacy.tokens import Doc

from quotes.detect.content import trim
from quotes.detect.detection import SHORT_RULE, Detection, RegionIndex
from quotes.lexicon import CueLexicon
from quotes.marks import SpanSet, line_spans
from quotes.records import Span


# Room left for the opening mark between a region's start and its inside (`` is two characters).
_MARKS_BEFORE_INSIDE = 8
# A credit closing a headline: " - RIA", " — Korean Central News Agency".
_HEADLINE_SUFFIX_RE = re.compile(r"\s+[\u2013\u2014-]\s+(?:\w+(\s\w+)?|[A-Z][\w.&'-]*(?:\s+[A-Z][\w.&'-]*){0,4})\s*$")


def headline_like_lines(text: str, furniture: SpanSet) -> Iterator[tuple[Span, bool]]:
    """Short lines that may be headlines or link titles, and whether each is in title case.

    The first line of an article is its headline even in sentence case; other
    lines must be in title case and lack a final full stop.
    """
    first_visible = len(text) - len(text.lstrip())
    for start, end in line_spans(text):
        line = text[start:end].strip()
        words = line.split(maxsplit=21)
        if not (3 <= len(words) <= 20) or start + 1 in furniture:
            continue
        capitalised = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
        title_case = capitalised >= 0.6 * len(words) and line[-1] not in ".!?\"\u201d"
        if title_case or start <= first_visible:
            offset = text.index(line, start)
            yield (offset, offset + len(line)), title_case


def credit_start(text: str, start: int, end: int) -> int:
    """Where the credit closing the headline ``start:end`` begins (" - RIA"), or ``end`` if it has none."""
    credit = _HEADLINE_SUFFIX_RE.search(text[start:end])
    return start + credit.start() if credit is not None else end


def without_credits(text: str, detections: list[Detection], lines: list[Span]) -> list[Detection]:
    """Detections whose content stops before the credit closing a headline: the agency that ran
    the story is not what it reports ("Ruritania says it tested an engine - RNA")."""
    credits = sorted((a, cut) for a, b in lines if (cut := credit_start(text, a, b)) < b)
    if not credits:
        return detections
    starts = [a for a, _ in credits]

    def cut_piece(x: int, y: int) -> Span:
        at = bisect_right(starts, x) - 1  # the credited line a piece starting at x may lie on
        cut = credits[at][1] if at >= 0 else -1
        return trim(text, (x, cut)) if x < cut < y else (x, y)

    result = []
    for detection in detections:
        pieces = tuple(cut_piece(x, y) for x, y in detection.content_spans)
        result.append(detection if pieces == detection.content_spans else replace(detection, content_spans=pieces))
    return result


def _present_lemmas(form: str) -> tuple[str, ...]:
    """The lemmas a present-tense headline verb may have: "warns" -> "warn", "pushes" -> "push"."""
    return tuple(lemma for lemma in (form[:-2] if form.endswith("es") else "", form[:-1] if form.endswith("s") else "") if lemma)


def _says(words: list[re.Match[str]]) -> tuple[int, str] | None:
    return next(((index, "say") for index, word in enumerate(words[1:], start=1) if word.group() == "says"), None)


def _headline_cue(words: list[re.Match[str]], lexicon: CueLexicon, quoted: bool) -> tuple[int, str] | None:
    """Index and lemma of the headline's cue word: a present-tense reporting verb ("Says", "Warns")."""
    for index, word in enumerate(words[1:], start=1):
        for lemma in _present_lemmas(word.group().lower()):
            cue_class = lexicon.verb_class(lemma)
            if cue_class == "speech" or (cue_class is not None and quoted):
                return index, lemma
    return None


# ", KCNA says" / ", defence minister said" closing a headline: a short source after the last comma.
_TRAILING_SOURCE_RE = re.compile(r",\s+(?P<source>[^,;:]{2,60}?)\s+(?P<cue>[a-z]+)\s*$")


def _trailing_cue(form: str, lexicon: CueLexicon) -> bool:
    """Whether a headline's closing verb reports speech: "says", "said", "reports", "warns"."""
    return form == "said" or any(lexicon.verb_class(lemma) == "speech" for lemma in _present_lemmas(form))


# Headline verbs whose object is usually a thing, not words: "Vows Probe", "Claims Responsibility for".
_THING_TAKING_VERBS = {
    "vow", "pledge", "promise", "claim", "call", "urge", "seek", "demand", "agree", "welcome", "condemn",
    "hail", "praise", "slam", "back", "propose", "reject", "order", "plan", "mull", "weigh", "eye",
}


def _names_a_thing(doc: Doc, content: Span, cue_form: str) -> bool:
    """Whether a headline verb's object is a noun phrase or "to" and a noun ("Vows Nuclear Test",
    "Agree to Summit"): a stance or an act, not a report, unless it holds quoted words."""
    span = doc.char_span(*content, alignment_mode="expand")
    if span is None or not len(span):
        return False
    verbless = not any(t.pos_ in ("VERB", "AUX") for t in span)
    if span[0].lower_ == "to" and (len(span) < 2 or span[1].pos_ not in ("VERB", "AUX")):
        return verbless
    lemmas = {*_present_lemmas(cue_form), cue_form}
    return verbless and bool(lemmas & _THING_TAKING_VERBS)


# Verbs that take an audience ("Speaks to North Koreans", "Talks With Donors") and those words.
_AUDIENCE_VERBS = {"speak", "talk"}
_AUDIENCE_WORDS = {"to", "with", "before"}


def _addressee_after_cue(words: list[re.Match[str]], cue_index: int, lemma: str) -> bool:
    """ "Trump Speaks to North Koreans": the verb's audience follows it, not what was said."""
    following = words[cue_index + 1].group().lower() if cue_index + 1 < len(words) else ""
    return lemma in _AUDIENCE_VERBS and following in _AUDIENCE_WORDS


def _in_name(doc: Doc, offset: int) -> bool:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")  # found by bisection, not a scan
    token = span[0] if span is not None and len(span) and span[0].idx == offset else None
    return token is not None and token.ent_type_ in ("GPE", "ORG", "LOC", "FAC", "NORP", "WORK_OF_ART", "LAW", "EVENT")


# "Kim: talks went well": at most this long a speaker before a headline's colon.
COLON_SPEAKER_MAX_CHARS = 40
COLON_SPEAKER_MAX_WORDS = 4


def colon_after_speaker(text: str, start: int, end: int) -> int:
    """The offset of the first ": " of the line ``start:end`` if a short speaker could stand before it, else -1.

    A headline's "Speaker: what was said"; the selective gate keeps such lines for the parser too.
    """
    colon = text.find(": ", start, min(end, start + COLON_SPEAKER_MAX_CHARS + 2))
    if colon <= start or len(text[start:colon].split()) > COLON_SPEAKER_MAX_WORDS:
        return -1
    return colon


def detect_headlines(
    doc: Doc,
    text: str,
    lexicon: CueLexicon,
    regions: RegionIndex,
    furniture: SpanSet,
    found: list[Detection],
) -> Iterator[Detection]:
    covered = SpanSet(s for d in found if d.rule != SHORT_RULE and not d.rule.endswith(":object") for s in d.content_spans)
    for (start, end), title_case in headline_like_lines(text, furniture):
        if covered.meets(start, end):
            continue
        body_end = credit_start(text, start, end)
        # A region's inside starts a mark's length after the region.
        line_regions = [
            r for r in map(regions.regions.__getitem__, regions.starting_in(start, end + _MARKS_BEFORE_INSIDE)) if start <= r.start < end
        ]
        words = list(re.finditer(r"\S+", text[start:body_end]))
        # In title case a cue verb heads a headline ("Minister Vows 'Swift Justice'"); in a
        # sentence-case first line only "says" does ("Kremlin says talks not easy"): "reports on",
        # "comments on", "calls X Y" take a thing there.
        found_cue = _headline_cue(words, lexicon, bool(line_regions)) if title_case else _says(words)
        if found_cue is not None and (
            _in_name(doc, start + words[found_cue[0]].start())  # "United States", "Foreign Affairs": part of a name
            or _addressee_after_cue(words, *found_cue)  # "Trump Speaks to North Koreans": whom, not what
        ):
            found_cue = None
        cue_index = found_cue[0] if found_cue is not None else None
        colon = text.find(": ", start, body_end)
        trailing = _TRAILING_SOURCE_RE.search(text, start, body_end)
        if trailing is not None and _trailing_cue(trailing.group("cue"), lexicon):
            # "Kim oversaw missile test, KCNA says": the source and its verb close the line.
            speaker = trailing.span("source")
            content = (start, trailing.start())
            cue_span = trailing.span("cue")
            rule = "headline:trailing"
        elif cue_index is not None and (colon < 0 or colon > start + words[cue_index].start()):
            cue = words[cue_index]
            speaker = (start, start + words[cue_index - 1].end())
            content = (start + cue.end() + 1, body_end)
            cue_span = (start + cue.start(), start + cue.end())
            rule = "headline:verb"
        elif colon_after_speaker(text, start, body_end) >= 0:
            speaker = (start, colon)
            content = (colon + 2, body_end)
            cue_span = (colon, colon + 1)
            rule = "headline:colon"
        else:
            continue
        content = trim(text, content)
        if content[1] <= content[0]:
            continue
        quoted = tuple(p for r in line_regions for p in r.pieces if content[0] <= p[0] < content[1])
        if rule == "headline:verb" and not quoted and _names_a_thing(doc, content, text[slice(*cue_span)].lower()):
            continue
        full_quote = len(quoted) == 1 and quoted[0][1] - quoted[0][0] >= content[1] - content[0] - 2
        yield Detection(
            content_spans=quoted if full_quote else (content,),
            type="direct" if full_quote else ("mixed" if quoted else "indirect"),
            cue_span=cue_span,
            speaker_span=speaker,
            quoted_spans=quoted,
            rule=rule,
            confidence=0.6,
            headline=True,
        )
