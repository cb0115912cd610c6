"""The misquote check on real quotes: altered copies are flagged with their changed words,
re-typeset copies are not (issue 14)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from quotes.dedupe import ClusterIndex, to_row
from quotes.records import Appearance, Change
from quotes.variants import variants, wording_changes

CORPORA = Path(__file__).resolve().parent.parent / "corpora"


def _real_quotes() -> list[str]:
    """Direct quotes of ten words or more from the hand-annotated shipped articles."""
    found = []
    for line in (CORPORA / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text = (CORPORA / record["file"]).read_text(encoding="utf-8")
        for quote in record["quotes"]:
            content = " ".join(text[a:b] for a, b in quote["content_spans"])
            if quote["type"] == "direct" and len(content.split()) >= 10 and "\u2026" not in content:
                found.append(content)
    return found


QUOTES = _real_quotes()


def _middle(words: list[str]) -> int:
    return len(words) // 2


# Copies a copy-editor makes without changing a word.
def _straight_quotes(q: str) -> str:
    return q.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')


def _upper(q: str) -> str:
    return q.upper()


def _ellipsis_cut(q: str) -> str:
    words = q.split()
    m = _middle(words)
    return " ".join(words[:m] + ["..."] + words[m + 2 :])


def _bracketed(q: str) -> str:
    words = q.split()
    m = _middle(words)
    return " ".join(words[:m] + ["[sic]"] + words[m:])


def _excerpt(q: str) -> str:
    return " ".join(q.split()[2:-2])


def _dashed_and_punctuated(q: str) -> str:
    return "\u201c" + re.sub(r",", " \u2014", q).rstrip(".") + "!\u201d"


RETYPESET: list[Callable[[str], str]] = [_straight_quotes, _upper, _ellipsis_cut, _bracketed, _excerpt, _dashed_and_punctuated]


# Copies that change the words, with the change expected: (copy, first, this).
def _negated(q: str) -> tuple[str, str, str]:
    words = q.split()
    m = _middle(words)
    return " ".join(words[:m] + ["not"] + words[m:]), "", "not"


def _replaced(q: str) -> tuple[str, str, str]:
    words = q.split()
    m = _middle(words)
    original = words[m]
    words[m] = "zebras"
    return " ".join(words), re.sub(r"\W", "", original.lower()), "zebras"


def _dropped(q: str) -> tuple[str, str, str]:
    words = q.split()
    m = _middle(words)
    return " ".join(words[:m] + words[m + 1 :]), re.sub(r"\W", "", words[m].lower()), ""


ALTERED = [_negated, _replaced, _dropped]


def test_the_table_has_real_quotes() -> None:
    assert len(QUOTES) >= 8


@pytest.mark.parametrize("copy", RETYPESET, ids=lambda f: f.__name__)
def test_a_retypeset_copy_is_not_flagged(copy: Callable[[str], str]) -> None:
    for quote in QUOTES:
        assert wording_changes(quote, copy(quote)) == (), (quote, copy(quote))


@pytest.mark.parametrize("alter", ALTERED, ids=lambda f: f.__name__)
def test_an_altered_copy_is_flagged_with_its_words(alter: Callable[[str], tuple[str, str, str]]) -> None:
    for quote in QUOTES:
        altered, first, this = alter(quote)
        assert wording_changes(quote, altered) == (Change(first, this),), (quote, altered)


def test_variants_group_by_wording_and_name_who_introduced_each() -> None:
    quote = QUOTES[0]
    altered, _, _ = _negated(quote)
    appearances = [
        Appearance("a", article_id="wire", date="2018-06-12", text=quote),
        Appearance("b", article_id="paper", date="2018-06-13", text=_straight_quotes(quote)),
        Appearance("c", article_id="blog", date="2018-06-14", text=altered),
        Appearance("d", article_id="site", date="2018-06-15", text=altered.upper()),
    ]
    first, changed = variants(appearances)
    assert first.ids == ("a", "b") and first.changes == ()
    assert changed.ids == ("c", "d") and changed.first_id == "c" and changed.changes == (Change("", "not"),)


def test_dedupe_rows_carry_the_variants() -> None:
    quote = QUOTES[1]
    altered, _, _ = _replaced(quote)
    index = ClusterIndex()
    index.add(
        [
            {"id": "first", "text": quote, "date": "2018-06-12", "speaker": "Kim"},
            {"id": "later", "text": altered, "date": "2018-06-13", "speaker": "Kim"},
        ]
    )
    [cluster] = index.clusters()
    row = to_row(cluster)
    assert [v["ids"] for v in row["variants"]] == [["first"], ["later"]]
    assert row["variants"][1]["changes"] == [{"first": _replaced(quote)[1], "this": "zebras"}]
