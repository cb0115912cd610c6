"""Datasette's command line with the review pages registered: what `quotes review` runs."""

from datasette.cli import cli
from datasette.plugins import pm

from quotes.review import pages

pm.register(pages, name="quotes_review")
cli()
