"""The web UI's event handlers as plain functions over a per-browser `Session`.

`ui.py` wires them to Gradio events; tests call them directly. Each handler takes the shared
`WebContext` (engine, feedback store, lock) and the session's own state, and returns plain data:
strings of HTML/Markdown and message dicts, never Gradio objects.
"""

from __future__ import annotations

import html
import json
import logging
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import NamedTuple

from assistant.engine import Engine, QuestionError, clean_question
from assistant.feedback import FeedbackStore
from assistant.result import AnswerResult, Turn
from assistant.web import render
from assistant.web.export import conversation_markdown, write_export
from assistant.web.i18n import LANGUAGES, text
from index.parser import Report

log = logging.getLogger(__name__)
STREAMING_CURSOR = " ▍"


@dataclass
class Exchange:
    """One question of the conversation and, once it has finished, its answer."""

    question: str
    result: AnswerResult | None = None
    partial: str = ""
    feedback_id: int | None = None


@dataclass(frozen=True)
class Shown:
    """What the source panel shows: a paragraph (with the supporting spans of answer `turn`), or,
    with `paragraph=None`, the nearest paragraphs of the refused answer `turn`."""

    paragraph: int | None
    turn: int | None = None


@dataclass
class Session:
    """One browser tab's state (a `gr.State`), so concurrent users never share a conversation."""

    exchanges: list[Exchange] = field(default_factory=list)
    language: str = "zh"
    shown: Shown | None = None
    pending_feedback: int | None = None
    export_path: str = ""

    def history(self) -> list[Turn]:
        return [
            Turn(e.question, e.result.answer, tuple(e.result.citations)) for e in self.exchanges if e.result is not None
        ]

    def finished(self) -> list[tuple[str, AnswerResult]]:
        return [(e.question, e.result) for e in self.exchanges if e.result is not None]


@dataclass
class WebContext:
    """What every session shares. `engine_lock` serialises the engine's condense → retrieve step
    (and the backend's first piece); the rest of an answer streams without holding it."""

    engine: Engine
    feedback: FeedbackStore
    engine_lock: threading.Lock = field(default_factory=threading.Lock)
    export_root: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "r2p-assistant-exports")

    @property
    def report(self) -> Report:
        """The first (and usually only) report of the index."""
        return self.engine.retriever.reports[0]


class ChatView(NamedTuple):
    """The outputs of a chat event, in the order `ui.py` lists its output components."""

    session: Session
    messages: list[dict[str, str]]
    question: str
    note: str
    source: str
    export: str | None


class FeedbackView(NamedTuple):
    session: Session
    note: str
    comment_open: bool


# -- rendering the session ------------------------------------------------------------------------
def chat_messages(session: Session) -> list[dict[str, str]]:
    """The Chatbot value: a user message and an assistant message per exchange, strictly paired."""
    messages: list[dict[str, str]] = []
    for turn, exchange in enumerate(session.exchanges):
        messages.append({"role": "user", "content": html.escape(exchange.question, quote=False)})
        if exchange.result is not None:
            content = render.answer_markdown(exchange.result, turn, session.language)
        elif exchange.partial:
            content = render.with_chips(exchange.partial, turn) + STREAMING_CURSOR
        else:
            content = f"*{text(session.language, 'thinking')}*"
        messages.append({"role": "assistant", "content": content})
    return messages


def source_html(context: WebContext, session: Session) -> str:
    language = session.language
    shown = session.shown
    if shown is None:
        return render.message_panel(text(language, "source_hint"))
    result = _result_of(session, shown.turn)
    if shown.paragraph is None:
        return render.nearest_panel(result, language) if result else render.message_panel(text(language, "source_hint"))
    paragraph = context.engine.paragraph(shown.paragraph)
    if paragraph is None:
        return render.message_panel(text(language, "unknown_paragraph", number=shown.paragraph))
    return render.source_panel(paragraph, render.supporting_spans(result, paragraph), language)


def chat_view(context: WebContext, session: Session, question: str = "", note: str = "") -> ChatView:
    return ChatView(
        session, chat_messages(session), question, note, source_html(context, session), session.export_path or None
    )


def _result_of(session: Session, turn: int | None) -> AnswerResult | None:
    if turn is None or not 0 <= turn < len(session.exchanges):
        return None
    return session.exchanges[turn].result


# -- events -----------------------------------------------------------------------------------------
def respond(context: WebContext, session: Session, question: str) -> Iterator[ChatView]:
    """Ask the engine with the conversation so far; yield the chat as the answer streams in."""
    language = session.language
    if not (question or "").strip():
        yield chat_view(context, session, "", text(language, "empty_question"))
        return
    try:
        cleaned = clean_question(question, context.engine.max_question_chars)
    except QuestionError as error:
        yield chat_view(context, session, question, str(error))
        return
    history = session.history()
    exchange = Exchange(cleaned)
    session.exchanges.append(exchange)
    turn = len(session.exchanges) - 1
    yield chat_view(context, session)
    try:
        pieces = context.engine.stream(cleaned, history)
        with context.engine_lock:
            first = next(pieces)
        for piece in chain([first], pieces):
            if isinstance(piece, AnswerResult):
                exchange.result = piece
            else:
                exchange.partial += piece
                yield chat_view(context, session)
    except QuestionError as error:
        session.exchanges.remove(exchange)
        yield chat_view(context, session, question, str(error))
        return
    except Exception as error:  # the chat must survive anything the engine or a backend raises
        log.exception("answering %r failed", cleaned)
        session.exchanges.remove(exchange)
        yield chat_view(context, session, question, text(language, "failed", error=type(error).__name__))
        return
    result = exchange.result
    if result is not None:
        if result.refused:
            session.shown = Shown(None, turn)
        elif result.citations:
            session.shown = Shown(result.citations[0], turn)
    refresh_export(context, session)
    yield chat_view(context, session)


def show_citation(context: WebContext, session: Session, payload: str) -> tuple[Session, str]:
    """A chip was clicked: `payload` is 「paragraph:turn:nonce」 from the page script."""
    number_text, _, rest = (payload or "").partition(":")
    turn_text = rest.partition(":")[0]
    if not number_text.strip().isdigit():
        return session, source_html(context, session)
    turn = int(turn_text) if turn_text.isdigit() else None
    session.shown = Shown(int(number_text), turn)
    return session, source_html(context, session)


def rate(context: WebContext, session: Session, message_index: int, liked: bool | str) -> FeedbackView:
    """👍 / 👎 on the assistant message at `message_index`; stored with the whole exchange."""
    turn = message_index // 2
    if liked not in (True, False) or message_index % 2 != 1 or not 0 <= turn < len(session.exchanges):
        return FeedbackView(session, "", False)
    exchange = session.exchanges[turn]
    if exchange.result is None:
        return FeedbackView(session, "", False)
    rating = 1 if liked is True else -1
    earlier = [{"question": q, "answer": r.answer} for q, r in session.finished()[:turn]]
    exchange.feedback_id = context.feedback.record(
        source="web",
        rating=rating,
        question=exchange.question,
        answer=exchange.result.answer,
        citations=list(exchange.result.citations),
        backend=_backend_label(exchange.result),
        conversation=json.dumps(earlier, ensure_ascii=False) if earlier else "",
    )
    session.pending_feedback = exchange.feedback_id
    note = text(session.language, "rated_up" if rating == 1 else "rated_down")
    return FeedbackView(session, f"{note} {text(session.language, 'comment_prompt')}", True)


def add_comment(context: WebContext, session: Session, comment: str) -> FeedbackView:
    if session.pending_feedback is None or not (comment or "").strip():
        return FeedbackView(session, "", False)
    context.feedback.add_comment(session.pending_feedback, comment.strip())
    session.pending_feedback = None
    return FeedbackView(session, text(session.language, "comment_saved"), False)


def new_conversation(context: WebContext, session: Session) -> ChatView:
    _remove_export(session)
    fresh = Session(language=session.language)
    return chat_view(context, fresh)


def switch_language(context: WebContext, session: Session, language: str) -> ChatView:
    session.language = language if language in LANGUAGES else "zh"
    if session.exchanges:
        refresh_export(context, session)
    return chat_view(context, session)


def export_markdown(context: WebContext, session: Session) -> str:
    return conversation_markdown(
        session.finished(), context.report, context.engine.backend.description, session.language
    )


def refresh_export(context: WebContext, session: Session) -> None:
    """Rewrite the session's Markdown export so the download button always has the latest turn."""
    _remove_export(session)
    directory = Path(tempfile.mkdtemp(prefix="session-", dir=_ensure(context.export_root)))
    session.export_path = str(write_export(export_markdown(context, session), directory, session.language))


def _remove_export(session: Session) -> None:
    if session.export_path:
        shutil.rmtree(Path(session.export_path).parent, ignore_errors=True)
        session.export_path = ""


def _ensure(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _backend_label(result: AnswerResult) -> str:
    return f"{result.backend} · {result.model}" if result.model else result.backend
