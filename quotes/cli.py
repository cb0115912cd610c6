"""The command-line interface: parse arguments, call the library, render with rich.

No extraction logic lives here; every command calls one library function.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from quotes.api import DEFAULT_MAX_CHARS, DEFAULT_MODEL, extract_articles
from quotes.errors import InputError, QuotesError
from quotes.read import read_paths
from quotes.records import QUOTE_TYPES, REJECT_REASONS, REVIEW_STATUSES, Article, Change, Link, Quote, Review, Variant

if TYPE_CHECKING:
    from rich.progress import Progress, Task, TaskID

    from quotes.ingest import IngestReport
    from quotes.store import Filters, Store

# Piped or redirected output gets a page-wide table rather than rich's 80-column default.
stdout = Console(width=None if sys.stdout.isatty() else 140)
stderr = Console(stderr=True)

# The documented, stable JSON Lines schema of `quotes extract --format jsonl`.
JSONL_FIELDS = (
    "id",
    "article",
    "content",
    "content_spans",
    "type",
    "cue",
    "cue_span",
    "speaker_mention",
    "speaker_span",
    "speaker",
    "speaker_role",
    "outlet",
    "via",
    "confidence",
    "quoted_spans",
    "rule",
    "resolution",
    "headline",
)

model_option = click.option(
    "--model",
    default=DEFAULT_MODEL,
    show_default=True,
    help="Any installed spaCy pipeline with a parser.",
)


max_chars_option = click.option(
    "--max-chars",
    default=DEFAULT_MAX_CHARS,
    show_default=True,
    type=click.IntRange(1),
    help="The longest article parsed, in characters; a longer one is reported as an error and skipped.",
)

outlets_option = click.option(
    "--outlets",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Your own outlets, a TSV file like quotes/data/outlets.tsv (name, kind, country, aliases), "
    "added to the packaged gazetteer.",
)


def quote_row(article: Article, quote: Quote) -> dict[str, object]:
    """One quote as a flat record of the documented schema."""
    data = quote.to_dict()
    data["article"] = article.path or article.id
    return {name: data.get(name) for name in JSONL_FIELDS}


def _count(number: int, noun: str) -> str:
    """ "1 quote", "2 quotes"."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


class _ErrorCounter:
    def __init__(self) -> None:
        self.count = 0

    def articles(self, paths: tuple[str, ...]) -> Iterator[Article]:
        for result in read_paths(paths):
            if isinstance(result, InputError):
                self.report(result)
            else:
                yield result

    def failed(self, article: Article, error: Exception) -> None:
        """An article that could not be extracted: said on one line, and the others go on."""
        if not isinstance(error, InputError):
            error = InputError(article.path or article.id, f"quote extraction failed ({type(error).__name__}: {error})")
        self.report(error)

    def report(self, error: InputError) -> None:
        self.count += 1
        stderr.print(f"[red]error[/red]: {escape(str(error))}", highlight=False, soft_wrap=True)


@click.group()
@click.version_option(package_name="quotes")
def cli() -> None:
    """Find who said what in news articles, where, and who said it first."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "jsonl", "csv"]),
    default="table",
    show_default=True,
)
@model_option
@outlets_option
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1), help="Processes extracting in parallel.")
@click.option("--full-parse", is_flag=True, help="Parse all the text, not just paragraphs that may hold a quote (slower; same quotes).")
@max_chars_option
def extract(
    paths: tuple[str, ...], output_format: str, model: str, outlets: str | None, workers: int, full_parse: bool, max_chars: int
) -> None:
    """Extract attributed quotes from articles (files, folders, or - for stdin).

    Example: quotes extract corpora/ --format jsonl > quotes.jsonl
    """
    errors = _ErrorCounter()
    writer = None
    try:
        found_in = extract_articles(
            errors.articles(paths), model=model, workers=workers, full_parse=full_parse, outlets=outlets,
            max_chars=max_chars, on_error=errors.failed,
        )
        for article, found in found_in:
            if output_format == "jsonl":
                for quote in found:
                    sys.stdout.write(json.dumps(quote_row(article, quote), ensure_ascii=False) + "\n")
            elif output_format == "csv":
                if writer is None:
                    writer = csv.DictWriter(sys.stdout, fieldnames=JSONL_FIELDS)
                    writer.writeheader()
                for quote in found:
                    writer.writerow({k: json.dumps(v) if isinstance(v, list) else v for k, v in quote_row(article, quote).items()})
            else:
                _print_table(article, found)
    except QuotesError as error:
        _fail(error)
    if errors.count:
        sys.exit(1)


def _print_table(article: Article, found: list[Quote]) -> None:
    table = Table(title=f"{article.path or article.id} — {_count(len(found), 'quote')}", title_justify="left", expand=True)
    table.add_column("speaker", style="bold cyan", ratio=2)
    table.add_column("via", style="magenta", ratio=2)
    table.add_column("type", ratio=1)
    table.add_column("cue", style="green", ratio=1)
    table.add_column("quote", ratio=6)
    for quote in found:
        table.add_row(
            # An unresolved speaker still shows how the article named it ("a source").
            escape(quote.speaker) if quote.speaker else f"[dim]{escape(quote.speaker_mention or 'unknown')}[/dim]",
            _relays(quote),
            quote.type + (" (headline)" if quote.headline else ""),
            quote.cue or "",
            _shorten(quote.content),
        )
    stdout.print(table)


def _relays(quote: Quote) -> str:
    """The chain after the speaker, the outlet in bold: "post on X → [b]X (Twitter)[/b]"."""
    names = [link.name or link.mention or "unknown" for link in quote.via[1:] if link.role == "relay"]
    if not names and quote.outlet:
        names = [quote.outlet]  # the speaker is the outlet ("KCNA reported")
    return " \u2192 ".join(f"[bold]{escape(n)}[/bold]" if n == quote.outlet else escape(n) for n in names)


@cli.command()
@click.argument("gold", type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--details", type=click.Path(dir_okay=False, writable=True), help="Write every match, miss and false alarm to this JSON Lines file.")
@model_option
@outlets_option
@click.option("--full-parse", is_flag=True, help="Parse all the text, not just paragraphs that may hold a quote (the reference for the default).")
@click.option(
    "--convention",
    type=click.Choice(["relay", "polnear"]),
    help="Whose mention is the source of a relayed quote: the speaker's (relay) or the outer relay's (polnear) "
    "[default: polnear for a brat folder, relay for JSON Lines].",
)
def evaluate(
    gold: str, as_json: bool, details: str | None, model: str, outlets: str | None, full_parse: bool, convention: str | None
) -> None:
    """Score extraction against annotated articles (a brat folder like PolNeAR's, or gold JSON Lines).

    Example: quotes evaluate ../shared/polnear/dev
    """
    from pathlib import Path

    from quotes.evaluate import evaluate as run_evaluation, read_gold

    try:
        gold_articles = read_gold(Path(gold))
        score = run_evaluation(
            gold_articles,
            lambda articles: extract_articles(articles, model=model, full_parse=full_parse, outlets=outlets),
            details=details is not None,
            convention=convention or ("polnear" if Path(gold).is_dir() else "relay"),
        )
    except QuotesError as error:
        _fail(error)
    figures = score.figures()
    if details:
        with open(details, "w", encoding="utf-8") as handle:
            for entry in score.details:
                handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
    if as_json:
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    _print_figures(gold, figures)


def _print_figures(gold: str, figures: dict[str, object]) -> None:
    table = Table(title=f"{gold}: {figures['articles']} articles, {figures['gold']} gold, {figures['predicted']} predicted, {figures['matched']} matched")
    table.add_column("measure")
    table.add_column("precision", justify="right")
    table.add_column("recall", justify="right")
    table.add_column("F1", justify="right")
    for name in ("content", "exact", "attribution", "end_to_end"):
        if name in figures:
            prf = figures[name]
            assert isinstance(prf, dict)
            table.add_row(name, f"{prf['precision']:.3f}", f"{prf['recall']:.3f}", f"{prf['f1']:.3f}")
    stdout.print(table)
    lines = [
        f"source accuracy on matched quotes: {figures['source_accuracy']:.3f}",
        f"recall of direct quotes: {figures['direct_recall']:.3f} (of {figures['gold_direct']})",
        f"recall of mixed quotes: {figures['mixed_recall']:.3f} (of {figures['gold_mixed']})",
    ]
    for name in ("speaker_accuracy", "outlet_accuracy"):
        if name in figures:
            lines.append(f"{name.replace('_', ' ')} on matched quotes: {figures[name]:.3f}")
    for line in lines:
        stdout.print(line, highlight=False)


# -- the store: ingest, search, speakers, show, export, clusters, review ----------------

db_option = click.option(
    "--db",
    default="quotes.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The SQLite quote store.",
)


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise click.BadParameter(f"{value!r} is not a date like 2018-10-08 (or 2018-10, or 2018)")
    return value


def filter_options(command: Callable[..., None]) -> Callable[..., None]:
    """The filters that search, speakers and export share."""
    options = [
        click.option("--speaker", help="Only quotes whose speaker's name contains this (any case)."),
        click.option("--outlet", help="Only quotes whose article's (or quote's) outlet contains this."),
        click.option("--via", help="Only quotes whose relay chain has a link (speaker, outlet, wire, publisher) whose name contains this."),
        click.option("--since", callback=_iso_date, help="Only articles dated on or after this date (YYYY[-MM[-DD]])."),
        click.option("--until", callback=_iso_date, help="Only articles dated on or before this date."),
        click.option("--type", "quote_type", type=click.Choice(QUOTE_TYPES), help="Only quotes of this type."),
        click.option("--status", type=click.Choice(REVIEW_STATUSES), help="Only quotes with this review status."),
        click.option("--outdated", is_flag=True, help="Only quotes whose review decision was made on an earlier version of the article."),
    ]
    return _with_options(command, options)


def _with_options(command: Callable[..., None], options: list[Callable[..., Any]]) -> Callable[..., None]:
    """``command`` with click's decorators applied so that ``options`` list in this order."""
    for option in reversed(options):
        command = option(command)
    return command


def _fail(error: QuotesError) -> NoReturn:
    # One line whatever the terminal width; a path's [brackets] are not markup.
    stderr.print(f"[red]error[/red]: {escape(str(error))}", highlight=False, soft_wrap=True)
    sys.exit(1)


def _open_store(db: str) -> Store:
    from quotes.store import Store

    return Store(db, create=False)


class _IngestBar:
    """A rich progress bar fed by quotes.ingest: articles, quotes found, rate, time left."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None
        self.quotes = 0

    def start(self, total: int) -> None:
        self.task = self.progress.add_task("extracting", total=total, quotes=0)

    def advance(self, article: Article, quotes: int) -> None:
        self.quotes += quotes
        if self.task is not None:
            self.progress.update(self.task, advance=1, quotes=self.quotes)


def _ingest_progress() -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    class _Rate(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:.1f}/s", style="cyan")

    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(bar_width=24),
        MofNCompleteColumn(),
        TextColumn("articles · [green]{task.fields[quotes]}[/green] quotes"),
        _Rate(),
        TimeRemainingColumn(),
        console=stderr,
        transient=False,
    )


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@model_option
@outlets_option
@click.option("--batch-size", default=16, show_default=True, type=click.IntRange(1), help="Articles per extraction batch and per transaction.")
@click.option("--workers", type=click.IntRange(1), help="Processes extracting in parallel [default: 1; with --engine dask and no --scheduler, one local worker per core].")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True, help="Extract on this machine, or on a Dask distributed cluster.")
@click.option("--scheduler", metavar="ADDRESS", help="With --engine dask: a running scheduler (tcp://host:8786); without it a local cluster is started.")
@click.option("--parquet", type=click.Path(file_okay=False), help="With --engine dask: the Parquet dataset folder for the results [default: DB.parquet].")
@max_chars_option
def ingest(
    paths: tuple[str, ...], db: str, model: str, outlets: str | None, batch_size: int, workers: int | None, engine: str,
    scheduler: str | None, parquet: str | None, max_chars: int,
) -> None:
    """Extract, attribute, store and cluster the quotes of articles (files and folders).

    Articles already stored (same text) are skipped; a changed article replaces its
    old quotes. A stopped ingest keeps every finished batch: run it again to resume.

    Example: quotes ingest corpora/ --db quotes.db --workers 2
    """
    from quotes.ingest import ingest as run_ingest

    if scheduler and engine != "dask":
        _fail(QuotesError("--scheduler needs --engine dask"))

    try:
        with _ingest_progress() as progress:
            report = run_ingest(
                paths, db=db, model=model, batch_size=batch_size, progress=_IngestBar(progress),
                workers=workers, engine=engine, scheduler=scheduler, parquet=parquet, outlets=outlets,  # type: ignore[arg-type]
                max_chars=None if max_chars == DEFAULT_MAX_CHARS else max_chars,
            )
    except QuotesError as error:
        _fail(error)
    except KeyboardInterrupt:
        stderr.print(f"interrupted: finished batches are stored in {db}; run the same command again to resume", soft_wrap=True)
        sys.exit(130)
    _print_ingest_summary(report)
    if report.failures:
        sys.exit(1)


def _print_ingest_summary(report: IngestReport) -> None:
    table = Table(title=f"ingested into {report.db} in {report.seconds:.1f}s", title_justify="left")
    table.add_column("this run")
    table.add_column("", justify="right")
    table.add_column("store")
    table.add_column("", justify="right")
    totals = report.totals
    mine = [
        ("articles read", report.read),
        ("new", report.added),
        ("replaced (changed)", report.replaced),
        ("unchanged (skipped)", report.unchanged),
        ("failed", len(report.failures)),
        ("quotes stored", report.quotes),
        ("marks but no quotes", len(report.quiet)),
    ]
    store = [
        ("articles", totals.get("articles")),
        ("quotes", f"{totals.get('quotes')} ({totals.get('direct')} direct, {totals.get('indirect')} indirect, {totals.get('mixed')} mixed)"),
        ("attributed to a speaker", totals.get("attributed")),
        ("speakers", totals.get("speakers")),
        ("outlets", totals.get("outlets")),
        ("clusters (repeated)", f"{totals.get('clusters')} ({totals.get('repeated')})"),
        ("", ""),
    ]
    for (a, x), (b, y) in zip(mine, store):
        table.add_row(a, str(x), b, str(y))
    stdout.print(table)
    for failure in report.failures:
        stderr.print(f"[red]failed[/red]: {escape(str(failure))}", highlight=False, soft_wrap=True)
    if report.quiet:
        # Quotation marks and cue words but no quote: most likely a miss; name a few to look at.
        shown = ", ".join(report.quiet[:5]) + (", ..." if len(report.quiet) > 5 else "")
        stderr.print(f"articles with marks but no quotes: {len(report.quiet)} ({escape(shown)})", highlight=False, soft_wrap=True)


def _plain(value: str | None, *, missing: str = "") -> Text:
    """Text from the data, never read as rich markup (a quote may hold "[1]")."""
    return Text(value) if value else Text(missing, style="dim")


def _filters(text: str | None = None, **options: str | None) -> Filters:
    from quotes.store import Filters

    return Filters(
        text=text,
        speaker=options.get("speaker"),
        outlet=options.get("outlet"),
        via=options.get("via"),
        since=options.get("since"),
        until=options.get("until"),
        type=options.get("quote_type"),
        status=options.get("status"),
        outdated=bool(options.get("outdated")),
    )


def _highlighted(marked: str, limit: int = 220) -> Text:
    """Quote text with FTS matches (between \\x01 and \\x02) in bold yellow."""
    text = Text()
    for index, part in enumerate(" ".join(marked.split()).replace("\x02", "\x01").split("\x01")):
        text.append(part, style="bold yellow" if index % 2 else "")
    text.truncate(limit, overflow="ellipsis")
    return text


@cli.command()
@click.argument("text", required=False)
@filter_options
@click.option("--limit", default=20, show_default=True, type=click.IntRange(0), help="How many quotes to show (0: all).")
@db_option
def search(text: str | None, limit: int, db: str, **filters: str | None) -> None:
    """Find stored quotes by their words (full text), speaker, outlet, date or type.

    Words must all occur; "a phrase" in double quotes must occur as such; word* matches a prefix.

    Example: quotes search "great progress" --speaker Kim --since 2018-06-01
    """
    try:
        with _open_store(db) as store:
            rows = list(store.rows(_filters(text, **filters), limit=limit or None))
    except QuotesError as error:
        _fail(error)
    table = Table(title=f"{_count(len(rows), 'quote')}" + (escape(f" matching {text!r}") if text else ""), title_justify="left", expand=True)
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("outlet", style="magenta", ratio=2)
    table.add_column("speaker", style="bold cyan", ratio=2)
    table.add_column("type", no_wrap=True)
    table.add_column("quote", ratio=6)
    for row in rows:
        table.add_row(
            row["quote_id"],
            (row["date"] or "")[:10],
            _plain(row["article_outlet"]),
            _plain(row["speaker"], missing="unknown"),
            row["type"],
            _highlighted(row["highlighted"] or row["quote"]),
        )
    stdout.print(table)


@cli.command()
@filter_options
@click.option("--limit", default=20, show_default=True, type=click.IntRange(0), help="How many speakers to show (0: all).")
@db_option
def speakers(limit: int, db: str, **filters: str | None) -> None:
    """Who is quoted most, in how many articles, and by which outlets.

    Example: quotes speakers --since 2018-01-01 --limit 10
    """
    try:
        with _open_store(db) as store:
            ranked = store.speakers(_filters(**filters), limit=limit or None)
    except QuotesError as error:
        _fail(error)
    table = Table(title=f"most quoted speakers in {db}", title_justify="left", expand=True)
    table.add_column("speaker", style="bold cyan", ratio=2)
    table.add_column("role", ratio=2)
    table.add_column("quotes", justify="right")
    table.add_column("direct", justify="right")
    table.add_column("articles", justify="right")
    table.add_column("outlets", style="magenta", ratio=3)
    for row in ranked:
        outlets = ", ".join(f"{name} ({n})" for name, n in row["outlets"][:4])
        if len(row["outlets"]) > 4:
            outlets += f" +{len(row['outlets']) - 4} more"
        table.add_row(_plain(row["speaker"]), _plain(row["role"]), str(row["quotes"]), str(row["direct"]), str(row["articles"]), _plain(outlets))
    stdout.print(table)


def _chain(via: tuple[Link, ...]) -> Text:
    """A relay chain, one link after another: who, as named here, by which cue."""
    chain = Text()
    for position, link in enumerate(via):
        if position:
            chain.append(" \u2192 ", style="dim")
        chain.append(link.name or link.mention or "unknown", style="bold cyan" if link.role == "speaker" else "magenta")
        detail = [link.kind if link.role == "relay" else link.role]
        if link.cue:
            detail.append(f"“{link.cue}”")
        chain.append(f" ({', '.join(detail)})", style="dim")
    return chain


def _paragraph_bounds(text: str, start: int, end: int, *, around: int = 1) -> tuple[int, int]:
    """The paragraph(s) holding text[start:end], plus ``around`` paragraphs either side."""
    left = start
    for _ in range(around + 1):
        left = text.rfind("\n", 0, max(0, left - 1)) + 1 if left > 0 else 0
    right = end
    for _ in range(around + 1):
        found = text.find("\n", right + 1)
        right = len(text) if found < 0 else found
    return left, right


@cli.command()
@click.argument("quote_id")
@db_option
@click.option("--around", default=1, show_default=True, type=click.IntRange(0), help="Paragraphs of context either side.")
def show(quote_id: str, db: str, around: int) -> None:
    """Show a quote in its article: the quote highlighted, speaker and cue labelled.

    QUOTE_ID is an id from `quotes search` (a unique prefix will do).

    Example: quotes show 54ed30b3
    """
    try:
        with _open_store(db) as store:
            quote, row, article = store.quote(quote_id)
            reviews = store.reviews(quote.id)
    except QuotesError as error:
        _fail(error)
    header = Table.grid(padding=(0, 2))
    header.add_column(style="dim")
    header.add_column()
    header.add_row("article", Text(article.title or article.id, style="bold"))
    header.add_row("outlet", Text(row["article_outlet"] or "unknown", style="magenta"))
    for label, value in (("date", article.published), ("url", article.url), ("file", article.path)):
        if value:
            header.add_row(label, Text(value))
    speaker = Text(row["speaker"] or "unknown", style="bold cyan")
    if row["speaker_role"]:
        speaker.append(f", {row['speaker_role']}", style="cyan")
    if row["speaker_detected"]:
        speaker.append(f"  (corrected; detected: {row['speaker_detected']})", style="yellow")
    elif quote.speaker_mention and quote.speaker_mention != quote.speaker:
        speaker.append(f"  (named here as “{quote.speaker_mention}”)", style="dim")
    header.add_row("speaker", speaker)
    if quote.via:
        header.add_row("via", _chain(quote.via))
    elif row["quote_outlet"]:
        header.add_row("via", Text(row["quote_outlet"], style="magenta"))
    header.add_row("type", Text(f"{quote.type}, cue “{quote.cue}”" if quote.cue else quote.type))
    if row["cluster_id"]:
        first = "this is the first appearance" if row["first_appearance"] else f"first: {row['first_date'] or '?'} {row['first_outlet'] or ''}"
        header.add_row("cluster", Text(f"{row['cluster_id']}: {_count(row['cluster_size'], 'appearance')}; {first}"))
    if row.get("differs_from_first"):
        changes = [f"{c['first'] or '∅'} → {c['this'] or '∅'}" for c in json.loads(row["changes"])]
        header.add_row("misquote?", Text("words differ from the first appearance: " + "; ".join(changes), style="bold red"))
    if reviews:
        header.add_row("review", _review_line(reviews[-1], len(reviews)))
    header.add_row("id", Text(quote.id, style="dim"))
    stdout.print(header)

    text = article.text
    left, right = _paragraph_bounds(text, quote.start, quote.end, around=around)
    marks: list[tuple[int, int, str, str | None]] = [(a, b, "bold black on yellow", None) for a, b in quote.content_spans]
    if quote.speaker_span:
        marks.append((*quote.speaker_span, "bold cyan underline", "speaker"))
    if quote.cue_span:
        marks.append((*quote.cue_span, "bold green", "cue"))
    for link in quote.via:
        if link.role != "speaker" and link.span:
            marks.append((*link.span, "bold magenta", "via"))
    body = Text()
    position = left
    for start, end, style, label in sorted(m for m in marks if left <= m[0] < right):
        if start < position:  # overlapping marks: the first one wins
            continue
        body.append(text[position:start])
        body.append(text[start:end], style=style)
        if label:
            body.append(f"[{label}]", style="dim " + style.split()[-1] if "underline" not in style else "dim cyan")
        position = end
    body.append(text[position:right])
    from rich.panel import Panel

    stdout.print(Panel(body, title="in context", title_align="left", border_style="dim"))


@cli.command()
@filter_options
@click.option("-o", "--output", required=True, help="The file to write (- for standard output). Its suffix names the format unless --format does.")
@click.option("--format", "output_format", type=click.Choice(["csv", "jsonl", "xlsx", "md", "html"]), help="csv, jsonl, xlsx, md or html.")
@click.option("--search", "text", help="Only quotes matching this full-text search.")
@db_option
def export(output: str, output_format: str | None, text: str | None, db: str, **filters: str | None) -> None:
    """Export stored quotes, one row per quote with its article, speaker and cluster.

    Example: quotes export --format xlsx -o quotes.xlsx --outlet Sputnik
    """
    from quotes.export import export as write_export
    from quotes.store import EXPORT_COLUMNS

    try:
        with _open_store(db) as store:
            count = write_export(store.rows(_filters(text, **filters)), output, columns=EXPORT_COLUMNS, format=output_format)
    except QuotesError as error:
        _fail(error)
    if output != "-":
        stderr.print(f"wrote {_count(count, 'quote')} to {output}", highlight=False)


def _review_line(review: Review, decisions: int = 1) -> Text:
    """ "verified by Ana on 2026-12-04 (speaker → Jim Mattis): note"."""
    style = {"verified": "bold green", "rejected": "bold red", "corrected": "bold yellow"}[review.status]
    line = Text(review.status + (f" ({review.reason})" if review.reason else ""), style=style)
    line.append(f" by {review.reviewer or 'someone'} on {review.reviewed_at[:10]}")
    fixed = [f"{field} → {value}" for field, value in (("speaker", review.speaker), ("outlet", review.outlet), ("type", review.type)) if value]
    if fixed:
        line.append(" (" + "; ".join(fixed) + ")")
    if review.note:
        line.append(f": {review.note}", style="italic")
    if review.outdated:
        line.append("  the article changed since: review it again", style="bold red")
    if decisions > 1:
        line.append(f"  [{decisions} decisions]", style="dim")
    return line


def _decide(quote_id: str, db: str, status: str, **decision: str | None) -> None:
    import getpass

    decision["reviewer"] = decision.get("reviewer") or os.environ.get("QUOTES_REVIEWER") or getpass.getuser()
    try:
        with _open_store(db) as store:
            review = store.review(quote_id, status, **decision)  # type: ignore[arg-type]
    except QuotesError as error:
        _fail(error)
    stdout.print(Text(f"{review.quote_id}  ").append(_review_line(review)))


def review_options(command: Callable[..., None]) -> Callable[..., None]:
    """What every decision takes: the quote, a note and who decided."""
    return _with_options(command, [
        click.argument("quote_id"),
        click.option("--note", help="Why: what was checked, against what."),
        click.option("--by", "reviewer", metavar="NAME", help="Who decides [default: $QUOTES_REVIEWER, or your user name]."),
        db_option,
    ])


@cli.command()
@review_options
def verify(quote_id: str, db: str, **decision: str | None) -> None:
    """Sign a quote off as checked: the words, the speaker and the outlet are right.

    Example: quotes verify 54ed30b3 --note "checked against the KCNA original" --by ana
    """
    _decide(quote_id, db, "verified", **decision)


@cli.command()
@review_options
@click.option("--reason", type=click.Choice(REJECT_REASONS), default=REJECT_REASONS[0], show_default=True, help="not-a-quote, or boundaries: a quote, but cut in the wrong places.")
def reject(quote_id: str, db: str, **decision: str | None) -> None:
    """Mark a detected quote as wrong: not a quote, or cut in the wrong places.

    Example: quotes reject 54ed30b3 --reason boundaries --note "the quote runs on into the next sentence"
    """
    _decide(quote_id, db, "rejected", **decision)


@cli.command()
@review_options
@click.option("--speaker", help="The right speaker, by name.")
@click.option("--outlet", help="The right outlet nearest the speaker.")
@click.option("--type", "type", type=click.Choice(QUOTE_TYPES), help="The right quote type.")
def correct(quote_id: str, db: str, **decision: str | None) -> None:
    """Correct a quote's speaker, outlet or type; exports then carry the correction.

    Example: quotes correct 54ed30b3 --speaker "Heather Nauert" --note "the spokeswoman said it, not Pompeo"
    """
    if not any(decision.get(field) for field in ("speaker", "outlet", "type")):
        raise click.UsageError("give at least one of --speaker, --outlet, --type")
    _decide(quote_id, db, "corrected", **decision)


@cli.command()
@click.option("--sort", type=click.Choice(["size", "spread"]), default="size", show_default=True, help="size: most appearances first; spread: most outlets first.")
@click.option("--min-size", default=1, show_default=True, type=click.IntRange(1), help="Only clusters with at least this many appearances.")
@click.option("--speaker", help="Only clusters whose speaker's name contains this.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(0), help="How many clusters to show (0: all).")
@click.option("--appearances", is_flag=True, help="List every appearance of each cluster.")
@click.option("--variants", "show_variants", is_flag=True, help="List each cluster's wordings, the words changed from its first appearance highlighted.")
@db_option
def clusters(sort: str, min_size: int, speaker: str | None, limit: int, appearances: bool, show_variants: bool, db: str) -> None:
    """The same quote across articles and outlets: largest or most widespread first.

    Example: quotes clusters --sort spread --min-size 2 --appearances
    """
    from quotes.store import Filters

    try:
        with _open_store(db) as store:
            found = store.clusters(sort=sort, limit=limit or None, min_size=min_size, speaker=speaker)  # type: ignore[arg-type]
            members = {c["id"]: list(store.rows(Filters(cluster=c["id"]))) for c in found} if appearances or show_variants else {}
            wordings = {c["id"]: store.variants(c["id"]) for c in found} if show_variants else {}
    except QuotesError as error:
        _fail(error)
    if not found:
        stdout.print(f"no clusters in {db}" + (" with these options" if min_size > 1 or speaker else "; ingest articles first"))
        return
    table = Table(title=f"clusters in {db}, by {sort}", title_justify="left", expand=True)
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("seen/art./outl.", justify="right", no_wrap=True)
    table.add_column("first", ratio=2)
    table.add_column("speaker", style="bold cyan", ratio=2)
    table.add_column("quote", ratio=5)
    for cluster in found:
        first = f"{(cluster['first_date'] or '?')[:10]} {_shorten(cluster['first_outlet'] or '', 24)}".strip()
        if cluster["repeats"]:
            first += f"; said on {_count(len(cluster['repeats']), 'other occasion')} too"
        table.add_row(
            cluster["id"], f"{cluster['appearances']}/{cluster['articles']}/{cluster['outlets']}",
            _plain(first), _plain(cluster["speaker"], missing="unknown"), _plain(_shorten(cluster["text"], 160)),
        )
    stdout.print(table)
    for cluster in found if appearances else []:
        listing = Table(title=f"cluster {cluster['id']}: {escape(_shorten(cluster['text'], 70))}", title_justify="left", expand=True)
        listing.add_column("date", no_wrap=True)
        listing.add_column("outlet", style="magenta", ratio=1)
        listing.add_column("article", ratio=2)
        listing.add_column("speaker", style="cyan", ratio=1)
        listing.add_column("quote", ratio=4)
        listing.add_column("id", style="dim", no_wrap=True)
        for row in members[cluster["id"]]:
            listing.add_row(
                (row["date"] or "")[:10] + (" [bold]first[/bold]" if row["first_appearance"] else ""),
                _plain(row["article_outlet"]), _plain(_shorten(row["article_title"] or row["article_id"], 60)),
                _plain(row["speaker"]), _plain(_shorten(row["quote"], 140)), row["quote_id"],
            )
        stdout.print(listing)
    for cluster in found if show_variants else []:
        _print_variants(cluster, wordings[cluster["id"]], {row["quote_id"]: row for row in members[cluster["id"]]})


def _print_variants(cluster: dict[str, object], wordings: tuple[Variant, ...], rows: dict[str, dict[str, object]]) -> None:
    changed = sum(1 for v in wordings if v.changes)
    title = f"cluster {cluster['id']}: {_count(len(wordings), 'wording')}, {changed} changed from the first appearance"
    listing = Table(title=escape(title), title_justify="left", expand=True)
    listing.add_column("first seen", no_wrap=True)
    listing.add_column("outlet", style="magenta", ratio=1)
    listing.add_column("seen", justify="right", no_wrap=True)
    listing.add_column("wording", ratio=5)
    listing.add_column("changes", ratio=3)
    for number, variant in enumerate(wordings):
        row = rows.get(variant.first_id, {})
        when = str(row.get("date") or "")[:10] + (" [bold]first[/bold]" if number == 0 else "")
        changes = Text("; ").join(
            Text.assemble((c.first or "∅", "strike dim"), " → ", (c.this or "∅", "bold red")) for c in variant.changes
        ) if variant.changes else Text("—" if number else "", style="dim")
        listing.add_row(when, _plain(str(row.get("article_outlet") or "")), str(len(variant.ids)), _changes_marked(variant.text, variant.changes), changes)
    stdout.print(listing)


def _changes_marked(text: str, changes: tuple[Change, ...]) -> Text:
    """The wording with the words it has in place of the first appearance's in bold red."""
    from quotes.variants import changed_pieces

    shown = Text()
    for piece, changed in changed_pieces(_shorten(text, 400), changes):
        shown.append(piece, style="bold red" if changed else "")
    return shown


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for other machines).")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--get", "get_path", metavar="PATH", help="Fetch one page (e.g. /quotes/quote_rows.json) and exit, without a server.")
def review(db: str, host: str, port: int, get_path: str | None) -> None:
    """Check, correct and sign off quotes in a browser: a queue at /review, a page per quote.

    Datasette serves the pages and, beside them, the tables, SQL and facets.

    Needs the review extra: pip install 'quotes[review]'.

    Example: quotes review --db quotes.db --port 8001
    """
    from quotes.review import serve

    try:
        if not get_path:
            stderr.print(f"serving {db} at http://{host}:{port}/ (Ctrl-C to stop); the review queue is at /review", highlight=False)
        status = serve(db, host=host, port=port, get=get_path)
    except QuotesError as error:
        _fail(error)
    sys.exit(status)


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--near", type=click.FloatRange(0, 100), default=None, help="Similarity (0-100) of near-identical quotes [default: 90].")
@click.option("--containment", type=click.FloatRange(0, 1, min_open=True), default=None, help="Share of a fragment's words found in the longer quote [default: 0.875].")
@click.option("--ignore-speakers", is_flag=True, help="Match on text alone, even when speakers differ.")
@click.option("--occasion-days", type=click.IntRange(0), default=None, help="Days from a cluster's first date past which the same words are another occasion, linked as a repeat [default: 180; 30 for a phrase under five words].")
@click.option("--ignore-dates", is_flag=True, help="One cluster for the same words whatever their dates (no occasions).")
def dedupe(path: str, near: float | None, containment: float | None, ignore_speakers: bool, occasion_days: int | None, ignore_dates: bool) -> None:
    """Cluster quotes from anywhere (JSON Lines) into one row per utterance.

    Each input line is {"id", "text"} with optional "speaker", "outlet", "date"
    (ISO 8601), "article_id" and "spans"; the lines of `quotes extract --format
    jsonl` and `quotes export --format jsonl` are read as they are. Each output line is one cluster,
    largest first: {"cluster", "ids", "text" (the longest complete version),
    "speaker", "first" (the id of the earliest appearance), "variants" (its
    wordings and the words each changed from the first appearance), "repeats"
    (the clusters of the same words on other occasions)}. Bad lines are
    reported on stderr and skipped; the exit status is then 1.

    Example: quotes dedupe quotes.jsonl > clusters.jsonl
    """
    from quotes.dedupe import dedupe as dedupe_records
    from quotes.dedupe import read_records, replace_options, to_row

    changes: dict[str, object] = {"use_speakers": not ignore_speakers}
    if near is not None:
        changes["near"] = near
    if containment is not None:
        changes["containment"] = containment
    if occasion_days is not None:
        changes["occasion_days"] = occasion_days
    if ignore_dates:
        changes["occasion_days"] = changes["phrase_occasion_days"] = None
    errors = 0
    records = []
    try:
        with click.open_file(path, encoding="utf-8") as handle:
            for result in read_records(handle, source="<stdin>" if path == "-" else path):
                if isinstance(result, InputError):
                    errors += 1
                    stderr.print(f"[red]error[/red]: {escape(str(result))}", highlight=False, soft_wrap=True)
                else:
                    records.append(result)
    except OSError as exc:
        _fail(InputError(path, f"cannot be read ({exc.strerror})"))
    except UnicodeDecodeError as exc:
        _fail(InputError(path, f"is not UTF-8 (byte {exc.start} cannot be decoded)"))
    clusters = dedupe_records(records, options=replace_options(**changes))
    for cluster in clusters:
        sys.stdout.write(json.dumps(to_row(cluster), ensure_ascii=False) + "\n")
    stderr.print(f"{_count(len(records), 'quote')}, {_count(len(clusters), 'cluster')}", highlight=False)
    if errors:
        sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--batch-size", default=16, show_default=True, type=click.IntRange(1), help="Articles per nlp.pipe batch, for every run.")
@model_option
def bench(paths: tuple[str, ...], as_json: bool, batch_size: int, model: str) -> None:
    """Time extraction against raw nlp.pipe of the same pipeline on the same articles.

    Prints raw nlp.pipe throughput, extraction throughput, their ratio, throughput
    with --workers 2 and peak memory. Each run goes over the articles once to warm
    up, then once timed, in a process of its own.

    Example: quotes bench ../shared/polnear/dev/text --json
    """
    from quotes.bench import bench as run_bench

    try:
        result = run_bench(paths, model=model, batch_size=batch_size)
    except QuotesError as error:
        _fail(error)
    if as_json:
        sys.stdout.write(result.to_json() + "\n")
        return
    for line in result.lines():
        stdout.print(line, highlight=False, soft_wrap=True)


def main() -> None:
    cli()
