"""What every Slack surface shares: the engine, the feedback store, recent answers and handled events.

Listeners receive one `SlackAssistant` (bound by each module's `register`), so tests build it with
the session's real engine and a feedback store in `tmp_path`, and call the listener functions directly.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from assistant.engine import Engine
from assistant.feedback import FeedbackStore
from assistant.result import AnswerResult, Turn
from assistant.settings import SLACK_DEFAULT_COMMAND as DEFAULT_COMMAND

log = logging.getLogger(__name__)
QUESTION_IN_BUTTON_CHARS = 500


@dataclass(frozen=True)
class StoredAnswer:
    """An answer posted to Slack, kept so its buttons (share, 👍/👎) can act on the whole result."""

    answer_id: str
    result: AnswerResult
    conversation: str


@dataclass(frozen=True)
class AnswerRef:
    """What an answer's buttons carry in their `value` (≤ 2,000 characters): enough to record feedback
    and re-ask after a restart has emptied `RecentAnswers`."""

    answer_id: str
    question: str
    citations: tuple[int, ...] = ()
    backend: str = ""
    language: str = "zh"

    def encode(self) -> str:
        payload = {
            "id": self.answer_id,
            "q": self.question[:QUESTION_IN_BUTTON_CHARS],
            "c": list(self.citations[:20]),
            "b": self.backend,
            "l": self.language,
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def decode(cls, value: str) -> AnswerRef | None:
        try:
            payload: dict[str, Any] = json.loads(value)
            return cls(
                answer_id=str(payload["id"]),
                question=str(payload.get("q", "")),
                citations=tuple(int(n) for n in payload.get("c", [])),
                backend=str(payload.get("b", "")),
                language="en" if payload.get("l") == "en" else "zh",
            )
        except (ValueError, KeyError, TypeError):
            return None

    @classmethod
    def of(cls, stored: StoredAnswer) -> AnswerRef:
        result = stored.result
        return cls(stored.answer_id, result.question, tuple(result.citations), result.backend, result.language)


class RecentAnswers:
    """The last `capacity` answers by id; older ones fall out (their buttons then use `AnswerRef`)."""

    def __init__(self, capacity: int = 500) -> None:
        self.capacity = capacity
        self._answers: OrderedDict[str, StoredAnswer] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, result: AnswerResult, conversation: str = "") -> StoredAnswer:
        stored = StoredAnswer(uuid.uuid4().hex[:16], result, conversation)
        with self._lock:
            self._answers[stored.answer_id] = stored
            while len(self._answers) > self.capacity:
                self._answers.popitem(last=False)
        return stored

    def get(self, answer_id: str) -> StoredAnswer | None:
        with self._lock:
            return self._answers.get(answer_id)


class SeenEvents:
    """Event ids already accepted, so Slack's retries (same `event_id`) are not answered twice."""

    def __init__(self, capacity: int = 5000) -> None:
        self.capacity = capacity
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        with self._lock:
            if event_id in self._seen:
                return False
            self._seen[event_id] = None
            while len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
            return True


@dataclass
class SlackAssistant:
    engine: Engine
    feedback: FeedbackStore
    command: str = DEFAULT_COMMAND
    answers: RecentAnswers = field(default_factory=RecentAnswers)
    seen_events: SeenEvents = field(default_factory=SeenEvents)
    engine_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def max_question_chars(self) -> int:
        return self.engine.max_question_chars

    def ask(self, question: str, history: list[Turn]) -> AnswerResult:
        """Answer like the web UI does: condense → retrieve (and a backend's first piece) under the
        lock, the rest of a slow backend's answer without holding it."""
        pieces = self.engine.stream(question, history)
        with self.engine_lock:
            first = next(pieces)
        result: AnswerResult | None = None
        for piece in chain([first], pieces):
            if isinstance(piece, AnswerResult):
                result = piece
        if result is None:
            raise RuntimeError("the engine finished without a result")
        return result

    def record_feedback(
        self, rating: int, ref: AnswerRef, stored: StoredAnswer | None, answer_text: str, conversation: str
    ) -> int:
        """Store 👍/👎 in the web UI's table (source = slack); the full answer when it is still known."""
        if stored is not None:
            result = stored.result
            return self.feedback.record(
                source="slack",
                rating=rating,
                question=result.question,
                answer=result.answer,
                citations=list(result.citations),
                backend=result.backend,
                conversation=stored.conversation or conversation,
            )
        return self.feedback.record(
            source="slack",
            rating=rating,
            question=ref.question,
            answer=answer_text,
            citations=list(ref.citations),
            backend=ref.backend,
            conversation=conversation,
        )
