"""quotes: who said what, where, and who said it first."""

from quotes.api import extract, extract_articles, load_pipeline
from quotes.dedupe import dedupe
from quotes.errors import GoldError, InputError, ModelError, QuotesError, StoreError
from quotes.records import Appearance, Article, Quote, QuoteCluster

__all__ = [
    "Appearance",
    "Article",
    "GoldError",
    "InputError",
    "ModelError",
    "Quote",
    "QuoteCluster",
    "QuotesError",
    "StoreError",
    "dedupe",
    "extract",
    "extract_articles",
    "load_pipeline",
]
