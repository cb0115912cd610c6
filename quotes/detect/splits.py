"""What the detections of an article say together: a quotation split by its attribution made one quote,
and the turns of a transcript.

A quotation with no cue that carries on the speaker of the quote before it is the resolver's
to find (:func:`quotes.attribute.mentions.repair_mention`, resolution ``continuation``): only
it knows which earlier quotes ended up attributed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc

from quotes.detect.detection import QUOTE_CHARS, SHORT_RULE, Detection, overlap, same_sentence
from quotes.records import Span


# "WALLACE: Let's start with ...": a speaker label opening a paragraph of a transcript.
_TRANSCRIPT_TURN_RE = re.compile(r"^[ \t]*[\"\u201c'`]*(?P<label>[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3})(?P<colon>:)[ \t]+(?P<rest>\S[^\n]*)", re.MULTILINE)
MIN_TRANSCRIPT_TURNS = 2


def with_transcript_turns(text: str, detections: list[Detection]) -> list[Detection]:
    """Each turn of a transcript is one direct quote by its labelled speaker.

    A label is only trusted when the article has several: one capitalised
    word before a colon is as likely a headline ("TRUMP: ...") or a section title.
    """
    turns = list(_TRANSCRIPT_TURN_RE.finditer(text))
    if len(turns) < MIN_TRANSCRIPT_TURNS:
        return detections
    found = []
    for turn in turns:
        content = _trim_marks(text, (turn.start("rest"), turn.end("rest")))
        if content[1] > content[0]:
            found.append(
                Detection(
                    (content,), "direct", turn.span("colon"), turn.span("label"), (content,), "direct:transcript", 0.85
                )
            )
    taken = [(turn.start(), turn.end()) for turn in turns]
    others = [d for d in detections if not any(overlap(d.content_spans[0], line) for line in taken)]
    return sorted(others + found, key=lambda d: d.content_spans[0])


def _trim_marks(text: str, span: Span) -> Span:
    """A span without the spaces and quotation marks at its ends."""
    a, b = span
    while b > a and (text[b - 1].isspace() or text[b - 1] in QUOTE_CHARS):
        b -= 1
    return a, b


def merge_split_quotes(doc: Doc, text: str, detections: list[Detection]) -> list[Detection]:
    """Join a quotation split by its attribution into one quote with two pieces.

    "'We will win,' he said, 'and soon.'" and '"A," she said. "B."' are one
    attribution: the second quotation follows the first's cue in the same
    paragraph, with nothing but the attribution between them. A report inside
    that attribution's sentence ("said Mr. Trump, who is regarded as a
    germaphobe") stays a quote of its own and does not keep the two pieces
    apart, unless it brings in a speaker of its own.
    """
    merged: list[Detection] = []
    for detection in detections:
        first = len(merged) - 1
        while first >= 0 and merged[first].type == "indirect" and _same_or_no_speaker(text, merged[first]):
            first -= 1
        if first >= 0 and _continues_quote(text, merged[first], detection) and _inside_attribution(doc, merged[first], merged[first + 1 :]):
            previous = merged[first]
            merged[first] = replace(
                previous,
                content_spans=previous.content_spans + detection.content_spans,
                quoted_spans=previous.quoted_spans + detection.quoted_spans,
            )
            continue
        merged.append(detection)
    return merged


def _same_or_no_speaker(text: str, detection: Detection) -> bool:
    """No speaker, or a relative pronoun ("said X, who ...") standing for the one already named."""
    span = detection.speaker_span
    return span is None or text[span[0] : span[1]].lower() in ("who", "which", "that")


def _inside_attribution(doc: Doc, quote: Detection, between: list[Detection]) -> bool:
    """Whether the reports between two pieces all sit in the sentence of the first piece's cue."""
    cue = quote.cue_span
    return cue is not None and all(same_sentence(doc, cue[0], d.content_spans[0][0]) for d in between)


MAX_SPLIT_GAP = 200


def _continues_quote(text: str, first: Detection, second: Detection) -> bool:
    if first.type != "direct" or second.type != "direct" or first.cue_span is None:
        return False
    if second.cue_span not in (None, first.cue_span):
        return False
    gap_start, gap_end = first.content_spans[-1][1], second.content_spans[0][0]
    if second.cue_span is None and second.rule not in (SHORT_RULE, "direct:no-cue"):
        return False
    return (
        gap_start <= first.cue_span[0] < gap_end
        and gap_end - gap_start <= MAX_SPLIT_GAP
        and "\n" not in text[gap_start:gap_end]
        # '"You winning?" she said, but Kevin was drifting off ... "how ..."': a story goes on, not the quote.
        and not _NEW_CLAUSE_RE.search(text, gap_start, gap_end)
    )


_NEW_CLAUSE_RE = re.compile(r",\s*(but|while|whereas|and then)\b", re.IGNORECASE)
