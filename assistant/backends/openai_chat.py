"""The `openai` backend: `ChatOpenAI` (langchain-openai) against OpenAI or any OpenAI-compatible server.

`OPENAI_BASE_URL` points it at a local server (llama.cpp, vLLM, Ollama, LM Studio …), which needs no
key. Every failure — the server cannot be reached, times out, answers an HTTP error or sends a reply
that cannot be read — becomes a `BackendError` with a short message for the user; the engine then
answers extractively and shows that message. The API key is never logged nor put in a message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import openai
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from assistant.backends.base import BackendError, Draft, Evidence, still_unresolved
from assistant.citations import format_citation
from assistant.prompts import load_prompt
from assistant.result import Turn
from assistant.settings import Settings, SettingsError
from index.parser import Paragraph, ReportFormatError, parse_report_file

log = logging.getLogger(__name__)

DEFAULT_TITLE = "区域和次区域安排对履行保护责任的作用"
DEFAULT_SYMBOL = "A/65/877–S/2011/393"
OPENAI_URL = "https://api.openai.com/v1"
PLACEHOLDER_KEY = "not-needed"
MAX_PARAGRAPHS = 5
HISTORY_TURNS = 2
HISTORY_ANSWER_CHARS = 200
MAX_CONDENSED_CHARS = 500  # a longer "rewrite" is the model answering instead; the engine's rule is used
LANGUAGES = {"zh": "中文", "en": "English"}
_UNREADABLE = (KeyError, TypeError, ValueError, AttributeError, IndexError)


class OpenAIBackend:
    """Answers from the retrieved paragraphs with a chat model; condenses follow-ups with it too."""

    name = "openai"

    def __init__(
        self,
        model: str,
        api_key: str = "",
        base_url: str = "",
        timeout_s: float = 30.0,
        title: str = DEFAULT_TITLE,
        symbol: str = DEFAULT_SYMBOL,
        max_retries: int = 0,
    ) -> None:
        if not api_key and not base_url:
            raise SettingsError(
                "the openai backend needs OPENAI_API_KEY (for api.openai.com) or OPENAI_BASE_URL "
                "(for a local OpenAI-compatible server, which needs no key)"
            )
        self.model = model
        self.base_url = base_url.rstrip("/") if base_url else ""
        self.timeout_s = timeout_s
        self.title = title
        self.symbol = symbol
        self.description = f"openai · {model}"
        # The key goes straight into the client (kept there as a SecretStr), never onto `self`.
        self._llm = ChatOpenAI(
            model=model,
            api_key=api_key or PLACEHOLDER_KEY,
            base_url=self.base_url or None,
            timeout=timeout_s,
            max_retries=max_retries,
            temperature=0,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIBackend:
        title, symbol = _report_names(settings.sources)
        return cls(
            model=settings.openai_model,
            api_key=settings.openai_api_key,
            base_url=settings.openai_base_url,
            timeout_s=settings.openai_timeout_s,
            title=title,
            symbol=symbol,
        )

    def __repr__(self) -> str:
        return f"OpenAIBackend(model={self.model!r}, base_url={self.server!r}, timeout_s={self.timeout_s})"

    @property
    def server(self) -> str:
        return self.base_url or OPENAI_URL

    # -- the seam --------------------------------------------------------------------------------
    def answer(self, evidence: Evidence) -> Draft:
        reply = self._call(self.messages(evidence))
        return Draft(text=reply, model=self.model)

    def stream(self, evidence: Evidence) -> Iterator[str]:
        messages = self.messages(evidence)
        produced = False
        try:
            for chunk in self._llm.stream(messages):
                piece = chunk.content if isinstance(chunk.content, str) else _text_of(chunk.content)
                if piece:
                    produced = True
                    yield piece
        except Exception as error:
            raise self._translate(error) from error
        if not produced:
            raise BackendError("the model server sent an empty answer")

    def condense(self, question: str, history: list[Turn]) -> str | None:
        if not history:
            return None
        prompt = load_prompt("condense").render(history=format_history(history), question=question)
        reply = self._call([HumanMessage(prompt)])
        lines = [line.strip() for line in reply.splitlines() if line.strip()]
        if not lines:
            return None
        rewritten = lines[0].removeprefix("改写后的问题：").removeprefix("改写后的问题:").strip()
        rewritten = rewritten.strip("「」“”\"' ")
        if still_unresolved(rewritten):  # the pronoun is still there: it answered instead of rewriting
            return None
        return rewritten if 0 < len(rewritten) <= MAX_CONDENSED_CHARS else None

    # -- prompts ---------------------------------------------------------------------------------
    def messages(self, evidence: Evidence) -> list[BaseMessage]:
        """System prompt, the last turns of the conversation, then the paragraphs and the question."""
        system = load_prompt("system").render(title=self.title, symbol=self.symbol)
        messages: list[BaseMessage] = [SystemMessage(system)]
        for turn in evidence.history[-HISTORY_TURNS:]:
            messages.append(HumanMessage(turn.question))
            if turn.answer:
                messages.append(AIMessage(_shorten(turn.answer, HISTORY_ANSWER_CHARS)))
        question = evidence.question
        standalone = evidence.standalone_question.strip()
        if standalone and standalone != question.strip():
            question = f"{question}\n（结合对话，完整的问题是：{standalone}）"
        prompt = load_prompt("answer").render(
            paragraphs=format_paragraphs(evidence.paragraphs[:MAX_PARAGRAPHS], evidence.citation_labels),
            question=question,
            language=LANGUAGES.get(evidence.language, "中文"),
        )
        messages.append(HumanMessage(prompt))
        return messages

    # -- calling the model -----------------------------------------------------------------------
    def _call(self, messages: list[BaseMessage]) -> str:
        try:
            reply = self._llm.invoke(messages)
            text = reply.content if isinstance(reply.content, str) else _text_of(reply.content)
        except Exception as error:
            raise self._translate(error) from error
        if not text.strip():
            raise BackendError("the model server sent an empty answer")
        return text.strip()

    def _translate(self, error: Exception) -> BackendError:
        """A short message for the user; unexpected programming errors are not hidden."""
        if isinstance(error, openai.APITimeoutError | httpx.TimeoutException):
            message = f"the model server timed out after {self.timeout_s:g} s"
        elif isinstance(error, openai.APIConnectionError | httpx.TransportError):
            message = f"cannot reach the model server at {self.server}"
        elif isinstance(error, openai.APIStatusError):
            message = f"the model server answered HTTP {error.status_code}{_status_hint(error.status_code, self)}"
        elif isinstance(error, (openai.APIError, httpx.HTTPError, *_UNREADABLE)):
            message = "the model server sent a reply that could not be read"
        else:
            raise error
        log.warning("openai backend (%s, model %s): %s", self.server, self.model, type(error).__name__)
        return BackendError(message)


def format_paragraphs(paragraphs: Sequence[Paragraph], labels: dict[str, str]) -> str:
    """「[第N段]（section title）text」, one paragraph per line, footnotes after their paragraph."""
    show_label = len(labels) > 1
    lines = []
    for paragraph in paragraphs:
        label = labels.get(paragraph.document, "") if show_label else ""
        line = f"{format_citation(paragraph.number, label)}（{paragraph.section_title}）{paragraph.plain_text}"
        notes = "；".join(note.text for note in paragraph.footnotes)
        lines.append(f"{line}（脚注：{notes}）" if notes else line)
    return "\n".join(lines)


def format_history(history: Sequence[Turn], turns: int = 3) -> str:
    lines = []
    for turn in history[-turns:]:
        lines.append(f"用户：{turn.question}")
        if turn.answer:
            lines.append(f"助理：{_shorten(turn.answer, HISTORY_ANSWER_CHARS)}")
    return "\n".join(lines)


def _report_names(sources: Sequence[Path]) -> tuple[str, str]:
    """Title and symbol of the configured reports (sidecar or front matter); the default report otherwise."""
    titles, symbols = [], []
    for source in sources:
        try:
            report = parse_report_file(Path(source))
        except ReportFormatError:
            continue
        titles.append(report.title or DEFAULT_TITLE)
        symbols.append(report.symbol or report.document)
    if not titles:
        return DEFAULT_TITLE, DEFAULT_SYMBOL
    return "》《".join(titles), "；".join(symbols)


def _status_hint(status: int, backend: OpenAIBackend) -> str:
    if status in (401, 403):
        return " (check OPENAI_API_KEY)"
    if status == 404:
        return f" (check OPENAI_MODEL={backend.model} and OPENAI_BASE_URL={backend.server})"
    return ""


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text_of(content: list[Any]) -> str:
    """Content given as a list of blocks (strings or {"type": "text", "text": …})."""
    parts = [block if isinstance(block, str) else block.get("text", "") for block in content]
    return "".join(p for p in parts if isinstance(p, str))
