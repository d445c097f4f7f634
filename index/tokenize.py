"""Chinese-aware tokens for BM25: jieba's search-mode segmentation over normalised text, and character bigrams
(a second lexical view that does not depend on where jieba cuts)."""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

from index.normalize import is_cjk_char, normalize

_STOPWORDS_FILE = Path(__file__).with_name("data") / "stopwords.txt"
_TOKEN_CHARS = re.compile(r"[\w\u3400-\u9fff]")
_init_lock = threading.Lock()
_ready = False


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Function words and question words that say nothing about which paragraph is meant."""
    words = _STOPWORDS_FILE.read_text(encoding="utf-8").split()
    return frozenset(word.lower() for word in words if not word.startswith("#"))


def _jieba():
    global _ready
    import jieba

    if not _ready:
        with _init_lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def segment(text: str) -> list[str]:
    """Plain jieba words of the normalised text, stopwords kept (for reading a question's structure)."""
    return [word for word in _jieba().lcut(normalize(text)) if word.strip()]


def content_words(text: str) -> list[str]:
    """Plain jieba words of the normalised text without stopwords or punctuation (what a phrase names)."""
    stop = stopwords()
    return [word for word in segment(text) if word not in stop and _TOKEN_CHARS.search(word)]


def tag(text: str) -> list[tuple[str, str]]:
    """jieba's words of the text with their part-of-speech flags (`nr` person, `ns` place, …)."""
    from jieba import posseg

    _jieba()
    return [(pair.word, pair.flag) for pair in posseg.lcut(text)]


def tokenize(text: str) -> list[str]:
    """Search-mode tokens (words plus their sub-words), without stopwords or punctuation."""
    jieba = _jieba()
    stop = stopwords()
    tokens = []
    for token in jieba.lcut_for_search(normalize(text)):
        token = token.strip()
        if token and token not in stop and _TOKEN_CHARS.search(token):
            tokens.append(token)
    return tokens


_RUNS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[^\W_\u3400-\u9fff\uf900-\ufaff]+")


def character_bigrams(text: str) -> list[str]:
    """Overlapping pairs of Chinese characters (a lone character stays whole) plus Latin words and numbers.

    A second lexical view that does not depend on where jieba cuts: jieba keeps 「人道主义」 and 「人道援助」
    whole, so they share no word, but they share 「人道」; a reworded question often shares two-character pieces
    with the paragraph that its words, cut differently, miss.
    """
    pieces = []
    for run in _RUNS.findall(normalize(text)):
        if not is_cjk_char(run[0]) or len(run) == 1:
            pieces.append(run)
        else:
            pieces.extend(run[i : i + 2] for i in range(len(run) - 1))
    return pieces
