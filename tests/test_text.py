"""Match keys: normalisation for matching, and speaker names.

Quote text here is real: the seed article (corpora/) and the public-domain
articles in ../shared/corpora-candidates.
"""

from __future__ import annotations

import pytest

from quotes.text import match_text, match_tokens, same_speaker, speaker_key, unify_speakers

KCNA = (
    "The Supreme Leader expressed his will and conviction that a great progress would surely be made "
    "in solving the issues of utmost concern of the world"
)


@pytest.mark.parametrize(
    "a,b",
    [
        # quote marks and apostrophes: curly, straight, doubled single (NYT style), guillemets
        ("“good things are going to happen for North Korea,”", '"good things are going to happen for North Korea"'),
        ("''productive and wonderful talks,''", "«productive and wonderful talks»"),
        ("Yes, that’s correct", "Yes, that's correct"),
        # case
        (KCNA, KCNA.upper()),
        # dashes and hyphens
        ("Kim Jong-un", "Kim Jong Un"),
        ("Kim Jong‑un", "Kim Jong—un"),  # non-breaking hyphen, em dash
        # whitespace, including non-breaking and zero-width spaces
        ("we want to  do\u00a0business", "we want\u200b to do business"),
        # ellipses in their three spellings
        ("Yes, that’s correct … Yes, they continue", "Yes, that's correct... Yes, they continue"),
        ("Yes, that’s correct . . . Yes, they continue", "Yes, that's correct ... Yes, they continue"),
        # bracketed editorial insertions; a bracket glued to a word keeps its letters
        ("he [Trump] is being used in social media", "he is being used in social media"),
        ("[W]e will do business", "We will do business"),
        # Unicode forms: composed and decomposed accents, full-width letters, ligatures
        ("Calderón", "Calderon"),
        ("Calderón", "Caldero\u0301n"),
        ("ＫＣＮＡ", "KCNA"),
        ("ﬁssile material", "fissile material"),
        # possessives with either apostrophe
        ("ISIS’s best recruiter", "ISIS' best recruiter"),
    ],
)
def test_match_text_equal_keys(a, b):
    assert match_text(a) == match_text(b)


@pytest.mark.parametrize(
    "a,b",
    [
        ("No decisions on subsequent war games have been made.", "No decisions on war games have been made."),
        ("We will make America strong again.", "We will make America proud again."),
    ],
)
def test_match_text_different_words_stay_different(a, b):
    assert match_text(a) != match_text(b)


def test_match_text_never_changes_the_text():
    text = "“…the sanctions are going to remain on until such time as we see, you know, [this] is going to happen.”"
    copy = str(text)
    key = match_text(text)
    assert text == copy
    assert key == "the sanctions are going to remain on until such time as we see you know is going to happen"


def test_match_tokens_are_the_words_of_the_key():
    assert match_tokens("“Holding back the ‘war games’ during the negotiations”") == [
        "holding", "back", "the", "war", "games", "during", "the", "negotiations",
    ]


def test_match_text_empty():
    assert match_text("") == ""
    assert match_text(" “ … ” ") == ""


@pytest.mark.parametrize(
    "name,key",
    [
        ("Kim Jong Un", "kim jong un"),
        ("Kim Jong-un", "kim jong un"),
        ("KIM JONG UN", "kim jong un"),
        ("North Korean leader Kim Jong-un", "kim jong un"),
        ("President Donald J. Trump", "donald trump"),
        ("Mr. Trump", "trump"),
        ("U.S. Secretary of State Mike Pompeo", "mike pompeo"),
        ("Senator Chris Coons, Democrat of Delaware", "chris coons"),
        ("VOA Director Amanda Bennett", "amanda bennett"),
        ("Sen. Bernie Sanders (I-Vt.)", "bernie sanders"),
        ("Felipe Calderón", "felipe calderon"),
        ("Moon Jae-in", "moon jae in"),
        # a group the name describes is its own speaker; an office that speaks for the name is the name
        ("Republican primary voters", "republican primary voters"),
        ("Kim Jong Un's sister", "kim jong un sister"),
        ("Clinton's campaign", "clinton"),
        # descriptions and pronouns are not resolved speakers
        ("he", None),
        ("the official", None),
        ("The Supreme Leader", None),
        ("", None),
        (None, None),
    ],
)
def test_speaker_key(name, key):
    assert speaker_key(name) == key


@pytest.mark.parametrize(
    "a,b,same",
    [
        ("Kim Jong Un", "KIM JONG UN", True),
        ("Trump", "President Donald Trump", True),
        ("Kim", "Kim Jong-un", True),
        ("Hillary Clinton", "Hillary Rodham Clinton", True),
        ("Donald Trump", "Donald Trump Jr.", False),
        ("Bill Clinton", "Hillary Clinton", False),
        ("Mike Pompeo", "Jim Mattis", False),
        ("New York Democratic voters", "Republican primary voters", False),
        ("Trump supporters", "Donald Trump", False),
        ("the Trump campaign", "Donald Trump", True),
        ("he", "Jim Mattis", True),  # unknown is compatible with anyone
    ],
)
def test_same_speaker(a, b, same):
    assert same_speaker(speaker_key(a), speaker_key(b)) is same


def test_unify_speakers_one_display_name_per_person():
    names = ["Kim Jong Un", "KIM JONG UN", "Kim Jong-un", "Kim Jong Un", "Kim", "Trump", "Donald Trump", "he"]
    unified = unify_speakers(names)
    assert {unified[n] for n in ("Kim Jong Un", "KIM JONG UN", "Kim Jong-un", "Kim")} == {"Kim Jong Un"}
    assert unified["Trump"] == unified["Donald Trump"] == "Donald Trump"
    assert "he" not in unified


def test_unify_speakers_leaves_an_ambiguous_short_name_alone():
    unified = unify_speakers(["Clinton", "Hillary Clinton", "Bill Clinton"])
    assert unified["Clinton"] == "Clinton"
    assert unified["Hillary Clinton"] != unified["Bill Clinton"]
