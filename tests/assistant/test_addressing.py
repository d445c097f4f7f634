from __future__ import annotations

import pytest

from assistant.addressing import parse_number, resolve
from assistant.settings import DEFAULT_CORPUS
from index.parser import parse_report_file

REPORT = parse_report_file(DEFAULT_CORPUS)
NUMBERS = {p.number for p in REPORT.paragraphs}


@pytest.mark.parametrize(
    ("text", "value"), [("12", 12), ("十二", 12), ("二十七", 27), ("四十四", 44), ("一百零五", 105), ("iv", 4)]
)
def test_numbers(text: str, value: int) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("question", "paragraphs", "missing"),
    [
        ("第12段讲了什么", (12,), ()),
        ("第十二段", (12,), ()),
        ("paragraph 12", (12,), ()),
        ("¶12", (12,), ()),
        ("第12、13段", (12, 13), ()),
        ("第27至29段", (27, 28, 29), ()),
        ("第二十七段和第28段", (27, 28), ()),
        ("第99段", (), (99,)),
        ("《2005年世界首脑会议成果》第139段说了什么", (), ()),
        ("第1973(2011)号决议", (), ()),
    ],
)
def test_paragraph_references(question: str, paragraphs: tuple, missing: tuple) -> None:
    address = resolve(question, NUMBERS, REPORT.sections)
    assert address.paragraphs == paragraphs
    assert address.missing_paragraphs == missing


@pytest.mark.parametrize(
    ("question", "section"),
    [("第四节讲什么", "四"), ("Section IV", "四"), ("“及时果断的反应”这一节的主要内容", "五"), ("第六部分", "六")],
)
def test_section_references(question: str, section: str) -> None:
    assert resolve(question, NUMBERS, REPORT.sections).sections == (section,)


def test_a_section_title_alone_is_a_topic_not_a_reference() -> None:
    assert resolve("国家的保护责任是什么意思", NUMBERS, REPORT.sections).is_empty


MARKS = {note.mark: p.number for p in REPORT.paragraphs for note in p.footnotes}


@pytest.mark.parametrize(
    ("question", "found", "missing"),
    [
        ("脚注1说了什么？", ("1",), ()),
        ("报告的脚注引用了什么文件？", ("1",), ()),  # no number: every footnote
        ("第1个脚注", ("1",), ()),
        ("What does footnote 1 say?", ("1",), ()),
        ("第2段的脚注引用了什么？", ("1",), ()),  # paragraph 2's footnote
        ("Is prevention a mere footnote in the report?", (), ()),  # English: only with a number
        ("脚注2011年2月2日指的是什么？", ("1",), ()),  # a date, not footnote 201
        ("脚注5讲了什么？", (), ("5",)),
        ("footnote no. 7", (), ("7",)),
        ("区域组织在预警方面能做什么？", (), ()),
    ],
)
def test_footnote_references(question: str, found: tuple, missing: tuple) -> None:
    assert MARKS == {"1": 2}  # the report has one footnote, on paragraph 2
    address = resolve(question, NUMBERS, REPORT.sections, MARKS)
    assert (address.footnotes, address.missing_footnotes) == (found, missing)
    assert address.is_empty == (not found and not missing)


def test_a_report_without_footnotes_leaves_the_word_to_similarity() -> None:
    assert resolve("脚注1说了什么？", NUMBERS, REPORT.sections, {}).is_empty


def test_a_bare_footnote_of_a_paragraph_without_one() -> None:
    address = resolve("第40段的脚注说了什么？", NUMBERS, REPORT.sections, MARKS)
    assert address.paragraphs == (40,) and address.footnotes == () and address.no_footnote_there
