"""👍 / 👎 on answers, from the web UI and Slack alike, in one SQLite table under the data dir."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created REAL NOT NULL,
    source TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    backend TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    conversation TEXT NOT NULL DEFAULT ''
)
"""


@dataclass(frozen=True)
class Feedback:
    id: int
    created: float
    source: str
    rating: int
    question: str
    answer: str
    citations: list[int]
    backend: str
    comment: str
    conversation: str


class FeedbackStore:
    """Safe to share between threads: every call opens its own short-lived connection."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=10)
        try:
            with connection:
                yield connection
        finally:
            connection.close()

    def record(
        self,
        *,
        source: str,
        rating: int,
        question: str,
        answer: str,
        citations: list[int],
        backend: str,
        comment: str = "",
        conversation: str = "",
    ) -> int:
        if rating not in (-1, 1):
            raise ValueError("rating must be 1 (👍) or -1 (👎)")
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT INTO feedback (created, source, rating, question, answer, citations, backend, comment,"
                " conversation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (time.time(), source, rating, question, answer, json.dumps(citations), backend, comment, conversation),
            )
            return int(cursor.lastrowid or 0)

    def add_comment(self, feedback_id: int, comment: str) -> None:
        with self._connect() as connection:
            connection.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment, feedback_id))

    def items(self, rating: int | None = None) -> list[Feedback]:
        query = "SELECT * FROM feedback" + (" WHERE rating = ?" if rating is not None else "") + " ORDER BY id"
        with self._connect() as connection:
            rows = connection.execute(query, (rating,) if rating is not None else ()).fetchall()
        return [Feedback(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8], r[9]) for r in rows]


def feedback_path(data_dir: Path) -> Path:
    return data_dir / "feedback.sqlite3"
