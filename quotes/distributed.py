"""The Dask engine: extraction on a Dask distributed cluster, results as a Parquet dataset.

``quotes ingest PATH --engine dask [--scheduler tcp://host:8786]`` runs
:class:`DaskExtractor`:

* articles are read here (the client) and sent in partitions of
  ``batch_size`` articles, a few partitions per worker thread in flight, so
  neither side ever holds the whole input;
* each worker process loads the pipeline once (at start, through
  ``Client.run``, and cached for every later task);
* each partition's quotes come back as an Arrow table and are written, with
  the partition's articles, as one file of a Parquet dataset:
  ``<output>/quotes/part-<run>-<n>.parquet`` and ``<output>/articles/...``,
  readable by DuckDB, pandas, Polars or Spark (``quote.article_id`` joins
  ``article.id``);
* partitions are then read back from the dataset in input order and merged
  into the SQLite store by :func:`quotes.ingest.ingest`, batch by batch,
  which skips what is stored already and clusters the new quotes, exactly as
  a local ingest does.

Workers need ``quotes`` and the spaCy model installed (``pip install
'quotes[dask]'`` and the model); nothing else is shared with them, not even a
file system: only the client writes the dataset.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from quotes.errors import InputError, QuotesError
from quotes.records import Article, Quote

#: The columns of ``quotes/*.parquet``: a Quote's fields, spans as lists of [start, end].
QUOTE_COLUMNS = (
    "id", "article_id", "content", "content_spans", "type", "cue", "cue_span", "speaker_mention", "speaker_span",
    "speaker", "speaker_role", "outlet", "confidence", "quoted_spans", "rule", "resolution", "headline",
)  # fmt: skip
#: The columns of ``articles/*.parquet``.
ARTICLE_COLUMNS = ("id", "text", "title", "outlet", "published", "url", "path", "author", "content_hash")


class DistributedError(QuotesError):
    """The Dask engine cannot run: dask or pyarrow missing, or no scheduler at the address."""


def _schemas() -> tuple[Any, Any]:
    import pyarrow as pa

    span = pa.list_(pa.int64())
    types = {
        "content_spans": pa.list_(span),
        "quoted_spans": pa.list_(span),
        "cue_span": span,
        "speaker_span": span,
        "confidence": pa.float64(),
        "headline": pa.bool_(),
    }
    quotes = pa.schema([(name, types.get(name, pa.string())) for name in QUOTE_COLUMNS])
    articles = pa.schema([(name, pa.string()) for name in ARTICLE_COLUMNS])
    return quotes, articles


def _load_on_worker(model: str, full_parse: bool) -> str:
    """Load the pipeline in this worker process (cached there for every task)."""
    from quotes.api import _selective, load_pipeline

    load_pipeline(model)
    if not full_parse:
        _selective(model)
    return model


def _extract_partition(ids: list[str], texts: list[str], model: str, full_parse: bool) -> tuple[Any, list[tuple[int, str]]]:
    """On a worker: the quotes of one partition as an Arrow table, and the articles that failed."""
    import pyarrow as pa

    from quotes.api import _extract_texts

    rows: list[dict[str, Any]] = []
    failed: list[tuple[int, str]] = []
    for index, (article_id, found) in enumerate(zip(ids, _extract_texts(texts, model, full_parse, True), strict=True)):
        if isinstance(found, Exception):
            failed.append((index, f"quote extraction failed ({type(found).__name__}: {found})"))
            continue
        for record in found:
            quote = dataclasses.replace(Quote.from_dict(record), article_id=article_id)
            rows.append(quote.to_dict())  # to_dict recomputes the id with the article's
    return pa.Table.from_pylist(rows, schema=_schemas()[0]), failed


class DaskExtractor:
    """Extraction on a Dask cluster, as a context manager that owns the client (and a local cluster).

    Args:
        scheduler: address of a running scheduler; ``None`` starts a
            ``LocalCluster`` of ``workers`` processes with one thread each.
        workers: worker processes of the local cluster.
        model: the spaCy pipeline the workers load.
        full_parse: parse all the text instead of the selective path.
        output: folder of the Parquet dataset (created; earlier runs' files stay).
    """

    def __init__(
        self,
        *,
        scheduler: str | None = None,
        workers: int = 2,
        model: str,
        full_parse: bool = False,
        output: str | Path,
    ) -> None:
        self.scheduler = scheduler
        self.workers = max(1, workers)
        self.model = model
        self.full_parse = full_parse
        self.output = Path(output)
        self.run_id = time.strftime("%Y%m%dT%H%M%S")
        self.client: Any = None
        self.cluster: Any = None
        self.parts: list[Path] = []  # the quote files this run wrote

    def __enter__(self) -> DaskExtractor:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise DistributedError(f"the dask engine needs dask.distributed and pyarrow: pip install 'quotes[dask]' ({exc})") from None
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            raise DistributedError(f"the dask engine needs pyarrow: pip install 'quotes[dask]' ({exc})") from None
        try:
            if self.scheduler:
                self.client = Client(self.scheduler, timeout="30s")
            else:
                self.cluster = LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,  # spaCy is CPU-bound Python: one process per core
                    processes=True,
                    dashboard_address=":0",
                    silence_logs=logging.ERROR,
                )
                self.client = Client(self.cluster)
        except OSError as exc:
            self.close()
            raise DistributedError(f"cannot reach a Dask scheduler at {self.scheduler}: {exc}") from None
        # Every worker loads the pipeline now, in parallel, rather than on its first task.
        self.client.run(_load_on_worker, self.model, self.full_parse)
        (self.output / "quotes").mkdir(parents=True, exist_ok=True)
        (self.output / "articles").mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def batches(
        self, articles: Iterable[Article], *, batch_size: int = 16
    ) -> Iterator[tuple[list[Article], list[tuple[Article, list[Quote]]], list[InputError]]]:
        """Per partition, in input order: its articles, those extracted with their quotes, and the failures.

        Each partition is in the Parquet dataset before it is yielded, and its
        quotes are read back from there: the store gets what the dataset holds.
        """
        threads = max(1, sum(self.client.nthreads().values()))
        pending: deque[tuple[int, list[Article], Any]] = deque()
        iterator = iter(articles)
        number = 0
        try:
            while True:
                while len(pending) < 2 * threads:
                    partition = [a for _, a in zip(range(max(1, batch_size)), iterator)]
                    if not partition:
                        break
                    future = self.client.submit(
                        _extract_partition,
                        [a.id for a in partition],
                        [a.text for a in partition],
                        self.model,
                        self.full_parse,
                        pure=False,
                    )
                    pending.append((number, partition, future))
                    number += 1
                if not pending:
                    return
                index, partition, future = pending.popleft()
                table, failed = future.result()
                yield self._merge(index, partition, table, failed)
        finally:
            for _, _, future in pending:
                future.cancel()

    def _merge(
        self, index: int, partition: list[Article], table: Any, failed: list[tuple[int, str]]
    ) -> tuple[list[Article], list[tuple[Article, list[Quote]]], list[InputError]]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        _, article_schema = _schemas()
        name = f"part-{self.run_id}-{index:06d}.parquet"
        bad = {i for i, _ in failed}
        good = [a for i, a in enumerate(partition) if i not in bad]
        rows = [{**a.to_dict(), "content_hash": a.content_hash} for a in good]
        pq.write_table(pa.Table.from_pylist(rows, schema=article_schema), self.output / "articles" / name)
        path = self.output / "quotes" / name
        pq.write_table(table, path)
        self.parts.append(path)
        found: dict[str, list[Quote]] = {a.id: [] for a in good}
        for row in pq.read_table(path).to_pylist():
            found[row["article_id"]].append(Quote.from_dict(row))
        done = [(a, found[a.id]) for a in good]
        errors = [InputError(partition[i].path or partition[i].id, problem) for i, problem in failed]
        return partition, done, errors

    def workers_loaded(self) -> dict[str, int]:
        """How many times each worker process has loaded the pipeline (1 each, if all went well)."""
        return self.client.run(_load_count)


def _load_count() -> int:
    from quotes.api import load_pipeline

    return load_pipeline.cache_info().misses
