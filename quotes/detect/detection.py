"""The detector's record of one attribution, and the small helpers its stages share."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from quotes.lexicon import CueLexicon
from quotes.records import QuoteType, Span


# Verbs that pass on someone else's words: "citing a police source", "quoting officials".
CITING_VERBS = frozenset({"cite", "quote"})


def is_citing(token: Token) -> bool:
    """A participle naming whom a report rests on: "(Bernama,) citing a police source(, said ...)"."""
    return token.tag_ == "VBG" and token.dep_ in ("advcl", "xcomp") and token.lemma_.lower() in CITING_VERBS


def citing_phrase(citing: Token) -> set[int]:
    """The token indices of a citing participle's phrase with the commas that set it off."""
    doc = citing.doc
    edges = (citing.left_edge.i - 1, citing.right_edge.i + 1)
    return {t.i for t in citing.subtree} | {i for i in edges if 0 <= i < len(doc) and doc[i].text == ","}


SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")

QUOTE_CHARS = set("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e`")

OPENING_MARKS = {"\u201c", "\u2018", '"', "``", "\u00ab"}
CLOSING_MARKS = {"\u201d", "\u2019", '"', "''"}

SHORT_RULE = "direct:short"


@dataclass(frozen=True, slots=True)
class Relay:
    """Who carried an attribution's words on its way to the article, as the text names them.

    ``mention`` is the carrier ("the EFE news agency", "a statement from the
    club"), ``cue`` the words that relay ("reported", "according to", "quoted").
    """

    mention: Span | None
    cue: Span | None


@dataclass(frozen=True, slots=True)
class Detection:
    """One attribution found in a Doc, before its speaker is resolved.

    ``rule`` names the detector rule that found it (the evidence a user sees);
    ``relays`` the carriers folded into it (:mod:`quotes.detect.relays`), nearest
    the speaker first.
    """

    content_spans: tuple[Span, ...]
    type: QuoteType
    cue_span: Span | None
    speaker_span: Span | None
    quoted_spans: tuple[Span, ...]
    rule: str
    confidence: float
    headline: bool = False
    relays: tuple[Relay, ...] = ()


# The text a Doc was made from, kept in its user_data: spaCy rebuilds ``Doc.text`` token by token on each access.
TEXT_KEY = "quotes.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, built at most once per Doc."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


class OwnedSpans:
    """Spans with the number of the detection owning each, sorted, so that the spans of other
    detections near a place are found by bisection, not by a pass over every detection."""

    def __init__(self, owned: Sequence[Sequence[Span]]) -> None:
        self._spans = sorted((start, end, owner) for owner, spans in enumerate(owned) for start, end in spans)
        self._starts = [start for start, _, _ in self._spans]
        self._longest = max((end - start for start, end, _ in self._spans), default=0)

    def near(self, start: int, end: int, *, exclude: int) -> list[Span]:
        """The spans of other detections that meet [start, end)."""
        return [(a, b) for a, b, _ in self.owned_near(start, end, exclude=exclude)]

    def owned_near(self, start: int, end: int, *, exclude: int) -> list[tuple[int, int, int]]:
        """(start, end, owner) of the spans of other detections that meet [start, end)."""
        lo = bisect_left(self._starts, start - self._longest)
        hi = bisect_left(self._starts, end)
        return [(a, b, owner) for a, b, owner in self._spans[lo:hi] if owner != exclude and b > start]


class RegionIndex:
    """Quotations in text order with their insides, for range lookups in log time.

    Regions do not overlap (nested quotes stay inside their outer one), so their inner
    ends rise with their starts and one bisection on each finds those meeting an extent.
    """

    def __init__(self, regions: Sequence) -> None:
        self.regions = regions
        self._starts = [r.inner_start for r in regions]
        self._ends = [r.inner_end for r in regions]
        self._ordered = all(a <= b for a, b in zip(self._ends, self._starts[1:]))

    def meeting(self, start: int, end: int) -> range | list[int]:
        """Indices of the regions whose insides share a character with [start, end)."""
        if not self._ordered:
            return [i for i, r in enumerate(self.regions) if overlap((r.inner_start, r.inner_end), (start, end)) > 0]
        return range(bisect_right(self._ends, start), bisect_left(self._starts, end))

    def starting_in(self, start: int, end: int) -> range | list[int]:
        """Indices of the regions whose insides start in [start, end)."""
        if not self._ordered:
            return [i for i, r in enumerate(self.regions) if start <= r.inner_start < end]
        return range(bisect_left(self._starts, start), bisect_left(self._starts, end))

    def holding(self, offset: int) -> bool:
        """Whether an offset lies inside a quotation."""
        return any(self.regions[i].inner_start <= offset for i in self.meeting(offset, offset + 1))


def cue_class_of(token: Token, lexicon: CueLexicon) -> str | None:
    if token.pos_ not in ("VERB", "AUX") and token.tag_ not in ("VBD", "VBZ", "VBP", "VBG", "VBN", "VB"):
        return None
    return lexicon.verb_class(token.lemma_)


def same_sentence(doc: Doc, first: int, second: int) -> bool:
    """Whether two character offsets of ``doc`` fall in one sentence of the parse."""
    spans = [doc.char_span(offset, offset + 1, alignment_mode="expand") for offset in (first, second)]
    if any(span is None or not len(span) for span in spans):
        return False
    return spans[0][0].sent.start == spans[1][0].sent.start


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))
