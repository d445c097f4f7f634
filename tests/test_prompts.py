"""Every prompt renders with exactly its declared variables, so a renamed variable fails loudly."""

from __future__ import annotations

import re

import pytest

from assistant.prompts import available_prompts, load_prompt


@pytest.mark.parametrize("name", available_prompts())
def test_prompt_renders_with_its_variables(name: str) -> None:
    prompt = load_prompt(name)
    rendered = prompt.render(**{v: f"<{v}>" for v in prompt.variables})
    for variable in prompt.variables:
        assert f"<{variable}>" in rendered
    assert not re.search(r"\{[a-z_]+\}", rendered), "a placeholder is not declared in the header"


def test_the_three_prompts_exist() -> None:
    assert {"system", "condense", "answer"} <= set(available_prompts())
    with pytest.raises(KeyError):
        load_prompt("answer").render(question="q")
