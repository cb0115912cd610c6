"""End-to-end checks on real annotated news (PolNeAR), read at run time and never shipped.

The dev split runs in `make test`; the train split (840 articles) is the slow
check of `make check-all`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from quotes.api import extract_articles
from quotes.evaluate import evaluate, read_brat_corpus


def _checked(articles):
    """extract_articles, failing on any span outside its article or content that does not match its spans."""
    for article, found in extract_articles(articles):
        text = article.text
        for quote in found:
            spans = list(quote.content_spans) + list(quote.quoted_spans)
            spans += [s for s in (quote.cue_span, quote.speaker_span) if s is not None]
            for start, end in spans:
                assert 0 <= start < end <= len(text), (article.id, quote)
            assert quote.content == " ... ".join(text[a:b] for a, b in quote.content_spans)
            assert quote.type in ("direct", "indirect", "mixed")
            assert quote.rule
        yield article, found


@pytest.mark.polnear
def test_dev_split_spans_and_scores(polnear: Path) -> None:
    figures = evaluate(read_brat_corpus(polnear / "dev"), _checked, convention="polnear").figures()
    assert figures["predicted"] > 1000
    # Floors a little under the figures measured at the last change of the detector or resolver
    # (content F1 0.718, attribution F1 0.660, exact F1 0.498, source accuracy 0.919, recall of
    # direct quotes 0.968 and of mixed ones 0.844), so a change that costs accuracy fails here
    # before it reaches users. Direct recall's floor is the issue's own (0.95).
    assert figures["content"]["f1"] >= 0.71
    assert figures["attribution"]["f1"] >= 0.65
    assert figures["exact"]["f1"] >= 0.48
    assert figures["source_accuracy"] >= 0.91
    assert figures["direct_recall"] >= 0.95
    assert figures["mixed_recall"] >= 0.83


@pytest.mark.slow
@pytest.mark.polnear
def test_every_train_article_gives_spans_inside_its_text(polnear: Path) -> None:
    figures = evaluate(read_brat_corpus(polnear / "train"), _checked).figures()
    assert figures["predicted"] > 10000
