"""`python -m index build [--source FILE ...] [--force]` and `python -m index info`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from assistant.settings import Settings, SettingsError
from index.build import BuildResult, build_index
from index.parser import ReportFormatError
from index.store import (
    ChromaTarget,
    IndexCorruptError,
    IndexMissingError,
    VectorStoreUnavailableError,
    current_build_dir,
    read_manifest,
)


class _TqdmProgress:
    def __init__(self, total: int, label: str) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=total, desc=label, unit="text", file=sys.stderr, leave=False)

    def update(self, n: int) -> None:
        self._bar.update(n)

    def close(self) -> None:
        self._bar.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index", description="Build or inspect the report index.")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="parse, embed and store the report(s)")
    build.add_argument("--source", action="append", type=Path, help="report file (repeatable); default: settings")
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    build.add_argument("--json", action="store_true", help="print the result as JSON")
    commands.add_parser("info", help="describe the current index")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    target = ChromaTarget(settings.chroma_host, settings.chroma_port)
    if args.command == "info":
        return _info(settings)
    sources = tuple(args.source) if args.source else settings.sources
    try:
        result = build_index(settings.index_dir, sources, target, force=args.force, progress=_TqdmProgress)
    except (FileNotFoundError, ReportFormatError, ValueError, VectorStoreUnavailableError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2 if isinstance(error, (FileNotFoundError, ReportFormatError)) else 1
    _print_result(result, args.json)
    return 0


def _print_result(result: BuildResult, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result.__dict__, ensure_ascii=False))
    elif result.skipped:
        print(f"index {result.build_id} is up to date ({result.paragraphs} paragraphs); use --force to rebuild")
    else:
        print(
            f"built index {result.build_id}: {result.paragraphs} paragraphs, {result.sentences} sentences "
            f"from {', '.join(result.documents)} in {result.seconds:.1f} s"
        )


def _info(settings: Settings) -> int:
    try:
        manifest = read_manifest(current_build_dir(settings.index_dir))
    except (IndexMissingError, IndexCorruptError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(json.dumps(manifest, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
