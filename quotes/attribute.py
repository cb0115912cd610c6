"""The attribution resolver: a canonical speaker and an outlet for each detection."""

from __future__ import annotations

from spacy.tokens import Doc

from quotes.detect import Detection
from quotes.lexicon import OutletGazetteer, default_outlets
from quotes.records import Quote


def _content_text(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    return " ... ".join(text[a:b] for a, b in spans)


def resolve(
    doc: Doc,
    detections: list[Detection],
    *,
    article_id: str = "",
    outlets: OutletGazetteer | None = None,
) -> list[Quote]:
    """Quotes with speakers and outlets for the detections of one article."""
    outlets = outlets or default_outlets()
    text = doc.text
    quotes = []
    for detection in detections:
        mention = text[slice(*detection.speaker_span)] if detection.speaker_span else None
        cue = text[slice(*detection.cue_span)] if detection.cue_span else None
        quotes.append(
            Quote(
                article_id=article_id,
                content=_content_text(text, detection.content_spans),
                content_spans=detection.content_spans,
                type=detection.type,
                cue=cue,
                cue_span=detection.cue_span,
                speaker_mention=mention,
                speaker_span=detection.speaker_span,
                speaker=mention,
                confidence=round(detection.confidence, 2),
                quoted_spans=detection.quoted_spans,
                rule=detection.rule,
                resolution="mention" if mention else "",
                headline=detection.headline,
            )
        )
    return quotes
