"""Shared fixtures: the spaCy pipeline is loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quotes.api import DEFAULT_MODEL, load_pipeline

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
SEED = CORPORA / "sputnik-2018-10-08-kim-trump-summit.txt"


def polnear_root() -> Path | None:
    """PolNeAR at $QUOTES_POLNEAR or ../shared/polnear, if present."""
    for candidate in (os.environ.get("QUOTES_POLNEAR"), ROOT.parent / "shared" / "polnear"):
        if candidate and Path(candidate, "dev").is_dir():
            return Path(candidate)
    return None


def newsdev_root() -> Path | None:
    """The news-dev set (relay convention) at $QUOTES_NEWSDEV or ../shared/news-dev, if present."""
    for candidate in (os.environ.get("QUOTES_NEWSDEV"), ROOT.parent / "shared" / "news-dev"):
        if candidate and Path(candidate, "gold.jsonl").is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def polnear() -> Path:
    root = polnear_root()
    if root is None:
        pytest.skip("PolNeAR not found at ../shared/polnear or $QUOTES_POLNEAR")
    return root


@pytest.fixture(scope="session")
def newsdev() -> Path:
    root = newsdev_root()
    if root is None:
        pytest.skip("news-dev not found at ../shared/news-dev or $QUOTES_NEWSDEV")
    return root
