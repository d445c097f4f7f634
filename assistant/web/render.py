"""HTML and Markdown for the page: citation chips in answers, the source panel, the paragraph browser.

Every paragraph of the report has the anchor `#para-N` in the browser; a citation chip is a link to
that anchor with the class `cite` (and `cite-turn-K` naming the answer it belongs to), so the page
script can open it in the source panel, and without the script it still leads to the paragraph.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from assistant.citations import CITATION_MARK
from assistant.result import AnswerResult
from assistant.web.i18n import text
from index.parser import Paragraph, Report

NEAREST_SHOWN = 3


def paragraph_anchor(number: int) -> str:
    return f"para-{number}"


def chip(number: int, turn: int, label: str, title: str = "") -> str:
    title_attribute = f' title="{html.escape(title)}"' if title else ""
    return (
        f'<a class="cite cite-turn-{turn}" href="#{paragraph_anchor(number)}"{title_attribute}>{html.escape(label)}</a>'
    )


def with_chips(answer: str, turn: int) -> str:
    """The answer as chat Markdown: its own HTML escaped, each 「[第N段]」 turned into a chip."""
    escaped = html.escape(answer, quote=False)
    return CITATION_MARK.sub(lambda m: chip(int(m.group(1)), turn, f"第{m.group(1)}段"), escaped)


def answer_markdown(result: AnswerResult, turn: int, language: str) -> str:
    """A finished answer: text with chips, the listed sources (or nearest paragraphs) and any notice."""
    parts = [with_chips(result.answer, turn)]
    if result.refused:
        nearest = [r.paragraph for r in result.retrieved[:NEAREST_SHOWN]]
        if nearest:
            parts.append(_source_line(text(language, "nearest"), nearest, turn, language))
    else:
        by_number = {r.paragraph.number: r.paragraph for r in result.retrieved}
        cited = [by_number[n] for n in result.citations if n in by_number]
        if cited:
            parts.append(_source_line(text(language, "sources"), cited, turn, language))
    if result.notice:
        parts.append(f"<em class='notice'>{html.escape(result.notice)}</em>")
    return "\n\n".join(parts)


def _source_line(heading: str, paragraphs: Iterable[Paragraph], turn: int, language: str) -> str:
    chips = " ".join(
        chip(p.number, turn, f"{text(language, 'paragraph', number=p.number)} · {p.section_title}") for p in paragraphs
    )
    return f"<span class='sources'>{html.escape(heading)}{chips}</span>"


def highlighted(plain_text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The paragraph text, escaped, with the supporting character spans wrapped in <mark>."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(plain_text), e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, position = [], 0
    for start, end in merged:
        pieces.append(html.escape(plain_text[position:start]))
        pieces.append(f"<mark>{html.escape(plain_text[start:end])}</mark>")
        position = end
    pieces.append(html.escape(plain_text[position:]))
    return "".join(pieces)


def supporting_spans(result: AnswerResult | None, paragraph: Paragraph) -> list[tuple[int, int]]:
    """The spans of `paragraph.plain_text` that support the answer (none without an answer)."""
    return [] if result is None else result.supporting_spans_in(paragraph)


def paragraph_card(paragraph: Paragraph, spans: Iterable[tuple[int, int]], language: str) -> str:
    """One paragraph in the source panel: number, section, text with highlights, footnotes, link."""
    footnotes = ""
    if paragraph.footnotes:
        items = "".join(f"<li><sup>{html.escape(n.mark)}</sup> {html.escape(n.text)}</li>" for n in paragraph.footnotes)
        footnotes = f"<div class='footnotes'><strong>{text(language, 'footnotes')}</strong><ul>{items}</ul></div>"
    return (
        f"<article class='source-card' data-paragraph='{paragraph.number}'>"
        f"<header><span class='source-number'>{text(language, 'paragraph', number=paragraph.number)}</span>"
        f"<span class='source-section'>{html.escape(paragraph.section_number)}. "
        f"{html.escape(paragraph.section_title)}</span></header>"
        f"<p class='source-text'>{highlighted(paragraph.plain_text, spans)}</p>{footnotes}"
        f"<a class='in-context' href='#{paragraph_anchor(paragraph.number)}'>{text(language, 'in_context')}</a>"
        "</article>"
    )


def source_panel(paragraph: Paragraph, spans: Iterable[tuple[int, int]], language: str) -> str:
    return f"<div class='source-panel'>{paragraph_card(paragraph, spans, language)}</div>"


def nearest_panel(result: AnswerResult, language: str) -> str:
    """What a refusal shows: the paragraphs retrieval found closest, for the reader to judge."""
    cards = "".join(paragraph_card(r.paragraph, (), language) for r in result.retrieved[:NEAREST_SHOWN])
    return f"<div class='source-panel'><p class='panel-note'>{text(language, 'refusal_panel')}</p>{cards}</div>"


def message_panel(message: str) -> str:
    return f"<div class='source-panel'><p class='panel-note'>{html.escape(message)}</p></div>"


def report_browser(report: Report, language: str) -> str:
    """The whole report by section, each paragraph under its own anchor, with a table of contents."""
    contents = "".join(
        f"<li><a href='#section-{html.escape(s.number)}'>{html.escape(s.heading)}</a></li>" for s in report.sections
    )
    by_number = {p.number: p for p in report.paragraphs}
    sections = []
    for section in report.sections:
        paragraphs = "".join(_browser_paragraph(by_number[n]) for n in section.paragraph_numbers if n in by_number)
        sections.append(
            f"<section><h3 id='section-{html.escape(section.number)}'>{html.escape(section.heading)}</h3>"
            f"{paragraphs}</section>"
        )
    return (
        f"<div class='report-browser'><h2>{html.escape(report.title)}</h2>"
        f"<p class='report-symbol'>{html.escape(report.symbol)}</p>"
        f"<nav><strong>{text(language, 'contents')}</strong><ol>{contents}</ol></nav>{''.join(sections)}</div>"
    )


def _browser_paragraph(paragraph: Paragraph) -> str:
    anchor = paragraph_anchor(paragraph.number)
    notes = "".join(f"<li><sup>{html.escape(n.mark)}</sup> {html.escape(n.text)}</li>" for n in paragraph.footnotes)
    footnotes = f"<ul class='footnotes'>{notes}</ul>" if notes else ""
    return (
        f"<div class='para' id='{anchor}'><a class='para-number' href='#{anchor}'>{paragraph.number}.</a> "
        f"{html.escape(paragraph.text)}{footnotes}</div>"
    )
