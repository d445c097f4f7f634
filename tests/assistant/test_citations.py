"""Citation validation: canonical form kept, invented or unretrieved paragraphs removed and counted."""

from __future__ import annotations

from assistant.citations import check_citations, cited_numbers

EXISTING = {("d", n) for n in range(1, 45)}
LABELS = {"d": "A/65/877"}


def check(text: str, retrieved: set[int]):
    return check_citations(text, {("d", n) for n in retrieved}, EXISTING, LABELS, "d")


def test_valid_citations_are_kept_in_canonical_form() -> None:
    result = check("建立了预警系统 [第27段]。见 [¶18] 与 [paragraph 12]。", {12, 18, 27})
    assert result.text == "建立了预警系统 [第27段]。见 [第18段] 与 [第12段]。"
    assert result.cited == (("d", 27), ("d", 18), ("d", 12))
    assert result.removed == 0


def test_nonexistent_and_unretrieved_paragraphs_are_removed_and_counted() -> None:
    result = check("甲[第99段]。乙[第3段]。丙[第27段]。", {27})
    assert result.text == "甲。乙。丙[第27段]。"
    assert result.cited == (("d", 27),)
    assert result.removed == 2


def test_lists_inside_one_bracket() -> None:
    result = check("见[第12段、第13段]和（第99段）", {12, 13})
    assert result.cited == (("d", 12), ("d", 13))
    assert result.removed == 1
    assert cited_numbers("a [第5段] b [第3段、第5段]") == [5, 3]


def test_text_without_citations_is_untouched() -> None:
    assert check("没有引用的句子。", {1}).text == "没有引用的句子。"
