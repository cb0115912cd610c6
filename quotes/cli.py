"""The command-line interface: parse arguments, call the library, render with rich.

No extraction logic lives here; every command calls one library function.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator

import click
from rich.console import Console
from rich.table import Table

from quotes.api import DEFAULT_MODEL, extract_articles
from quotes.errors import InputError, QuotesError
from quotes.read import read_paths
from quotes.records import Article, Quote

stdout = Console()
stderr = Console(stderr=True)

# The documented, stable JSON Lines schema of `quotes extract --format jsonl`.
JSONL_FIELDS = (
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


def quote_row(article: Article, quote: Quote) -> dict[str, object]:
    """One quote as a flat record of the documented schema."""
    data = quote.to_dict()
    data["article"] = article.path or article.id
    return {name: data.get(name) for name in JSONL_FIELDS}


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


class _ErrorCounter:
    def __init__(self) -> None:
        self.count = 0

    def articles(self, paths: tuple[str, ...]) -> Iterator[Article]:
        for result in read_paths(paths):
            if isinstance(result, InputError):
                self.count += 1
                stderr.print(f"[red]error[/red]: {result}", highlight=False)
            else:
                yield result


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
def extract(paths: tuple[str, ...], output_format: str, model: str) -> None:
    """Extract attributed quotes from articles (files, folders, or - for stdin).

    Example: quotes extract corpora/ --format jsonl > quotes.jsonl
    """
    errors = _ErrorCounter()
    writer = None
    try:
        for article, found in extract_articles(errors.articles(paths), model=model):
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
        stderr.print(f"[red]error[/red]: {error}", highlight=False)
        sys.exit(1)
    if errors.count:
        sys.exit(1)


def _print_table(article: Article, found: list[Quote]) -> None:
    table = Table(title=f"{article.path or article.id} — {len(found)} quotes", title_justify="left", expand=True)
    table.add_column("speaker", style="bold cyan", ratio=2)
    table.add_column("outlet", style="magenta", ratio=1)
    table.add_column("type", ratio=1)
    table.add_column("cue", style="green", ratio=1)
    table.add_column("quote", ratio=6)
    for quote in found:
        table.add_row(
            quote.speaker or "[dim]unknown[/dim]",
            quote.outlet or "",
            quote.type + (" (headline)" if quote.headline else ""),
            quote.cue or "",
            _shorten(quote.content),
        )
    stdout.print(table)


def main() -> None:
    cli()
