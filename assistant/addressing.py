"""Questions that name a place in the report: 「第12段」「第十二段」「paragraph 12」「¶12」「第四节」, a footnote
(「脚注1」「报告的脚注」 "footnote 1").

These resolve directly, without similarity. A number preceded by another document's title
(「《2005年世界首脑会议成果》第139段」) or by 「决议」 refers to that document and is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.parser import Section

CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_NUMBER = r"(\d{1,4}|[零〇一二两三四五六七八九十百]{1,6})"
_PARAGRAPH_PATTERNS = [
    re.compile(
        rf"第\s*((?:{_NUMBER[1:-1]})(?:\s*(?:、|,|，|和|及|至|到|-|–)\s*第?\s*(?:{_NUMBER[1:-1]}))*)\s*(?:段|款|自然段)"
    ),
    re.compile(r"\bparagraphs?\s*(?:no\.?\s*)?(\d{1,4})\b", re.IGNORECASE),
    re.compile(r"\bpara\.?\s*(\d{1,4})\b", re.IGNORECASE),
    re.compile(r"¶\s*(\d{1,4})"),
]
_LIST_ITEM = re.compile(rf"([至到\-–]?)\s*第?\s*{_NUMBER}")
_SECTION_PATTERNS = [
    re.compile(rf"第\s*{_NUMBER}\s*(?:节|部分|章节)"),
    re.compile(r"\bsection\s+(\d{1,2}|[ivx]{1,4})\b", re.IGNORECASE),
]
_OTHER_DOCUMENT_BEFORE = re.compile(r"(》|决议|宪章|公约|成果|议定书|resolution|charter|outcome)\s*$", re.IGNORECASE)
_SECTION_WORDS = ("节", "部分", "章节", "一章", "section")
# 「脚注」「脚注1」「第1个脚注」 "footnote 1": without a number, every footnote
# (in English only with its number: "a mere footnote" is a figure of speech)
_FOOTNOTE_PATTERNS = [
    re.compile(r"(?:第\s*(\d{1,3})(?!\d)\s*(?:个|条)?\s*)?脚注\s*(?:(\d{1,3})(?!\d))?"),
    re.compile(r"\bfootnote\s*(?:no\.?\s*)?(\d{1,3})(?!\d)()", re.IGNORECASE),
]


@dataclass(frozen=True)
class Address:
    """What the question points at. Empty when it names nothing."""

    paragraphs: tuple[int, ...] = ()
    sections: tuple[str, ...] = ()
    missing_paragraphs: tuple[int, ...] = ()
    missing_sections: tuple[str, ...] = ()
    footnotes: tuple[str, ...] = ()  # marks
    missing_footnotes: tuple[str, ...] = ()
    # 「第40段的脚注」: a footnote asked of the paragraphs or sections named, which have none
    no_footnote_there: bool = False
    spans: tuple[tuple[int, int], ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        return not (
            self.paragraphs
            or self.sections
            or self.missing_paragraphs
            or self.missing_sections
            or self.footnotes
            or self.missing_footnotes
        )


def parse_number(text: str) -> int | None:
    """'12', '十二', '二十三', '一百零五' → int."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if text.lower() in ROMAN:
        return ROMAN[text.lower()]
    total, current = 0, 0
    for char in text:
        if char in CHINESE_DIGITS:
            current = CHINESE_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def resolve(
    question: str, paragraph_numbers: set[int], sections: tuple[Section, ...], footnotes: dict[str, int] | None = None
) -> Address:
    """What the question points at; `footnotes` maps the report's footnote marks to their paragraphs."""
    paragraphs: list[int] = []
    missing: list[int] = []
    spans: list[tuple[int, int]] = []
    for pattern in _PARAGRAPH_PATTERNS:
        for match in pattern.finditer(question):
            if _OTHER_DOCUMENT_BEFORE.search(question[: match.start()]):
                continue
            numbers = _listed_numbers(match.group(1))
            spans.append(match.span())
            for number in numbers:
                if number is None:
                    continue
                (paragraphs if number in paragraph_numbers else missing).append(number)
    found_sections, missing_sections = _sections(question, sections, spans)
    places = set(paragraphs) | {n for s in sections if s.number in found_sections for n in s.paragraph_numbers}
    found_notes, missing_notes = _footnotes(question, footnotes or {}, places, spans)
    return Address(
        paragraphs=tuple(dict.fromkeys(paragraphs)),
        sections=tuple(dict.fromkeys(found_sections)),
        missing_paragraphs=tuple(dict.fromkeys(missing)),
        missing_sections=tuple(dict.fromkeys(missing_sections)),
        footnotes=tuple(dict.fromkeys(n for n in found_notes if n)),
        missing_footnotes=tuple(dict.fromkeys(missing_notes)),
        no_footnote_there="" in found_notes and not any(found_notes),
        spans=tuple(spans),
    )


def _footnotes(
    question: str, marks: dict[str, int], places: set[int], spans: list[tuple[int, int]]
) -> tuple[list[str], list[str]]:
    """The footnote marks the question names, and those it names that the report does not have. A bare 「脚注」
    means every footnote, or those of the paragraphs and sections it also names (`places`): 「第2段的脚注」; when
    those have none, "" stands for "a footnote asked of them". A report without footnotes leaves the words to
    similarity."""
    if not marks:
        return [], []
    found: list[str] = []
    missing: list[str] = []
    for pattern in _FOOTNOTE_PATTERNS:
        for match in pattern.finditer(question):
            number = match.group(1) or match.group(2) or None
            if number is None:
                scoped = [mark for mark, paragraph in marks.items() if not places or paragraph in places]
                found.extend(scoped or [""])
            elif number in marks:
                found.append(number)
            else:
                missing.append(number)
            spans.append(match.span())
    return found, missing


def _listed_numbers(listing: str) -> list[int | None]:
    """「12、13」 → [12, 13]; 「27至29」 → [27, 28, 29] (ranges capped at 50 paragraphs)."""
    numbers: list[int | None] = []
    for range_mark, item in _LIST_ITEM.findall(listing):
        number = parse_number(item)
        previous = numbers[-1] if numbers else None
        if range_mark and number is not None and previous is not None and 0 < number - previous <= 50:
            numbers.extend(range(previous + 1, number + 1))
        else:
            numbers.append(number)
    return numbers


def _sections(
    question: str, sections: tuple[Section, ...], spans: list[tuple[int, int]]
) -> tuple[list[str], list[str]]:
    by_number = {parse_number(s.number): s.number for s in sections}
    found: list[str] = []
    missing: list[str] = []
    for pattern in _SECTION_PATTERNS:
        for match in pattern.finditer(question):
            if _OTHER_DOCUMENT_BEFORE.search(question[: match.start()]):
                continue
            number = parse_number(match.group(1))
            spans.append(match.span())
            if number in by_number:
                found.append(by_number[number])
            else:
                missing.append(match.group(1))
    lowered = question.lower()
    if any(word in lowered for word in _SECTION_WORDS):
        for section in sections:
            if section.title and section.title in question:
                found.append(section.number)
    return found, missing
