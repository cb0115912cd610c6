"""The detector's record of one attribution, and the small helpers its stages share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from quotes.lexicon import CueLexicon
from quotes.records import QuoteType, Span


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


def inside_any(offset: int, spans: Iterable[Span]) -> bool:
    return any(start <= offset < end for start, end in spans)


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
