"""Errors raised by quotes.

Every error the library raises on purpose derives from :class:`QuotesError`,
so callers (the CLI first of all) can catch one class::

    QuotesError
    ├── InputError          an article or file could not be read
    ├── ModelError          a spaCy pipeline could not be loaded
    ├── GoldError           an annotated corpus could not be read for scoring
    ├── StoreError          the SQLite store could not be opened or written
    └── ExportError         an export file could not be written

Messages say what was found, why it is a problem and what to do about it.
"""

from __future__ import annotations


class QuotesError(Exception):
    """Base class of every error quotes raises on purpose."""


class InputError(QuotesError):
    """An input path or record could not be turned into an article."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class ModelError(QuotesError):
    """A spaCy pipeline could not be loaded."""


class GoldError(QuotesError):
    """An annotated (gold) corpus could not be read."""


class StoreError(QuotesError):
    """The quote store could not be opened, migrated or written."""


class ExportError(QuotesError):
    """An export could not be written."""
