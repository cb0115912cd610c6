"""The quotation-mark scanner: which stretches of a text stand between quotation marks.

Every table row is ``(text, expected)``, where ``expected`` lists, for each
region in text order, the inner text of each of its pieces (one piece per
paragraph). The expectations were written from reading the text, not copied
from the scanner's output.
"""

from __future__ import annotations

import pytest

from quotes.marks import DOUBLE, SINGLE, QuoteRegion, find_regions, without_inner_quotations


def inner_texts(text: str) -> list[list[str]]:
    return [[text[a:b] for a, b in region.pieces] for region in find_regions(text)]


def _check_offsets(text: str, regions: list[QuoteRegion]) -> None:
    for region in regions:
        assert 0 <= region.start < region.inner_start <= region.inner_end < region.end <= len(text)
        for a, b in region.pieces:
            assert region.start < a <= b < region.end


# --- double quotation marks --------------------------------------------------------

DOUBLE_CASES = [
    pytest.param('Mattis said "the alliance is ironclad" on Friday.', [["the alliance is ironclad"]], id="straight"),
    pytest.param("Mattis said \u201cthe alliance is ironclad\u201d on Friday.", [["the alliance is ironclad"]], id="curly"),
    pytest.param(
        '"We are ready," Pompeo said. "Are they?"',
        [["We are ready,"], ["Are they?"]],
        id="straight-two-in-a-paragraph",
    ),
    pytest.param(
        "\u201cWill it work?\u201d he asked. \u201cYes!\u201d",
        [["Will it work?"], ["Yes!"]],
        id="curly-two-in-a-paragraph",
    ),
    pytest.param('He said: "We will win."', [["We will win."]], id="after-colon"),
    pytest.param("\u201cGreat progress,\u201dhe said.", [["Great progress,"]], id="no-space-after-closer"),
    pytest.param('The word "no" and the word "yes".', [["no"], ["yes"]], id="short-words"),
    pytest.param("Nothing here is quoted, and that's that.", [], id="none"),
    pytest.param("", [], id="empty"),
]


@pytest.mark.parametrize(("text", "expected"), DOUBLE_CASES)
def test_find_regions_double_marks(text: str, expected: list[list[str]]) -> None:
    regions = find_regions(text)
    assert inner_texts(text) == expected
    assert all(r.family == DOUBLE for r in regions)
    _check_offsets(text, regions)


# --- single marks: quotation marks or apostrophes ----------------------------------

SINGLE_CASES = [
    pytest.param(
        "North Korea\u2019s Kim Hopes for \u2018Great Progress\u2019 at Next Trump Summit",
        [["Great Progress"]],
        id="curly-headline-with-possessive",
    ),
    pytest.param(
        "Kim Hopes for 'Great Progress' at Next Trump Summit",
        [["Great Progress"]],
        id="straight-headline",
    ),
    pytest.param(
        "Trump Says \u2018Doing Very Well\u2019 on North Korea",
        [["Doing Very Well"]],
        id="curly-headline-quote-first",
    ),
    pytest.param("I don't think they can't or won't.", [], id="contractions"),
    pytest.param("Korea\u2019s leader met the players\u2019 union in the \u201990s.", [], id="curly-apostrophes-only"),
    pytest.param("Korea's leader met the players' union.", [], id="straight-apostrophes-only"),
    pytest.param(
        "The players\u2019 union said it was \u2018deeply concerned\u2019 about the \u201990s rules.",
        [["deeply concerned"]],
        id="curly-quote-among-apostrophes",
    ),
    pytest.param(
        "The players' union called the offer 'insulting' on Monday.",
        [["insulting"]],
        id="straight-quote-after-plural-possessive",
    ),
    pytest.param(
        "Korea's 'sunshine policy' failed, he said.",
        [["sunshine policy"]],
        id="straight-quote-after-possessive",
    ),
    pytest.param("He said 'I can't go' today.", [["I can't go"]], id="apostrophe-inside-single-quote"),
    pytest.param(
        "Rock \u2019n\u2019 roll is \u2018here to stay\u2019, he said.",
        [["here to stay"]],
        id="elisions-then-quote",
    ),
    pytest.param(
        "The \u201980s and \u201990s were 'golden years', she said.",
        [["golden years"]],
        id="curly-decades-then-straight-quote",
    ),
    pytest.param(
        "In the '90s the players' union was strong.",
        [],
        id="straight-decade-and-plural-possessive",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SINGLE_CASES)
def test_find_regions_single_marks_and_apostrophes(text: str, expected: list[list[str]]) -> None:
    regions = find_regions(text)
    assert inner_texts(text) == expected
    assert all(r.family == SINGLE for r in regions)
    _check_offsets(text, regions)


def test_find_regions_split_single_quote_is_two_regions() -> None:
    # The attribution splits the quotation; pairing them into one quote is the detector's job.
    text = "'We will win,' he said, 'and soon.'"
    assert inner_texts(text) == [["We will win,"], ["and soon."]]


# --- other typographies ------------------------------------------------------------

OTHER_CASES = [
    pytest.param("Il a dit \u00abnous gagnerons\u00bb hier.", [["nous gagnerons"]], id="guillemets"),
    pytest.param(
        "Il a dit \u00ab\u00a0nous gagnerons\u00a0\u00bb hier.",
        [["nous gagnerons"]],
        id="guillemets-french-spacing",
    ),
    pytest.param("Er sagte \u201ewir werden gewinnen\u201c gestern.", [["wir werden gewinnen"]], id="low-high"),
    pytest.param("He said ``we will win'' yesterday.", [["we will win"]], id="archive-backticks"),
    pytest.param("He said ''we will win'' yesterday.", [["we will win"]], id="archive-two-apostrophes"),
]


@pytest.mark.parametrize(("text", "expected"), OTHER_CASES)
def test_find_regions_other_typographies(text: str, expected: list[list[str]]) -> None:
    regions = find_regions(text)
    assert inner_texts(text) == expected
    assert all(r.family == DOUBLE for r in regions)
    _check_offsets(text, regions)


# --- quotes over several paragraphs, nesting, broken marks -------------------------

STRUCTURE_CASES = [
    pytest.param(
        "\u201cThis is the first paragraph of the statement.\n\n"
        "\u201cThis is the second paragraph.\n\n"
        "\u201cAnd this is the last,\u201d the minister said.",
        [["This is the first paragraph of the statement.", "This is the second paragraph.", "And this is the last,"]],
        id="three-paragraphs-curly",
    ),
    pytest.param(
        '"First paragraph of the quote.\n\n"Second paragraph," he said.\n\nThen she said "third" here.',
        [["First paragraph of the quote.", "Second paragraph,"], ["third"]],
        id="two-paragraphs-straight-then-another",
    ),
    pytest.param(
        "``This is the first paragraph.\n\n``And the last,'' he said.",
        [["This is the first paragraph.", "And the last,"]],
        id="two-paragraphs-archive",
    ),
    pytest.param(
        "\u201cThis is a \u2018historic\u2019 day,\u201d he said.",
        [["This is a \u2018historic\u2019 day,"]],
        id="nested-curly-outer-only",
    ),
    pytest.param('"a \'historic\' day," he said.', [["a 'historic' day,"]], id="nested-straight-outer-only"),
    pytest.param(
        "\u201cThe \u2018deal\u2019 is off,\u201d he said, calling it \u2018a farce\u2019.",
        [["The \u2018deal\u2019 is off,"], ["a farce"]],
        id="nested-then-single-outside",
    ),
    pytest.param(
        "\u201cI would rather live in what he calls \u201chell\u201d than anywhere else,\u201d she wrote.",
        [["I would rather live in what he calls \u201chell\u201d than anywhere else,"]],
        id="nested-double-curly-outer-only",
    ),
    pytest.param(
        "\u201cThe first quote was never closed. \u201cThe second was,\u201d he said.",
        [["The second was,"]],
        id="unclosed-curly-leaves-the-inner-pair",
    ),
    pytest.param(
        "\u201dMr. Trump is wrong,\u201d \u2014 Sonya Herridge",
        [["Mr. Trump is wrong,"]],
        id="right-mark-typed-as-opener",
    ),
]


@pytest.mark.parametrize(("text", "expected"), STRUCTURE_CASES)
def test_find_regions_structure(text: str, expected: list[list[str]]) -> None:
    regions = find_regions(text)
    assert inner_texts(text) == expected
    _check_offsets(text, regions)


def test_find_regions_multi_paragraph_quote_is_one_region_spanning_its_marks() -> None:
    text = "\u201cFirst part.\n\n\u201cSecond part,\u201d he said."
    (region,) = find_regions(text)
    assert region.start == 0
    assert text[region.end - 1] == "\u201d"
    assert region.end == text.index("\u201d") + 1
    assert len(region.pieces) == 2
    assert region.inner_start == 1 and region.inner_end == text.index("\u201d")


def test_find_regions_unbalanced_mark_costs_only_its_paragraph() -> None:
    text = (
        'Pompeo said "the talks went well" on Sunday.\n\n'
        'He added "we will return soon.\n\n'
        'Kim said "great progress" would be made.'
    )
    assert inner_texts(text) == [["the talks went well"], ["great progress"]]


def test_find_regions_unbalanced_first_paragraph() -> None:
    text = 'The "agreement was signed on Tuesday.\n\nOfficials called it "historic" and "long overdue".'
    assert inner_texts(text) == [["historic"], ["long overdue"]]


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "\u201c",
        "\u201d\u201d\u201d",
        "''",
        "``",
        "'",
        "\u00ab",
        '"\n\n"\n\n"',
        "\u201cunclosed\n\n\u201cstill unclosed\n\n\u201cand still",
    ],
)
def test_find_regions_never_raises_on_stray_marks(text: str) -> None:
    regions = find_regions(text)
    _check_offsets(text, regions)
    assert all(r.inner_end > r.inner_start for r in regions)


def test_find_regions_offsets_survive_crlf_and_non_ascii() -> None:
    text = "Le ministre a d\u00e9clar\u00e9 \u00abnous gagnerons\u00bb.\r\n\r\nM\u00fcller sagte \u201eja\u201c."
    regions = find_regions(text)
    assert [text[a:b] for r in regions for a, b in r.pieces] == ["nous gagnerons", "ja"]
    assert [text[r.start] for r in regions] == ["\u00ab", "\u201e"]


# --- quotations inside a quote -------------------------------------------------------

# Trump's tweet as Japan's Ministry of Health quotes it (corpora/11_jmh_trump-halt-drills-2018-06-18.txt)
TWEET = (
    "\u201cHolding back the \u2018war games\u2019 during the negotiations was my request because they are very"
    " expensive and set a bad light during a good faith negotiation. Also, quite provocative.\u201d"
)


def test_without_inner_quotations_blanks_the_quotation_inside_a_quote() -> None:
    kept = without_inner_quotations(TWEET)
    assert len(kept) == len(TWEET)  # blanked in place: offsets still point into the original
    assert "war games" not in kept and "\u2018" not in kept
    assert kept.startswith("\u201cHolding back the ") and "during the negotiations was my request" in kept


@pytest.mark.parametrize(
    ("text", "inner", "own"),
    [
        pytest.param(TWEET[1:-1], "war games", "was my request", id="content-without-its-marks"),
        pytest.param(
            "\u2018We call it \u201cthe wall\u201d, and we will build it\u2019", "the wall", "we will build it", id="british"
        ),
        pytest.param("\"We call it 'the wall' and we will build it\"", "the wall", "we will build it", id="straight"),
        pytest.param("''\u2018The wall\u2019 is what we build''", "The wall", "is what we build", id="opening-the-quote"),
    ],
)
def test_without_inner_quotations_typographies(text: str, inner: str, own: str) -> None:
    kept = without_inner_quotations(text)
    assert inner not in kept and own in kept


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("\u201cWe are ready,\u201d Pompeo said. \u201cAre they?\u201d", id="two-quotations"),
        pytest.param("\u2018We are ready,\u2019 Pompeo said. \u2018Are they?\u2019", id="two-british-quotations"),
        pytest.param("\u201c\u2018Lock her up!\u2019\u201d", id="all-inner"),
        pytest.param("We don\u2019t know the Koreas\u2019 plans", id="apostrophes"),
        pytest.param("Holding back the war games was my request", id="no-marks"),
        pytest.param("\u2018[He]'s not ready to support the campaign\u2019", id="apostrophe-after-a-bracket"),
    ],
)
def test_without_inner_quotations_leaves_text_without_one_as_it_is(text: str) -> None:
    assert without_inner_quotations(text) == text
