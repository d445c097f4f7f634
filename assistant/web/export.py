"""A conversation as Markdown: each question and answer, then the cited paragraphs quoted in full."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from assistant.result import AnswerResult
from assistant.web.i18n import text
from index.parser import Paragraph, Report

NEAREST_QUOTED = 3


def conversation_markdown(
    exchanges: Sequence[tuple[str, AnswerResult]],
    report: Report,
    backend: str,
    language: str = "zh",
    exported_at: float | None = None,
) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(exported_at if exported_at is not None else time.time()))
    lines = [
        f"# {text(language, 'export_title')} — {report.title} ({report.symbol})",
        "",
        text(language, "export_meta", time=stamp, backend=backend),
        "",
    ]
    if not exchanges:
        lines.append(text(language, "export_empty"))
    for number, (question, result) in enumerate(exchanges, start=1):
        lines += [f"## {text(language, 'export_question', number=number)}", "", question, ""]
        lines += [f"**{text(language, 'export_answer')}**", "", result.answer, ""]
        if result.notice:
            lines += [f"*{result.notice}*", ""]
        quoted = _quoted_paragraphs(result)
        if quoted:
            heading = "export_nearest" if result.refused else "export_cited"
            lines += [f"### {text(language, heading)}", ""]
            for paragraph in quoted:
                lines += [*_quote(paragraph, language), ""]
    return "\n".join(lines).rstrip() + "\n"


def _quoted_paragraphs(result: AnswerResult) -> list[Paragraph]:
    if result.refused:
        return [r.paragraph for r in result.retrieved[:NEAREST_QUOTED]]
    by_number = {r.paragraph.number: r.paragraph for r in result.retrieved}
    return [by_number[n] for n in result.citations if n in by_number]


def _quote(paragraph: Paragraph, language: str) -> list[str]:
    heading = (
        f"> **{text(language, 'paragraph', number=paragraph.number)}**"
        f"（{paragraph.section_number}. {paragraph.section_title}）"
    )
    lines = [heading, ">", f"> {paragraph.text}"]
    for note in paragraph.footnotes:
        lines += [">", f"> <sup>{note.mark}</sup> {note.text}"]
    return lines


def write_export(markdown: str, directory: Path, language: str = "zh") -> Path:
    """Write the export under `directory` with a dated, human-readable name; returns the path."""
    directory.mkdir(parents=True, exist_ok=True)
    name = "对话记录" if language == "zh" else "conversation"
    path = directory / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.md"
    path.write_text(markdown, encoding="utf-8")
    return path
