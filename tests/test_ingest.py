"""Ingest: idempotent re-ingest, replacement, failures, clustering, and an ingest killed mid-batch.

Extraction is swapped for a small regex extractor (``extract=``), so these tests
need no spaCy model; the CLI tests run the real pipeline once.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

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
