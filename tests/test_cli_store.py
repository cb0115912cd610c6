"""The store commands end to end: ingest with the real pipeline, then search, show, export, review."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotes import cli as cli_module
from quotes.api import extract_articles
from quotes.cli import cli
from quotes.records import Article, Quote
from quotes.store import EXPORT_COLUMNS, Filters, Store
from quotes.text import match_text

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
SAMPLES = ("sputnik-2018-10-08-kim-trump-summit.txt", "05_voa_trump-abe-hope-summit-2018-04-18.txt")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, nlp) -> Path:
    """Two sample articles ingested with the real pipeline, through the CLI."""
    folder = tmp_path_factory.mktemp("corpus")
    for name in SAMPLES:
        if not (CORPORA / name).is_file():
            pytest.skip(f"corpora/{name} not found")
        shutil.copy(CORPORA / name, folder / name)
    (folder / "metadata.tsv").write_text(
        "file\ttitle\toutlet\tpublished\turl\n"
        f"{SAMPLES[0]}\tNorth Korea's Kim Hopes for 'Great Progress'\tSputnik\t2018-10-08\thttps://sputniknews.com/1\n",
        encoding="utf-8",
    )
    (folder / "broken.jsonl").write_text('{"text": "cut off\n', encoding="utf-8")
    db = folder / "q.db"
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code == 1, result.output  # one bad file: reported, the rest stored
    assert "broken.jsonl:1" in result.stderr and "not valid JSON" in result.stderr
    assert "articles read" in result.stdout
    again = CliRunner().invoke(cli, ["ingest", str(folder / SAMPLES[0]), "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert "unchanged (skipped)" in again.stdout
    return db


def test_cli_ingest_stores_quotes_with_metadata(ingested: Path) -> None:
    with Store(ingested) as store:
        summary = store.summary()
        assert summary["articles"] == 2 and summary["quotes"] > 3
        kcna = list(store.rows(Filters(outlet="Sputnik", text="progress")))
    assert kcna and kcna[0]["article_title"] == "North Korea's Kim Hopes for 'Great Progress'"
    assert kcna[0]["date"] == "2018-10-08" and kcna[0]["url"] == "https://sputniknews.com/1"


def test_cli_search_show_speakers_clusters(ingested: Path) -> None:
    runner = CliRunner()
    found = runner.invoke(cli, ["search", "progress", "--db", str(ingested), "--outlet", "sputnik"])
    assert found.exit_code == 0, found.output
    with Store(ingested) as store:
        [first, *_] = store.rows(Filters(text="progress", outlet="sputnik"))
    assert first["quote_id"] in found.stdout
    shown = runner.invoke(cli, ["show", first["quote_id"][:8], "--db", str(ingested)])
    assert shown.exit_code == 0, shown.output
    assert "in context" in shown.stdout and "Sputnik" in shown.stdout
    assert " ".join(first["quote"].split()[:3]) in " ".join(shown.stdout.split())
    speakers = runner.invoke(cli, ["speakers", "--db", str(ingested)])
    assert speakers.exit_code == 0 and "Sputnik" in speakers.stdout
    clusters = runner.invoke(cli, ["clusters", "--db", str(ingested), "--appearances", "--limit", "2"])
    assert clusters.exit_code == 0, clusters.output


def test_cli_export_reads_back(ingested: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for name in ("csv", "jsonl", "xlsx", "md", "html"):
        out = tmp_path / f"quotes.{name}"
        result = runner.invoke(cli, ["export", "-o", str(out), "--db", str(ingested), "--since", "2018-01-01"])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    with Store(ingested) as store:
        expected = [{c: row[c] for c in EXPORT_COLUMNS} for row in store.rows(Filters(since="2018-01-01"))]
    assert [json.loads(line) for line in (tmp_path / "quotes.jsonl").read_text(encoding="utf-8").splitlines()] == expected
    with (tmp_path / "quotes.csv").open(encoding="utf-8", newline="") as handle:
        assert [r["quote_id"] for r in csv.DictReader(handle)] == [r["quote_id"] for r in expected]
    stdout = runner.invoke(cli, ["export", "--format", "jsonl", "-o", "-", "--db", str(ingested), "--type", "direct"])
    assert all(json.loads(line)["type"] == "direct" for line in stdout.stdout.splitlines())


def test_cli_store_errors_are_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["search", "x", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1
    assert missing.stderr.strip().startswith("error:") and "none.db" in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "none.db").exists()  # a query never creates a store
    bad_date = runner.invoke(cli, ["search", "x", "--since", "last week", "--db", str(tmp_path / "none.db")])
    assert bad_date.exit_code == 2 and "2018-10-08" in bad_date.output
    Store(tmp_path / "q.db").close()
    unknown = runner.invoke(cli, ["show", "abc", "--db", str(tmp_path / "q.db")])
    assert unknown.exit_code == 1 and "no quote" in unknown.stderr
    bad_suffix = runner.invoke(cli, ["export", "-o", str(tmp_path / "out.txt"), "--db", str(tmp_path / "q.db")])
    assert bad_suffix.exit_code == 1 and "--format" in bad_suffix.stderr


def test_cli_review_hints_when_datasette_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import quotes.review

    monkeypatch.setattr(quotes.review, "datasette_installed", lambda: False)
    Store(tmp_path / "q.db").close()
    result = CliRunner().invoke(cli, ["review", "--db", str(tmp_path / "q.db")])
    assert result.exit_code == 1 and "pip install 'quotes[review]'" in result.stderr


def test_cli_review_serves_facets(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("datasette")
    db = tmp_path / "review.db"
    with Store(db) as store:
        article = Article.from_text("Talks\n\nKim said talks went well.\n", id="a", outlet="Sputnik")
        start = article.text.index("talks went well")
        found = Quote(article_id="a", content="talks went well", content_spans=((start, start + 15),), type="indirect", speaker="Kim Jong Un")
        store.add_batch([(article, [found])])
    result = CliRunner().invoke(cli, ["review", "--db", str(db), "--get", "/review/quote_rows.json?_search=talks&_shape=objects"])
    assert result.exit_code == 0, result.output
    page = json.loads(capfd.readouterr().out)  # datasette runs as a child process
    assert [r["speaker"] for r in page["rows"]] == ["Kim Jong Un"]
    assert {"speaker", "article_outlet", "type"} <= set(page["facet_results"])


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_cli_review_stopped_by_a_signal_stops_datasette(tmp_path: Path, stop: signal.Signals) -> None:
    pytest.importorskip("datasette")
    db = tmp_path / "review.db"
    Store(db).close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    review = subprocess.Popen(
        [sys.executable, "-m", "quotes", "review", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        assert _answers(port, within=60), "datasette never came up"
        review.send_signal(stop)  # to quotes alone, not its process group
        review.wait(timeout=30)
        assert not _answers(port, within=0.5), "datasette still serves after quotes review was stopped"
    finally:
        review.kill()


def _answers(port: int, *, within: float) -> bool:
    """Whether something accepts connections on the port before ``within`` seconds pass (stopping early if so)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with socket.socket() as client:
            if client.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


def test_every_store_command_has_an_example() -> None:
    for name in ("ingest", "search", "speakers", "show", "export", "clusters", "review"):
        command = cli_module.cli.commands[name]
        assert "Example:" in (command.help or ""), name


def test_extract_ids_are_the_stores_quote_ids_and_feed_dedupe(ingested: Path) -> None:
    runner = CliRunner()
    article = ingested.parent / SAMPLES[0]
    extracted = runner.invoke(cli, ["extract", str(article), "--format", "jsonl"])
    assert extracted.exit_code == 0, extracted.output
    exported = runner.invoke(cli, ["export", "--format", "jsonl", "-o", "-", "--db", str(ingested)])
    stored = {json.loads(line)["quote_id"] for line in exported.stdout.splitlines()}
    ids = [json.loads(line)["id"] for line in extracted.stdout.splitlines()]
    assert ids and set(ids) <= stored
    # extract's lines go straight into dedupe: every quote lands in a cluster
    clustered = runner.invoke(cli, ["dedupe", "-"], input=extracted.stdout)
    assert clustered.exit_code == 0, clustered.output
    clusters = [json.loads(line) for line in clustered.stdout.splitlines()]
    assert sorted(i for c in clusters for i in c["ids"]) == sorted(ids)


def test_offsets_of_a_file_with_a_byte_order_mark_index_the_text_without_it(nlp, tmp_path: Path) -> None:
    # One convention everywhere (docs/schema.md): the BOM is not part of the text, CRLF stays two characters.
    text = (CORPORA / SAMPLES[0]).read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    runner = CliRunner()
    extracted = runner.invoke(cli, ["extract", str(path), "--format", "jsonl"])
    assert extracted.exit_code == 0, extracted.output
    rows = [json.loads(line) for line in extracted.stdout.splitlines()]
    assert len(rows) > 3
    db = tmp_path / "q.db"
    assert runner.invoke(cli, ["ingest", str(path), "--db", str(db)]).exit_code == 0
    with Store(db) as store:
        [stored_text] = [r[0] for r in store.db.execute("SELECT text FROM articles")]
        assert stored_text == text  # no BOM, CRLF kept
        exported = {r["quote_id"]: r["quote"] for r in store.rows(Filters())}
    for row in rows:
        assert " ... ".join(text[a:b] for a, b in row["content_spans"]) == row["content"]
        assert exported[row["id"]] == row["content"]
    shown = runner.invoke(cli, ["show", rows[0]["id"], "--db", str(db)])
    assert shown.exit_code == 0 and " ".join(rows[0]["content"].split()) in " ".join(shown.stdout.split())
    # Gold offsets are read the same way: the extraction scores perfectly against itself.
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"file": "bom.txt", "quotes": [{"content_spans": r["content_spans"]} for r in rows]}) + "\n")
    scored = runner.invoke(cli, ["evaluate", str(gold), "--json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout)["exact"]["f1"] == 1.0


def test_an_altered_copy_is_shown_as_differing_from_the_first_appearance(nlp, tmp_path: Path) -> None:
    original = (CORPORA / SAMPLES[0]).read_text(encoding="utf-8")
    [(_, found)] = extract_articles([Article.from_text(original)])
    quote = next(q for q in found if q.type == "direct" and len(q.content.split()) >= 6)
    words = quote.content.split()
    altered_quote = " ".join([*words[:3], "not", *words[3:]])
    start, end = quote.content_spans[0]
    (tmp_path / "wire.txt").write_text(original, encoding="utf-8")
    (tmp_path / "retyped.txt").write_text(_straight(original), encoding="utf-8")
    (tmp_path / "altered.txt").write_text(original[:start] + altered_quote + original[end:], encoding="utf-8")
    (tmp_path / "metadata.tsv").write_text(
        "file\toutlet\tpublished\nwire.txt\tSputnik\t2018-10-08\nretyped.txt\tYonhap\t2018-10-09\naltered.txt\tDaily Blog\t2018-10-10\n",
        encoding="utf-8",
    )
    db = tmp_path / "q.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(tmp_path), "--db", str(db)]).exit_code == 0
    with Store(db) as store:
        rows = [r for r in store.rows(Filters()) if r["cluster_size"] == 3 and match_text(r["quote"]) in
                {match_text(quote.content), match_text(altered_quote)}]
    by_outlet = {r["article_outlet"]: r for r in rows}
    assert set(by_outlet) == {"Sputnik", "Yonhap", "Daily Blog"}
    assert not by_outlet["Sputnik"]["differs_from_first"] and not by_outlet["Yonhap"]["differs_from_first"]
    assert by_outlet["Daily Blog"]["differs_from_first"]
    assert json.loads(by_outlet["Daily Blog"]["changes"]) == [{"first": "", "this": "not"}]
    listed = runner.invoke(cli, ["clusters", "--db", str(db), "--variants", "--min-size", "3"])
    assert listed.exit_code == 0, listed.output
    assert "2 wordings, 1 changed from the first appearance" in listed.stdout and "∅ → not" in listed.stdout
    shown = runner.invoke(cli, ["show", by_outlet["Daily Blog"]["quote_id"], "--db", str(db)])
    assert "words differ from the first appearance: ∅ → not" in shown.stdout
    unchanged = runner.invoke(cli, ["show", by_outlet["Yonhap"]["quote_id"], "--db", str(db)])
    assert "differ" not in unchanged.stdout


def _straight(text: str) -> str:
    return text.translate(str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"}))
