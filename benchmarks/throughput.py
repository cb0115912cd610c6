"""The figures of `quotes bench` on PolNeAR's dev texts: raw nlp.pipe, extraction, ratio, --workers 2, memory.

Usage:
    .venv/bin/python benchmarks/throughput.py [--batch-size 16] [--json] [PATH ...]

Without a PATH it reads PolNeAR's dev texts ($QUOTES_POLNEAR or ../shared/polnear).
Prints what `quotes bench PATH` prints; the performance table in docs/performance.md is its output.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _polnear import polnear_root  # noqa: E402

from quotes.bench import bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    paths = args.paths or [str(polnear_root() / "dev" / "text")]
    result = bench(paths, batch_size=args.batch_size)
    if args.json:
        print(result.to_json())
        return
    print(f"cores: {os.cpu_count()}, load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for line in result.lines():
        print(line)


if __name__ == "__main__":
    main()
