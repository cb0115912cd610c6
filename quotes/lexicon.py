"""Word lists the detector and resolver read: cue verbs, cue phrases, outlets.

The lists are data files in ``quotes/data/`` so they can be read, reviewed
and extended without touching code. Users can add outlets of their own with
:func:`load_outlets` (``extra=``) or the ``QUOTES_OUTLETS`` environment variable.

Both files are checked as they are read: a row that does not fit the format
raises :class:`~quotes.errors.QuotesError` naming the file and the line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path

from quotes.errors import QuotesError

SUPPORTED_LANGUAGES = ("en",)

#: The classes a cue can have (see the header of ``data/cues_en.tsv``).
CUE_CLASSES = ("speech", "thought", "report", "stance", "source")

#: The kinds an outlet can be (see the header of ``data/outlets.tsv``).
OUTLET_KINDS = ("agency", "newspaper", "broadcaster", "magazine", "online", "state-media", "platform")

_OUTLET_FORMAT = "name<TAB>kind<TAB>country<TAB>aliases separated by |"
_VERB_LEMMA = re.compile(r"[a-z]+(?:-[a-z]+)*")
_COUNTRY = re.compile(r"[A-Z]{2}")


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of a tab-separated file, without comments and blank lines."""
    rows = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append((number, [cell.strip() for cell in line.split("\t")]))
    return rows


def _data_rows(name: str) -> list[tuple[int, list[str]]]:
    """Rows of a packaged data file in ``quotes/data/``."""
    text = resources.files("quotes").joinpath("data", name).read_text(encoding="utf-8")
    return _rows(text)


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
    # Verbs whose direct object can be what is reported ("criticized the plan"): all but
    # those marked `clause` in the data file ("told reporters" names the addressee).
    object_verbs: frozenset[str] = frozenset()
    # Nouns of saying that carry a that-clause ("the claim that ..."), from data/cue_nouns_<lang>.tsv.
    nouns: dict[str, str] = field(default_factory=dict)

    def verb_class(self, lemma: str) -> str | None:
        return self.verbs.get(lemma.lower())


@cache
def cue_lexicon(lang: str = "en") -> CueLexicon:
    """The cue lexicon for a language, read once from ``data/cues_<lang>.tsv``.

    Each row is ``cue<TAB>class``; a cue with a space is a phrase
    ("according to"), one without is a verb lemma ("say").
    """
    _check_language(lang)
    name = f"cues_{lang}.tsv"
    lexicon = _read_cue_rows(_data_rows(name), f"quotes/data/{name}")
    nouns = {row[0].lower(): (row[1] if len(row) > 1 else "speech") for _, row in _data_rows(f"cue_nouns_{lang}.tsv")}
    return replace(lexicon, nouns=nouns)


def _read_cue_rows(rows: list[tuple[int, list[str]]], source: str) -> CueLexicon:
    verbs: dict[str, str] = {}
    phrases: dict[str, str] = {}
    clause_only: set[str] = set()
    for number, row in rows:
        where = f"{source}, line {number}"
        if len(row) not in (2, 3) or not row[0] or not row[1] or (len(row) == 3 and row[2] != "clause"):
            raise QuotesError(
                f"{where}: expected cue<TAB>class, optionally <TAB>clause, found {len(row)} column(s) {row!r}; "
                "separate the cue from its class with one tab"
            )
        if len(row) == 3:
            clause_only.add(" ".join(row[0].lower().split()))
        cue, cue_class = " ".join(row[0].lower().split()), row[1]
        if cue_class not in CUE_CLASSES:
            raise QuotesError(
                f"{where}: unknown cue class {cue_class!r} for {cue!r}; "
                f"the classes are {', '.join(CUE_CLASSES)}"
            )
        is_phrase = " " in cue
        if not is_phrase and not _VERB_LEMMA.fullmatch(cue):
            raise QuotesError(f"{where}: {cue!r} is not a verb lemma (lowercase letters, optionally hyphenated)")
        table = phrases if is_phrase else verbs
        if table.get(cue, cue_class) != cue_class:
            raise QuotesError(
                f"{where}: {cue!r} is listed as {table[cue]!r} earlier and as {cue_class!r} here; "
                "a cue has one class"
            )
        table[cue] = cue_class
    object_verbs = frozenset(verb for verb in verbs if verb not in clause_only)
    return CueLexicon(verbs=verbs, phrases=phrases, object_verbs=object_verbs)


@dataclass(frozen=True, slots=True)
class Outlet:
    """A news outlet or agency and the names it goes by."""

    name: str
    kind: str  # agency, newspaper, broadcaster, online, magazine, state-media, platform
    country: str  # ISO 3166-1 alpha-2
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OutletGazetteer:
    outlets: tuple[Outlet, ...]
    by_alias: dict[str, Outlet]

    def lookup(self, name: str) -> Outlet | None:
        """The outlet a name refers to, ignoring case and a leading "the".

        The "the" of the name looked up is optional: "the Associated Press" and
        "Associated Press" both find the AP. A name the gazetteer itself writes
        with "The" needs it ("The Hill", "The Hindu"), because the bare word is a
        common English word.
        """
        key = _alias_key(name)
        found = self.by_alias.get(key)
        if found is None and key.startswith("the "):
            found = self.by_alias.get(key[4:])
        return found


def _alias_key(name: str) -> str:
    """A name as the gazetteer indexes it: lowercase, single spaces, straight apostrophes."""
    return " ".join(name.replace("\u2019", "'").split()).lower()


def _read_outlet_rows(rows: list[tuple[int, list[str]]], source: str) -> list[Outlet]:
    outlets = []
    for number, row in rows:
        where = f"{source}, line {number}"
        if not 3 <= len(row) <= 4:
            raise QuotesError(
                f"{where}: found {len(row)} column(s) {row!r}; an outlet row is {_OUTLET_FORMAT}"
            )
        name, kind, country = row[0], row[1], row[2].upper()
        if not name:
            raise QuotesError(f"{where}: the outlet name (first column) is empty; a row is {_OUTLET_FORMAT}")
        if kind not in OUTLET_KINDS:
            raise QuotesError(
                f"{where}: unknown kind {kind!r} for outlet {name!r}; the kinds are {', '.join(OUTLET_KINDS)}"
            )
        if not _COUNTRY.fullmatch(country):
            raise QuotesError(
                f"{where}: country {row[2]!r} for outlet {name!r} is not a two-letter "
                "ISO 3166-1 code such as US, GB or KR"
            )
        aliases = tuple(a.strip() for a in (row[3].split("|") if len(row) > 3 else []) if a.strip())
        outlets.append(Outlet(name=name, kind=kind, country=country, aliases=aliases))
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
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise QuotesError(f"{path}: cannot read outlet file ({exc.strerror})") from exc
        except UnicodeDecodeError as exc:
            raise QuotesError(f"{path}: the outlet file is not UTF-8 text ({exc.reason})") from exc
        outlets = outlets + tuple(_read_outlet_rows(_rows(text), str(path)))
    by_alias: dict[str, Outlet] = {}
    for outlet in outlets:
        for alias in (outlet.name, *outlet.aliases):
            by_alias[_alias_key(alias)] = outlet
    return OutletGazetteer(outlets=outlets, by_alias=by_alias)


@cache
def _packaged_outlets() -> tuple[Outlet, ...]:
    return tuple(_read_outlet_rows(_data_rows("outlets.tsv"), "quotes/data/outlets.tsv"))


@cache
def default_outlets() -> OutletGazetteer:
    return load_outlets()


@dataclass(frozen=True, slots=True)
class PublicFigure:
    """A frequently quoted person: canonical name, gender (m, f or -), titles and other spellings."""

    name: str
    gender: str
    roles: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PeopleGazetteer:
    people: tuple[PublicFigure, ...]
    by_key: dict[str, PublicFigure]

    def lookup(self, name: str) -> PublicFigure | None:
        """The public figure a name or alias refers to; spelling variants compare equal."""
        return self.by_key.get(person_key(name))


def person_key(name: str) -> str:
    """ "Kim Jong Un", "Kim Jong-un" and "KIM JONG UN" give the same key."""
    return " ".join(re.sub(r"[\-\u2010\u2011.'\u2019]+", " ", name).split()).casefold()


@cache
def default_people() -> PeopleGazetteer:
    """The packaged gazetteer of public figures, ``data/people.tsv``."""
    people = []
    by_key: dict[str, PublicFigure] = {}
    source = "quotes/data/people.tsv"
    for number, row in _data_rows("people.tsv"):
        if len(row) < 2 or not row[0] or row[1] not in ("m", "f", "-"):
            raise QuotesError(f"{source}, line {number}: expected name<TAB>gender (m, f or -)<TAB>roles<TAB>aliases")
        roles = tuple(r for r in (row[2].split("|") if len(row) > 2 else []) if r)
        aliases = tuple(a for a in (row[3].split("|") if len(row) > 3 else []) if a)
        person = PublicFigure(name=row[0], gender=row[1], roles=roles, aliases=aliases)
        people.append(person)
        for alias in (person.name, *aliases):
            by_key.setdefault(person_key(alias), person)
    return PeopleGazetteer(people=tuple(people), by_key=by_key)


@cache
def demonyms(lang: str = "en") -> dict[str, str]:
    """Country codes by demonym, lowercase ("ukrainian" -> "UA"), from ``data/demonyms_<lang>.tsv``."""
    _check_language(lang)
    source = f"quotes/data/demonyms_{lang}.tsv"
    table: dict[str, str] = {}
    for number, row in _data_rows(f"demonyms_{lang}.tsv"):
        if len(row) != 2 or not _COUNTRY.fullmatch(row[1]):
            raise QuotesError(f"{source}, line {number}: expected adjective<TAB>two-letter country code, found {row!r}")
        table[row[0].lower()] = row[1]
    return table
