"""Exports: every format written from a store and, where it can be, read back and compared."""

from __future__ import annotations

import os
import csv
import json
import re
from pathlib import Path

import pytest

from quotes.errors import ExportError
from quotes.export import FORMATS, export, to_string
from quotes.records import Article, Quote
from quotes.store import EXPORT_COLUMNS, Filters, Store

TEXT = (
    "Pompeo Hopes for Summit Date\n\n"
    '"=SUM(A1:A3) is not a formula," the analyst said, "and | is not a column."\n\n'
    "North Korean leader Kim Jong-un said he expected great progress, KCNA reported.\n"
)


def _quote(article: Article, content: str, **fields) -> Quote:
    start = article.text.index(content)
    return Quote(article_id=article.id, content=content, content_spans=((start, start + len(content)),), rule="test", **fields)


@pytest.fixture
def store() -> Store:
    store = Store(":memory:")
    article = Article.from_text(
        TEXT, id="sputnik/1.txt", title="Pompeo Hopes <for> Summit", outlet="Sputnik", published="2018-10-08",
        url="https://sputniknews.com/asia/1",
    )
    quotes = [
        _quote(article, "=SUM(A1:A3) is not a formula,", type="direct", cue="said", speaker="the analyst"),
        _quote(article, "and | is not a column.", type="direct", cue="said", speaker="the analyst"),
        _quote(article, "he expected great progress", type="indirect", cue="said", speaker="Kim Jong-un",
               speaker_role="North Korean leader", outlet="KCNA"),
    ]
    store.add_batch([(article, quotes)], clusters={q.id: f"cluster-{i}" for i, q in enumerate(quotes)})
    return store


def _expected(store: Store) -> list[dict]:
    return [{c: row[c] for c in EXPORT_COLUMNS} for row in store.rows()]


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_export_csv_reads_back(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "quotes.csv"
    assert export(store.rows(), path, columns=EXPORT_COLUMNS) == 3
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    assert rows == [{c: _as_text(v) for c, v in row.items()} for row in _expected(store)]


def test_export_jsonl_reads_back(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    export(store.rows(), path, columns=EXPORT_COLUMNS)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert rows == _expected(store)
    assert rows[2]["speaker"] == "Kim Jong-un" and rows[2]["quote_outlet"] == "KCNA" and rows[2]["first_appearance"] is True


def test_export_xlsx_reads_back_with_frozen_header_and_widths(store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "quotes.xlsx"
    export(store.rows(), path, columns=EXPORT_COLUMNS)
    sheet = load_workbook(path).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == list(EXPORT_COLUMNS)
    expected = [[row[c] for c in EXPORT_COLUMNS] for row in _expected(store)]
    assert values[1:] == expected
    assert sheet.freeze_panes == "A2"
    quote_column = sheet.cell(row=1, column=EXPORT_COLUMNS.index("quote") + 1).column_letter
    date_column = sheet.cell(row=1, column=EXPORT_COLUMNS.index("date") + 1).column_letter
    assert sheet.column_dimensions[quote_column].width > sheet.column_dimensions[date_column].width >= 10
    assert sheet.cell(row=1, column=1).font.bold
    # A quote that starts with "=" is text, not a formula Excel would run.
    formula_like = [c for c in sheet[quote_column] if str(c.value).startswith("=")]
    assert formula_like and all(c.data_type == "s" for c in formula_like)


def test_export_markdown_escapes_pipes(store: Store) -> None:
    text = to_string(store.rows(), columns=EXPORT_COLUMNS, format="md")
    lines = text.splitlines()
    assert lines[0].startswith("| quote_id | article_id |")
    assert len(lines) == 2 + 3
    assert "and \\| is not a column." in text
    # Every row has exactly one cell per column once escaped pipes are set aside.
    assert all(len(re.split(r"(?<!\\)\|", line)) == len(EXPORT_COLUMNS) + 2 for line in lines[2:])


def test_export_html_escapes_and_links(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "quotes.html"
    export(store.rows(Filters(speaker="Kim")), path, columns=EXPORT_COLUMNS)
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and page.count("<tr>") == 2
    assert "Pompeo Hopes &lt;for&gt; Summit" in page
    assert '<a href="https://sputniknews.com/asia/1">' in page


def test_export_with_filters_matches_store(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "direct.csv"
    assert export(store.rows(Filters(type="direct")), path, columns=EXPORT_COLUMNS) == 2
    with path.open(encoding="utf-8", newline="") as handle:
        assert {r["type"] for r in csv.DictReader(handle)} == {"direct"}


def test_export_errors(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="cannot tell the export format"):
        export(store.rows(), tmp_path / "quotes.txt", columns=EXPORT_COLUMNS)
    with pytest.raises(ExportError, match="does not exist"):
        export(store.rows(), tmp_path / "nowhere" / "q.csv", columns=EXPORT_COLUMNS)
    with pytest.raises(ExportError, match="binary"):
        export(store.rows(), "-", columns=EXPORT_COLUMNS, format="xlsx")
    assert not list(tmp_path.iterdir())  # nothing half-written left behind


def test_export_every_format_handles_an_empty_store(tmp_path: Path) -> None:
    empty = Store(":memory:")
    for name in FORMATS:
        assert export(empty.rows(), tmp_path / f"empty.{name}", columns=EXPORT_COLUMNS) == 0


def test_export_file_gets_the_usual_permissions(store: Store, tmp_path: Path) -> None:
    # The export is written to a private temporary file first; the result must not stay private.
    umask = os.umask(0o022)
    try:
        path = tmp_path / "quotes.csv"
        export(store.rows(), path, columns=EXPORT_COLUMNS)
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644
