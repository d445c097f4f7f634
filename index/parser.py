"""Turn a plain-text UN report into numbered paragraphs, sections, footnotes and metadata.

The shape it reads (the Chinese UN document layout): front-matter lines, then section headings
such as 「一. 导言和任务」, paragraphs that start with 「12. 」, footnote lines that start with a
superscript number, and page breaks that cut a paragraph mid-sentence. An unnumbered text line
continues the paragraph before it and is joined with no inserted whitespace.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index.normalize import SUPERSCRIPT_DIGITS, compact, strip_control_characters, strip_footnote_marks

SECTION_HEADING = re.compile(r"^([一二三四五六七八九十]+)\s*[.．、]\s*(\S.*)$")
NUMBERED_PARAGRAPH = re.compile(r"^(\d{1,4})\s*[.．]\s*(\S.*)$")
FOOTNOTE_LINE = re.compile(rf"^([{SUPERSCRIPT_DIGITS}]+)\s*(\S.*)$")
DOCUMENT_SYMBOL = re.compile(r"\b[AS]/(?:RES/)?\d+/\d+(?:\s*[–—-]\s*S/\d{4}/\d+)?")
REPORT_KIND_LINE = re.compile(r"(的报告|^report of|^note by)", re.IGNORECASE)
_SUPERSCRIPT_VALUES = {char: str(value) for value, char in enumerate(SUPERSCRIPT_DIGITS)}


class ReportFormatError(ValueError):
    """The file is not a report of the supported shape; the message says what was expected."""


@dataclass(frozen=True)
class Footnote:
    mark: str
    text: str


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    paragraph_numbers: tuple[int, ...]

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass(frozen=True)
class Paragraph:
    document: str
    number: int
    text: str
    section_number: str
    section_title: str
    footnotes: tuple[Footnote, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.document}#{self.number}"

    @property
    def plain_text(self) -> str:
        """The paragraph without footnote marks, for sentence splitting and display in chat."""
        return strip_footnote_marks(self.text)

    @property
    def searchable_text(self) -> str:
        """What retrieval sees: the paragraph, then its footnotes as 「脚注1：…」 sentences.

        Sentence spans are offsets into this text; the paragraph's own sentences come first, so their
        offsets are the same in `plain_text`.
        """
        notes = " ".join(f"脚注{note.mark}：{note.text}" for note in self.footnotes)
        return f"{self.plain_text} {notes}".strip()


def corpus_text(paragraphs: Iterable[Paragraph]) -> str:
    """All the paragraphs' searchable text and section titles, compacted: what "the report mentions X" is
    checked against (a word is in it when `compact(word)` is a substring)."""
    return compact(" ".join(p.searchable_text + " " + p.section_title for p in paragraphs))


@dataclass(frozen=True)
class Report:
    document: str
    title: str
    symbol: str
    front_matter: tuple[str, ...]
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]
    continuation_joins: int = 0
    source: str = ""
    metadata: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        """How a citation names this document when several share an index."""
        return self.symbol.split("–")[0].strip() if self.symbol else self.document

    def paragraph(self, number: int) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.number == number), None)


@dataclass
class _OpenParagraph:
    number: int
    parts: list[str]
    section: tuple[str, str]
    footnotes: list[Footnote] = field(default_factory=list)


def parse_report_file(path: Path) -> Report:
    """Parse a report file; a sidecar `<name>.meta.json` may supply title/symbol/id."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReportFormatError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise ReportFormatError(f"cannot read {path}: {error.strerror}") from None
    metadata = _read_sidecar(path)
    document = metadata.get("id") or path.name.removesuffix(".txt")
    return parse_report(text, document=document, metadata=metadata, source=str(path.name))


def _read_sidecar(path: Path) -> dict[str, str]:
    sidecar = path.with_name(path.name.removesuffix(".txt") + ".meta.json")
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ReportFormatError(f"{sidecar} is not valid JSON: {error}") from None
    return {str(k): str(v) for k, v in data.items()}


def parse_report(
    text: str, document: str = "report", metadata: dict[str, str] | None = None, source: str = ""
) -> Report:
    metadata = dict(metadata or {})
    front_blocks: list[list[str]] = [[]]
    sections: list[tuple[str, str]] = []
    section_members: dict[str, list[int]] = {}
    finished: list[_OpenParagraph] = []
    current: _OpenParagraph | None = None
    joins = 0
    previous_blank = True

    for raw_line in text.splitlines():
        line = strip_control_characters(raw_line).strip()
        if not line:
            previous_blank = True
            if current is None and front_blocks[-1]:
                front_blocks.append([])
            continue
        heading = SECTION_HEADING.match(line)
        numbered = NUMBERED_PARAGRAPH.match(line)
        footnote = FOOTNOTE_LINE.match(line)
        expected = (current or finished[-1]).number + 1 if (current or finished) else 1
        if heading and (current is not None or not finished) and not numbered:
            if current:
                finished.append(current)
                current = None
            sections.append((heading.group(1), heading.group(2).strip()))
            section_members[heading.group(1)] = []
        elif numbered and int(numbered.group(1)) == expected:
            if current:
                finished.append(current)
            section = sections[-1] if sections else ("", "")
            current = _OpenParagraph(int(numbered.group(1)), [numbered.group(2)], section)
            section_members.setdefault(section[0], []).append(current.number)
        elif footnote and (current or finished):
            mark = "".join(_SUPERSCRIPT_VALUES[c] for c in footnote.group(1))
            owner = _footnote_owner(footnote.group(1), current, finished)
            owner.footnotes.append(Footnote(mark=mark, text=footnote.group(2).strip()))
        elif current is not None:
            current.parts.append(line)
            joins += 1
        elif not sections:
            if previous_blank and front_blocks[-1]:
                front_blocks.append([])
            front_blocks[-1].append(line)
        else:
            raise ReportFormatError(
                f"text under section 「{sections[-1][1]}」 before its first numbered paragraph: {line[:40]!r}"
            )
        previous_blank = False

    if current:
        finished.append(current)
    if not finished:
        raise ReportFormatError(
            "no numbered paragraphs found: expected lines starting with 「1. 」, 「2. 」, … "
            "after section headings such as 「一. 导言」"
        )
    front_matter = tuple(_join_lines(block) for block in front_blocks if block)
    paragraphs = tuple(
        Paragraph(
            document=document,
            number=p.number,
            text=_join_lines(p.parts),
            section_number=p.section[0],
            section_title=p.section[1],
            footnotes=tuple(p.footnotes),
        )
        for p in finished
    )
    return Report(
        document=document,
        title=metadata.get("title") or _guess_title(front_matter),
        symbol=metadata.get("symbol") or _find_symbol(front_matter),
        front_matter=front_matter,
        sections=tuple(Section(number, title, tuple(section_members.get(number, ()))) for number, title in sections),
        paragraphs=paragraphs,
        continuation_joins=joins,
        source=source,
        metadata=metadata,
    )


def _footnote_owner(mark: str, current: _OpenParagraph | None, finished: list[_OpenParagraph]) -> _OpenParagraph:
    """The most recent paragraph whose text carries the footnote mark (else the current one)."""
    candidates = ([current] if current else []) + finished[::-1]
    for paragraph in candidates:
        if any(mark in part for part in paragraph.parts):
            return paragraph
    return candidates[0]


def _join_lines(parts: list[str]) -> str:
    """Join page-broken pieces: no space between Chinese text, one space between Latin words."""
    joined = parts[0]
    for part in parts[1:]:
        needs_space = joined[-1:].isascii() and joined[-1:].isalnum() and part[:1].isascii() and part[:1].isalnum()
        joined += (" " if needs_space else "") + part
    return joined


def _guess_title(front_matter: tuple[str, ...]) -> str:
    for index, line in enumerate(front_matter):
        if REPORT_KIND_LINE.search(line) and index > 0:
            return front_matter[index - 1]
    return front_matter[-1] if front_matter else ""


def _find_symbol(front_matter: tuple[str, ...]) -> str:
    for line in front_matter:
        match = DOCUMENT_SYMBOL.search(line)
        if match:
            return match.group(0)
    return ""
