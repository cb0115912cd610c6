"""The packaged word lists (cue lexicon, outlet gazetteer) and how they are loaded."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from quotes.errors import QuotesError
from quotes.lexicon import (
    CUE_CLASSES,
    OUTLET_KINDS,
    cue_lexicon,
    default_outlets,
    load_outlets,
)
from quotes.lexicon import _read_cue_rows, _rows  # the checks a cue file goes through


@pytest.fixture(autouse=True)
def _no_user_outlets(monkeypatch: pytest.MonkeyPatch) -> None:
    """A QUOTES_OUTLETS file in the environment must not leak into these tests."""
    monkeypatch.delenv("QUOTES_OUTLETS", raising=False)


def _key(name: str) -> str:
    return " ".join(name.replace("\u2019", "'").split()).lower()


# --- cue lexicon -------------------------------------------------------------------


def test_cue_lexicon_has_several_hundred_verbs_of_every_verb_class() -> None:
    lexicon = cue_lexicon()
    assert len(lexicon.verbs) >= 400
    counts = Counter(lexicon.verbs.values())
    assert counts["speech"] >= 250
    assert counts["thought"] >= 50
    assert counts["report"] >= 20
    assert "source" not in counts  # source cues are phrases, never single verbs


def test_every_cue_has_a_known_class() -> None:
    lexicon = cue_lexicon()
    assert set(lexicon.verbs.values()) <= set(CUE_CLASSES)
    assert set(lexicon.phrases.values()) <= {"speech", "source"}
    assert all(" " not in verb and verb == verb.lower() for verb in lexicon.verbs)
    assert all(" " in phrase for phrase in lexicon.phrases)


@pytest.mark.parametrize(
    ("lemma", "expected"),
    [
        ("say", "speech"), ("tell", "speech"), ("add", "speech"), ("warn", "speech"),
        ("stress", "speech"), ("claim", "speech"), ("tweet", "speech"), ("testify", "speech"),
        ("reiterate", "speech"), ("insist", "speech"), ("write", "speech"), ("announce", "speech"),
        ("think", "thought"), ("believe", "thought"), ("expect", "thought"), ("fear", "thought"),
        ("want", "thought"), ("plan", "thought"), ("know", "thought"), ("doubt", "thought"),
        ("show", "report"), ("find", "report"), ("indicate", "report"), ("suggest", "report"),
        ("reveal", "report"), ("estimate", "report"), ("conclude", "report"),
        ("SAY", "speech"),  # lookups ignore case
    ],
)
def test_verb_classes(lemma: str, expected: str) -> None:
    assert cue_lexicon().verb_class(lemma) == expected


def test_verbs_that_are_rarely_speech_in_news_are_not_cues() -> None:
    lexicon = cue_lexicon()
    for lemma in ("continue", "go", "offer", "decline", "mean", "be", "have", "get", "make"):
        assert lexicon.verb_class(lemma) is None, lemma


def test_fixed_phrases() -> None:
    phrases = cue_lexicon().phrases
    assert phrases["according to"] == "source"
    assert phrases["quoted as saying"] == "source"
    assert phrases["cited as saying"] == "source"
    assert phrases["it was reported that"] == "source"
    assert phrases["in a message carried by"] == "source"
    for channel in ("in a statement", "in an interview", "in an interview with", "in a tweet",
                    "in a post", "in a letter", "in a commentary", "in a report", "in an editorial"):
        assert phrases[channel] == "source", channel
    for occasion in ("in remarks", "in a speech", "at a news conference", "told reporters"):
        assert phrases[occasion] == "speech", occasion


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("according to source", r"expected cue<TAB>class"),  # spaces instead of a tab
        ("say\tspeach", r"unknown cue class 'speach'"),
        ("said!\tspeech", r"not a verb lemma"),
        ("tell\tthought", r"'tell' is listed as 'speech' earlier"),
    ],
)
def test_malformed_cue_rows_name_the_file_and_line(line: str, problem: str) -> None:
    rows = _rows(f"# header\nsay\tspeech\ntell\tspeech\n{line}\n")
    with pytest.raises(QuotesError, match=problem) as caught:
        _read_cue_rows(rows, "cues_xx.tsv")
    assert "cues_xx.tsv, line 4" in str(caught.value)


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(QuotesError, match=r"no cue lexicon for language 'xx'.*\ben\b"):
        cue_lexicon("xx")


# --- outlet gazetteer --------------------------------------------------------------


def test_gazetteer_has_hundreds_of_outlets_of_known_kinds() -> None:
    outlets = default_outlets().outlets
    assert len(outlets) >= 300
    kinds = Counter(o.kind for o in outlets)
    assert set(kinds) == set(OUTLET_KINDS)
    assert kinds["agency"] >= 30 and kinds["state-media"] >= 20
    assert all(len(o.country) == 2 and o.country.isupper() for o in outlets)
    assert len({o.name for o in outlets}) == len(outlets), "two rows with the same name"


def test_no_alias_points_to_two_outlets() -> None:
    """Every name and alias belongs to one outlet, also once a leading "the" is dropped."""
    owners: dict[str, set[str]] = {}
    for outlet in default_outlets().outlets:
        for alias in (outlet.name, *outlet.aliases):
            key = _key(alias)
            owners.setdefault(key, set()).add(outlet.name)
            if key.startswith("the "):
                owners.setdefault(key[4:], set()).add(outlet.name)
    shared = {key: sorted(names) for key, names in owners.items() if len(names) > 1}
    assert not shared, f"aliases shared by several outlets: {shared}"


def test_every_name_and_alias_finds_its_own_outlet() -> None:
    gazetteer = default_outlets()
    for outlet in gazetteer.outlets:
        for alias in (outlet.name, *outlet.aliases):
            assert gazetteer.lookup(alias) is outlet, (alias, outlet.name)


def test_no_alias_is_an_ambiguous_common_word() -> None:
    gazetteer = default_outlets()
    for word in ("Times", "the Times", "Post", "the Post", "Sun", "Mail", "Hill", "Nation", "the Nation",
                 "the paper", "Insider", "Time", "Guardian", "Independent", "the Independent",
                 "Economist", "the economist", "Star", "Globe", "Express", "Mirror", "Telegraph",
                 "Bloomberg", "Fox", "FT", "Age", "the Age", "Atlantic", "the Atlantic", "Dawn",
                 "the Wire", "Scroll", "Slate", "the Blaze", "new republic", "roll call"):
        found = gazetteer.lookup(word)
        assert found is None, f"{word!r} resolves to {found.name!r}"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("the Associated Press", "AP"),
        ("Associated Press", "AP"),
        ("KCNA news agency", "KCNA"),
        ("Korean Central News Agency", "KCNA"),
        ("the Korean Central News Agency", "KCNA"),
        ("Yonhap News Agency", "Yonhap"),
        ("the Dong-A Ilbo", "Dong-A Ilbo"),
        ("Dong-a Ilbo", "Dong-A Ilbo"),
        ("Reuters", "Reuters"),
        ("Sputnik", "Sputnik"),
        ("The Sputnik", "Sputnik"),
        ("Xinhua News Agency", "Xinhua"),
        ("ITAR-TASS", "TASS"),
        ("Kyodo News", "Kyodo"),
        ("Cable News Network", "CNN"),
        ("British Broadcasting Corporation", "BBC"),
        ("Agence France-Presse", "AFP"),
        ("the New York Times", "New York Times"),
        ("NYT", "New York Times"),
        ("Nodong Sinmun", "Rodong Sinmun"),
        ("The Hill", "The Hill"),
        ("the Yomiuri Shimbun", "Yomiuri Shimbun"),
        ("Nikkei", "Nikkei"),
        ("voice of  america", "VOA"),  # case and spacing do not matter
        ("People\u2019s Daily", "People's Daily"),  # nor the kind of apostrophe
    ],
)
def test_lookup_resolves_the_forms_reporters_write(written: str, canonical: str) -> None:
    found = default_outlets().lookup(written)
    assert found is not None, written
    assert found.name == canonical


def test_state_media_and_agencies() -> None:
    gazetteer = default_outlets()
    for name in ("KCNA", "Rodong Sinmun", "Xinhua", "TASS", "Sputnik", "RT", "IRNA"):
        assert gazetteer.lookup(name).kind == "state-media", name
    for name in ("Yonhap", "Kyodo", "Reuters", "AFP", "AP", "dpa", "EFE", "ANSA", "PTI"):
        assert gazetteer.lookup(name).kind == "agency", name
    assert gazetteer.lookup("KCNA").country == "KP"
    assert gazetteer.lookup("Yonhap").country == "KR"


# --- a user's own outlets ----------------------------------------------------------


def test_user_file_adds_an_outlet(tmp_path: Path) -> None:
    path = tmp_path / "my_outlets.tsv"
    path.write_text(
        "# my outlets\n"
        "\n"
        "Gangwon Ilbo\tnewspaper\tkr\tThe Gangwon Ilbo|Kangwon Ilbo\n"
        "Hankyoreh\tnewspaper\tKR\tHani\n",  # a user row may extend a packaged outlet
        encoding="utf-8",
    )
    gazetteer = load_outlets(extra=path)
    added = gazetteer.lookup("the Kangwon Ilbo")
    assert added is not None
    assert (added.name, added.kind, added.country) == ("Gangwon Ilbo", "newspaper", "KR")
    assert gazetteer.lookup("Hani").name == "Hankyoreh"
    assert gazetteer.lookup("KCNA").name == "KCNA"  # the packaged outlets are still there
    assert len(gazetteer.outlets) == len(default_outlets().outlets) + 2
    assert default_outlets().lookup("Gangwon Ilbo") is None  # the default gazetteer is untouched


def test_user_file_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "outlets.tsv"
    path.write_text("Busan Ilbo\tnewspaper\tKR\n", encoding="utf-8")
    monkeypatch.setenv("QUOTES_OUTLETS", str(path))
    assert load_outlets().lookup("Busan Ilbo").name == "Busan Ilbo"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("Gangwon Ilbo newspaper KR", r"1 column"),  # spaces instead of tabs
        ("Gangwon Ilbo\tnewspaper", r"2 column"),
        ("Gangwon Ilbo\ttabloid\tKR", r"unknown kind 'tabloid'"),
        ("Gangwon Ilbo\tnewspaper\tKorea", r"country 'Korea'"),
        ("\tnewspaper\tKR\tGangwon", r"name .* is empty"),
    ],
)
def test_malformed_user_file_names_the_file_and_line(tmp_path: Path, row: str, problem: str) -> None:
    path = tmp_path / "bad_outlets.tsv"
    path.write_text(f"# comment\nBusan Ilbo\tnewspaper\tKR\n{row}\n", encoding="utf-8")
    with pytest.raises(QuotesError, match=problem) as caught:
        load_outlets(extra=path)
    message = str(caught.value)
    assert str(path) in message
    assert "line 3" in message


def test_missing_user_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.tsv"
    with pytest.raises(QuotesError, match="cannot read outlet file") as caught:
        load_outlets(extra=path)
    assert str(path) in str(caught.value)
