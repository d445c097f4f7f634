"""Build the index: parse → tokenise → embed paragraphs and sentences → store, atomically.

A build is skipped when the sources, the embedding model and the store target are unchanged
(their fingerprint matches the current build). A new build is written to a `.partial` folder
(and, on a server, its own collection) and only becomes current once complete.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.bridge import build_bridge, build_foreign_names, dictionary_words_in, release_dictionary
from index.embeddings import E5ChromaFunction, E5Embeddings, model_fingerprint
from index.parser import Report, corpus_text, parse_report_file
from index.sentences import split_sentences
from index.store import (
    FORMAT_VERSION,
    ChromaTarget,
    IndexCorruptError,
    IndexMissingError,
    chroma_client,
    collection_name,
    current_build_dir,
    read_manifest,
    remove_other_builds,
    reports_to_json,
    switch_current,
)
from index.tokenize import tokenize

log = logging.getLogger(__name__)
EMBED_BATCH = 16
ProgressFactory = Callable[[int, str], "Progress"]


class Progress:
    """What a build reports progress to; the CLI passes a tqdm-backed one."""

    def update(self, n: int) -> None:  # pragma: no cover - trivial default
        pass

    def close(self) -> None:  # pragma: no cover
        pass


@dataclass(frozen=True)
class BuildResult:
    build_id: str
    skipped: bool
    paragraphs: int
    sentences: int
    seconds: float
    documents: tuple[str, ...]


def fingerprint(sources: Sequence[Path], target: ChromaTarget) -> str:
    digest = hashlib.sha256()
    digest.update(f"format={FORMAT_VERSION};model={model_fingerprint()};store={target.describe()}".encode())
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
        sidecar = source.with_name(source.name.removesuffix(".txt") + ".meta.json")
        if sidecar.exists():
            digest.update(sidecar.read_bytes())
    return digest.hexdigest()


def index_status(index_dir: Path, sources: Sequence[Path], target: ChromaTarget) -> str:
    """'current', 'stale' (sources, model or store changed), 'missing'; raises IndexCorruptError."""
    try:
        manifest = read_manifest(current_build_dir(index_dir))
    except IndexMissingError:
        return "missing"
    return "current" if manifest.get("fingerprint") == fingerprint(sources, target) else "stale"


def index_is_current(index_dir: Path, sources: Sequence[Path], target: ChromaTarget) -> bool:
    try:
        return index_status(index_dir, sources, target) == "current"
    except IndexCorruptError:
        return False


def build_index(
    index_dir: Path,
    sources: Sequence[Path],
    target: ChromaTarget,
    embeddings: E5Embeddings | None = None,
    force: bool = False,
    progress: ProgressFactory | None = None,
) -> BuildResult:
    started = time.perf_counter()
    sources = [Path(s) for s in sources]
    for source in sources:
        if not source.is_file():
            raise FileNotFoundError(f"source report not found: {source}")
    source_fingerprint = fingerprint(sources, target)
    reports = [parse_report_file(source) for source in sources]
    _check_unique_documents(reports)
    if not force and index_is_current(index_dir, sources, target):
        build_id = current_build_dir(index_dir).name
        return BuildResult(build_id, True, _count(reports), 0, time.perf_counter() - started, _names(reports))

    if target.is_server:
        chroma_client(target, index_dir)  # fail before the minute of embedding, not after
    embeddings = embeddings or E5Embeddings()
    build_id = f"{time.strftime('%Y%m%d%H%M%S')}_{source_fingerprint[:10]}"
    builds = index_dir / "builds"
    partial = builds / f"{build_id}.partial"
    final = builds / build_id
    partial.mkdir(parents=True, exist_ok=True)
    try:
        sentence_count = _write_build(partial, build_id, reports, embeddings, target, progress)
        manifest = {
            "format": FORMAT_VERSION,
            "build_id": build_id,
            "fingerprint": source_fingerprint,
            "model": model_fingerprint(),
            "chroma": target.describe(),
            "documents": [{"document": r.document, "symbol": r.symbol, "title": r.title} for r in reports],
            "sources": [s.name for s in sources],
            "paragraphs": _count(reports),
            "sentences": sentence_count,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        (partial / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        _drop_collection(target, final, build_id)
        raise
    switch_current(index_dir, build_id)
    remove_other_builds(index_dir, keep=build_id, target=target)
    return BuildResult(build_id, False, _count(reports), sentence_count, time.perf_counter() - started, _names(reports))


def _write_build(
    build_dir: Path,
    build_id: str,
    reports: list[Report],
    embeddings: E5Embeddings,
    target: ChromaTarget,
    progress: ProgressFactory | None,
) -> int:
    paragraphs = [p for r in reports for p in r.paragraphs]
    (build_dir / "reports.json").write_text(json.dumps(reports_to_json(reports), ensure_ascii=False), encoding="utf-8")
    lexicon = {p.key: tokenize(p.searchable_text + " " + p.section_title) for p in paragraphs}
    (build_dir / "lexicon.json").write_text(json.dumps(lexicon, ensure_ascii=False), encoding="utf-8")
    tokens = {token for tokens in lexicon.values() for token in tokens}
    bridge = build_bridge(tokens | dictionary_words_in(p.searchable_text for p in paragraphs))
    (build_dir / "bridge.json").write_text(json.dumps(bridge, ensure_ascii=False), encoding="utf-8")
    names = build_foreign_names(bridge, corpus_text(paragraphs))
    (build_dir / "names.json").write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
    release_dictionary()

    sentence_keys, spans, sentence_texts = [], [], []
    for paragraph in paragraphs:
        for sentence in split_sentences(paragraph.searchable_text):
            sentence_keys.append(paragraph.key)
            spans.append((sentence.start, sentence.end))
            sentence_texts.append(sentence.text)
    bar = progress(len(paragraphs) + len(sentence_texts), "embedding") if progress else Progress()
    paragraph_vectors = _embed(embeddings, [p.searchable_text for p in paragraphs], bar)
    sentence_vectors = _embed(embeddings, sentence_texts, bar)
    bar.close()
    np.savez(
        build_dir / "sentences.npz",
        keys=np.array(sentence_keys, dtype=str),
        spans=np.array(spans, dtype=np.int32).reshape(-1, 2),
        vectors=sentence_vectors.astype(np.float32),
    )
    client = chroma_client(target, build_dir)
    collection = client.create_collection(
        collection_name(build_id),
        embedding_function=E5ChromaFunction(embeddings),
        metadata={"hnsw:space": "cosine"},
    )
    for start in range(0, len(paragraphs), 512):
        batch = paragraphs[start : start + 512]
        collection.add(
            ids=[p.key for p in batch],
            documents=[p.searchable_text for p in batch],
            embeddings=paragraph_vectors[start : start + len(batch)],
            metadatas=[
                {
                    "document": p.document,
                    "paragraph": p.number,
                    "section_number": p.section_number,
                    "section_title": p.section_title,
                }
                for p in batch
            ],
        )
    return len(sentence_texts)


def _embed(embeddings: E5Embeddings, texts: list[str], bar: Progress) -> np.ndarray:
    """Embed each distinct text once (reports repeat boilerplate sentences), in batches."""
    distinct = list(dict.fromkeys(texts))
    chunks = []
    for start in range(0, len(distinct), EMBED_BATCH):
        batch = distinct[start : start + EMBED_BATCH]
        chunks.append(embeddings.passage_vectors(batch))
        bar.update(len(batch))
    if not chunks:
        return np.zeros((0, 384), dtype=np.float32)
    vectors = np.vstack(chunks)
    row = {text: i for i, text in enumerate(distinct)}
    return vectors[[row[text] for text in texts]]


def _drop_collection(target: ChromaTarget, build_dir: Path, build_id: str) -> None:
    if not target.is_server:
        return
    try:
        chroma_client(target, build_dir).delete_collection(collection_name(build_id))
    except Exception as error:  # nothing was created, or the server is gone: nothing to undo
        log.debug("no collection to drop after failed build: %s", error)


def _check_unique_documents(reports: list[Report]) -> None:
    seen: set[str] = set()
    for report in reports:
        if report.document in seen:
            raise ValueError(f"two sources have the same document id {report.document!r}; give one a .meta.json id")
        seen.add(report.document)


def _count(reports: list[Report]) -> int:
    return sum(len(r.paragraphs) for r in reports)


def _names(reports: list[Report]) -> tuple[str, ...]:
    return tuple(r.document for r in reports)
