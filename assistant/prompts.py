"""Prompts are files under `prompts/`, loaded by name: `load_prompt("answer")`.

Each file starts with a header line `# variables: a, b` naming the placeholders it uses, so a test
can render every prompt and a renamed variable fails loudly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
_HEADER = re.compile(r"^#\s*variables:\s*(.*)$")


@dataclass(frozen=True)
class Prompt:
    name: str
    template: str
    variables: tuple[str, ...]

    def render(self, **values: str) -> str:
        missing = set(self.variables) - set(values)
        extra = set(values) - set(self.variables)
        if missing or extra:
            raise KeyError(f"prompt {self.name!r}: missing {sorted(missing)}, unexpected {sorted(extra)}")
        text = self.template
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        return text


def available_prompts() -> list[str]:
    return sorted(path.stem for path in PROMPTS_DIR.glob("*.md"))


@cache
def load_prompt(name: str) -> Prompt:
    path = PROMPTS_DIR / f"{name}.md"
    if not path.is_file():
        raise FileNotFoundError(f"no prompt named {name!r} in {PROMPTS_DIR}; have: {', '.join(available_prompts())}")
    first, _, body = path.read_text(encoding="utf-8").partition("\n")
    header = _HEADER.match(first)
    if not header:
        raise ValueError(f"{path} must start with '# variables: …'")
    variables = tuple(v.strip() for v in header.group(1).split(",") if v.strip())
    return Prompt(name=name, template=body.strip() + "\n", variables=variables)
