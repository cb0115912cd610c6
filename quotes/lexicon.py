"""Word lists the detector and resolver read: cue verbs, cue phrases, outlets.

The lists are data files in ``quotes/data/`` so they can be read, reviewed
and extended without touching code. Users can add outlets of their own with
:func:`load_outlets` (``extra=``) or the ``QUOTES_OUTLETS`` environment variable.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from quotes.errors import QuotesError

SUPPORTED_LANGUAGES = ("en",)


def _data_lines(name: str) -> list[list[str]]:
    """Rows of a tab-separated data file, without comments and blank lines."""
    text = resources.files("quotes").joinpath("data", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append([cell.strip() for cell in line.split("\t")])
    return rows


def _check_language(lang: str) -> None:
    if lang not in SUPPORTED_LANGUAGES:
        raise QuotesError(
            f"no cue lexicon for language {lang!r}; quotes has lexicons for "
            f"{', '.join(SUPPORTED_LANGUAGES)}. Add one under quotes/data/ to support it."
        )


@dataclass(frozen=True, slots=True)
class CueLexicon:
    """Reporting verbs by lemma (with their class) and multi-word cue phrases."""

    verbs: dict[str, str]
    phrases: dict[str, str]

    def verb_class(self, lemma: str) -> str | None:
        return self.verbs.get(lemma.lower())


@cache
def cue_lexicon(lang: str = "en") -> CueLexicon:
    """The cue lexicon for a language, read once from ``data/cues_<lang>.tsv``.

    Each row is ``cue<TAB>class``; a cue with a space is a phrase
    ("according to"), one without is a verb lemma ("say").
    """
    _check_language(lang)
    verbs: dict[str, str] = {}
    phrases: dict[str, str] = {}
    for row in _data_lines(f"cues_{lang}.tsv"):
        cue, cue_class = row[0].lower(), (row[1] if len(row) > 1 else "speech")
        (phrases if " " in cue else verbs)[cue] = cue_class
    return CueLexicon(verbs=verbs, phrases=phrases)


@dataclass(frozen=True, slots=True)
class Outlet:
    """A news outlet or agency and the names it goes by."""

    name: str
    kind: str  # agency, newspaper, broadcaster, online, magazine, state-media
    country: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OutletGazetteer:
    outlets: tuple[Outlet, ...]
    by_alias: dict[str, Outlet]

    def lookup(self, name: str) -> Outlet | None:
        """The outlet a name refers to, ignoring case and a leading "the"."""
        return self.by_alias.get(_alias_key(name))


def _alias_key(name: str) -> str:
    key = " ".join(name.replace("\u2019", "'").split()).lower()
    return key[4:] if key.startswith("the ") else key


def _read_outlet_rows(rows: list[list[str]], source: str) -> list[Outlet]:
    outlets = []
    for number, row in enumerate(rows, start=1):
        if len(row) < 3:
            raise QuotesError(
                f"{source}: row {number} has {len(row)} columns; an outlet row is "
                "name<TAB>kind<TAB>country<TAB>aliases separated by |"
            )
        aliases = tuple(a for a in (row[3].split("|") if len(row) > 3 else []) if a)
        outlets.append(Outlet(name=row[0], kind=row[1], country=row[2], aliases=aliases))
    return outlets


def load_outlets(extra: str | Path | None = None) -> OutletGazetteer:
    """The packaged outlet gazetteer, plus a user's own TSV file when given.

    A user's rows come last, so they override packaged aliases.
    """
    outlets = _packaged_outlets()
    extra = extra or os.environ.get("QUOTES_OUTLETS")
    if extra:
        path = Path(extra)
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                rows = [
                    [cell.strip() for cell in row]
                    for row in csv.reader(handle, delimiter="\t")
                    if row and not row[0].startswith("#")
                ]
        except OSError as exc:
            raise QuotesError(f"{path}: cannot read outlet file ({exc.strerror})") from exc
        outlets = outlets + tuple(_read_outlet_rows(rows, str(path)))
    by_alias: dict[str, Outlet] = {}
    for outlet in outlets:
        for alias in (outlet.name, *outlet.aliases):
            by_alias[_alias_key(alias)] = outlet
    return OutletGazetteer(outlets=outlets, by_alias=by_alias)


@cache
def _packaged_outlets() -> tuple[Outlet, ...]:
    return tuple(_read_outlet_rows(_data_lines("outlets.tsv"), "quotes/data/outlets.tsv"))


@cache
def default_outlets() -> OutletGazetteer:
    return load_outlets()
