"""The scorer on small hand-made gold files; predictions are hand-made Quote records (no spaCy)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from quotes.errors import GoldError
from quotes.evaluate import (
    GoldArticle,
    GoldQuote,
    Score,
    _normalise,
    evaluate,
    match,
    read_brat_corpus,
    read_gold,
    read_jsonl_gold,
    same_name,
    score_article,
)
from quotes.marks import find_regions
from quotes.records import Article, Link, Quote, Span

NAME = "mattis-onodera"
TEXT = (
    "Defense Secretary Jim Mattis said the alliance with Japan remains ironclad.\n\n"
    '"We will not tolerate these launches," Onodera said, "and we will respond."\n\n'
    "The ministry warned that further tests would isolate Pyongyang.\n\n"
    "The launch has drawn criticism across the region.\n"
)


def at(text: str, piece: str, start: int = 0) -> Span:
    """The span of ``piece`` in ``text`` (it must occur)."""
    index = text.index(piece, start)
    return index, index + len(piece)


# The gold of TEXT, as a careful annotator would mark it.
MATTIS_CONTENT = at(TEXT, "the alliance with Japan remains ironclad")
MATTIS_SOURCE = at(TEXT, "Defense Secretary Jim Mattis")
MATTIS_CUE = at(TEXT, "said")
ONODERA_PIECE_1 = at(TEXT, '"We will not tolerate these launches,"')
ONODERA_PIECE_2 = at(TEXT, '"and we will respond."')
ONODERA_SOURCE = at(TEXT, "Onodera")
ONODERA_CUE = at(TEXT, "said", ONODERA_SOURCE[1])
MINISTRY_CONTENT = at(TEXT, "that further tests would isolate Pyongyang")
MINISTRY_SOURCE = at(TEXT, "The ministry")
MINISTRY_CUE = at(TEXT, "warned")
CRITICISM_CONTENT = at(TEXT, "The launch")
CRITICISM_CUE = at(TEXT, "has drawn criticism")


def _t(number: int, label: str, spans: tuple[Span, ...]) -> str:
    offsets = ";".join(f"{a} {b}" for a, b in spans)
    shown = " ".join(TEXT[a:b] for a, b in spans)
    return f"T{number}\t{label} {offsets}\t{shown}"


ANN1 = "\n".join(
    [
        _t(1, "Source", (MATTIS_SOURCE,)),
        _t(2, "Cue", (MATTIS_CUE,)),
        _t(3, "Content", (MATTIS_CONTENT,)),
        _t(4, "Attribution", (MATTIS_CUE,)),
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        # A discontinuous content span: the quote split by its attribution.
        _t(5, "Content", (ONODERA_PIECE_1, ONODERA_PIECE_2)),
        _t(6, "Source", (ONODERA_SOURCE,)),
        _t(7, "Cue", (ONODERA_CUE,)),
        _t(8, "Attribution", (ONODERA_CUE,)),
        "E2\tAttribution:T8 Content:T5 Cue:T7 Source:T6",
        _t(9, "Content", (MINISTRY_CONTENT,)),
        _t(10, "Source", (MINISTRY_SOURCE,)),
        _t(11, "Cue", (MINISTRY_CUE,)),
        _t(12, "Attribution", (MINISTRY_CUE,)),
        "E3\tAttribution:T12 Content:T9 Cue:T11 Source:T10",
        # No source: the criticism is attributed to no one in particular.
        _t(13, "Content", (CRITICISM_CONTENT,)),
        _t(14, "Cue", (CRITICISM_CUE,)),
        _t(15, "Attribution-no-source", (CRITICISM_CUE,)),
        "E4\tAttribution-no-source:T15 Content:T13 Cue:T14",
        # An annotator's note, not an attribution.
        _t(16, "Discuss", (at(TEXT, "The launch has drawn"),)),
        "",
    ]
)

# A second annotator who marked only Mattis's statement: never read when ann1 exists.
ANN2 = "\n".join(
    [
        _t(1, "Source", (MATTIS_SOURCE,)),
        _t(2, "Cue", (MATTIS_CUE,)),
        _t(3, "Content", (MATTIS_CONTENT,)),
        _t(4, "Attribution", (MATTIS_CUE,)),
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        "",
    ]
)


@pytest.fixture
def brat_root(tmp_path: Path) -> Path:
    root = tmp_path / "gold"
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / f"{NAME}.txt").write_text(TEXT, encoding="utf-8", newline="")
    # Written second-annotator first, so directory order cannot stand in for sorted order.
    (root / "attributions" / f"{NAME}_ann2.ann").write_text(ANN2, encoding="utf-8")
    (root / "attributions" / f"{NAME}_ann1.ann").write_text(ANN1, encoding="utf-8")
    # A text without annotations is not an article of the gold corpus.
    (root / "text" / "unannotated.txt").write_text("Nobody said anything.\n", encoding="utf-8")
    return root


@pytest.fixture
def gold(brat_root: Path) -> GoldArticle:
    (article,) = read_brat_corpus(brat_root)
    return article


def quote(*spans: Span, speaker: Span | None = None, article_id: str = NAME, text: str = TEXT) -> Quote:
    return Quote(
        article_id=article_id,
        content=" ... ".join(text[a:b] for a, b in spans),
        content_spans=tuple(spans),
        type="indirect",
        speaker_span=speaker,
        speaker_mention=text[speaker[0] : speaker[1]] if speaker else None,
        rule="test",
    )


def perfect() -> list[Quote]:
    return [
        quote(MATTIS_CONTENT, speaker=MATTIS_SOURCE),
        quote(ONODERA_PIECE_1, ONODERA_PIECE_2, speaker=ONODERA_SOURCE),
        quote(MINISTRY_CONTENT, speaker=MINISTRY_SOURCE),
        quote(CRITICISM_CONTENT),
    ]


def fake_extractor(predictions: dict[str, list[Quote]]):
    def extractor(articles: Iterable[Article]) -> Iterator[tuple[Article, list[Quote]]]:
        for article in articles:
            yield article, predictions.get(article.id, [])

    return extractor


def scored(gold: GoldArticle, predicted: list[Quote]) -> dict:
    score = Score()
    score_article(score, gold, predicted)
    return score.figures()


# --- reading brat ------------------------------------------------------------------


def test_read_brat_corpus_uses_first_annotation_file_in_sorted_order(gold: GoldArticle) -> None:
    assert gold.article.id == NAME
    assert gold.article.text == TEXT
    assert len(gold.quotes) == 4  # ann1's four events, not ann2's one


def test_read_brat_corpus_reads_roles_discontinuous_spans_and_no_source_events(gold: GoldArticle) -> None:
    mattis, onodera, ministry, criticism = gold.quotes
    assert mattis == GoldQuote((MATTIS_CONTENT,), (MATTIS_SOURCE,), (MATTIS_CUE,))
    assert onodera.content_spans == (ONODERA_PIECE_1, ONODERA_PIECE_2)
    assert ministry.source_spans == (MINISTRY_SOURCE,)
    assert criticism.source_spans == ()
    assert criticism.cue_spans == (CRITICISM_CUE,)


def test_read_brat_corpus_skips_texts_without_annotations(brat_root: Path) -> None:
    assert [g.article.id for g in read_brat_corpus(brat_root)] == [NAME]


def test_read_brat_corpus_rejects_a_folder_without_the_layout(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match="text/ and attributions/"):
        read_brat_corpus(tmp_path)


def test_read_brat_corpus_bad_offsets_name_file_and_line(brat_root: Path) -> None:
    ann = brat_root / "attributions" / f"{NAME}_ann1.ann"
    ann.write_text("T1\tContent 10 2x\tsomething\n", encoding="utf-8")
    with pytest.raises(GoldError) as error:
        read_brat_corpus(brat_root)
    assert f"{ann}:1" in str(error.value)


def test_read_gold_dispatches_on_folder_file_and_missing(brat_root: Path, tmp_path: Path) -> None:
    assert len(read_gold(brat_root)) == 1
    with pytest.raises(GoldError, match="no such file or folder"):
        read_gold(tmp_path / "missing")


# --- scoring -----------------------------------------------------------------------


def test_perfect_prediction_scores_one_everywhere(brat_root: Path) -> None:
    gold_articles = read_brat_corpus(brat_root)
    figures = evaluate(gold_articles, fake_extractor({NAME: perfect()})).figures()
    assert (figures["articles"], figures["gold"], figures["predicted"], figures["matched"]) == (1, 4, 4, 4)
    for name in ("content", "exact", "attribution"):
        assert figures[name] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}, name
    assert figures["source_accuracy"] == 1.0
    assert figures["gold_direct"] == 1  # only Onodera's content is a quotation
    assert (figures["direct_recall"], figures["gold_mixed"]) == (1.0, 0)
    assert "speaker_accuracy" not in figures  # brat gold has no canonical names


def test_no_prediction_scores_zero(brat_root: Path) -> None:
    figures = evaluate(read_brat_corpus(brat_root), fake_extractor({})).figures()
    assert (figures["gold"], figures["predicted"], figures["matched"]) == (4, 0, 0)
    for name in ("content", "exact", "attribution"):
        assert figures[name] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}, name
    assert figures["direct_recall"] == 0.0


def test_partial_prediction_figures_computed_by_hand() -> None:
    # 3 gold items of 50 characters each, at 0-50, 100-150 and 200-250.
    # P1 = 0-30 shares 30 characters with G1, union 50: Jaccard 0.6, a match (not exact);
    #      its speaker 55-60 overlaps G1's source 52-58: attribution correct.
    # P2 = 100-120 shares 20 with G2, union 50: Jaccard 0.4 < 0.5, no match.
    # matched 1 of 2 predicted, 3 gold: P = 1/2 = 0.5, R = 1/3 = 0.3333,
    # F1 = 2 * 0.5 * (1/3) / (0.5 + 1/3) = (1/3) / (5/6) = 0.4. Exact: 0 hits, all zero.
    text = ("x" * 50 + " " * 50) * 3
    gold = GoldArticle(
        Article(id="a", text=text),
        (
            GoldQuote(((0, 50),), source_spans=((52, 58),)),
            GoldQuote(((100, 150),)),
            GoldQuote(((200, 250),)),
        ),
    )
    predicted = [quote((0, 30), speaker=(55, 60), article_id="a", text=text), quote((100, 120), article_id="a", text=text)]
    assert match(predicted, gold.quotes) == [(0, 0, 0.6)]
    figures = scored(gold, predicted)
    assert figures["matched"] == 1
    assert figures["content"] == {"precision": 0.5, "recall": 0.3333, "f1": 0.4}
    assert figures["exact"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert figures["attribution"] == {"precision": 0.5, "recall": 0.3333, "f1": 0.4}
    assert figures["source_accuracy"] == 1.0


def test_match_threshold_is_half_the_union() -> None:
    gold = (GoldQuote(((0, 40),)),)
    # 20 shared of 40: exactly 0.5 matches; 19 of 40 does not.
    assert match([quote((0, 20), text="x" * 60)], gold) == [(0, 0, 0.5)]
    assert match([quote((0, 19), text="x" * 60)], gold) == []
    # A prediction longer than the gold: 40 shared of 80 is 0.5 too.
    assert match([quote((0, 80), text="x" * 90)], gold) == [(0, 0, 0.5)]
    assert match([quote((0, 81), text="x" * 90)], gold) == []


def test_greedy_matching_is_one_to_one_and_keeps_the_better_prediction() -> None:
    text = "x" * 100
    gold = (GoldQuote(((0, 50),)),)
    worse = quote((0, 30), text=text)  # Jaccard 30/50 = 0.6
    better = quote((0, 45), text=text)  # Jaccard 45/50 = 0.9
    assert match([worse, better], gold) == [(1, 0, 0.9)]
    figures = scored(GoldArticle(Article(id=NAME, text=text), gold), [worse, better])
    assert figures["matched"] == 1
    assert figures["content"]["precision"] == 0.5 and figures["content"]["recall"] == 1.0


def test_greedy_matching_takes_the_best_pair_first() -> None:
    # Nested gold items (as PolNeAR has): G0 = 0-100, G1 = 20-100 (80 characters).
    # P0 = 15-95: G0 80/100 = 0.8, G1 75/85 = 0.882 (its own best is G1).
    # P1 = 20-98: G1 78/80 = 0.975, G0 78/100 = 0.78.
    # Best pair first: P1-G1 (0.975), then P0's next best, G0 (0.8). Taking the
    # predictions in order instead would give P0-G1 and P1-G0.
    text = "x" * 120
    gold = (GoldQuote(((0, 100),)), GoldQuote(((20, 100),)))
    pairs = match([quote((15, 95), text=text), quote((20, 98), text=text)], gold)
    assert [(p, g) for p, g, _ in pairs] == [(1, 1), (0, 0)]
    assert [r for _, _, r in pairs] == pytest.approx([0.975, 0.8])


EXACT_CASES = [
    pytest.param(ONODERA_PIECE_1, (ONODERA_PIECE_1[0] + 1, ONODERA_PIECE_1[1] - 2), True, id="quote-marks-and-comma"),
    pytest.param(MINISTRY_CONTENT, (MINISTRY_CONTENT[0] + len("that "), MINISTRY_CONTENT[1]), True, id="leading-that"),
    pytest.param(MATTIS_CONTENT, (MATTIS_CONTENT[0], MATTIS_CONTENT[1] + 1), True, id="final-full-stop"),
    pytest.param(MATTIS_CONTENT, (MATTIS_CONTENT[0] - len("said "), MATTIS_CONTENT[1]), False, id="one-word-more"),
    pytest.param(MATTIS_CONTENT, (MATTIS_CONTENT[0], MATTIS_CONTENT[1] - len(" ironclad")), False, id="one-word-less"),
]


@pytest.mark.parametrize(("gold_span", "predicted_span", "exact"), EXACT_CASES)
def test_exact_match_normalisation(gold_span: Span, predicted_span: Span, exact: bool) -> None:
    gold = GoldArticle(Article(id=NAME, text=TEXT), (GoldQuote((gold_span,)),))
    figures = scored(gold, [quote(predicted_span)])
    assert figures["matched"] == 1
    assert figures["exact"]["recall"] == (1.0 if exact else 0.0)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("\u201cWe Will Win,\u201d", "we will win"),
        ("that the talks were productive.", "The talks were productive"),
        ("  \u00abNous gagnerons\u00bb  ", "nous gagnerons"),
        ("'Great Progress'", "\u2018great progress\u2019"),
        ("that that is all", "is all"),  # a leading "that" is stripped until none is left
        ("The\n  talks\twere productive", "the talks were productive"),
    ],
)
def test_normalise_for_exact_match(left: str, right: str) -> None:
    assert _normalise(left) == _normalise(right)


def test_normalise_keeps_inner_differences() -> None:
    assert _normalise("the talks were productive") != _normalise("the talks were not productive")
    assert _normalise("that's all") != _normalise("'s all")


ATTRIBUTION_CASES = [
    pytest.param(0, MATTIS_SOURCE, True, id="same-span"),
    pytest.param(0, at(TEXT, "Jim Mattis"), True, id="overlapping-span"),
    pytest.param(0, at(TEXT, "Secretary"), True, id="one-word-of-the-source"),
    pytest.param(0, ONODERA_SOURCE, False, id="other-speaker"),
    pytest.param(0, None, False, id="no-speaker-for-a-sourced-item"),
    pytest.param(3, None, True, id="no-speaker-for-a-no-source-item"),
    pytest.param(3, MINISTRY_SOURCE, False, id="a-speaker-for-a-no-source-item"),
]


@pytest.mark.parametrize(("index", "speaker", "correct"), ATTRIBUTION_CASES)
def test_attribution_correct_by_speaker_overlap(gold: GoldArticle, index: int, speaker: Span | None, correct: bool) -> None:
    item = gold.quotes[index]
    figures = scored(gold, [quote(*item.content_spans, speaker=speaker)])
    assert figures["matched"] == 1
    assert figures["attribution"]["precision"] == (1.0 if correct else 0.0)
    assert figures["source_accuracy"] == (1.0 if correct else 0.0)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('"We will win,"', "direct"),
        ("\u201cWe will win,\u201d", "direct"),
        ("\u00abNous gagnerons\u00bb", "direct"),
        ("''We will win,''", "direct"),  # the archive style of the New York Times in PolNeAR
        ('that "we will win."', "direct"),  # only a connective outside the marks, as the detector allows
        ('torture "works."', "mixed"),  # a word of the paraphrase outside them
        ("Kim Hopes for \u2018Great Progress\u2019", "mixed"),
        ("he is a \u201cdisaster\u201d for the party", "mixed"),
        ("the alliance remains ironclad", None),
        ("the alliance's partners remain ironclad", None),  # an apostrophe is not a quotation
        ('we will win and soon."', "direct"),  # a closing mark left unpaired still shows a quotation
    ],
)
def test_gold_is_typed_by_the_words_outside_its_quotation_marks(content: str, expected: str | None) -> None:
    text = f"Intro. The minister said {content}. End."
    span = at(text, content)
    item = GoldQuote((span,))
    assert item.quotation_type(text, find_regions(text)) == expected
    score = Score()
    score_article(score, GoldArticle(Article(id="a", text=text), (item,)), [quote(span, article_id="a", text=text)])
    assert (score.gold_direct, score.matched_direct) == ((1, 1) if expected == "direct" else (0, 0))
    assert (score.gold_mixed, score.matched_mixed) == ((1, 1) if expected == "mixed" else (0, 0))


def test_direct_recall_counts_only_direct_gold(gold: GoldArticle) -> None:
    # Only Onodera's (direct) quote is found: direct recall 1 of 1, content recall 1 of 4.
    figures = scored(gold, [quote(ONODERA_PIECE_1, ONODERA_PIECE_2, speaker=ONODERA_SOURCE)])
    assert figures["direct_recall"] == 1.0
    assert figures["content"]["recall"] == 0.25
    figures = scored(gold, [quote(MATTIS_CONTENT, speaker=MATTIS_SOURCE)])
    assert figures["direct_recall"] == 0.0


def test_details_list_matches_misses_and_false_alarms(gold: GoldArticle) -> None:
    score = Score()
    stray = quote(at(TEXT, "drawn criticism across the region"))
    score_article(score, gold, [quote(MATTIS_CONTENT, speaker=MATTIS_SOURCE), stray], details=True)
    kinds = sorted(d["kind"] for d in score.details)
    assert kinds == ["false", "matched", "missed", "missed", "missed"]
    matched = next(d for d in score.details if d["kind"] == "matched")
    assert matched["gold"] == "the alliance with Japan remains ironclad"
    assert matched["gold_source"] == "Defense Secretary Jim Mattis"


# --- JSON Lines gold ---------------------------------------------------------------

JSONL_TEXT = (
    "North Korean leader Kim Jong Un said he expected significant results at the summit, "
    "KCNA reported. Dong-A Ilbo said the officials discussed a coordination bureau."
)


def _jsonl_gold(tmp_path: Path) -> Path:
    kim = at(JSONL_TEXT, "he expected significant results at the summit")
    kim_source = at(JSONL_TEXT, "North Korean leader Kim Jong Un")
    paper = at(JSONL_TEXT, "the officials discussed a coordination bureau")
    paper_source = at(JSONL_TEXT, "Dong-A Ilbo")
    (tmp_path / "article.txt").write_text(JSONL_TEXT, encoding="utf-8")
    records = [
        {
            "id": "kcna",
            "file": "article.txt",
            "quotes": [
                {"content_spans": [list(kim)], "speaker_span": list(kim_source), "speaker": "Kim Jong-un", "outlet": "KCNA"},
                {"content_spans": [list(paper)], "speaker_span": list(paper_source), "speaker": "Dong-A Ilbo", "outlet": "Dong-A Ilbo"},
            ],
        },
        {"id": "empty", "text": "The weather was fine.", "quotes": []},
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n\n", encoding="utf-8")
    return path


def test_read_jsonl_gold_reads_text_file_and_names(tmp_path: Path) -> None:
    path = _jsonl_gold(tmp_path)
    articles = read_jsonl_gold(path)
    assert [a.article.id for a in articles] == ["kcna", "empty"]
    kcna = articles[0]
    assert kcna.article.text == JSONL_TEXT
    assert kcna.article.path == str(tmp_path / "article.txt")
    assert [q.speaker for q in kcna.quotes] == ["Kim Jong-un", "Dong-A Ilbo"]
    assert kcna.quotes[0].content_spans == (at(JSONL_TEXT, "he expected significant results at the summit"),)
    # A single [start, end] pair is accepted for a speaker span.
    assert kcna.quotes[0].source_spans == (at(JSONL_TEXT, "North Korean leader Kim Jong Un"),)
    assert articles[1].quotes == ()


def test_jsonl_gold_scores_speaker_and_outlet_accuracy(tmp_path: Path) -> None:
    gold_articles = read_jsonl_gold(_jsonl_gold(tmp_path))
    kim, paper = gold_articles[0].quotes
    predictions = {
        "kcna": [
            # Right speaker ("Kim Jong Un" and "Kim Jong-un" are one name), wrong outlet.
            Quote("kcna", "", kim.content_spans, "indirect", speaker_span=kim.source_spans[0], speaker="Kim Jong Un", outlet="Yonhap"),
            # Right speaker (case does not count) and outlet.
            Quote("kcna", "", paper.content_spans, "indirect", speaker_span=paper.source_spans[0], speaker="DONG-A ILBO", outlet="Dong-A Ilbo"),
        ]
    }
    figures = evaluate(gold_articles, fake_extractor(predictions)).figures()
    assert figures["matched"] == 2
    assert figures["speaker_accuracy"] == 1.0
    assert figures["outlet_accuracy"] == 0.5
    # One of two predictions is right end to end; one of two gold items found so.
    assert figures["end_to_end"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}


def test_jsonl_gold_details_show_both_names(tmp_path: Path) -> None:
    gold_articles = read_jsonl_gold(_jsonl_gold(tmp_path))
    kim = gold_articles[0].quotes[0]
    found = Quote("kcna", "", kim.content_spans, "indirect", speaker_span=kim.source_spans[0], speaker="Kim Jong Un", outlet="Yonhap")
    score = evaluate(gold_articles, fake_extractor({"kcna": [found]}), details=True)
    matched = next(d for d in score.details if d["kind"] == "matched")
    assert (matched["gold_speaker"], matched["speaker"]) == ("Kim Jong-un", "Kim Jong Un")
    assert (matched["gold_outlet"], matched["outlet"]) == ("KCNA", "Yonhap")
    assert matched["gold_type"] is None  # no quotation marks: reported speech


def _news_dev_gold(tmp_path: Path) -> Path:
    """The same article in the layout of shared/news-dev: articles/DOC.txt, `content`, `source`, cue spans."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "kcna.txt").write_text(JSONL_TEXT, encoding="utf-8")
    kim = at(JSONL_TEXT, "he expected significant results at the summit")
    record = {
        "doc": "kcna",
        "outlet": "Sputnik",
        "date": "2018-10-08",
        "quotes": [
            {
                "content": [list(kim)],
                "type": "indirect",
                "cue": list(at(JSONL_TEXT, "said")),
                "source": list(at(JSONL_TEXT, "North Korean leader Kim Jong Un")),
                "speaker": "Kim Jong-un",
                "outlet": "KCNA",
                "speaker_alts": ["North Korea"],
                "outlet_alts": [None],
                "cue_text": "said",
            }
        ],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def test_read_jsonl_gold_reads_the_news_dev_layout(tmp_path: Path) -> None:
    (article,) = read_jsonl_gold(_news_dev_gold(tmp_path))
    assert article.article.id == "kcna"
    assert article.article.text == JSONL_TEXT
    assert (article.article.outlet, article.article.published) == ("Sputnik", "2018-10-08")
    (item,) = article.quotes
    assert item.content_spans == (at(JSONL_TEXT, "he expected significant results at the summit"),)
    assert item.cue_spans == (at(JSONL_TEXT, "said"),)
    assert item.source_spans == (at(JSONL_TEXT, "North Korean leader Kim Jong Un"),)
    assert (item.speaker_alts, item.outlet_alts) == (("North Korea",), (None,))


@pytest.mark.parametrize(
    ("predicted", "gold", "alternatives", "right"),
    [
        ("Kim Jong Un", "Kim Jong-un", (), True),  # spelling: only letters and digits count
        ("DONG-A ILBO", "Dong-A Ilbo", (), True),
        ("officials", "Turkish officials", (), True),  # one's words all in the other's: token-set ratio 100
        ("Mike Pompeo", "Kim Jong-un", (), False),
        ("North Korea", "Kim Jong-un", ("North Korea",), True),  # an alternative
        (None, "KCNA", (None,), True),  # the gold allows none
        (None, "KCNA", (), False),
        ("KCNA", None, (), False),
        (None, None, (), True),
        ("", None, (), True),
    ],
)
def test_same_name(predicted: str | None, gold: str | None, alternatives: tuple[str | None, ...], right: bool) -> None:
    assert same_name(predicted, gold, alternatives) is right


def test_alternatives_count_as_right_speakers_and_outlets(tmp_path: Path) -> None:
    gold_articles = read_jsonl_gold(_news_dev_gold(tmp_path))
    (item,) = gold_articles[0].quotes
    found = Quote("kcna", "", item.content_spans, "indirect", speaker_span=item.source_spans[0], speaker="North Korea")
    figures = evaluate(gold_articles, fake_extractor({"kcna": [found]})).figures()
    assert (figures["speaker_accuracy"], figures["outlet_accuracy"]) == (1.0, 1.0)


def test_polnear_convention_takes_the_outer_relay_as_the_source(tmp_path: Path) -> None:
    """ "Kim said C, KCNA reported": the relay convention's source is Kim, PolNeAR's is KCNA."""
    gold_articles = read_jsonl_gold(_news_dev_gold(tmp_path))
    (item,) = gold_articles[0].quotes
    kcna, reported = at(JSONL_TEXT, "KCNA"), at(JSONL_TEXT, "reported")
    found = Quote(
        "kcna",
        "",
        item.content_spans,
        "indirect",
        speaker_span=item.source_spans[0],
        speaker="Kim Jong-un",
        outlet="KCNA",
        via=(
            Link("Kim Jong-un", "person", "speaker", span=item.source_spans[0]),
            Link("KCNA", "outlet", "relay", "KCNA", kcna, "reported", reported),
        ),
    )
    relay = evaluate(gold_articles, fake_extractor({"kcna": [found]})).figures()
    polnear = evaluate(gold_articles, fake_extractor({"kcna": [found]}), convention="polnear").figures()
    assert relay["source_accuracy"] == 1.0  # the gold source is Kim's mention
    assert polnear["source_accuracy"] == 0.0  # KCNA's mention is compared instead
    with pytest.raises(GoldError, match="unknown convention"):
        evaluate(gold_articles, fake_extractor({}), convention="outer")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"id": "x", "text": "cut off', "not JSON"),
        ('{"id": "x"}', "needs `text`, `file` or `doc`"),
        ('{"text": "Hi.", "quotes": [{"content_spans": "0-3"}]}', "spans must be"),
        ('{"file": "missing.txt"}', "cannot read article missing.txt"),
    ],
)
def test_malformed_jsonl_line_names_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "gold.jsonl"
    good = json.dumps({"id": "ok", "text": "Fine.", "quotes": []})
    path.write_text(f"{good}\n\n{line}\n{good}\n", encoding="utf-8")
    with pytest.raises(GoldError) as error:
        read_jsonl_gold(path)
    message = str(error.value)
    assert message.startswith(f"{path}:3: ")  # the blank line 2 still counts
    assert problem in message


def test_jsonl_gold_that_is_not_utf8_is_a_gold_error(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_bytes('{"text": "caf\u00e9"}\n'.encode("latin-1"))
    with pytest.raises(GoldError, match=re.escape(str(path))):
        read_jsonl_gold(path)
