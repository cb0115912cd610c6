"""`quotes extract` and `quotes evaluate` through click's CliRunner, and the commands' docs."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotes.api import extract_articles, load_pipeline
from quotes.cli import JSONL_FIELDS, cli
from quotes.records import Article
from quotes.store import Filters, Store

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

MATTIS = "Defense Secretary Jim Mattis said that the alliance with Japan remains ironclad."
# Non-ASCII text before and inside the quotes, CRLF line endings: offsets must still index the file.
CRLF_TEXT = (
    "Séoul et Tokyo — a dispatch\r\n\r\n"
    "The envoy, Müller, arrived on Monday.\r\n\r\n"
    "\u201cWe are ready to engage immediately in negotiations,\u201d Secretary of State Mike Pompeo said.\r\n\r\n"
    "North Korean leader Kim Jong-un said he expected \u201csignificant results\u201d at the next summit.\r\n"
)


@pytest.fixture
def runner(nlp) -> CliRunner:
    # `nlp` loads the pipeline once per session; the CLI's extraction reuses it.
    return CliRunner()


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))  # byte for byte: no newline translation
    return path


def read_back(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def check_offsets(text: str, row: dict) -> None:
    spans = row["content_spans"]
    assert spans
    for start, end in spans:
        assert 0 <= start < end <= len(text)
    assert row["content"] == " ... ".join(text[a:b] for a, b in spans)
    if row["cue_span"] is not None:
        assert text[slice(*row["cue_span"])] == row["cue"]
    if row["speaker_span"] is not None:
        assert text[slice(*row["speaker_span"])] == row["speaker_mention"]
    for start, end in row["quoted_spans"]:
        assert spans[0][0] <= start < end <= spans[-1][1]


# --- extract -----------------------------------------------------------------------


def test_extract_jsonl_has_the_documented_keys_and_offsets(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "mattis.txt", MATTIS + "\n")
    result = runner.invoke(cli, ["extract", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = jsonl(result.stdout)
    assert len(rows) == 1
    (row,) = rows
    assert list(row) == list(JSONL_FIELDS)
    assert row["article"] == str(path)
    assert len(row["id"]) == 16 and int(row["id"], 16) >= 0
    assert (row["content"], row["type"], row["cue"], row["speaker_mention"]) == (
        "the alliance with Japan remains ironclad",
        "indirect",
        "said",
        "Defense Secretary Jim Mattis",
    )
    check_offsets(read_back(path), row)


def test_extract_jsonl_offsets_survive_crlf_and_non_ascii(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "crlf.txt", CRLF_TEXT)
    assert b"\r\n" in path.read_bytes()
    result = runner.invoke(cli, ["extract", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = jsonl(result.stdout)
    text = read_back(path)
    assert [r["content"] for r in rows] == [
        "We are ready to engage immediately in negotiations,",
        "he expected \u201csignificant results\u201d at the next summit",
    ]
    for row in rows:
        check_offsets(text, row)
    # Non-ASCII is written as such, not as \u escapes.
    assert "\u201csignificant results\u201d" in result.stdout


def test_extract_offsets_skip_a_byte_order_mark(runner: CliRunner, tmp_path: Path) -> None:
    # A BOM is not part of the text (read.py decodes utf-8-sig): offsets index the file read as utf-8-sig.
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + CRLF_TEXT.encode("utf-8"))
    result = runner.invoke(cli, ["extract", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    with open(path, encoding="utf-8-sig", newline="") as handle:
        text = handle.read()
    rows = jsonl(result.stdout)
    assert len(rows) == 2
    for row in rows:
        check_offsets(text, row)


def test_extract_csv_has_a_header_and_one_row_per_quote(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "crlf.txt", CRLF_TEXT)
    result = runner.invoke(cli, ["extract", str(path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames == list(JSONL_FIELDS)
    rows = list(reader)
    assert len(rows) == 2
    text = read_back(path)
    for row in rows:
        spans = json.loads(row["content_spans"])
        assert row["content"] == " ... ".join(text[a:b] for a, b in spans)
        assert row["article"] == str(path)


def test_extract_stdin(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["extract", "-", "--format", "jsonl"], input=MATTIS.encode("utf-8"))
    assert result.exit_code == 0, result.output
    (row,) = jsonl(result.stdout)
    assert row["content"] == "the alliance with Japan remains ironclad"
    check_offsets(MATTIS, row)


def test_extract_table_format_names_the_article_and_the_quote(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "mattis.txt", MATTIS + "\n")
    result = runner.invoke(cli, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    shown = " ".join(result.stdout.split())  # rich wraps the table to the console width
    assert f"{path} \u2014 1 quote" in shown and "1 quotes" not in shown
    for word in ("Mattis", "said", "ironclad"):  # narrow columns may cut other words
        assert word in shown


def _bad_and_good_inputs(tmp_path: Path) -> tuple[list[Path], dict[Path, str]]:
    """Two good files around a missing path, a binary file and a Latin-1 file; each bad one with its problem."""
    good_1 = write(tmp_path / "a-good.txt", MATTIS + "\n")
    missing = tmp_path / "b-missing.txt"
    binary = tmp_path / "c-binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    latin = tmp_path / "d-latin1.txt"
    latin.write_bytes("Le ministre a d\u00e9clar\u00e9 que la r\u00e9union \u00e9tait utile.\n".encode("latin-1"))
    good_2 = write(tmp_path / "e-good.txt", CRLF_TEXT)
    problems = {missing: "no such file", binary: "binary", latin: "not UTF-8"}
    return [good_1, missing, binary, latin, good_2], problems


@pytest.mark.parametrize("output_format", ["jsonl", "csv", "table"])
def test_extract_bad_inputs_are_reported_and_the_rest_is_processed(
    runner: CliRunner, tmp_path: Path, output_format: str
) -> None:
    paths, problems = _bad_and_good_inputs(tmp_path)
    good_1, good_2 = paths[0], paths[-1]
    result = runner.invoke(cli, ["extract", *map(str, paths), "--format", output_format])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    errors = " ".join(result.stderr.split())
    assert errors.count("error:") == 3, result.stderr
    for path, problem in problems.items():
        assert f"{path}: " in errors, path
        reported = errors.split(f"{path}: ", 1)[1].split("error:", 1)[0]
        assert problem in reported, (path, reported)
    # The good files are still extracted and printed.
    if output_format == "jsonl":
        assert [r["article"] for r in jsonl(result.stdout)] == [str(good_1), str(good_2), str(good_2)]
    elif output_format == "csv":
        assert [r["article"] for r in csv.DictReader(io.StringIO(result.stdout))] == [str(good_1), str(good_2), str(good_2)]
    else:
        shown = " ".join(result.stdout.split())
        assert f"{good_1} \u2014 1 quote" in shown and f"{good_1} \u2014 1 quotes" not in shown
        assert f"{good_2} \u2014 2 quotes" in shown


def test_extract_reports_each_bad_input_on_one_line(runner: CliRunner, tmp_path: Path) -> None:
    paths, problems = _bad_and_good_inputs(tmp_path)
    result = runner.invoke(cli, ["extract", *map(str, paths), "--format", "jsonl"])
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    for line, (path, problem) in zip(lines, problems.items()):
        assert str(path) in line and problem in line, line


def test_extract_only_bad_inputs_fails_without_output(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["extract", str(tmp_path / "nowhere.txt"), "--format", "jsonl"])
    assert result.exit_code != 0
    assert result.stdout == ""
    assert str(tmp_path / "nowhere.txt") in result.stderr


def test_extract_needs_a_path(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["extract"])
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr


# --- evaluate ----------------------------------------------------------------------


def _brat_folder(root: Path) -> Path:
    text = MATTIS + "\n"
    content = text.index("the alliance")
    source = text.index("Defense")
    cue = text.index("said")
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "mattis.txt").write_text(text, encoding="utf-8")
    (root / "attributions" / "mattis_ann1.ann").write_text(
        f"T1\tSource {source} {source + 28}\tDefense Secretary Jim Mattis\n"
        f"T2\tCue {cue} {cue + 4}\tsaid\n"
        f"T3\tContent {content - 5} {content + 40}\tthat the alliance with Japan remains ironclad\n"
        f"T4\tAttribution {cue} {cue + 4}\tsaid\n"
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n",
        encoding="utf-8",
    )
    return root


def test_evaluate_json_prints_the_figures(runner: CliRunner, tmp_path: Path) -> None:
    folder = _brat_folder(tmp_path / "gold")
    result = runner.invoke(cli, ["evaluate", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert (figures["articles"], figures["gold"], figures["predicted"], figures["matched"]) == (1, 1, 1, 1)
    # The gold content keeps its leading "that"; the exact match ignores it.
    for name in ("content", "exact", "attribution"):
        assert figures[name] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}, name


def test_evaluate_details_file(runner: CliRunner, tmp_path: Path) -> None:
    folder = _brat_folder(tmp_path / "gold")
    details = tmp_path / "details.jsonl"
    result = runner.invoke(cli, ["evaluate", str(folder), "--json", "--details", str(details)])
    assert result.exit_code == 0, result.output
    (entry,) = jsonl(details.read_text(encoding="utf-8"))
    assert entry["kind"] == "matched"
    assert entry["gold_source"] == "Defense Secretary Jim Mattis"


def test_evaluate_not_a_gold_folder_is_one_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["evaluate", str(tmp_path), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "text/ and attributions/" in result.stderr


# --- docs (as sqlite-utils' tests/test_docs.py) -------------------------------------

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_an_example(name: str) -> None:
    command = cli.commands[name]
    assert command.help, f"quotes {name} has no help text"
    example = re.search(rf"^\s*Example: quotes {re.escape(name)}\b", command.help, re.MULTILINE)
    assert example, f"quotes {name}: help lacks an 'Example: quotes {name} ...' line"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_documented_in_readme(name: str) -> None:
    assert re.search(rf"\bquotes {re.escape(name)}\b", README.read_text(encoding="utf-8")), f"README lacks `quotes {name}`"


def test_extract_table_shows_how_an_unresolved_speaker_was_named(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "sources.txt"
    path.write_text("Two officials said the talks would resume in Stockholm next week.\n", encoding="utf-8")
    result = runner.invoke(cli, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    # No canonical name can be given, so the table shows the mention instead of "unknown".
    assert "Two officials" in result.output
    assert "unknown" not in result.output


# --- your own outlets (--outlets) ----------------------------------------------------

COURIER = "Mayor John Smith told the Valley Courier that the bridge would reopen in May."
COURIER_ROW = "The Valley Courier\tnewspaper\tUS\tValley Courier|the Courier\n"


def test_extract_outlets_file_adds_an_outlet(runner: CliRunner, tmp_path: Path) -> None:
    outlets = write(tmp_path / "my-outlets.tsv", COURIER_ROW)
    result = runner.invoke(cli, ["extract", "-", "--format", "jsonl", "--outlets", str(outlets)], input=COURIER.encode("utf-8"))
    assert result.exit_code == 0, result.output
    (row,) = jsonl(result.stdout)
    assert (row["speaker"], row["outlet"]) == ("John Smith", "The Valley Courier")


@pytest.mark.parametrize("workers", [1, 2])
def test_outlets_file_names_the_publisher_in_a_dateline(tmp_path: Path, workers: int) -> None:
    outlets = write(tmp_path / "my-outlets.tsv", COURIER_ROW)
    article = Article.from_text("SPRINGFIELD (Valley Courier) - " + COURIER, id="dateline")
    ((found, _),) = list(extract_articles([article], outlets=str(outlets), workers=workers))
    assert found.outlet == "The Valley Courier"


def test_extract_articles_without_outlets_reuses_the_loaded_pipeline(nlp) -> None:
    loaded = load_pipeline.cache_info().currsize
    list(extract_articles([Article.from_text(COURIER, id="one")]))
    assert load_pipeline.cache_info().currsize == loaded  # no second copy of the model


def test_extract_without_the_outlets_file_does_not_know_the_outlet(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["extract", "-", "--format", "jsonl"], input=COURIER.encode("utf-8"))
    assert result.exit_code == 0, result.output
    (row,) = jsonl(result.stdout)
    assert row["outlet"] is None


@pytest.mark.parametrize("command", ["extract", "evaluate", "ingest"])
def test_malformed_outlets_file_is_one_error_naming_the_file_and_line(runner: CliRunner, tmp_path: Path, command: str) -> None:
    outlets = write(tmp_path / "my-outlets.tsv", COURIER_ROW + "The Hill Gazette\tnewspaper\n")
    article = write(tmp_path / "courier.txt", COURIER + "\n")
    args = {
        "extract": ["extract", str(article)],
        "evaluate": ["evaluate", str(_brat_folder(tmp_path / "gold"))],
        "ingest": ["ingest", str(article), "--db", str(tmp_path / "quotes.db")],
    }[command]
    result = runner.invoke(cli, [*args, "--outlets", str(outlets)])
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert f"{outlets}, line 2: found 2 column(s)" in line


def test_missing_outlets_file_is_one_error_naming_it(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-outlets.tsv"
    result = runner.invoke(cli, ["extract", "-", "--outlets", str(missing)], input=COURIER.encode("utf-8"))
    assert result.exit_code == 1
    assert f"{missing}: cannot read outlet file" in result.stderr


def test_ingest_outlets_file_is_refused_with_dask(runner: CliRunner, tmp_path: Path) -> None:
    outlets = write(tmp_path / "my-outlets.tsv", COURIER_ROW)
    result = runner.invoke(cli, ["ingest", str(tmp_path), "--engine", "dask", "--outlets", str(outlets)])
    assert result.exit_code == 1
    assert "QUOTES_OUTLETS" in result.stderr


def test_ingest_outlets_file_names_the_outlet_of_the_metadata(runner: CliRunner, tmp_path: Path) -> None:
    outlets = write(tmp_path / "my-outlets.tsv", COURIER_ROW)
    folder = tmp_path / "articles"
    folder.mkdir()
    write(folder / "courier.txt", COURIER + "\n")
    write(folder / "metadata.tsv", "file\ttitle\toutlet\tpublished\turl\ncourier.txt\tBridge to reopen\tthe Courier\t2026-05-01\t\n")
    db = tmp_path / "quotes.db"
    result = runner.invoke(cli, ["ingest", str(folder), "--db", str(db), "--outlets", str(outlets)])
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        (row,) = list(store.rows(Filters()))
    assert (row["article_outlet"], row["quote_outlet"]) == ("The Valley Courier", "The Valley Courier")
