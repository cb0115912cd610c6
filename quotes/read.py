"""Readers: turn files, folders and standard input into Article records.

One reader per kind of input, chosen by file name:

=====================  ==================================================
``.txt`` (and none)    plain text; the first line is taken as the title
``.html``, ``.htm``    a web page; trafilatura keeps the main text and
                       reads title, date, outlet, author and url
``.jsonl``             one article per line: ``text`` plus optional
                       ``title``, ``outlet``, ``date``, ``url``, ``id``
``.warc``, ``.warc.gz``  crawled pages (warcio); every HTML response is
                       read as a web page
folders                every file above, recursively
``-``                  standard input, as plain text
=====================  ==================================================

Readers never stop a batch: a path, line or record that cannot be read
becomes an :class:`~quotes.errors.InputError` in the stream, named and
explained, and the next one is read.

A ``metadata.tsv`` beside a file, or in one of the two folders above it,
fills in metadata the text itself lacks: a ``file`` or ``filename`` column
naming the file (with or without ``.txt``) and any of ``title``,
``outlet``/``publisher``, ``published``/``publication_date``/``date``,
``url`` and ``author``. The sidecar is written by a person, so its values
win over what a reader guessed.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from quotes.errors import InputError
from quotes.records import Article

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WARC_SUFFIXES = {".warc", ".warc.gz", ".arc", ".arc.gz"}
# Files in a corpus folder that describe the corpus rather than being part of it.
NOT_ARTICLES = {"README.MD", "SOURCES.MD", "LICENSE", "LICENSE.MD", "NOTICE", "CHANGELOG.MD", "GOLD.JSONL"}
SIDECAR = "metadata.tsv"

# Sidecar column -> Article field; the first name in each tuple is the documented one.
SIDECAR_COLUMNS = {
    "title": ("title", "headline"),
    "outlet": ("outlet", "publisher", "source"),
    "published": ("published", "publication_date", "date"),
    "url": ("url",),
    "author": ("author", "byline"),
}
# JSON Lines keys -> Article field.
JSONL_KEYS = {
    "title": ("title", "headline"),
    "outlet": ("outlet", "publisher", "source"),
    "published": ("date", "published", "publication_date"),
    "url": ("url",),
    "author": ("author",),
}

ReadResult = Article | InputError
Metadata = dict[str, str]


def _suffix(path: Path) -> str:
    """The reader-relevant suffix, counting a compression suffix in (``.warc.gz``)."""
    suffixes = [s.lower() for s in path.suffixes]
    if len(suffixes) >= 2 and suffixes[-1] == ".gz":
        return "".join(suffixes[-2:])
    return path.suffix.lower()


def is_article_file(path: Path) -> bool:
    """Whether a folder walk should read ``path``."""
    return (
        not path.name.startswith(".")
        and path.name.upper() not in NOT_ARTICLES
        and not path.name.lower().endswith(".gold.jsonl")  # annotations for scoring, not articles
        and _suffix(path) in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | WARC_SUFFIXES
    )


def _decode(raw: bytes, source: str) -> str:
    if b"\x00" in raw[:8192]:
        raise InputError(source, "looks like a binary file (it has NUL bytes); give a text, HTML or JSONL file")
    try:
        return raw.decode("utf-8-sig")  # a BOM is not part of the text
    except UnicodeDecodeError as exc:
        raise InputError(
            source,
            f"is not UTF-8 (byte {exc.start} cannot be decoded); convert it, e.g. iconv -f latin1 -t utf-8",
        ) from None


def article_text(path: Path) -> str:
    """A text file's article text as every reader gives it: UTF-8, without a leading BOM,
    newlines untouched. Offsets anywhere in quotes (gold files too) index this text."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})") from None
    return _decode(raw, str(path))


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return None


def _clean(metadata: dict[str, Any]) -> dict[str, str]:
    """Metadata without empty values, every value a stripped string."""
    return {k: str(v).strip() for k, v in metadata.items() if v is not None and str(v).strip()}


def read_text(raw: bytes, source: str, **metadata: str | None) -> Article:
    """An article from the bytes of a plain-text file; offsets index the decoded text."""
    text = _decode(raw, source)
    if not text.strip():
        raise InputError(source, "is empty")
    return Article.from_text(text, title=metadata.pop("title", None) or _first_line(text), **metadata)


def read_html(raw: bytes | str, source: str, **metadata: str | None) -> Article:
    """An article from a web page: its main text and metadata, without menus or footers.

    Paragraphs are separated by a blank line, as in the plain-text corpora, so
    a quote never runs across two of them. ``metadata`` given by the caller
    (a WARC header, a sidecar) wins over what the page says about itself.
    """
    import trafilatura  # imported here: it is slow to import and only pages need it

    if isinstance(raw, bytes) and b"\x00" in raw[:8192]:
        raise InputError(source, "looks like a binary file (it has NUL bytes), not a web page")
    try:
        page = trafilatura.bare_extraction(
            raw,
            url=metadata.get("url"),
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            # The publication date, and only one the page states: the extensive
            # search turns "© 2018" in a footer into 2018-01-01, worse than none.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError) as exc:  # lxml rejects some malformed documents outright
        raise InputError(source, f"is not a readable web page ({exc})") from None
    body = getattr(page, "text", None) if page is not None else None
    if not body or not body.strip():
        raise InputError(source, "has no main text that could be told apart from menus and boilerplate")
    text = "\n\n".join(line.strip() for line in body.splitlines() if line.strip())
    found = _clean(
        {
            "title": page.title,
            "outlet": page.sitename or page.hostname,
            "published": page.date,
            "url": page.url,
            "author": page.author,
        }
    )
    found.update(_clean(metadata))
    return Article.from_text(text, **found)


def json_lines(lines: Iterable[str], source: str) -> Iterator[tuple[int, str, Any]]:
    """(line number, "source:line", parsed value or InputError) for each non-blank line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            yield number, where, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, where, InputError(where, f"is not valid JSON ({exc.msg} at column {exc.colno})")


def read_jsonl(raw: bytes, source: str) -> Iterator[ReadResult]:
    """Articles from JSON Lines, one object per line; a bad line is an error, not the end."""
    try:
        content = _decode(raw, source)
    except InputError as error:
        yield error
        return
    found = False
    # "No text" errors wait for the first article: a file where no line has
    # text (gold annotations, say) is one error, not one per line.
    missing: list[InputError] = []
    for number, where, record in json_lines(content.splitlines(), source):
        if isinstance(record, InputError):
            yield record
            continue
        if not isinstance(record, dict):
            yield InputError(where, f"is a JSON {type(record).__name__}, not an object with a \"text\" field")
            continue
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            error = InputError(where, 'has no "text" field (or it is empty); each line needs the article text')
            if found:
                yield error
            else:
                missing.append(error)
            continue
        metadata = {}
        for name, keys in JSONL_KEYS.items():
            value = next((record[k] for k in keys if record.get(k) not in (None, "")), None)
            if value is not None:
                metadata[name] = value
        # A line's own id names the article; else its url; else the content hash.
        article_id = record.get("id") if record.get("id") not in (None, "") else metadata.get("url")
        if not found:
            found = True
            yield from missing
        yield Article.from_text(text, id=article_id, path=where, **_clean(metadata))
    if missing and not found:
        yield InputError(source, f'no line has a "text" field ({len(missing)} lines); is it an article file?')
    elif not found:
        yield InputError(source, "holds no JSON lines")


def read_warc(path: Path) -> Iterator[ReadResult]:
    """Articles from a WARC (or ARC) file: every HTML or plain-text response in it.

    Requests, metadata, images and scripts are skipped without a word; a page
    whose main text cannot be found is an error naming its URL.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    source = str(path)
    found = 0
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, arc2warc=True):
                if record.rec_type not in ("response", "resource"):
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                where = f"{source}#{url}" if url else source
                if record.rec_type == "response" and record.http_headers is not None:
                    status = record.http_headers.get_statuscode()
                    if status and not status.startswith("2"):
                        continue  # redirects and errors carry no article
                    content_type = record.http_headers.get_header("Content-Type") or ""
                else:
                    content_type = record.rec_headers.get_header("Content-Type") or ""
                content_type = content_type.split(";")[0].strip().lower()
                if content_type not in ("text/html", "application/xhtml+xml", "text/plain"):
                    continue
                raw = record.content_stream().read()
                date = record.rec_headers.get_header("WARC-Date")
                try:
                    if content_type == "text/plain":
                        article = read_text(raw, where, id=url or None, url=url, path=where)
                    else:
                        article = read_html(raw, where, id=url or None, url=url, path=where)
                        if article.published is None and date:
                            # The crawl date is a last resort: a page is at least that old.
                            article = dataclasses.replace(article, published=date[:10])
                except InputError as error:
                    yield error
                    continue
                found += 1
                yield article
    except ArchiveLoadFailed as exc:
        yield InputError(source, f"is not a readable WARC file ({str(exc).splitlines()[0]})")
        return
    except OSError as exc:
        yield InputError(source, f"cannot be read ({exc.strerror or exc})")
        return
    if not found:
        yield InputError(source, "holds no HTML or text responses")


class Sidecars:
    """``metadata.tsv`` files found near the files being read, each parsed once."""

    def __init__(self) -> None:
        self._tables: dict[Path, dict[str, Metadata] | None] = {}
        self.errors: list[InputError] = []

    def lookup(self, path: Path) -> Metadata:
        """The sidecar metadata for ``path``: the nearest sidecar that names it wins."""
        folder = path.parent
        for candidate in (folder, folder.parent, folder.parent.parent):
            table = self._table(candidate / SIDECAR)
            if not table:
                continue
            try:
                relative = path.relative_to(candidate).as_posix()
            except ValueError:
                relative = path.name
            for key in (relative, path.name):
                row = table.get(_file_key(key))
                if row is not None:
                    return row
        return {}

    def _table(self, sidecar: Path) -> dict[str, Metadata] | None:
        if sidecar not in self._tables:
            self._tables[sidecar] = self._parse(sidecar) if sidecar.is_file() else None
        return self._tables[sidecar]

    def _parse(self, sidecar: Path) -> dict[str, Metadata] | None:
        try:
            content = _decode(sidecar.read_bytes(), str(sidecar))
        except OSError as exc:
            self.errors.append(InputError(str(sidecar), f"cannot be read ({exc.strerror})"))
            return None
        except InputError as error:
            self.errors.append(error)
            return None
        header = content.split("\n", 1)[0]
        # Named .tsv, but a comma-separated file is an easy mistake to forgive.
        delimiter = "\t" if "\t" in header or "," not in header else ","
        rows = csv.DictReader(io.StringIO(content), delimiter=delimiter)
        columns = {name.strip().lower(): name for name in rows.fieldnames or []}
        file_column = columns.get("file") or columns.get("filename")
        if file_column is None:
            self.errors.append(
                InputError(str(sidecar), 'has no "file" or "filename" column, so its rows cannot be matched to files')
            )
            return None
        table: dict[str, Metadata] = {}
        for row in rows:
            name = (row.get(file_column) or "").strip()
            if not name:
                continue
            metadata = {}
            for field_name, aliases in SIDECAR_COLUMNS.items():
                for alias in aliases:
                    value = row.get(columns.get(alias, ""), None)
                    if value and value.strip() and value.strip().lower() not in ("none", "null", "n/a"):
                        metadata[field_name] = value.strip()
                        break
            table[_file_key(name)] = metadata
        return table


def _file_key(name: str) -> str:
    """A sidecar's file name and a real one match with or without ``.txt``."""
    name = name.strip().replace("\\", "/")
    return name[:-4] if name.lower().endswith(".txt") else name


def read_one(path: Path, metadata: Metadata | None = None) -> Iterator[ReadResult]:
    """Every article in one file, by its kind; ``metadata`` (from a sidecar) wins."""
    source = str(path)
    suffix = _suffix(path)
    if suffix in WARC_SUFFIXES:
        if not path.is_file():
            yield InputError(source, "no such file or folder")
        else:
            yield from read_warc(path)
        return
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        yield InputError(source, "no such file or folder")
        return
    except IsADirectoryError:
        yield InputError(source, "is a folder")
        return
    except OSError as exc:
        yield InputError(source, f"cannot be read ({exc.strerror})")
        return
    extra = dict(metadata or {})
    try:
        if suffix in JSONL_SUFFIXES:
            yield from read_jsonl(raw, source)
        elif suffix in HTML_SUFFIXES:
            yield read_html(raw, source, id=source, path=source, **extra)
        else:
            yield read_text(raw, source, id=source, path=source, **extra)
    except InputError as error:
        yield error


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and is_article_file(p))


def read_paths(paths: Iterable[str | Path]) -> Iterator[ReadResult]:
    """Articles from files, folders (recursively) and ``-`` (standard input).

    Errors are yielded as values, in order, and reading goes on.
    """
    sidecars = Sidecars()
    reported = 0
    for item in paths:
        if str(item) == "-":
            try:
                yield read_text(sys.stdin.buffer.read(), "<stdin>", id="<stdin>")
            except InputError as error:
                yield error
            continue
        path = Path(item)
        if path.is_dir():
            files = _files_under(path)
            if not files:
                yield InputError(str(path), "folder holds no article files (.txt, .html, .jsonl, .warc)")
        else:
            files = [path]
        for file in files:
            metadata = sidecars.lookup(file) if file.parent.is_dir() else {}
            # A broken sidecar is reported once, where it was first needed.
            while reported < len(sidecars.errors):
                yield sidecars.errors[reported]
                reported += 1
            yield from read_one(file, metadata)
