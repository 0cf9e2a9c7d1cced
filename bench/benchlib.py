"""What the benchmarks share: their command line and the CKAN app they measure."""
from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def app_from_command_line(doc: str, name: str) -> tuple[Optional[argparse.Namespace], Any]:
    """``(args, app)`` for ``-c CONFIG --rounds N --load``; ``(None, None)`` when the config
    file does not exist (the caller exits 2)."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("-c", "--config", default=os.path.join(ROOT, ".local/test-bench.ini"))
    parser.add_argument("--rounds", type=int, default=5, help="repetitions (median is shown)")
    parser.add_argument("--load", action="store_true", help="load the plan first")
    args = parser.parse_args()
    if not os.path.exists(args.config):
        print(f"{name}: no config {args.config}; see README.md, Benchmarks", file=sys.stderr)
        return None, None
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    return args, make_app(load_config(args.config))
