"""Long texts cut into runs of paragraphs, each parsed as a Doc of its own.

The pipeline's memory grows with the length of a Doc (a megabyte of text is a 3 GB
process), and a news article is rarely over 35,000 characters; a live blog, a
transcript or a forum dump can be thirty times that. So a text over
``SEGMENT_CHARS`` is parsed in runs of whole paragraphs of at most that length, each
with up to ``CONTEXT_CHARS`` of the paragraphs before it, so that a pronoun or a
title at the top of a run still finds the name it points back at. A quote belongs to
the run its content starts in: those found in the context are the previous run's.
Runs are cut at line starts outside quotations (a quotation spanning paragraphs
stays whole), else at a sentence's end, else at white space.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from quotes.marks import SpanSet, find_regions

SEGMENT_CHARS = 50_000
CONTEXT_CHARS = 2_000

_LINE_START_RE = re.compile(r"\n(?=[^\n])")
# No look-ahead after the white space: on a long run of blanks it would make each search quadratic.
_SENTENCE_START_RE = re.compile(r"[.!?][\"\u201d\u2019)\]]*\s+")
_WORD_START_RE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Segment:
    """One run of a text: parse ``text[context_start:end]``, keep the quotes starting at ``start`` or later."""

    context_start: int
    start: int
    end: int


def _cuts(text: str, pattern: re.Pattern[str], quoted: SpanSet) -> list[int]:
    """Offsets after each match of ``pattern`` that do not fall inside a quotation."""
    return [m.end() for m in pattern.finditer(text) if not _inside(m.end(), quoted)]


def _inside(offset: int, quoted: SpanSet) -> bool:
    return offset in quoted and offset - 1 in quoted


def segments(text: str, size: int = SEGMENT_CHARS, context: int = CONTEXT_CHARS) -> list[Segment]:
    """The runs to parse ``text`` in; one when it is at most ``size`` characters long."""
    if len(text) <= size:
        return [Segment(0, 0, len(text))]
    quoted = SpanSet((r.start, r.end) for r in find_regions(text))
    lines = _cuts(text, _LINE_START_RE, quoted)
    sentences = _cuts(text, _SENTENCE_START_RE, quoted)
    kinds = (lines, sentences)  # white space is looked for only where neither is found
    found: list[Segment] = []
    start = 0
    while len(text) - start > size:
        limit = start + size
        # The last cut of the most natural kind in the second half of the allowed length.
        cut = next((c for c in (_last_in(cuts, start + size // 2, limit) for cuts in kinds) if c is not None), None)
        if cut is None:  # one paragraph, one sentence: the last word start, else the limit itself
            words = [
                m.end() for m in _WORD_START_RE.finditer(text, start + size // 2, limit)
                if not _inside(m.end(), quoted)
            ]
            cut = words[-1] if words and words[-1] <= limit else limit
        found.append(Segment(_context_start(kinds, start, context), start, cut))
        start = cut
    found.append(Segment(_context_start(kinds, start, context), start, len(text)))
    return found


def _last_in(cuts: list[int], low: int, high: int) -> int | None:
    """The greatest of the sorted ``cuts`` in (low, high]."""
    at = bisect_right(cuts, high) - 1
    return cuts[at] if at >= 0 and cuts[at] > low else None


def _context_start(kinds: tuple[list[int], ...], start: int, context: int) -> int:
    """The earliest cut at most ``context`` characters before ``start``: whole paragraphs, else sentences."""
    for cuts in kinds:
        at = bisect_left(cuts, start - context)
        if at < len(cuts) and cuts[at] < start:
            return cuts[at]
    return start
