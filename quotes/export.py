"""Exports: quote rows written as CSV, JSON Lines, Excel, Markdown or HTML.

Writers take rows (dicts) and the columns to write, in order, and stream:
a store of any size is exported without holding it in memory (except by
openpyxl, whose write-only mode keeps little). Files are written beside the
target and renamed into place, so a failed export never leaves half a file.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from quotes.errors import ExportError

Row = dict[str, Any]
Writer = Callable[[Iterable[Row], Sequence[str], IO[Any]], int]

# Excel widths (in characters) by column; long text wraps instead of widening.
XLSX_WIDTHS = {
    "quote": 80,
    "article_title": 40,
    "speaker": 24,
    "speaker_role": 24,
    "article_outlet": 20,
    "quote_outlet": 18,
    "via": 30,
    "first_outlet": 20,
    "url": 40,
    "date": 12,
    "first_date": 12,
    "type": 9,
    "cue": 12,
    "cluster_size": 8,
    "first_appearance": 10,
}
XLSX_WRAPPED = {"quote", "article_title"}


def _text(value: Any) -> str:
    """A cell as text: booleans as true/false, missing values empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(rows: Iterable[Row], columns: Sequence[str], out: IO[Any]) -> int:
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_text(row.get(c)) for c in columns])
        count += 1
    return count


def write_jsonl(rows: Iterable[Row], columns: Sequence[str], out: IO[Any]) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) + "\n")
        count += 1
    return count


def _markdown_cell(value: Any) -> str:
    # A pipe would end the cell and a line break the row.
    return " ".join(_text(value).split()).replace("\\", "\\\\").replace("|", "\\|")


def write_markdown(rows: Iterable[Row], columns: Sequence[str], out: IO[Any]) -> int:
    out.write("| " + " | ".join(columns) + " |\n")
    out.write("|" + "|".join("---" for _ in columns) + "|\n")
    count = 0
    for row in rows:
        out.write("| " + " | ".join(_markdown_cell(row.get(c)) for c in columns) + " |\n")
        count += 1
    return count


_HTML_HEAD = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Quotes</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; }}
table {{ border-collapse: collapse; font-size: 0.9rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }}
th {{ background: #f3f3f3; position: sticky; top: 0; }}
td.quote {{ min-width: 30rem; }}
</style>
</head>
<body>
<table>
<thead><tr>{header}</tr></thead>
<tbody>
"""


def write_html(rows: Iterable[Row], columns: Sequence[str], out: IO[Any]) -> int:
    out.write(_HTML_HEAD.format(header="".join(f"<th>{html.escape(c)}</th>" for c in columns)))
    count = 0
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            text = html.escape(_text(value))
            if column == "url" and value and str(value).startswith(("http://", "https://")):
                text = f'<a href="{html.escape(str(value), quote=True)}">{text}</a>'
            cells.append(f'<td class="{column}">{text}</td>')
        out.write("<tr>" + "".join(cells) + "</tr>\n")
        count += 1
    out.write("</tbody>\n</table>\n</body>\n</html>\n")
    return count


def write_xlsx(rows: Iterable[Row], columns: Sequence[str], out: IO[Any]) -> int:
    """An Excel sheet with a bold, frozen, filterable header and sensible column widths."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("quotes")
    for index, column in enumerate(columns, start=1):
        width = XLSX_WIDTHS.get(column, max(12, len(column) + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            if isinstance(value, str):
                # Control characters are not allowed in the XML.
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever a quote starts with
            cell.alignment = wrap if column in XLSX_WRAPPED else top
            cells.append(cell)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    book.save(out)
    return count


FORMATS: dict[str, Writer] = {
    "csv": write_csv,
    "jsonl": write_jsonl,
    "xlsx": write_xlsx,
    "md": write_markdown,
    "html": write_html,
}
BINARY_FORMATS = {"xlsx"}
SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx", ".md": "md", ".html": "html", ".htm": "html"}


def format_for(path: str | Path) -> str | None:
    """The export format a file name asks for, by its suffix."""
    return SUFFIXES.get(Path(path).suffix.lower())


def export(rows: Iterable[Row], dest: str | Path, *, columns: Sequence[str], format: str | None = None) -> int:
    """Write ``rows`` to ``dest`` (``-`` is standard output) and return how many were written.

    ``format`` defaults to the one the file name's suffix names.
    """
    name = format or format_for(dest)
    if name is None:
        raise ExportError(f"{dest}: cannot tell the export format from the file name; give --format ({', '.join(FORMATS)})")
    if name not in FORMATS:
        raise ExportError(f"unknown export format {name!r}; choose one of {', '.join(FORMATS)}")
    writer = FORMATS[name]
    if str(dest) == "-":
        if name in BINARY_FORMATS:
            raise ExportError(f"{name} is a binary format; write it to a file with -o FILE.{name}")
        return writer(rows, columns, sys.stdout)
    target = Path(dest)
    if target.is_dir():
        raise ExportError(f"{dest}: is a folder; give a file name, e.g. {target / ('quotes.' + name)}")
    if not target.parent.is_dir():
        raise ExportError(f"{dest}: folder {target.parent} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        if name in BINARY_FORMATS:
            with os.fdopen(handle, "wb") as out:
                count = writer(rows, columns, out)
        else:
            # newline="" lets the csv module write its own \r\n row ends.
            with os.fdopen(handle, "w", encoding="utf-8", newline="" if name == "csv" else None) as out:
                count = writer(rows, columns, out)
        # mkstemp makes the file private; an export is shared like any file the user writes.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except OSError as exc:
        raise ExportError(f"{dest}: cannot be written ({exc.strerror or exc})") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return count


def to_string(rows: Iterable[Row], *, columns: Sequence[str], format: str) -> str:
    """A text export as a string (for tests and previews)."""
    if format in BINARY_FORMATS:
        raise ExportError(f"{format} is a binary format")
    buffer = io.StringIO()
    FORMATS[format](rows, columns, buffer)
    return buffer.getvalue()
