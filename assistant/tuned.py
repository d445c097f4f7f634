"""Values learned by `python -m eval tune --write`, stored as JSON under `assistant/data/`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def load_tuned(cls: type[T], path: Path, section: str) -> T:
    """`cls` built from the floats in `path[section]`, or with its defaults when nothing was stored."""
    if not path.exists():
        return cls()
    data = json.loads(path.read_text(encoding="utf-8"))
    return cls(**{key: float(value) for key, value in data.get(section, {}).items()})
