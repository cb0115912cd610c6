"""Review decisions: verify, reject, correct; their history, re-ingest, and exports."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotes.cli import cli
from quotes.errors import StoreError
from quotes.store import Filters, Store

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
ARTICLE = "sputnik-2018-10-08-kim-trump-summit.txt"


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _export(db: Path, *options: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_run("export", "--db", str(db), "-o", "-", "--format", "csv", *options))))


@pytest.fixture()
def folder(tmp_path: Path, nlp) -> Path:
    if not (CORPORA / ARTICLE).is_file():
        pytest.skip(f"corpora/{ARTICLE} not found")
    shutil.copy(CORPORA / ARTICLE, tmp_path / ARTICLE)
    return tmp_path


def _three_quotes(db: Path) -> tuple[dict, dict, dict]:
    with Store(db) as store:
        rows = [r for r in store.rows() if r["speaker"]]
    assert len(rows) >= 3
    return rows[0], rows[1], rows[2]


def test_decisions_round_trip_through_reingest_and_export(folder: Path) -> None:
    db = folder / "q.db"
    _run("ingest", str(folder), "--db", str(db))
    verified, corrected, rejected = _three_quotes(db)
    said = _run("verify", verified["quote_id"][:8], "--db", str(db), "--by", "ana", "--note", "checked against KCNA")
    assert "verified by ana" in said
    _run("correct", corrected["quote_id"], "--db", str(db), "--speaker", "Ri Yong Ho", "--by", "ben")
    _run("reject", rejected["quote_id"], "--db", str(db), "--reason", "boundaries")

    # Re-ingesting the unchanged article keeps every decision.
    assert "unchanged (skipped)" in _run("ingest", str(folder), "--db", str(db))
    rows = {r["quote_id"]: r for r in _export(db)}
    assert rows[verified["quote_id"]]["review_status"] == "verified"
    assert rows[verified["quote_id"]]["reviewed_by"] == "ana"
    assert rows[verified["quote_id"]]["review_note"] == "checked against KCNA"
    assert rows[corrected["quote_id"]]["review_status"] == "corrected"
    assert rows[corrected["quote_id"]]["speaker"] == "Ri Yong Ho"
    assert rows[corrected["quote_id"]]["speaker_detected"] == corrected["speaker"] != "Ri Yong Ho"
    assert rows[rejected["quote_id"]]["review_status"] == "rejected"
    others = set(rows) - {verified["quote_id"], corrected["quote_id"], rejected["quote_id"]}
    assert others and {rows[q]["review_status"] for q in others} == {"unreviewed"}
    assert {rows[q]["speaker_detected"] for q in others} == {""}
    assert [r["quote_id"] for r in _export(db, "--status", "verified")] == [verified["quote_id"]]
    assert [r["quote_id"] for r in _export(db, "--status", "corrected", "--speaker", "Ri Yong")] == [corrected["quote_id"]]


def test_a_changed_article_keeps_decisions_on_the_same_words_flagged_for_review(folder: Path) -> None:
    db = folder / "q.db"
    _run("ingest", str(folder), "--db", str(db))
    verified, _, _ = _three_quotes(db)
    _run("verify", verified["quote_id"], "--db", str(db))
    # An editor's note at the top moves every quote: new spans, new ids, the same words.
    path = folder / ARTICLE
    path.write_text("Editor's note: this story was updated.\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert "replaced" in _run("ingest", str(folder), "--db", str(db))
    rows = [r for r in _export(db) if r["review_status"] != "unreviewed"]
    assert len(rows) == 1
    [moved] = rows
    assert moved["quote_id"] != verified["quote_id"] and moved["quote"] == verified["quote"]
    assert moved["review_status"] == "verified" and moved["review_outdated"] == "true"
    shown = _run("show", moved["quote_id"], "--db", str(db))
    assert "review it again" in shown
    assert [r["quote_id"] for r in _export(db, "--outdated")] == [moved["quote_id"]]


def test_history_keeps_every_decision_and_earlier_corrections(tmp_path: Path, folder: Path) -> None:
    db = folder / "q.db"
    _run("ingest", str(folder), "--db", str(db))
    quote, _, _ = _three_quotes(db)
    with Store(db) as store:
        store.review(quote["quote_id"], "corrected", speaker="Kim Yo Jong", reviewer="ana")
        store.review(quote["quote_id"], "corrected", outlet="KCNA", reviewer="ben")
        last = store.review(quote["quote_id"], "verified", reviewer="cho", note="both fixes checked")
        history = store.reviews(quote["quote_id"])
        [row] = store.rows(Filters(status="verified"))
    assert [(r.status, r.reviewer) for r in history] == [("corrected", "ana"), ("corrected", "ben"), ("verified", "cho")]
    assert (last.speaker, last.outlet) == ("Kim Yo Jong", "KCNA")  # a later decision keeps the corrections
    assert (row["speaker"], row["quote_outlet"]) == ("Kim Yo Jong", "KCNA")
    assert row["speaker_detected"] == quote["speaker"]


def test_bad_decisions_are_refused_with_the_reason(folder: Path) -> None:
    db = folder / "q.db"
    _run("ingest", str(folder), "--db", str(db))
    quote, _, _ = _three_quotes(db)
    with Store(db) as store:
        with pytest.raises(StoreError, match="needs a speaker, an outlet or a type"):
            store.review(quote["quote_id"], "corrected")
        with pytest.raises(StoreError, match="not one of direct, indirect, mixed"):
            store.review(quote["quote_id"], "corrected", type="paraphrase")
        with pytest.raises(StoreError, match="no quote with id"):
            store.review("ffffffffffff", "verified")
        assert store.reviews(quote["quote_id"]) == []
    missing = CliRunner().invoke(cli, ["correct", quote["quote_id"], "--db", str(db)])
    assert missing.exit_code == 2 and "at least one of --speaker" in missing.output
