"""Ingest: idempotent re-ingest, replacement, failures, clustering, and an ingest killed mid-batch.

Extraction is swapped for a small regex extractor (``extract=``), so these tests
need no spaCy model; the CLI tests run the real pipeline once.
"""

from __future__ import annotations

import importlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from quotes.errors import StoreError
from quotes.ingest import ingest
from quotes.records import Article, Quote
from quotes.store import Filters, Store

ROOT = Path(__file__).resolve().parent.parent

# "…," Name said  -> a direct quote with that speaker.
QUOTE = re.compile(r"[\"“]([^\"”]+)[\"”],? (?:said |says )?([A-Z][\w.-]*(?: [A-Z][\w.-]*)*)")


def fake_extract(articles: Iterable[Article], **options: object) -> Iterator[tuple[Article, list[Quote]]]:
    for article in articles:
        if "EXPLODE" in article.text:
            raise RuntimeError("the pipeline choked")
        found = [
            Quote(
                article_id=article.id,
                content=m.group(1),
                content_spans=((m.start(1), m.end(1)),),
                type="direct",
                cue="said",
                speaker=m.group(2),
                rule="fake",
            )
            for m in QUOTE.finditer(article.text)
        ]
        yield article, found


# One line per story that no other story repeats, for the stories' first quotes.
OWN_LINES = (
    "The missile flew over Hokkaido before falling into the Pacific",
    "Our delegation arrives in Singapore on Sunday",
    "The joint drills are suspended for now",
    "Fissile material production has not stopped at Yongbyon",
    "Families of the abductees deserve answers this year",
    "A freeze alone would reward bad behaviour",
    "Working-level talks could resume within weeks",
)


def write_corpus(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{i:02d}.txt"
        path.write_text(
            f"Story {i}\n\n\"{OWN_LINES[i]} in round {i},\" Kim Jong Un said.\n\n"
            "\"Sanctions stay until denuclearization is complete,\" Mike Pompeo said.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def test_ingest_twice_adds_nothing(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 5)
    db = tmp_path / "q.db"
    first = ingest([tmp_path / "corpus"], db=db, extract=fake_extract, batch_size=2)
    assert (first.read, first.added, first.quotes, first.failures) == (5, 5, 10, ())
    second = ingest([tmp_path / "corpus"], db=db, extract=fake_extract, batch_size=2)
    assert (second.added, second.unchanged, second.quotes) == (0, 5, 0)
    assert second.totals == first.totals


def test_a_second_ingest_into_a_store_being_written_is_refused(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 2)
    db = tmp_path / "q.db"
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract)
    # Another process ingesting holds the store's ingest lock (a child, so the lock is not ours).
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import fcntl, sys, time; f = open({str(db)!r}, 'ab'); fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(StoreError, match="another `quotes ingest` is writing to this store"):
            ingest([tmp_path / "corpus"], db=db, extract=fake_extract)
    finally:
        holder.kill()
        holder.wait()
    # Once it is gone, ingesting works again.
    assert ingest([tmp_path / "corpus"], db=db, extract=fake_extract).unchanged == 2


def test_ingest_replaces_a_changed_article(tmp_path: Path) -> None:
    [path, _] = write_corpus(tmp_path / "corpus", 2)
    db = tmp_path / "q.db"
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract)
    path.write_text("Story 0, corrected\n\n\"We never said that,\" Kim Jong Un said.\n", encoding="utf-8")
    report = ingest([tmp_path / "corpus"], db=db, extract=fake_extract)
    assert (report.added, report.replaced, report.unchanged, report.quotes) == (0, 1, 1, 1)
    with Store(db) as store:
        texts = [r["quote"] for r in store.rows(Filters(speaker="Kim"))]
    assert "We never said that," in texts and not any("round 0" in t for t in texts)


def test_ingest_lists_failures_and_stores_the_rest(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 3)
    (tmp_path / "corpus" / "bad.txt").write_bytes(b"\xff\xfe\x00\x00binary")
    (tmp_path / "corpus" / "boom.txt").write_text("Boom\n\nEXPLODE \"now,\" Someone said.\n", encoding="utf-8")
    report = ingest([tmp_path / "corpus", tmp_path / "missing"], db=tmp_path / "q.db", extract=fake_extract, batch_size=8)
    assert report.added == 3
    reasons = {Path(f.source).name: f.problem for f in report.failures}
    assert set(reasons) == {"bad.txt", "boom.txt", "missing"}
    assert "extraction failed" in reasons["boom.txt"] and "choked" in reasons["boom.txt"]


def test_ingest_clusters_repeated_quotes(tmp_path: Path) -> None:
    pytest.importorskip("rapidfuzz")
    write_corpus(tmp_path / "corpus", 3)
    db = tmp_path / "q.db"
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract, batch_size=1)
    with Store(db) as store:
        top = store.clusters(min_size=2)
        assert top and top[0]["appearances"] == 3 and top[0]["articles"] == 3
        assert "Sanctions stay" in top[0]["text"]
        # Every quote has a cluster, and each cluster id names a stored cluster.
        rows = list(store.rows())
        assert all(r["cluster_id"] for r in rows)
        assert sum(r["first_appearance"] for r in rows) == store.summary()["clusters"]


def _partition(db: Path) -> list[set[str]]:
    with Store(db) as store:
        groups: dict[str, set[str]] = {}
        for quote, cluster_id, _ in store.stored_quotes():
            groups.setdefault(cluster_id, set()).add(quote.id)
    return sorted(groups.values(), key=sorted)


def _partition_in_memory(db: Path) -> list[set[str]]:
    """The clusters one in-memory index makes of the stored quotes, added in the order they were stored."""
    from quotes.dedupe import ClusterIndex, DedupeRecord

    with Store(db) as store:
        records = [DedupeRecord.from_quote(quote) for quote, _, _ in store.stored_quotes()]
    index = ClusterIndex()
    index.add(records)
    return sorted(({a.quote_id for a in c.appearances} for c in index.clusters()), key=sorted)


def test_ingest_clusters_across_runs_as_one_index_would(tmp_path: Path) -> None:
    pytest.importorskip("rapidfuzz")
    write_corpus(tmp_path / "first", 3)
    db = tmp_path / "q.db"
    ingest([tmp_path / "first"], db=db, extract=fake_extract, batch_size=2)
    with Store(db) as store:
        [sanctions] = store.clusters(min_size=2)
    # A later run, with a store opened afresh: the same line and a re-worded one join the stored cluster.
    later = tmp_path / "later"
    later.mkdir()
    (later / "a.txt").write_text("Later\n\n\"Sanctions stay until denuclearization is complete,\" Mike Pompeo said.\n")
    (later / "b.txt").write_text("Later\n\n\"Sanctions stay until denuclearisation is complete.\" Mike Pompeo said.\n")
    ingest([later], db=db, extract=fake_extract, batch_size=1)
    with Store(db) as store:
        [top] = store.clusters(min_size=2)
    assert (top["id"], top["appearances"], top["first_quote_id"]) == (sanctions["id"], 5, sanctions["first_quote_id"])
    assert _partition(db) == _partition_in_memory(db)


def test_ingest_replaced_article_leaves_its_clusters(tmp_path: Path) -> None:
    pytest.importorskip("rapidfuzz")
    [first, *_] = write_corpus(tmp_path / "corpus", 3)
    db = tmp_path / "q.db"
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract)
    own_line = f"{OWN_LINES[0]} in round 0"
    with Store(db) as store:
        [old] = [r["cluster_id"] for r in store.rows(Filters(text=OWN_LINES[0]))]
    first.write_text("Story 0, corrected\n\n\"We never said that,\" Kim Jong Un said.\n", encoding="utf-8")
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract)
    with Store(db) as store:
        assert store.clusters(min_size=2)[0]["appearances"] == 2  # the sanctions line, now in two stories
        assert not store.db.execute("SELECT 1 FROM dedupe_clusters WHERE cluster_id = ?", (old,)).fetchone()
    # The corrected line, quoted again elsewhere, starts a cluster of its own rather than the deleted one.
    (tmp_path / "corpus" / "again.txt").write_text(f"Again\n\n\"{own_line},\" Kim Jong Un said.\n", encoding="utf-8")
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract)
    with Store(db) as store:
        [row] = store.rows(Filters(text=OWN_LINES[0]))
    assert row["cluster_id"] != old and row["cluster_size"] == 1
    assert _partition(db) == _partition_in_memory(db)


def test_ingest_indexes_a_store_clustered_before_it_kept_the_index(tmp_path: Path) -> None:
    pytest.importorskip("rapidfuzz")
    from test_store import downgrade

    write_corpus(tmp_path / "corpus", 3)
    db = tmp_path / "q.db"
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract)
    with Store(db) as store:
        [sanctions] = store.clusters(min_size=2)
    downgrade(db, 2)
    write_corpus(tmp_path / "corpus", 5)
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract)
    with Store(db) as store:
        assert not store.index_missing()
        [top] = store.clusters(min_size=2)
    assert (top["id"], top["appearances"]) == (sanctions["id"], 5)


def test_ingest_builds_the_index_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("rapidfuzz")
    from test_store import downgrade

    import quotes.ingest as ingest_module

    dedupe_module = importlib.import_module("quotes.dedupe")  # by name: quotes.dedupe is also the function

    write_corpus(tmp_path / "corpus", 4)
    db = tmp_path / "q.db"
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract)
    downgrade(db, 2)
    # The build stops after its first page of stored quotes.
    monkeypatch.setattr(ingest_module, "_CATCH_UP_PAGE", 2)
    calls = []
    original = dedupe_module.index_assignments

    def stop_after_one_page(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(dedupe_module, "index_assignments", stop_after_one_page)
    with pytest.raises(KeyboardInterrupt):
        ingest([tmp_path / "corpus"], db=db, extract=fake_extract)
    with Store(db) as store:
        assert store.index_missing()  # not half an index, which would never be completed
    monkeypatch.setattr(dedupe_module, "index_assignments", original)
    write_corpus(tmp_path / "corpus", 5)
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract)
    with Store(db) as store:
        assert store.clusters(min_size=2)[0]["appearances"] == 5
    assert _partition(db) == _partition_in_memory(db)


def test_ingest_clusters_what_an_unclustered_ingest_stored(tmp_path: Path) -> None:
    pytest.importorskip("rapidfuzz")
    write_corpus(tmp_path / "corpus", 4)
    db = tmp_path / "q.db"
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract, cluster=False)
    with Store(db) as store:
        assert not any(cluster_id for _, cluster_id, _ in store.stored_quotes()) and store.summary()["clusters"] == 0
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract)
    with Store(db) as store:
        assert all(cluster_id for _, cluster_id, _ in store.stored_quotes())
        assert store.clusters(min_size=2)[0]["appearances"] == 4
    assert _partition(db) == _partition_in_memory(db)


def test_ingest_batches_find_rows_by_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No statement an ingest runs per batch reads a whole table, so a batch costs as much in a large store."""
    pytest.importorskip("rapidfuzz")
    statements: list[str] = []
    opened = Store.__init__

    def traced(self: Store, *args: object, **kwargs: object) -> None:
        opened(self, *args, **kwargs)  # type: ignore[arg-type]
        self.db.set_trace_callback(statements.append)

    monkeypatch.setattr(Store, "__init__", traced)
    [first, *_] = write_corpus(tmp_path / "corpus", 4)
    db = tmp_path / "q.db"
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract, cluster=False)
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract)  # clusters what the first left out
    write_corpus(tmp_path / "corpus", 6)
    first.write_text("Story 0, corrected\n\n\"We never said that,\" Kim Jong Un said.\n", encoding="utf-8")
    ingest([tmp_path / "corpus"], db=db, extract=fake_extract, batch_size=2)  # adds two, replaces one
    # Allowed: the closing summary's counts, and dropping orphans after a replacement.
    once = ("SELECT count(*)", "SELECT 1 FROM dedupe_clusters LIMIT 1", "DELETE FROM speakers WHERE id NOT IN",
            "DELETE FROM outlets WHERE id NOT IN", "SELECT k, v FROM 'main'.'quotes_fts_config'")
    scanning = {}
    with sqlite3.connect(db) as connection:
        for sql in set(statements):
            if sql.split()[0].upper() not in ("SELECT", "INSERT", "UPDATE", "DELETE") or sql.startswith(once):
                continue
            plan = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}")]
            # Scanning the keys given (json_each), or what a LIMITed subquery found, is no table scan.
            bounded = ("SCAN json_each", "SCAN CONSTANT ROW", "SCAN (subquery")
            scans = [step for step in plan if step.startswith("SCAN") and not step.startswith(bounded)]
            if scans:
                scanning[sql] = scans
    assert len(statements) > 100 and not scanning


_KILLED_INGEST = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from test_ingest import fake_extract
from quotes import store as store_module
from quotes.ingest import ingest

# Die abruptly (no cleanup, no rollback) half-way through writing the third batch.
original = store_module.Store._insert_quote
calls = {{"n": 0}}
def insert_then_die(self, quote, article):
    calls["n"] += 1
    if calls["n"] == 2 * 2 * 2 + 1:  # 2 batches of 2 articles of 2 quotes, then one more
        os.kill(os.getpid(), signal.SIGKILL)
    return original(self, quote, article)
store_module.Store._insert_quote = insert_then_die
ingest([{corpus!r}], db={db!r}, extract=fake_extract, batch_size=2)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_ingest_killed_mid_batch_keeps_committed_batches_and_resumes(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 7)
    db = tmp_path / "q.db"
    script = _KILLED_INGEST.format(tests=str(Path(__file__).parent), corpus=str(tmp_path / "corpus"), db=str(db))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], env=env, capture_output=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, run.stderr.decode()
    with Store(db) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # The two committed batches are whole; nothing of the third is there.
        assert store.summary()["articles"] == 4 and store.summary()["quotes"] == 8
        assert len(list(store.rows(Filters(text="round")))) == 4
    resumed = ingest([tmp_path / "corpus"], db=db, extract=fake_extract, batch_size=2)
    assert (resumed.unchanged, resumed.added, resumed.quotes) == (4, 3, 6)
    with Store(db) as store:
        assert store.summary()["articles"] == 7 and store.summary()["quotes"] == 14
        assert store.db.execute("SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'round'").fetchone()[0] == 7
    # The clusters (and the index they were decided with) lost nothing of the killed batch either.
    assert _partition(db) == _partition_in_memory(db)
