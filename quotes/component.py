"""The spaCy pipeline component: ``nlp.add_pipe("quotes")``.

It writes the content of each quote to ``doc.spans["quotes"]`` and the quote
records, as plain dicts (msgpack can serialise them), to
``doc.user_data["quotes"]``; ``doc._.quotes`` turns them back into
:class:`~quotes.records.Quote` objects.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from quotes.attribute import Resolver
from quotes.detect import DATELINE_RE, detect, doc_text
from quotes.lexicon import cue_lexicon, load_outlets
from quotes.records import Quote

SPAN_KEY = "quotes"
USER_DATA_KEY = "quotes"


def _get_quotes(doc: Doc) -> list[Quote]:
    return [Quote.from_dict(d) for d in doc.user_data.get(USER_DATA_KEY, [])]


class QuoteDetector:
    """Detects and attributes the quotes of each Doc."""

    def __init__(self, nlp: Language, name: str = "quotes", *, outlets_file: str | None = None) -> None:
        self.name = name
        self.lexicon = cue_lexicon(nlp.lang if nlp.lang == "en" else "en")
        self.outlets = load_outlets(outlets_file)
        self.resolver = Resolver(nlp.vocab, self.outlets, make_doc=nlp.make_doc)
        if not Doc.has_extension("quotes"):
            Doc.set_extension("quotes", getter=_get_quotes)

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        detections = detect(doc, lexicon=self.lexicon, text=text)
        quotes = self.resolver(doc, detections, text=text)
        group = []
        for quote in quotes:
            span = doc.char_span(quote.start, quote.end, label=quote.type, alignment_mode="expand")
            if span is not None:
                group.append(span)
        doc.spans[SPAN_KEY] = SpanGroup(doc, name=SPAN_KEY, spans=group)
        doc.user_data[USER_DATA_KEY] = [q.to_dict() for q in quotes]
        return doc


@Language.component("quotes_paragraphs", assigns=["token.is_sent_start"])
def split_paragraphs(doc: Doc) -> Doc:
    """Start a sentence after every line break: a quote never runs across one unmarked.

    News text puts headlines, captions and paragraphs on lines of their own,
    and the statistical parser would otherwise join them into one sentence.
    """
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and "\n" in previous.text and not token.is_space:
            token.is_sent_start = True
    # "MOSCOW (Sputnik) - North Korean leader Kim said ...": the dateline is not the subject.
    for match in DATELINE_RE.finditer(doc_text(doc)):
        span = doc.char_span(match.end(), match.end() + 1, alignment_mode="expand")
        if span is not None and len(span) and span[0].i > 0:
            span[0].is_sent_start = True
    return doc



@Language.factory(
    "quotes",
    assigns=["doc.spans"],
    requires=["token.dep", "token.lemma", "token.pos"],
    default_config={"outlets_file": None},
)
def make_quote_detector(nlp: Language, name: str, outlets_file: str | None) -> QuoteDetector:
    return QuoteDetector(nlp, name, outlets_file=outlets_file)
