"""Ingest: read articles, extract and attribute their quotes, store and cluster them.

:func:`ingest` is what ``quotes ingest`` runs. Each batch of articles is
extracted, clustered and then written in one transaction, so an ingest that
is stopped (Ctrl-C, a killed process, a full disk) keeps every batch before
the one it was on; running it again skips what is stored (by content hash)
and carries on. Articles are streamed from the inputs to the store, and the
clustering index is kept in the store and read a batch at a time, so memory
holds the batches in flight, not the archive; extraction runs in this
process, in ``workers`` processes, or on a Dask cluster (:mod:`quotes.distributed`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
import itertools
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from quotes.api import DEFAULT_MODEL, extract_articles
from quotes.errors import InputError, QuotesError, StoreError
from quotes.lexicon import OutletGazetteer, load_outlets
from quotes.read import read_paths
from quotes.records import Article, IndexState, Quote
from quotes.store import DEFAULT_DB, Store, default_key

try:
    import fcntl
except ImportError:  # Windows: ingests are not guarded against each other
    fcntl = None  # type: ignore[assignment]

Extractor = Callable[..., Iterable[tuple[Article, list[Quote]]]]
T = TypeVar("T")


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
    # Articles holding quotation marks and cue words that gave no quote: a likely miss, shown
    # so that a failure of the detector is seen instead of a quiet zero.
    quiet: tuple[str, ...] = ()
    seconds: float = 0.0
    totals: dict[str, Any] = field(default_factory=dict)  # the whole store afterwards


_PAIRED_MARKS_RE = re.compile(r"[\"\u201c\u00ab\u201e][^\"\u201c\u201d\u00ab\u00bb\n]{3,}[\"\u201d\u00bb\u201c]")
_CUE_WORD_RE = re.compile(r"\b(?:said|says|say|told|tells|according to|added|stated|wrote|quoted|reported|asked)\b", re.IGNORECASE)


def looks_quoted(text: str) -> bool:
    """Whether a text has a quotation and a cue word, so that finding no quote in it is suspicious."""
    return _PAIRED_MARKS_RE.search(text) is not None and _CUE_WORD_RE.search(text) is not None


class _Clusters:
    """The bridge to :mod:`quotes.dedupe`: cluster ids for each batch's new quotes.

    The deduplicator's index is kept in the store, and each batch loads only
    the part of it that its quotes can touch, so memory does not grow with the
    archive. When an ingest starts, a store clustered before it kept the index
    has the index built, and quotes stored unclustered (``cluster=False``) are
    clustered, a page at a time. Without dedupe (rapidfuzz missing) quotes stay
    unclustered.
    """

    def __init__(self, store: Store, *, enabled: bool = True) -> None:
        self.store = store
        try:
            # By module name: the package re-exports the dedupe *function* as quotes.dedupe.
            self.dedupe: Any = importlib.import_module("quotes.dedupe") if enabled else None
        except ImportError:  # rapidfuzz missing: store quotes unclustered
            self.dedupe = None
        if self.dedupe is not None:
            self._catch_up()

    @property
    def speaker_key(self) -> Callable[[str], str | None]:
        if self.dedupe is None:
            return default_key
        from quotes.text import speaker_key

        return speaker_key

    def _record(self, quote: Quote, article: Article) -> Any:
        return self.dedupe.DedupeRecord.from_quote(quote, date=_iso_date(article.published), outlet=article.outlet)

    def _catch_up(self) -> None:
        if self.store.index_missing():
            pages = _batches(self.store.stored_quotes(clustered=True), _CATCH_UP_PAGE)
            self.store.save_index(
                self.dedupe.index_assignments([(self._record(q, a), cluster_id) for q, cluster_id, a in page], self.store)
                for page in pages
            )
        for page in _batches(self.store.stored_quotes(clustered=False), _CATCH_UP_PAGE):
            found = self.dedupe.cluster_batch([self._record(quote, article) for quote, _, article in page], self.store)
            self.store.set_clusters(found.ids, renamed=found.renamed, index=found.changes)

    def assign(
        self, pairs: Sequence[tuple[Article, list[Quote]]]
    ) -> tuple[dict[str, str], dict[str, str], IndexState | None]:
        """Cluster ids of the batch's quotes, stored clusters merged away (old id -> new id), and the index changes."""
        if self.dedupe is None:
            return {}, {}, None
        records = [self._record(quote, article) for article, found in pairs for quote in found]
        # Replaced articles take their old quotes out of their clusters first.
        replaced = {article.id for article, _ in pairs if self.store.article_state(article) == "changed"}
        rebuild: dict[str, list[Any]] = {cluster_id: [] for cluster_id in self.store.article_clusters(replaced)}
        leaving = []
        for quote, cluster_id, article in self.store.cluster_quotes(rebuild):
            (leaving if quote.article_id in replaced else rebuild[cluster_id]).append(self._record(quote, article))
        found = self.dedupe.cluster_batch(records, self.store, rebuild=rebuild, forget=leaving)
        return found.ids, found.renamed, found.changes


# Stored quotes read at a time when an ingest catches up (and clustered per transaction).
_CATCH_UP_PAGE = 2048


def _iso_date(value: str | None) -> str | None:
    """The date if it is ISO 8601 (dedupe orders by it), else nothing rather than a guess."""
    if not value:
        return None
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return None
    return value


def _canonical_outlet(article: Article, outlets: OutletGazetteer) -> Article:
    """The outlet as the gazetteer names it ("nyt" -> "The New York Times"), so counts add up."""
    if not article.outlet:
        return article
    known = outlets.lookup(article.outlet)
    return dataclasses.replace(article, outlet=known.name) if known and known.name != article.outlet else article


@contextlib.contextmanager
def _sole_writer(db: str | Path) -> Iterator[None]:
    """Refuse a second ingest into the same store while one runs.

    SQLite serialises the writes, but clusters are assigned from what a batch read
    before it wrote: two ingests at once could give one utterance two clusters. The
    lock is flock(2) on the store file itself, which SQLite's own fcntl locks ignore.
    """
    if str(db) == ":memory:" or fcntl is None:
        yield  # nothing another process could write to, or no flock (Windows)
        return
    try:
        lock = open(db, "ab")  # noqa: SIM115 (held for the whole ingest)
    except OSError:
        yield  # the store cannot be opened: Store says why, naming it
        return
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{db}: another `quotes ingest` is writing to this store; run this one when it has finished") from None
        except OSError:
            yield  # a file system without flock: ingest unguarded rather than not at all
            return
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _extract(
    batch: Sequence[Article], extract: Extractor, *, model: str, batch_size: int
) -> tuple[list[tuple[Article, list[Quote]]], list[InputError]]:
    """A batch's quotes; an article the pipeline chokes on fails alone."""
    refused: list[InputError] = []

    def on_error(article: Article, exc: Exception) -> None:
        if not isinstance(exc, InputError):
            raise exc  # a pipeline failure: retry the batch article by article below
        refused.append(exc)  # over the character limit: this article only

    try:
        done = [(a, list(q)) for a, q in extract(list(batch), model=model, batch_size=batch_size, on_error=on_error)]
        return done, refused
    except (QuotesError, KeyboardInterrupt):
        raise  # a missing model fails every article alike: stop and say so
    except Exception:  # noqa: BLE001 (any bug in a pipeline stage must not lose the batch)
        pass
    done: list[tuple[Article, list[Quote]]] = []
    failed: list[InputError] = []
    for article in batch:
        try:
            done += [(a, list(q)) for a, q in extract([article], model=model, batch_size=1)]
        except InputError as error:
            failed.append(error)
        except (QuotesError, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001
            failed.append(InputError(article.path or article.id, f"quote extraction failed ({type(exc).__name__}: {exc})"))
    return done, failed


Engine = Literal["local", "dask"]


class _Reader:
    """The articles to extract, streamed from the inputs: nothing read is kept.

    What is stored already (same content) is skipped by asking the store.
    Articles read twice in one run are skipped by content hash while the first
    copy is in flight; once a batch is stored, the store knows them, so the
    set of hashes never holds more than the articles between reading and storing.
    """

    def __init__(self, store: Store, paths: Sequence[str | Path], outlets: OutletGazetteer) -> None:
        self.store = store
        self.paths = paths
        self.outlets = outlets
        self.read = self.unchanged = 0
        self.failures: list[InputError] = []
        self.in_flight: set[str] = set()

    def count_new(self) -> int:
        """How many articles are not stored yet: a first pass for the progress bar (stdin counts as one)."""
        total = 0
        if any(str(p) == "-" for p in self.paths):
            total += 1
        for result in read_paths([p for p in self.paths if str(p) != "-"]):
            if not isinstance(result, InputError) and self.store.article_state(result) != "unchanged":
                total += 1
        return total

    def articles(self, progress: Progress | None) -> Iterator[Article]:
        for result in read_paths(self.paths):
            if isinstance(result, InputError):
                self.failures.append(result)
                continue
            self.read += 1
            if result.content_hash in self.in_flight or self.store.article_state(result) == "unchanged":
                self.unchanged += 1
                if progress is not None and result.content_hash in self.in_flight:
                    progress.advance(result, 0)  # it was counted as new: keep the bar honest
                continue
            self.in_flight.add(result.content_hash)
            yield _canonical_outlet(result, self.outlets)

    def stored(self, articles: Iterable[Article]) -> None:
        self.in_flight.difference_update(a.content_hash for a in articles)


# What an engine yields per batch: the articles, those extracted with their quotes, the failures.
_Batch = tuple[list[Article], list[tuple[Article, list[Quote]]], list[InputError]]


def _local_batches(
    articles: Iterable[Article],
    extract: Extractor,
    *,
    model: str,
    batch_size: int,
    workers: int,
    full_parse: bool,
    max_chars: int | None = None,
) -> Iterator[_Batch]:
    if workers <= 1:
        for batch in _batches(articles, batch_size):
            kwargs: dict[str, Any] = {"full_parse": True} if full_parse else {}
            if max_chars is not None:
                kwargs["max_chars"] = max_chars
            done, failed = _extract(batch, functools.partial(extract, **kwargs), model=model, batch_size=batch_size)
            yield batch, done, failed
        return
    # One pool for the whole run, fed lazily; a failing article is reported, not fatal.
    failed: list[tuple[Article, InputError]] = []

    def on_error(article: Article, exc: Exception) -> None:
        if isinstance(exc, InputError):
            failed.append((article, exc))
            return
        problem = f"quote extraction failed ({type(exc).__name__}: {exc})"
        failed.append((article, InputError(article.path or article.id, problem)))

    limit: dict[str, Any] = {"max_chars": max_chars} if max_chars is not None else {}
    results = extract(
        articles, model=model, batch_size=batch_size, workers=workers, full_parse=full_parse, on_error=on_error, **limit
    )
    for done in itertools.chain(_batches(results, batch_size), [[]]):  # then a last call for late failures
        if done or failed:
            yield [a for a, _ in done] + [a for a, _ in failed], done, [e for _, e in failed]
        failed.clear()


def ingest(
    paths: Iterable[str | Path],
    *,
    db: str | Path = DEFAULT_DB,
    model: str = DEFAULT_MODEL,
    batch_size: int = 16,
    extract: Extractor = extract_articles,
    progress: Progress | None = None,
    workers: int | None = None,
    engine: Engine = "local",
    scheduler: str | None = None,
    parquet: str | Path | None = None,
    full_parse: bool = False,
    cluster: bool = True,
    max_chars: int | None = None,
    outlets: str | Path | None = None,
) -> IngestReport:
    """Read, extract, store and cluster the articles in ``paths``.

    Articles are streamed: memory holds the batches in flight, not the inputs.

    Args:
        paths: files and folders, as for :func:`quotes.read.read_paths`.
        db: the SQLite store, created if missing.
        model: the spaCy pipeline extraction runs.
        batch_size: articles per extraction batch and per transaction.
        extract: the extraction function, ``extract_articles`` unless a test
            swaps it for one without spaCy.
        progress: told how many articles will be extracted, then of each one.
        workers: processes extracting in parallel; by default 1, and with
            the dask engine and no scheduler one local worker per core.
        engine: ``"local"`` (this machine) or ``"dask"`` (a Dask distributed
            cluster, see :mod:`quotes.distributed`).
        scheduler: with the dask engine, the address of a running scheduler
            (``tcp://host:8786``); none starts a local cluster.
        parquet: with the dask engine, the folder of the Parquet dataset the
            results are written to (default: ``<db>.parquet`` beside the store).
        full_parse: parse all the text instead of the selective path.
        max_chars: the longest article parsed (``quotes.api.DEFAULT_MAX_CHARS``
            when None); a longer one is a failure of its own. The local engine only.
        cluster: cluster the new quotes as they are stored. The clustering
            index is kept in the store, so memory stays flat either way;
            ``cluster=False`` only saves time, and the next ingest with
            clustering on clusters what was left out.
        outlets: a TSV file of the user's own outlets (see
            :func:`quotes.lexicon.load_outlets`): it names the outlets of the
            articles' metadata and those the quotes came through. Not with
            the dask engine, whose workers read ``QUOTES_OUTLETS`` instead.

    Raises:
        StoreError: the store cannot be opened or written.
        ModelError: the spaCy pipeline cannot be loaded.
    """
    started = time.monotonic()
    paths = list(paths)
    if outlets is not None and engine == "dask":
        raise QuotesError("--outlets does not reach Dask workers; set QUOTES_OUTLETS to the file on every worker instead")
    gazetteer = load_outlets(outlets)  # a bad file fails here, before the store is touched
    if outlets is not None:
        extract = functools.partial(extract, outlets=str(outlets))
    if workers is None:
        workers = (os.cpu_count() or 1) if engine == "dask" and not scheduler else 1
    failures: list[InputError] = []
    quiet: list[str] = []
    added = replaced = quotes = unchanged = 0
    with _sole_writer(db), Store(db) as store, contextlib.ExitStack() as stack:
        clusters = _Clusters(store, enabled=cluster)
        store.speaker_key = clusters.speaker_key
        reader = _Reader(store, paths, gazetteer)
        if progress is not None:
            progress.start(reader.count_new())
        articles = reader.articles(progress)
        if engine == "dask":
            from quotes.distributed import DaskExtractor

            dask = stack.enter_context(
                DaskExtractor(scheduler=scheduler, workers=workers, model=model, full_parse=full_parse,
                              output=parquet if parquet is not None else f"{db}.parquet")
            )
            batches: Iterator[_Batch] = dask.batches(articles, batch_size=batch_size)
        elif engine == "local":
            batches = _local_batches(
                articles, extract, model=model, batch_size=batch_size, workers=workers, full_parse=full_parse, max_chars=max_chars
            )
        else:
            raise QuotesError(f"unknown engine {engine!r}; use 'local' or 'dask'")
        for batch, done, failed in batches:
            failures += failed
            quiet += [article.path or article.id for article, found in done if not found and looks_quoted(article.text)]
            assigned, renamed, changes = clusters.assign(done)
            result = store.add_batch(done, clusters=assigned, renamed=renamed, index=changes)
            reader.stored(batch)
            added, replaced, quotes = added + result.added, replaced + result.replaced, quotes + result.quotes
            unchanged += result.unchanged
            if progress is not None:
                found_in = {id(article): len(found) for article, found in done}
                for article in batch:  # failed articles advance the bar too
                    progress.advance(article, found_in.get(id(article), 0))
        totals = store.summary()
    return IngestReport(
        db=str(db),
        read=reader.read,
        added=added,
        replaced=replaced,
        unchanged=unchanged + reader.unchanged,
        quotes=quotes,
        failures=tuple(reader.failures + failures),
        quiet=tuple(quiet),
        seconds=time.monotonic() - started,
        totals=totals,
    )
