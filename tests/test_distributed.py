"""The Dask engine on a real LocalCluster with worker processes: same store as a single-process ingest."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from quotes.ingest import ingest
from quotes.store import Store

distributed = pytest.importorskip("distributed")
pq = pytest.importorskip("pyarrow.parquet")

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
# Short real articles (a few KB each) that hold direct, indirect and split quotes.
ARTICLES = (
    "01_dod_readout-mattis-onodera-2017-08-31.txt",
    "05_voa_trump-abe-hope-summit-2018-04-18.txt",
    "07_jmh_trump-abe-phone-dprk-2018-05-01.txt",
    "14_jmh_pompeo-statement-north-korea-2018-08-29.txt",
    "16_jmh_dprk-criticizes-us-stance-2018-10-02.txt",
)


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    # Two worker processes with one thread each, as on a small real cluster.
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50
    ) as local:
        yield local


def _stored(db: Path) -> list[tuple[object, ...]]:
    with Store(db, create=False) as store:
        rows = store.db.execute(
            "SELECT id, article_id, text, type, cue, speaker, speaker_mention, speaker_role, outlet, confidence,"
            " headline, start, end, content_spans, quoted_spans, cue_span, speaker_span, rule, resolution, cluster_id"
            " FROM quotes ORDER BY id"
        ).fetchall()
        return [tuple(row) for row in rows]


def test_dask_ingest_equals_single_process(tmp_path: Path, cluster: object) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ARTICLES:
        shutil.copy(CORPORA / name, corpus / name)
    local = ingest([corpus], db=tmp_path / "local.db", batch_size=2)
    dataset = tmp_path / "results.parquet"
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    remote = ingest([corpus], db=tmp_path / "dask.db", batch_size=2, engine="dask", scheduler=address, parquet=dataset)

    assert local.failures == remote.failures == ()
    assert (remote.added, remote.quotes) == (local.added, local.quotes) == (len(ARTICLES), local.quotes)
    assert local.quotes > 10
    assert _stored(tmp_path / "dask.db") == _stored(tmp_path / "local.db")
    assert remote.totals == local.totals

    # The Parquet dataset holds every quote once, and the articles they index.
    quotes = pq.read_table(dataset / "quotes").to_pylist()
    articles = {row["id"]: row for row in pq.read_table(dataset / "articles").to_pylist()}
    assert sorted(q["id"] for q in quotes) == [row[0] for row in _stored(tmp_path / "local.db")]
    for quote in quotes:
        start, end = quote["content_spans"][0]
        assert articles[quote["article_id"]]["text"][start:end] in quote["content"]

    # The pipeline was loaded once in each worker process, for all the partitions.
    with distributed.Client(address) as client:
        loads = client.run(lambda: __import__("quotes.api").api.load_pipeline.cache_info().misses)
    assert sorted(loads.values()) == [1, 1]


def test_dask_ingest_twice_adds_nothing(tmp_path: Path, cluster: object) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPORA / ARTICLES[0], corpus / ARTICLES[0])
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    first = ingest([corpus], db=tmp_path / "q.db", engine="dask", scheduler=address)
    second = ingest([corpus], db=tmp_path / "q.db", engine="dask", scheduler=address)
    assert first.added == 1 and (second.added, second.unchanged, second.quotes) == (0, 1, 0)
