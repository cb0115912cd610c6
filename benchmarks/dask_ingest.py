"""Ingest PolNeAR's dev texts on a Dask cluster and in one process; print times and compare the stores.

Starts a distributed.LocalCluster (--workers processes, one thread each)
unless --scheduler names a running one, ingests the texts with the Dask engine
(results as a Parquet dataset, merged into a fresh store and clustered), then
ingests them again in one process into another store, and prints: wall time
of each (the Dask time includes the workers loading the pipeline), articles
and tokens per second, the size of the Parquet dataset, and whether the two
stores hold the same quotes (ids, text, spans, speakers, clusters).

Usage:
    .venv/bin/python benchmarks/dask_ingest.py [--workers 2] [--scheduler tcp://host:8786] [PATH ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _polnear import polnear_root  # noqa: E402

from quotes.api import load_pipeline  # noqa: E402
from quotes.ingest import ingest  # noqa: E402
from quotes.read import read_paths  # noqa: E402
from quotes.store import Store  # noqa: E402

COLUMNS = (
    "id, article_id, text, type, cue, speaker, speaker_mention, speaker_role, outlet, confidence, headline,"
    " start, end, content_spans, quoted_spans, cue_span, speaker_span, rule, resolution, cluster_id"
)


def stored(db: Path) -> list[tuple[object, ...]]:
    with Store(db, create=False) as store:
        return [tuple(r) for r in store.db.execute(f"SELECT {COLUMNS} FROM quotes ORDER BY id")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scheduler")
    parser.add_argument("--batch-size", type=int, default=8)
    args = parser.parse_args()
    paths = args.paths or [str(polnear_root() / "dev" / "text")]
    nlp = load_pipeline()
    tokens = sum(len(nlp.make_doc(a.text)) for a in read_paths(paths) if hasattr(a, "text"))
    with tempfile.TemporaryDirectory(prefix="quotes-dask-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        if args.scheduler:
            address, cluster = args.scheduler, None
        else:
            from distributed import LocalCluster

            cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40)
            address = cluster.scheduler_address
        try:
            on_dask = ingest(paths, db=folder / "dask.db", engine="dask", scheduler=address,
                             parquet=folder / "results.parquet", batch_size=args.batch_size)
        finally:
            if cluster is not None:
                cluster.close()
        dask_seconds = time.perf_counter() - started
        started = time.perf_counter()
        local = ingest(paths, db=folder / "local.db", batch_size=16)
        local_seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in (folder / "results.parquet").rglob("*.parquet"))
        import pyarrow.parquet as pq

        rows = pq.read_table(folder / "results.parquet" / "quotes").num_rows
        where = args.scheduler or f"LocalCluster of {args.workers} worker processes x 1 thread"
        print(f"{on_dask.added} articles, {tokens:,} tokens; Dask: {where}")
        print(f"dask engine     {dask_seconds:7.1f} s  {on_dask.added / dask_seconds:6.2f} articles/s  "
              f"{tokens / dask_seconds:8,.0f} tokens/s  (cluster start and pipeline loading included)")
        print(f"one process     {local_seconds:7.1f} s  {local.added / local_seconds:6.2f} articles/s  "
              f"{tokens / local_seconds:8,.0f} tokens/s  (pipeline loaded before)")
        print(f"parquet dataset {rows:,} quote rows, {size / 1e6:.1f} MB; stores: {on_dask.quotes:,} and {local.quotes:,} quotes, "
              f"{on_dask.totals.get('clusters')} and {local.totals.get('clusters')} clusters")
        same = stored(folder / "dask.db") == stored(folder / "local.db")
        print(f"same quotes, speakers and clusters in both stores: {same}")
        sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
