"""The fast path gives what the full pipeline gives; the bench reports what it says it does.

No timing is asserted here: speed is shown by ``quotes bench`` and benchmarks/ only.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest
import spacy
from click.testing import CliRunner
from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG

import quotes.selective as selective
from quotes.api import DEFAULT_MODEL, _selective, extract_articles
from quotes.bench import JSON_KEYS, BenchResult, Run, _stage
from quotes.cli import cli
from quotes.records import Article
from quotes.selective import CueGate, FastAttributeRuler, FastLemmatizer

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
SAMPLE = sorted(CORPORA.glob("*.txt"))[:6]


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return [Article.from_text(p.read_text(encoding="utf-8"), id=p.name, path=str(p)) for p in SAMPLE]


@pytest.fixture(scope="module")
def parsed(nlp: spacy.Language) -> list[spacy.tokens.Doc]:
    with nlp.select_pipes(enable=["tok2vec", "tagger", "quotes_paragraphs", "parser"]):
        return list(nlp.pipe(p.read_text(encoding="utf-8") for p in SAMPLE))


def _attrs(docs: list[spacy.tokens.Doc]) -> list[numpy.ndarray]:
    return [doc.to_array([TAG, POS, MORPH, LEMMA, DEP]) for doc in docs]


def test_fast_attribute_ruler_sets_what_the_stock_one_sets(nlp: spacy.Language, parsed: list[spacy.tokens.Doc]) -> None:
    ruler = nlp.get_pipe("attribute_ruler")
    assert FastAttributeRuler.supports(ruler)
    fast = FastAttributeRuler(ruler)
    stock_docs = [ruler(doc.copy()) for doc in parsed]
    fast_docs = [fast(doc.copy()) for doc in parsed]
    for stock, ours in zip(_attrs(stock_docs), _attrs(fast_docs), strict=True):
        assert numpy.array_equal(stock, ours)


def test_fast_lemmatizer_gives_the_stock_lemmas(nlp: spacy.Language, parsed: list[spacy.tokens.Doc]) -> None:
    ruler, lemmatizer = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer")
    assert FastLemmatizer.supports(lemmatizer)
    fast = FastLemmatizer(lemmatizer)
    stock_docs = [lemmatizer(ruler(doc.copy())) for doc in parsed]
    fast_docs = [fast(ruler(doc.copy())) for doc in parsed]
    for stock, ours in zip(stock_docs, fast_docs, strict=True):
        assert [t.lemma_ for t in stock] == [t.lemma_ for t in ours]


def test_attribute_ruler_with_other_rules_is_left_to_spacy() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "said", "OP": "?"}]], {"POS": "VERB"})
    assert not FastAttributeRuler.supports(ruler)


def test_cue_gate_keeps_every_paragraph_with_a_cue_lemma(nlp: spacy.Language) -> None:
    gate = CueGate(nlp, nlp.get_pipe("quotes").lexicon)
    lexicon = nlp.get_pipe("quotes").lexicon
    for doc in nlp.pipe(p.read_text(encoding="utf-8") for p in SAMPLE):
        kept = [range(a, b) for a, b, keep in gate.paragraphs(doc) if keep]
        for token in doc:
            lemma = token.lemma_.lower()
            if lemma in lexicon.verbs or lemma in lexicon.nouns or token.lower_ == "according":
                assert any(token.i in r for r in kept), (token.text, token.lemma_)


def test_cue_gate_skips_a_paragraph_without_quote_or_cue(nlp: spacy.Language) -> None:
    gate = CueGate(nlp, nlp.get_pipe("quotes").lexicon)
    doc = nlp.make_doc('Rain fell on Seoul on Tuesday.\n\n"We will win," Kim said.\n')
    assert [keep for _, _, keep in gate.paragraphs(doc)] == [False, True]


def test_selective_path_finds_the_same_quotes(articles: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    # Parse only kept paragraphs even where most are kept, so the copying-back path runs too.
    monkeypatch.setattr(selective, "WHOLE_ARTICLE_SHARE", 1.01)
    text = "Rain fell on Seoul on Tuesday.\n\nTalks ended early.\n\n\"We will win,\" Kim said.\n\nTraffic was light.\n"
    inputs = [*articles, Article.from_text(text, id="skips")]
    full = list(extract_articles(inputs, full_parse=True, batch_size=4))
    fast = list(extract_articles(inputs, batch_size=4))
    assert [q for _, q in fast] == [q for _, q in full]
    assert sum(len(q) for _, q in fast) > 20
    for article, found in fast:
        for quote in found:
            assert all(article.text[a:b] in quote.content for a, b in quote.content_spans)
    doc = next(_selective(DEFAULT_MODEL).pipe([text]))
    assert doc.text == text
    assert [s.text.strip() for s in doc.sents if s.text.strip()][0] == "Rain fell on Seoul on Tuesday."


def test_workers_give_the_same_quotes_in_order(articles: list[Article]) -> None:
    one = list(extract_articles(articles, batch_size=2))
    two = list(extract_articles(articles, batch_size=2, workers=2))
    assert [(a.id, q) for a, q in two] == [(a.id, q) for a, q in one]


def test_a_failing_article_is_reported_and_the_others_go_on(articles: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    import quotes.api as api

    original = api._pipe

    def pipe(texts: list[str], model: str, full_parse: bool, outlets: str | None = None) -> list[list[dict[str, object]]]:
        if any("EXPLODE" in t for t in texts):
            raise RuntimeError("the pipeline choked")
        return original(texts, model, full_parse, outlets)

    monkeypatch.setattr(api, "_pipe", pipe)  # the forked workers inherit it
    bad = Article.from_text("EXPLODE", id="bad")
    failures: list[str] = []
    done = list(extract_articles([articles[0], bad, articles[1]], batch_size=3, workers=2, on_error=lambda a, e: failures.append(a.id)))
    assert [a.id for a, _ in done] == [articles[0].id, articles[1].id] and failures == ["bad"]
    with pytest.raises(RuntimeError):
        list(extract_articles([bad]))


def test_bench_stages_count_the_same_tokens(tmp_path: Path) -> None:
    paths = [str(p) for p in SAMPLE[:2]]
    runs = {stage: _stage(stage, paths, DEFAULT_MODEL, 4) for stage in ("raw", "extract", "workers2")}
    assert len({run.tokens for run in runs.values()}) == 1
    assert all(run.seconds > 0 and run.peak_rss_mb > 0 for run in runs.values())
    assert 0 < runs["extract"].parsed_share <= 1  # type: ignore[operator]


def test_bench_json_has_the_documented_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    result = BenchResult(3, DEFAULT_MODEL, 16, Run(1000, 2.0, 300.0), Run(1000, 1.6, 320.0, 0.0, 0.9), Run(1000, 0.9, 330.0, 310.0))
    monkeypatch.setattr("quotes.bench.bench", lambda paths, **options: result)
    out = CliRunner().invoke(cli, ["bench", "corpora", "--json"])
    assert out.exit_code == 0, out.output
    figures = json.loads(out.output)
    assert tuple(figures) == JSON_KEYS
    assert figures["ratio"] == 1.25 and figures["peak_rss_mb"] == 320.0
    text = CliRunner().invoke(cli, ["bench", "corpora"])
    assert "ratio extraction / raw" in text.output and "1.25" in text.output


def test_bench_without_articles_is_an_error(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["bench", str(tmp_path)])
    assert out.exit_code == 1 and "no readable articles" in out.output
