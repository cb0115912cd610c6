"""Bounded work on any input: the per-article character limit, and articles that look quoted
but gave no quote, reported instead of lost."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from click.testing import CliRunner

import quotes.api as api
from quotes.api import extract_articles
from quotes.cli import cli
from quotes.errors import InputError
from quotes.ingest import ingest, looks_quoted
from quotes.marks import find_regions
from quotes.records import Article
from quotes.segments import segments

SHORT = 'The minister said "we will win the vote on Monday."\n'
LONG = "The mayor said the bridge would reopen in May. " * 60


def test_an_article_over_the_limit_fails_alone_with_its_name_and_the_limit(nlp) -> None:
    articles = [Article(id="long", text=LONG, path="long.txt"), Article(id="short", text=SHORT, path="short.txt")]
    failures: list[tuple[str, Exception]] = []
    done = list(extract_articles(articles, max_chars=1000, on_error=lambda a, e: failures.append((a.id, e))))
    assert [article.id for article, _ in done] == ["short"]
    assert [q.content for q in done[0][1]] == ["we will win the vote on Monday."]
    [(failed, error)] = failures
    assert failed == "long" and isinstance(error, InputError)
    assert str(error) == f"long.txt: {len(LONG):,} characters, over the limit of 1,000 (raise it with --max-chars)"


def test_the_limit_can_be_raised_past_spacys_own(nlp) -> None:
    text = SHORT + "\n" + "Filler words for the archive.\n\n" * 100
    default = nlp.max_length
    nlp.max_length = 1000  # spaCy's own limit, made small so that the test parses little
    try:
        [(article, found)] = extract_articles([Article(id="big", text=text)], max_chars=len(text))
    finally:
        nlp.max_length = default
    assert len(text) > 1000 and [q.content for q in found] == ["we will win the vote on Monday."]


def test_extract_command_reports_the_long_file_and_goes_on(nlp, tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_text(LONG, encoding="utf-8")
    (tmp_path / "short.txt").write_text(SHORT, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["extract", str(tmp_path / "long.txt"), str(tmp_path / "short.txt"), "--max-chars", "1000", "--format", "jsonl"]
    )
    assert result.exit_code == 1
    assert "we will win the vote on Monday." in result.stdout
    assert f"long.txt: {len(LONG):,} characters, over the limit of 1,000" in result.stderr


def test_ingest_counts_articles_with_marks_but_no_quotes(tmp_path: Path) -> None:
    (tmp_path / "quiet.txt").write_text('He said nothing like "this is the end of it" at all.\n', encoding="utf-8")
    (tmp_path / "plain.txt").write_text("The bridge reopened in May after repairs.\n", encoding="utf-8")

    def finds_nothing(articles, **options):
        for article in articles:
            yield article, []

    report = ingest([tmp_path], db=tmp_path / "q.db", extract=finds_nothing)
    assert [Path(p).name for p in report.quiet] == ["quiet.txt"]


def test_looks_quoted_needs_a_quotation_and_a_cue_word() -> None:
    assert looks_quoted('She told reporters: "We are ready to talk."')
    assert not looks_quoted('The "Gang of Eight" met on Monday.')  # no cue word
    assert not looks_quoted("She said the talks would resume.")  # no quotation


def test_a_paragraph_thick_with_marks_is_read_by_pairing_alone(nlp) -> None:
    noise = "\"\u201c\u201d\u2018\u2019\u00ab\u00bb " * 40
    text = SHORT + "\n" + f'He said: "one two three four" {noise}\n'
    [(article, found)] = extract_articles([Article(id="dense", text=text)])
    assert [(q.rule, q.content) for q in found] == [
        ("direct:ccomp", "we will win the vote on Monday."),
        ("direct:dense-marks", "one two three four"),
    ]
    assert text[slice(*found[1].content_spans[0])] == "one two three four"


def test_dense_paragraphs_leave_prose_alone() -> None:
    from quotes.marks import dense_paragraphs

    prose = ' '.join(f'"Line {i} of the transcript," she said.' for i in range(30))  # 60 marks, 210 words
    marks = "\u201c\u201d " * 30
    assert dense_paragraphs(prose + "\n" + marks) == [(len(prose) + 1, len(prose) + 1 + len(marks))]


CORPORA = Path(__file__).resolve().parent.parent / "corpora"


def _corpora_as_one_text() -> str:
    return "\n\n".join(p.read_text(encoding="utf-8").strip() for p in sorted(CORPORA.glob("*.txt")))


def test_runs_are_cut_at_line_starts_outside_quotations() -> None:
    text = _corpora_as_one_text()
    quoted = [(r.start, r.end) for r in find_regions(text)]
    runs = segments(text, size=3000, context=500)
    assert len(runs) > 5
    assert runs[0].start == 0 and runs[-1].end == len(text)
    for run, following in zip(runs, runs[1:]):
        assert run.end == following.start  # the runs tile the text
        assert following.start - run.start <= 3000
        assert text[following.start - 1] == "\n"  # whole paragraphs: this text has many
        assert not any(a < following.start < b for a, b in quoted)
        assert following.start - 500 <= following.context_start <= following.start
        # The context is whole paragraphs, or whole sentences of a paragraph longer than it.
        assert text[following.context_start - 1] == "\n" or _after_sentence(text, following.context_start)


def test_a_paragraph_longer_than_a_run_is_cut_after_a_sentence() -> None:
    text = " ".join(_corpora_as_one_text().split())  # one line
    runs = segments(text, size=3000, context=500)
    assert len(runs) > 5
    assert all(_after_sentence(text, run.start) for run in runs[1:])


def _after_sentence(text: str, offset: int) -> bool:
    return re.search(r"[.!?][\"\u201d\u2019)\]]*\s+$", text[max(0, offset - 8) : offset]) is not None


def test_a_long_text_parsed_in_runs_gives_the_quotes_of_the_whole(nlp, monkeypatch) -> None:
    text = _corpora_as_one_text()
    article = Article.from_text(text)
    [(_, whole)] = list(extract_articles([article]))
    monkeypatch.setattr(api, "segments", functools.partial(segments, size=4000, context=1500))
    [(_, in_runs)] = list(extract_articles([article]))
    assert len(segments(text, size=4000)) > 5
    # Every offset indexes the whole text: the run's own offsets were moved back into it.
    by_spans = {q.content_spans: q for q in whole}
    same = [q for q in in_runs if q.content_spans in by_spans]
    assert all(q.content == by_spans[q.content_spans].content for q in same)
    assert len({q.content_spans for q in in_runs}) == len(in_runs)  # none twice, from a context
    assert len(same) >= 0.95 * len(whole) and len(in_runs) <= 1.05 * len(whole)
    agree = sum(q.speaker == by_spans[q.content_spans].speaker for q in same)
    assert agree >= 0.9 * len(same)
