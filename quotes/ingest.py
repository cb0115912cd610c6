"""Ingest: read articles, extract and attribute their quotes, store and cluster them.

:func:`ingest` is what ``quotes ingest`` runs. Each batch of articles is
extracted, clustered and then written in one transaction, so an ingest that
is stopped (Ctrl-C, a killed process, a full disk) keeps every batch before
the one it was on; running it again skips what is stored (by content hash)
and carries on.
"""

from __future__ import annotations

import dataclasses
import importlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from quotes.api import DEFAULT_MODEL, extract_articles
from quotes.errors import InputError, QuotesError
from quotes.lexicon import default_outlets
from quotes.read import read_paths
from quotes.records import Article, Quote
from quotes.store import DEFAULT_DB, Store, default_key

Extractor = Callable[..., Iterable[tuple[Article, list[Quote]]]]


class Progress(Protocol):
    """What an ingest reports as it goes (the CLI draws a progress bar from it)."""

    def start(self, total: int) -> None:
        """``total`` articles are new or changed and will be extracted."""

    def advance(self, article: Article, quotes: int) -> None:
        """One article was extracted and stored with ``quotes`` quotes."""


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What an ingest did, for its closing summary."""

    db: str
    read: int = 0  # articles read from the inputs
    added: int = 0  # new articles stored
    replaced: int = 0  # changed articles whose old version was replaced
    unchanged: int = 0  # stored already (same content), or read twice; skipped
    quotes: int = 0  # quotes stored by this ingest
    failures: tuple[InputError, ...] = ()
    seconds: float = 0.0
    totals: dict[str, Any] = field(default_factory=dict)  # the whole store afterwards


class _Clusters:
    """The bridge to :mod:`quotes.dedupe`: cluster ids for each batch's new quotes.

    The incremental index is rebuilt from the store when an ingest starts (and
    quotes stored before clustering existed are clustered then), and again
    after a batch that replaced articles, whose old quotes must leave it.
    Without dedupe (rapidfuzz missing) quotes stay unclustered.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.index: Any = None
        self.applied: dict[str, str] = {}  # renames already written to the store
        try:
            # By module name: the package re-exports the dedupe *function* as quotes.dedupe.
            self.dedupe: Any = importlib.import_module("quotes.dedupe")
        except ImportError:  # rapidfuzz missing: store quotes unclustered
            self.dedupe = None
        self.rebuild()

    @property
    def speaker_key(self) -> Callable[[str], str | None]:
        if self.dedupe is None:
            return default_key
        from quotes.text import speaker_key

        return speaker_key

    def _record(self, quote: Quote, article: Article) -> Any:
        return self.dedupe.DedupeRecord.from_quote(quote, date=_iso_date(article.published), outlet=article.outlet)

    def rebuild(self) -> None:
        if self.dedupe is None:
            return
        clustered, unclustered = [], []
        for quote, cluster_id, article in self.store.stored_quotes():
            record = self._record(quote, article)
            (clustered.append((record, cluster_id)) if cluster_id else unclustered.append(record))
        self.index = self.dedupe.ClusterIndex.from_assignments(clustered)
        self.applied = dict(self.index.renamed)
        if unclustered:
            ids = self.index.add(unclustered)
            self.store.set_clusters({r.id: c for r, c in zip(unclustered, ids, strict=True)}, renamed=self._new_renames())

    def _new_renames(self) -> dict[str, str]:
        fresh = {old: new for old, new in self.index.renamed.items() if self.applied.get(old) != new}
        self.applied.update(fresh)
        return fresh

    def assign(self, pairs: Sequence[tuple[Article, list[Quote]]]) -> tuple[dict[str, str], dict[str, str]]:
        """Cluster ids of the batch's quotes, and stored clusters merged away (old id -> new id)."""
        if self.index is None:
            return {}, {}
        records = [self._record(quote, article) for article, found in pairs for quote in found]
        ids = self.index.add(records)
        return {r.id: c for r, c in zip(records, ids, strict=True)}, self._new_renames()


def _iso_date(value: str | None) -> str | None:
    """The date if it is ISO 8601 (dedupe orders by it), else nothing rather than a guess."""
    if not value:
        return None
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return None
    return value


def _canonical_outlet(article: Article) -> Article:
    """The outlet as the gazetteer names it ("nyt" -> "The New York Times"), so counts add up."""
    if not article.outlet:
        return article
    known = default_outlets().lookup(article.outlet)
    return dataclasses.replace(article, outlet=known.name) if known and known.name != article.outlet else article


def _batches(items: Sequence[Article], size: int) -> Iterator[Sequence[Article]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _extract(
    batch: Sequence[Article], extract: Extractor, *, model: str, batch_size: int
) -> tuple[list[tuple[Article, list[Quote]]], list[InputError]]:
    """A batch's quotes; an article the pipeline chokes on fails alone."""
    try:
        return [(a, list(q)) for a, q in extract(list(batch), model=model, batch_size=batch_size)], []
    except (QuotesError, KeyboardInterrupt):
        raise  # a missing model fails every article alike: stop and say so
    except Exception:  # noqa: BLE001 (any bug in a pipeline stage must not lose the batch)
        pass
    done: list[tuple[Article, list[Quote]]] = []
    failed: list[InputError] = []
    for article in batch:
        try:
            done += [(a, list(q)) for a, q in extract([article], model=model, batch_size=1)]
        except (QuotesError, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001
            failed.append(InputError(article.path or article.id, f"quote extraction failed ({type(exc).__name__}: {exc})"))
    return done, failed


def ingest(
    paths: Iterable[str | Path],
    *,
    db: str | Path = DEFAULT_DB,
    model: str = DEFAULT_MODEL,
    batch_size: int = 16,
    extract: Extractor = extract_articles,
    progress: Progress | None = None,
) -> IngestReport:
    """Read, extract, store and cluster the articles in ``paths``.

    Args:
        paths: files and folders, as for :func:`quotes.read.read_paths`.
        db: the SQLite store, created if missing.
        model: the spaCy pipeline extraction runs.
        batch_size: articles per extraction batch and per transaction.
        extract: the extraction function, ``extract_articles`` unless a test
            swaps it for one without spaCy.
        progress: told how many articles will be extracted, then of each one.

    Raises:
        StoreError: the store cannot be opened or written.
        ModelError: the spaCy pipeline cannot be loaded.
    """
    started = time.monotonic()
    failures: list[InputError] = []
    pending: list[Article] = []
    read = unchanged = 0
    with Store(db) as store:
        clusters = _Clusters(store)
        store.speaker_key = clusters.speaker_key
        seen: set[str] = set()
        for result in read_paths(paths):
            if isinstance(result, InputError):
                failures.append(result)
                continue
            read += 1
            # Stored already, or the same text read twice in this run: nothing to do.
            if result.content_hash in seen or store.article_state(result) == "unchanged":
                unchanged += 1
                continue
            seen.add(result.content_hash)
            pending.append(_canonical_outlet(result))
        if progress is not None:
            progress.start(len(pending))
        added = replaced = quotes = 0
        for batch in _batches(pending, max(1, batch_size)):
            done, failed = _extract(batch, extract, model=model, batch_size=batch_size)
            failures += failed
            assigned, renamed = clusters.assign(done)
            result = store.add_batch(done, clusters=assigned, renamed=renamed)
            if result.replaced:
                clusters.rebuild()
            added, replaced, quotes = added + result.added, replaced + result.replaced, quotes + result.quotes
            unchanged += result.unchanged
            if progress is not None:
                found_in = {id(article): len(found) for article, found in done}
                for article in batch:  # failed articles advance the bar too
                    progress.advance(article, found_in.get(id(article), 0))
        totals = store.summary()
    return IngestReport(
        db=str(db),
        read=read,
        added=added,
        replaced=replaced,
        unchanged=unchanged,
        quotes=quotes,
        failures=tuple(failures),
        seconds=time.monotonic() - started,
        totals=totals,
    )

