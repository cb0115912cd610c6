"""Where PolNeAR is: $QUOTES_POLNEAR or ../shared/polnear. It has no licence: read at run time, never copied."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def polnear_root() -> Path:
    for candidate in (os.environ.get("QUOTES_POLNEAR"), ROOT.parent / "shared" / "polnear"):
        if candidate and Path(candidate, "dev").is_dir():
            return Path(candidate)
    sys.exit("PolNeAR not found: set QUOTES_POLNEAR or put it at ../shared/polnear")
