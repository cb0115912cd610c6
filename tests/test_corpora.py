"""The shipped sample corpus: files, metadata, licences and the hand-annotated gold set.

Plain file checks: nothing here loads a spaCy pipeline or imports ``quotes``.
"""

from __future__ import annotations

import csv
import json
import re
from functools import cache
from pathlib import Path

import pytest

from quotes.api import extract_articles
from quotes.evaluate import evaluate, read_jsonl_gold

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
CANDIDATES = ROOT.parent / "shared" / "corpora-candidates"
SEED = ROOT.parent / "shared" / "seed"
REFERENCE = "sputnik-2018-10-08-kim-trump-summit.txt"

HEADER = ["file", "title", "outlet", "published", "url", "licence", "story"]
TYPES = {"direct", "indirect", "mixed"}
QUOTE_MARKS = set("\"'“”‘’«»„‟‹›")
OPENING_MARKS = set('"“‘«„')
CLOSING_MARKS = set('"”’»')
OUTLETS = {
    "KCNA", "Yonhap", "Dong-A Ilbo", "Reuters", "Sputnik", "Xinhua", "Kyodo", "NHK",
    "Asahi Shimbun", "Yomiuri Shimbun", "Mainichi Shimbun", "Nikkei", "Sankei Shimbun",
    "Tokyo Shimbun", "CNN", "BBC", "Fox News", "Voice of America", "ABC News", "Fuji TV", "Twitter",
}
# Spellings that must have been mapped to a canonical name.
NOT_CANONICAL = {
    "Kim Jong Un", "Kim Jong-Un", "Kim", "Mattis", "James Mattis", "James N. Mattis", "Trump",
    "Pompeo", "Abe", "Asahi", "Yomiuri", "Mainichi", "Sankei", "Korean Central News Agency",
    "he", "she", "He", "She", "they", "The paper", "the agency",
}
MIN_QUOTES = 80


def txt_files() -> list[str]:
    return sorted(p.name for p in CORPORA.glob("*.txt"))


@cache
def text_of(name: str) -> str:
    return open(CORPORA / name, encoding="utf-8").read()


@cache
def metadata() -> dict[str, dict[str, str]]:
    with open(CORPORA / "metadata.tsv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        assert header == HEADER
        rows = {}
        for row in reader:
            assert len(row) == len(HEADER), row
            record = dict(zip(HEADER, row))
            assert record["file"] not in rows, f"duplicate row for {record['file']}"
            rows[record["file"]] = record
        return rows


@cache
def gold() -> dict[str, list[dict]]:
    entries: dict[str, list[dict]] = {}
    with open(CORPORA / "gold.jsonl", encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            assert line.strip(), f"gold.jsonl line {number} is empty"
            obj = json.loads(line)
            assert set(obj) == {"file", "quotes"}, f"line {number}: keys {sorted(obj)}"
            assert obj["file"] not in entries, f"duplicate gold entry for {obj['file']}"
            assert isinstance(obj["quotes"], list)
            entries[obj["file"]] = obj["quotes"]
    return entries


def all_quotes():
    for name, quotes in gold().items():
        for i, quote in enumerate(quotes):
            yield name, i, quote


def test_corpus_has_the_reference_and_twenty_articles():
    files = txt_files()
    assert REFERENCE in files
    assert len(files) == 21


@pytest.mark.skipif(not CANDIDATES.is_dir(), reason="shared/corpora-candidates not present")
def test_articles_are_byte_identical_to_their_sources():
    for name in txt_files():
        source = SEED / name if name == REFERENCE else CANDIDATES / name
        assert source.is_file(), f"{name} has no source in shared/"
        assert (CORPORA / name).read_bytes() == source.read_bytes(), name


def test_metadata_lists_every_article_once_with_a_licence():
    rows = metadata()
    assert set(rows) == set(txt_files())
    for name, row in rows.items():
        assert row["title"].strip() and row["outlet"].strip() and row["story"].strip(), name
        assert row["licence"].strip(), f"{name}: no licence"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["published"]), name
        assert row["url"] == "" or row["url"].startswith(("http://", "https://")), name
        if name != REFERENCE:
            assert row["url"], f"{name}: no URL"
            assert "public domain" in row["licence"].lower(), name


def test_reference_article_metadata_says_its_status_is_not_established():
    row = metadata()[REFERENCE]
    assert row["outlet"] == "Sputnik"
    assert row["published"] == "2018-10-08"
    assert row["url"] == ""
    assert "not established" in row["licence"].lower()
    assert "shared/seed" in row["licence"]


def readme_rows() -> dict[str, list[str]]:
    """The rows of the README's file table, keyed by file name."""
    lines = (CORPORA / "README.md").read_text(encoding="utf-8").splitlines()
    first = next(
        i for i, line in enumerate(lines)
        if line.startswith("| file |") and "licence" in line and "URL" in line
    )
    columns = [c.strip() for c in lines[first].strip().strip("|").split("|")]
    rows = {}
    for line in lines[first + 2:]:
        if not line.startswith("|"):
            break
        match = re.match(r"\|\s*`?([^|`]+\.txt)`?\s*\|", line)
        if match:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            assert len(cells) == len(columns), line
            rows[match.group(1)] = dict(zip(columns, cells))
    return rows


def test_readme_lists_every_article_with_a_licence():
    rows = readme_rows()
    for name in txt_files():
        assert name in rows, f"{name} is not in the README file table"
        assert rows[name]["licence"], f"{name}: no licence in the README"
        if name != REFERENCE:
            assert rows[name]["URL"] == metadata()[name]["url"], name


def test_readme_names_every_outlet_used():
    readme = (CORPORA / "README.md").read_text(encoding="utf-8")
    for _, _, quote in all_quotes():
        for outlet in (quote["outlet"] or "").split("; "):
            if outlet:
                assert outlet in readme, outlet


def test_gold_covers_every_article():
    assert set(gold()) == set(txt_files())


def test_gold_has_at_least_80_quotes():
    assert sum(len(q) for q in gold().values()) >= MIN_QUOTES


def check_span(text: str, span, what: str) -> str:
    assert isinstance(span, list) and len(span) == 2, what
    start, end = span
    assert isinstance(start, int) and isinstance(end, int), what
    assert 0 <= start < end <= len(text), f"{what}: {span} outside the text"
    return text[start:end]


def test_spans_are_inside_their_text_and_tidy():
    keys = {"content_spans", "type", "cue", "cue_span", "speaker_mention", "speaker_span",
            "speaker", "outlet"}
    optional = {"speaker_alts", "outlet_alts", "note"}
    for name, i, quote in all_quotes():
        where = f"{name} quote {i}"
        assert keys <= set(quote) <= keys | optional, where
        text = text_of(name)
        spans = quote["content_spans"]
        assert spans, f"{where}: no content"
        previous_end = -1
        for span in spans:
            piece = check_span(text, span, where)
            assert span[0] >= previous_end, f"{where}: pieces overlap or are out of order"
            previous_end = span[1]
            assert not piece[0].isspace() and not piece[-1].isspace(), f"{where}: {piece!r}"
            assert piece[0] not in QUOTE_MARKS, f"{where}: starts with a mark: {piece!r}"
            assert piece[-1] not in QUOTE_MARKS, f"{where}: ends with a mark: {piece!r}"
        cue = check_span(text, quote["cue_span"], where)
        assert cue == quote["cue"], where
        for start, end in spans:
            s, e = quote["cue_span"]
            assert e <= start or s >= end, f"{where}: the cue is inside the content"
        if quote["speaker_span"] is None:
            assert quote["speaker_mention"] is None, where
        else:
            mention = check_span(text, quote["speaker_span"], where)
            assert mention == quote["speaker_mention"], where


def test_quotes_are_in_text_order():
    for name, quotes in gold().items():
        starts = [q["content_spans"][0][0] for q in quotes]
        assert starts == sorted(starts), name


def test_types_match_the_quotation_marks():
    for name, i, quote in all_quotes():
        where = f"{name} quote {i}"
        assert quote["type"] in TYPES, where
        text = text_of(name)
        pieces = [text[s:e] for s, e in quote["content_spans"]]
        marks_inside = any(ch in '"“”‘' for piece in pieces for ch in piece)
        if quote["type"] == "indirect":
            assert not marks_inside, f"{where}: indirect content has quotation marks"
        elif quote["type"] == "mixed":
            assert any(ch in '"“”‘’' for piece in pieces for ch in piece), where
        else:
            # Quoted words sit between marks; a verbatim block follows a "readout:" cue.
            for start, end in quote["content_spans"]:
                quoted = text[start - 1] in OPENING_MARKS and text[end] in CLOSING_MARKS
                block = text[quote["cue_span"][1]:start].lstrip().startswith("the following")
                assert quoted or block, f"{where}: direct content not between marks"


def test_speakers_and_outlets_are_well_formed():
    for name, i, quote in all_quotes():
        where = f"{name} quote {i}"
        for field in ("speaker", "outlet"):
            value = quote[field]
            if value is None:
                continue
            assert isinstance(value, str) and value == value.strip() and value, where
            names = value.split("; ")
            assert names == sorted(names) and len(set(names)) == len(names), f"{where}: {value}"
            for part in names:
                assert part and part == part.strip() and part[0].isupper(), f"{where}: {value}"
                assert part not in NOT_CANONICAL, f"{where}: {field} {part!r} is not canonical"
            if field == "outlet":
                assert set(names) <= OUTLETS, f"{where}: unknown outlet {value!r}"


def test_kim_jong_un_has_one_spelling():
    speakers = {q["speaker"] for _, _, q in all_quotes() if q["speaker"]}
    for value in speakers:
        for part in value.split("; "):
            assert not re.fullmatch(r"Kim Jong[ -]?[Uu]n", part) or part == "Kim Jong-un"


# The reference gold of shared/seed/EXPECTED.md: content opening, type, speaker, outlet.
EXPECTED = [
    ("for ‘Great Progress’", "mixed", "Kim Jong-un", "KCNA"),
    ("he expected significant results", "indirect", "Kim Jong-un", "KCNA"),
    ("The Supreme Leader expressed", "direct", "KCNA", "KCNA"),
    ('take place "as early as', "mixed", None, None),
    ('The two had "productive', "mixed", "KCNA", "KCNA"),
    ("the officials discussed the creation", "indirect", "Dong-A Ilbo", "Dong-A Ilbo"),
    ("Sunday talks were the first time", "indirect", "Dong-A Ilbo", "Dong-A Ilbo"),
    ("Doing Very Well’ on North Korea", "mixed", "Donald Trump", None),
]


def test_reference_article_has_the_expected_attributions():
    text = text_of(REFERENCE)
    quotes = gold()[REFERENCE]

    def normal(s: str) -> str:
        return re.sub(r"\s+", " ", s)

    for opening, type_, speaker, outlet in EXPECTED:
        found = [
            q for q in quotes
            if normal(text[q["content_spans"][0][0]:q["content_spans"][0][1]]).startswith(opening)
        ]
        assert len(found) == 1, opening
        quote = found[0]
        assert (quote["type"], quote["speaker"], quote["outlet"]) == (type_, speaker, outlet)
    two_pieces = [q for q in quotes if q["cue"] == "said" and q["speaker"] == "KCNA"]
    assert len(two_pieces) == 1 and len(two_pieces[0]["content_spans"]) == 2


def test_no_two_contents_are_one_for_the_scorer():
    """Relay convention: a relay is folded into one item, so no two contents overlap by half their union."""
    for name, quotes in gold().items():
        chars = [{i for s, e in q["content_spans"] for i in range(s, e)} for q in quotes]
        for i, first in enumerate(chars):
            for j in range(i + 1, len(chars)):
                shared = len(first & chars[j])
                assert shared < 0.5 * len(first | chars[j]), f"{name}: quotes {i} and {j} overlap by half"


def test_extraction_scores_on_the_gold_set_stay_above_floors() -> None:
    # Floors a little under the figures measured at the last change of the resolver (content F1
    # 0.808, speaker accuracy 0.916, outlet accuracy 0.979, end-to-end F1 0.740), and never under
    # the relay issue's own (0.80, 0.90, 0.90, 0.65).
    figures = evaluate(read_jsonl_gold(CORPORA / "gold.jsonl"), extract_articles).figures()
    assert figures["content"]["f1"] >= 0.80
    assert figures["speaker_accuracy"] >= 0.90
    assert figures["outlet_accuracy"] >= 0.96
    assert figures["end_to_end"]["f1"] >= 0.72
