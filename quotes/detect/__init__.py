"""The detector: every direct quote and every piece of reported speech in a Doc.

Two sources of evidence meet here:

* quotation marks (:mod:`quotes.marks`), found on the characters before any
  parse, so a quote is found even when the parse of its sentence is wrong;
* cues from the dependency parse: a reporting verb (from the lexicon) with a
  clausal complement ("X said that ..."), a parenthetical ("..., he said, ..."),
  "according to X", a colon introduction ("X said: ...") and headline forms
  ("X Says ...", "X: ...").

A cue whose complement lies inside a quotation gives a direct quote; one
whose complement holds a quotation gives a mixed quote; one with no
quotation gives an indirect quote. Quotations left over look for a cue in
their sentence, then in the sentence before a colon; a long one with no cue
is still reported (without a speaker) and a short one (a scare quote or a
title) is not.

The rules follow the structures catalogued for attribution relations by
Pareti (2015, "Attribution: A Computational Approach") and annotated in
PolNeAR (Newell, Margolin and Ruths, LREC 2018).
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc

from quotes.detect.content import cut_source_phrases
from quotes.detect.cues import REPORTING_ADVERBS, cue_candidates, cue_span, mention_span
from quotes.detect.detection import (
    QUOTE_CHARS,
    SHORT_RULE,
    TEXT_KEY,
    Detection,
    OwnedSpans,
    RegionIndex,
    Relay,
    cue_class_of,
    doc_text,
    overlap,
    same_sentence,
)
from quotes.detect.furniture import DATELINE_RE, furniture_spans
from quotes.detect.headlines import detect_headlines, headline_like_lines, without_credits
from quotes.detect.quotations import SpeechCues, attach_region, combine, nickname
from quotes.detect.relays import fold_relays
from quotes.detect.splits import merge_split_quotes, with_transcript_turns
from quotes.lexicon import CueLexicon, cue_lexicon
from quotes.marks import SpanSet, find_regions

__all__ = [
    "DATELINE_RE",
    "QUOTE_CHARS",
    "REPORTING_ADVERBS",
    "SHORT_RULE",
    "TEXT_KEY",
    "Detection",
    "OwnedSpans",
    "Relay",
    "cue_span",
    "detect",
    "doc_text",
    "furniture_spans",
    "mention_span",
    "overlap",
    "same_sentence",
]


def detect(
    doc: Doc, *, lexicon: CueLexicon | None = None, nested: bool = False, text: str | None = None
) -> list[Detection]:
    """Every attribution in ``doc``, in text order.

    Args:
        doc: a parsed Doc.
        lexicon: the cue lexicon; the packaged English one by default.
        nested: also report attributions inside the content of another
            ("The source said [Clinton told police that ...]"). Off by default:
            the outer attribution already carries that content, and annotated
            news corpora such as PolNeAR mostly leave the inner one out.
        text: ``doc.text``, when the caller already has it (spaCy rebuilds it
            on every access).
    """
    lexicon = lexicon or cue_lexicon(doc.lang_ if doc.lang_ in ("en",) else "en")
    text = doc_text(doc) if text is None else text
    furniture = furniture_spans(text)
    on_furniture = SpanSet(furniture)
    regions = [r for r in find_regions(text) if r.start not in on_furniture and not nickname(text, r)]
    region_index = RegionIndex(regions)
    candidates = [
        c
        for c in cue_candidates(doc, lexicon)
        if c.cue.idx not in on_furniture and not region_index.holding(c.cue.idx)
    ]
    for candidate in candidates:
        candidate.content = cut_source_phrases(text, candidate.content, lexicon)
    # '"We will respond," Kim said, according to KCNA': the quotation is Kim's, and the channel is
    # folded in later; so an "according to" on a speech verb takes what no other cue took.
    channels = [c for c in candidates if c.rule == "according-to" and c.cue.dep_ == "prep" and cue_class_of(c.cue.head, lexicon) == "speech"]
    deferred = {id(c) for c in channels}
    detections: list[Detection] = []
    used_regions: set[int] = set()
    for candidate in candidates:
        if id(candidate) in deferred:
            continue
        found = combine(text, candidate, region_index, used_regions)
        if found is not None:
            detections.append(found)
    speech_cues = SpeechCues(doc, lexicon)
    for index, region in enumerate(regions):
        if index in used_regions:
            continue
        found = attach_region(doc, text, region, lexicon, speech_cues)
        if found is None:
            continue
        used_regions.add(index)
        if found.type == "mixed":
            # A fragment's content may hold further quotations ('called him a "liar" and "sick"').
            extent = (found.content_spans[0][0], found.content_spans[-1][1])
            inner = [i for i in region_index.starting_in(*extent) if i not in used_regions]
            used_regions.update(inner)
            found = replace(found, quoted_spans=found.quoted_spans + tuple(p for i in inner for p in regions[i].pieces))
        detections.append(found)
    for candidate in channels:
        found = combine(text, candidate, region_index, used_regions)
        if found is not None:
            detections.append(found)
    headlines = list(detect_headlines(doc, text, lexicon, region_index, on_furniture, detections))
    # A headline read by its form replaces the parse's reading of the same cue's object
    # ("Pentagon announces four dead after ...": all of it, not "four dead").
    headline_cues = {d.cue_span for d in headlines}
    detections = [d for d in detections if not (d.rule.endswith(":object") and d.cue_span in headline_cues)] + headlines
    merged = merge_split_quotes(doc, text, sorted(detections, key=lambda d: d.content_spans[0]))
    lines = list(headline_like_lines(text, on_furniture))
    headline_lines = SpanSet(span for span, title_case in lines if title_case)
    kept = [
        replace(d, headline=True) if not d.headline and d.content_spans[0][0] in headline_lines else d
        for d in without_credits(text, merged, [span for span, _ in lines])
        if d.rule != SHORT_RULE and d.content_spans
    ]
    kept = fold_relays(doc, text, kept, lexicon)
    if not nested:
        contents = OwnedSpans([d.content_spans for d in kept])
        kept = [d for number, d in enumerate(kept) if not _nested_in_another(number, d, contents)]
    # Two cues for one quotation ('scolded him: "...," she said'): one quote, the one that took the marks.
    quotations = OwnedSpans([d.quoted_spans for d in kept])
    kept = [
        d for number, d in enumerate(kept) if not (d.type == "indirect" and _inside_quotation_of_another(number, d, quotations))
    ]
    settled = (_settled(text, d) for d in with_transcript_turns(text, kept))
    # Two rules may find one quote (a headline's "Calls for 'Breakthrough'" by its parse and by its
    # form): the same words are one quote, as the store keys it.
    unique: dict[tuple[tuple[int, int], ...], Detection] = {}
    for detection in settled:
        if detection is not None:
            unique.setdefault(detection.content_spans, detection)
    return list(unique.values())


def _settled(text: str, detection: Detection) -> Detection | None:
    """Blank content pieces dropped and the quoted parts cut to the content.

    A fold or a trim may have moved the content's edges, or left a piece with nothing
    but a mark's inside ('"\n\n"'); a detection with no content left is none.
    """
    pieces = tuple((a, b) for a, b in detection.content_spans if text[a:b].strip())
    if not pieces:
        return None
    if pieces != detection.content_spans:
        detection = replace(detection, content_spans=pieces)
    start, end = detection.content_spans[0][0], detection.content_spans[-1][1]
    quoted = tuple((max(a, start), min(b, end)) for a, b in detection.quoted_spans if min(b, end) > max(a, start))
    if quoted == detection.quoted_spans:
        return detection
    if quoted or detection.type == "indirect":
        return replace(detection, quoted_spans=quoted)
    return replace(detection, quoted_spans=(), type="indirect", rule="indirect:" + detection.rule.split(":", 1)[-1])


def _inside_quotation_of_another(number: int, detection: Detection, quotations: OwnedSpans) -> bool:
    size = sum(b - a for a, b in detection.content_spans)
    shared: dict[int, int] = {}
    for piece in detection.content_spans:
        for a, b, owner in quotations.owned_near(*piece, exclude=number):
            shared[owner] = shared.get(owner, 0) + overlap(piece, (a, b))
    return any(total >= 0.8 * size for total in shared.values())


def _nested_in_another(number: int, detection: Detection, contents: OwnedSpans) -> bool:
    if detection.cue_span is None:
        return False
    cue = detection.cue_span[0]
    return any(a <= cue < b for a, b in contents.near(cue, cue + 1, exclude=number))
