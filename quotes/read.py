"""Readers: turn files, folders and standard input into Article records.

Readers never stop a batch: a path that cannot be read becomes an
:class:`~quotes.errors.InputError` in the stream, named and explained, and
the next path is read.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from quotes.errors import InputError
from quotes.records import Article

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}

ReadResult = Article | InputError


def _decode(raw: bytes, source: str) -> str:
    if b"\x00" in raw[:8192]:
        raise InputError(source, "looks like a binary file (it has NUL bytes); give a text, HTML or JSONL file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            source,
            f"is not UTF-8 (byte {exc.start} cannot be decoded); convert it, e.g. iconv -f latin1 -t utf-8",
        ) from None


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return None


def read_text(raw: bytes, source: str, **metadata: str | None) -> Article:
    """An article from the bytes of a plain-text file; offsets index the decoded text."""
    text = _decode(raw, source)
    if not text.strip():
        raise InputError(source, "is empty")
    return Article.from_text(text, title=metadata.pop("title", None) or _first_line(text), **metadata)


def read_file(path: Path) -> Article:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "no such file or folder") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a folder") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})") from None
    return read_text(raw, str(path), id=str(path), path=str(path))


def _files_under(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in TEXT_SUFFIXES
        and p.name.upper() not in ("README.MD", "SOURCES.MD", "LICENSE")
    )


def read_paths(paths: Iterable[str | Path]) -> Iterator[ReadResult]:
    """Articles from files, folders (recursively) and ``-`` (standard input)."""
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
                yield InputError(str(path), "folder holds no article files (.txt)")
            for file in files:
                yield from _read_one(file)
        else:
            yield from _read_one(path)


def _read_one(path: Path) -> Iterator[ReadResult]:
    try:
        yield read_file(path)
    except InputError as error:
        yield error
