"""The attribution resolver: a canonical speaker and an outlet for each detection.

Speakers are resolved inside one article:

* names: every PERSON mention is grouped with the others that spell the same
  name ("Kim Jong Un", "Kim Jong-un") or a part of it ("Kim", "Mr. Pompeo");
  the group's canonical name is its most frequent full form;
* pronouns (he, she, they, it) go to the nearest earlier speaker or entity of a
  compatible kind, and stay unresolved when there is none;
* descriptions go to what they describe: "the agency", "the paper" to the
  outlet last named of that kind; "the official", "the North Korean leader",
  "The Supreme Leader" to the person whose title has that head noun;
* an outlet that speaks ("KCNA reported", "the paper stressed") is both the
  speaker and the outlet.

Outlets come from the outlet gazetteer (``quotes/data/outlets.tsv``): an outlet
named in the attribution ("told Reuters", "in an interview with CNN", "in a
message carried by KCNA", "according to Yonhap"); a generic one ("state
media", "local media") is linked to the outlet the article names nearby.

Before any of this, the mention itself is checked (:func:`_repair_mention`): the
detector takes the subject of the cue's own clause, and news often puts the source
elsewhere: a quotation with no cue continues the attributed quote before it in its
paragraph; "X continued:" introduces X's words; "is likely to say", "refused to
endorse" take the governing clause's subject; "issued a statement welcoming ..." is
the issuer's; "Asked whether ..., X said" names who was asked, not who asked.

Each quote keeps the mention as written beside the canonical name, a role when
the text gives one, a confidence and ``resolution``: the rules that found the
mention and named the speaker ("continuation+pronoun:previous-speaker"), for a
fact-checker who asks why.
"""

from __future__ import annotations

import re

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from quotes.attribute.chains import LINK_KINDS, ChainLinker, chain_outlet, with_publisher
from quotes.attribute.index import ArticleIndexer
from quotes.attribute.mentions import repair_mention
from quotes.attribute.outlets import dateline_outlet, name_reports, paragraph_openers, sentence_bounds, story_opener
from quotes.attribute.speakers import History, SpeakerNamer
from quotes.detect import Detection, OwnedSpans
from quotes.lexicon import OutletGazetteer, cue_lexicon, default_outlets, default_people
from quotes.records import Link, Quote, Span

__all__ = ["Resolver", "dateline_outlet", "with_publisher"]


class Resolver(ArticleIndexer, SpeakerNamer, ChainLinker):
    """Resolves the speakers and outlets of one article's detections."""

    def __init__(self, vocab: Vocab, outlets: OutletGazetteer | None = None, *, make_doc=None) -> None:
        self.outlets = outlets or default_outlets()
        self.lexicon = cue_lexicon()
        self.people = default_people()
        aliases = sorted({a for f in self.people.people for a in (f.name, *f.aliases)}, key=len, reverse=True)
        self.people_re = re.compile(r"\b(" + "|".join(re.escape(a) for a in aliases) + r")\b")
        self._exact = PhraseMatcher(vocab, attr="ORTH")
        self._folded = PhraseMatcher(vocab, attr="LOWER")
        make = make_doc or (lambda text: Doc(vocab, words=text.split()))
        for outlet in self.outlets.outlets:
            for alias in {outlet.name, *outlet.aliases}:
                if "(" in alias:
                    continue  # a disambiguated label ("Time (magazine)"), not a form found in text
                pattern = make(alias)
                if alias.isupper():
                    self._exact.add(outlet.name, [pattern])
                else:
                    self._folded.add(outlet.name, [pattern])

    def __call__(
        self, doc: Doc, detections: list[Detection], *, article_id: str = "", text: str | None = None
    ) -> list[Quote]:
        """Quotes for ``detections``; ``text`` is ``doc.text`` when the caller has it (spaCy rebuilds it on each access)."""
        text = doc.text if text is None else text
        index = self._index(doc, text)
        quotes: list[Quote] = []
        history = History()
        paragraph_outlet = paragraph_openers(doc, text, index)
        first_opener = story_opener(doc, text, paragraph_outlet)
        attributed: list[Detection] = []  # detections with a speaker mention, after repair
        owned = OwnedSpans([_owned_spans(d) for d in detections])
        for number, detection in enumerate(detections):
            detection, repaired = repair_mention(doc, text, detection, attributed, self.lexicon)
            if detection.speaker_span is not None:
                attributed.append(detection)
            mention = text[slice(*detection.speaker_span)] if detection.speaker_span else None
            speaker, kind, role, resolution = None, "", None, repaired or "no-speaker"
            if detection.speaker_span is not None:
                speaker, kind, role, resolution, _ = self._speaker(doc, text, index, detection.speaker_span, history)
                if repaired:
                    resolution = f"{repaired}+{resolution}"
            cue = text[slice(*detection.cue_span)] if detection.cue_span else None
            speaker_link = Link(speaker, LINK_KINDS.get(kind, "person"), "speaker", mention, detection.speaker_span, cue, detection.cue_span)
            others = owned.near(*sentence_bounds(doc, detection), exclude=number)
            via = self._chain(doc, text, index, detection, speaker_link, history, others)
            if kind != "outlet" and chain_outlet(via) is None:
                # "'There is no alternative,' he added": the rest of an account came the same way.
                carried = self._account(quotes, speaker, detection.content_spans[0][0])
                if carried:
                    via, resolution = via + carried, resolution + "+account"
            paragraph = text.rfind("\n", 0, detection.content_spans[0][0])
            # "NHK reported that Secretary Pompeo testified ... he responded: ...": what is quoted
            # in a paragraph an outlet opens came through that outlet; a headline, through the
            # outlet that opens the story.
            if kind == "person" and chain_outlet(via) is None:
                carrier = first_opener if paragraph < 0 else paragraph_outlet.get(paragraph)
                if carrier is not None:
                    via, resolution = via + (Link(carrier, "outlet", "relay"),), resolution + "+report-opener"
            outlet = chain_outlet(via)
            frame = next((link.name for link in reversed(via) if link.kind == "outlet" and link.name), None)
            if frame is not None:
                history.frames.append((detection.content_spans[0][0], frame))
            if speaker is not None:
                history.speakers.append((detection.content_spans[0][0], speaker, kind))
                history.sentences.append((*sentence_bounds(doc, detection), detection.content_spans, speaker, kind))
            confidence = detection.confidence
            if detection.speaker_span is not None and speaker is None:
                confidence -= 0.1
            elif repaired or resolution.startswith(("pronoun", "description")):
                confidence -= 0.05  # an inference: a pronoun, a description, a mention found outside the cue's clause
            quotes.append(
                Quote(
                    article_id=article_id,
                    content=" ... ".join(text[a:b] for a, b in detection.content_spans),
                    content_spans=detection.content_spans,
                    type=detection.type,
                    cue=cue,
                    cue_span=detection.cue_span,
                    speaker_mention=mention,
                    speaker_span=detection.speaker_span,
                    speaker=speaker,
                    speaker_role=role,
                    outlet=outlet,
                    confidence=round(max(0.05, min(confidence, 0.99)), 2),
                    quoted_spans=detection.quoted_spans,
                    rule=detection.rule,
                    resolution=resolution,
                    headline=detection.headline,
                    via=via,
                )
            )
        return name_reports(text, quotes)


def _owned_spans(detection: Detection) -> list[Span]:
    """What an attribution's own words cover: its content, speaker and relays."""
    spans = list(detection.content_spans)
    spans += [s for s in (detection.speaker_span, *(r.mention for r in detection.relays)) if s is not None]
    return spans
