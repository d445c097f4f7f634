"""`python -m eval run|tune|bench|feedback …` — see eval/README.md."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Sequence

USAGE = """usage: python -m eval COMMAND [options]

commands:
  run        evaluate a gold set, compare with a baseline, write JSON / reports (python -m eval run -h)
  tune       learn fusion weights and refusal thresholds on the development split
  bench      benchmark latency and throughput
  feedback   feedback export: 👎 answers as candidate gold lines
"""
COMMANDS = {"run": "eval.cli", "tune": "eval.tune", "bench": "eval.bench", "feedback": "eval.feedback"}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        print(f"error: unknown command {command!r}; choose one of: {', '.join(COMMANDS)}\n\n{USAGE}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        module = importlib.import_module(COMMANDS[command])
    except ModuleNotFoundError as error:
        if error.name != COMMANDS[command]:
            raise
        print(
            f"error: `python -m eval {command}` is not available yet ({COMMANDS[command]} does not exist)",
            file=sys.stderr,
        )
        return 2
    return int(module.main(rest) or 0)


if __name__ == "__main__":
    sys.exit(main())
