"""Where an index lives: a build folder under the data dir plus a Chroma collection.

Layout (all under `<data dir>/index/`)::

    CURRENT                  the id of the build in use (replaced atomically)
    builds/<id>/manifest.json, reports.json, lexicon.json, sentences.npz
    builds/<id>/chroma/      the persistent Chroma store (embedded mode only)

With `CHROMA_HOST` set, the vectors live in the collection `paragraphs_<id>` of that server and
the build folder holds the rest. Readers only ever follow CURRENT, so a build that fails halfway
leaves the previous index in use.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.parser import Footnote, Paragraph, Report, Section

log = logging.getLogger(__name__)
FORMAT_VERSION = 8
REBUILD_COMMAND = "python -m index build --force"


class IndexMissingError(RuntimeError):
    """No index has been built yet."""


class IndexCorruptError(RuntimeError):
    """The index exists but cannot be read; rebuilding fixes it."""


class VectorStoreUnavailableError(RuntimeError):
    """The Chroma server does not answer."""


@dataclass(frozen=True)
class ChromaTarget:
    """Embedded (a folder) or a server (host and port)."""

    host: str = ""
    port: int = 8000

    @property
    def is_server(self) -> bool:
        return bool(self.host)

    def describe(self) -> str:
        return f"chroma server {self.host}:{self.port}" if self.is_server else "embedded chroma"


def chroma_client(target: ChromaTarget, build_dir: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if target.is_server:
        try:
            client = chromadb.HttpClient(host=target.host, port=target.port, settings=settings)
            client.heartbeat()
            return client
        except Exception as error:  # chromadb raises plain ValueError/ConnectionError here
            raise VectorStoreUnavailableError(
                f"cannot reach the Chroma server at {target.host}:{target.port} ({error}); "
                "start it with `chroma run --path DIR --port N` or unset CHROMA_HOST"
            ) from None
    return chromadb.PersistentClient(path=str(build_dir / "chroma"), settings=settings)


def collection_name(build_id: str) -> str:
    return f"paragraphs_{build_id}"


def current_build_dir(index_dir: Path) -> Path:
    pointer = index_dir / "CURRENT"
    if not pointer.exists():
        raise IndexMissingError(f"no index under {index_dir}; build it with `python -m index build`")
    build_id = pointer.read_text(encoding="utf-8").strip()
    build_dir = index_dir / "builds" / build_id
    if not build_id or not (build_dir / "manifest.json").is_file():
        raise IndexCorruptError(
            f"the index under {index_dir} points at a missing build {build_id!r}; rebuild it with `{REBUILD_COMMAND}`"
        )
    return build_dir


def read_manifest(build_dir: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise IndexCorruptError(
            f"cannot read {build_dir / 'manifest.json'} ({error}); run `{REBUILD_COMMAND}`"
        ) from None
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexCorruptError(
            f"the index was built by another version (format {manifest.get('format')}); run `{REBUILD_COMMAND}`"
        )
    return manifest


def switch_current(index_dir: Path, build_id: str) -> None:
    """Point CURRENT at a finished build in one atomic rename."""
    temporary = index_dir / "CURRENT.tmp"
    temporary.write_text(build_id, encoding="utf-8")
    temporary.replace(index_dir / "CURRENT")


def remove_other_builds(index_dir: Path, keep: str, target: ChromaTarget) -> None:
    for build_dir in (index_dir / "builds").iterdir():
        if build_dir.name == keep:
            continue
        if target.is_server and not build_dir.name.endswith(".partial"):
            try:
                chroma_client(target, build_dir).delete_collection(collection_name(build_dir.name))
            except Exception as error:  # an old collection that is already gone is fine
                log.debug("old collection %s not deleted: %s", build_dir.name, error)
        shutil.rmtree(build_dir, ignore_errors=True)


def reports_to_json(reports: list[Report]) -> list[dict[str, Any]]:
    return [
        {
            "document": r.document,
            "title": r.title,
            "symbol": r.symbol,
            "source": r.source,
            "front_matter": list(r.front_matter),
            "continuation_joins": r.continuation_joins,
            "metadata": r.metadata,
            "sections": [[s.number, s.title, list(s.paragraph_numbers)] for s in r.sections],
            "paragraphs": [
                {
                    "number": p.number,
                    "text": p.text,
                    "section": [p.section_number, p.section_title],
                    "footnotes": [[f.mark, f.text] for f in p.footnotes],
                }
                for p in r.paragraphs
            ],
        }
        for r in reports
    ]


def reports_from_json(data: list[dict[str, Any]]) -> list[Report]:
    reports = []
    for item in data:
        paragraphs = tuple(
            Paragraph(
                document=item["document"],
                number=int(p["number"]),
                text=p["text"],
                section_number=p["section"][0],
                section_title=p["section"][1],
                footnotes=tuple(Footnote(mark, text) for mark, text in p["footnotes"]),
            )
            for p in item["paragraphs"]
        )
        reports.append(
            Report(
                document=item["document"],
                title=item["title"],
                symbol=item["symbol"],
                front_matter=tuple(item["front_matter"]),
                sections=tuple(Section(n, t, tuple(ps)) for n, t, ps in item["sections"]),
                paragraphs=paragraphs,
                continuation_joins=int(item["continuation_joins"]),
                source=item["source"],
                metadata=dict(item.get("metadata", {})),
            )
        )
    return reports


@dataclass
class StoredIndex:
    """Everything a retriever needs, read back from one build."""

    build_id: str
    manifest: dict[str, Any]
    reports: list[Report]
    paragraph_tokens: dict[str, list[str]]
    bridge: dict[str, list[str]]
    foreign_names: frozenset[str]  # Chinese proper names the reports never use (index/bridge.py)
    foreign_english: dict[str, str]  # their English names, lower-cased → the Chinese name
    sentence_keys: list[str]
    sentence_spans: np.ndarray
    sentence_vectors: np.ndarray
    vectorstore: Any


def load_index(index_dir: Path, target: ChromaTarget, embeddings: Any) -> StoredIndex:
    """Open the current build; raises IndexMissingError / IndexCorruptError with a fix in the message."""
    from langchain_chroma import Chroma

    build_dir = current_build_dir(index_dir)
    manifest = read_manifest(build_dir)
    if manifest.get("chroma") != target.describe():
        raise IndexMissingError(
            f"the index was built for {manifest.get('chroma')}, not {target.describe()}; run `python -m index build`"
        )
    try:
        reports = reports_from_json(json.loads((build_dir / "reports.json").read_text(encoding="utf-8")))
        lexicon = json.loads((build_dir / "lexicon.json").read_text(encoding="utf-8"))
        bridge = json.loads((build_dir / "bridge.json").read_text(encoding="utf-8"))
        foreign = json.loads((build_dir / "names.json").read_text(encoding="utf-8"))
        foreign_english = {english.lower(): chinese for chinese, english in foreign.items() if english}
        with np.load(build_dir / "sentences.npz", allow_pickle=False) as arrays:
            sentence_keys = [str(k) for k in arrays["keys"]]
            sentence_spans = arrays["spans"].astype(np.int32)
            sentence_vectors = arrays["vectors"].astype(np.float32)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise IndexCorruptError(f"the index in {build_dir} is damaged ({error}); run `{REBUILD_COMMAND}`") from None
    client = chroma_client(target, build_dir)
    name = collection_name(manifest["build_id"])
    try:
        collection = client.get_collection(name)
        stored = collection.count()
    except Exception as error:
        if target.is_server and _is_connection_error(error):
            raise VectorStoreUnavailableError(
                f"cannot reach the Chroma server at {target.host}:{target.port}; start it or unset CHROMA_HOST"
            ) from None
        raise IndexCorruptError(
            f"the vector collection {name} cannot be read ({error}); run `{REBUILD_COMMAND}`"
        ) from None
    expected = sum(len(r.paragraphs) for r in reports)
    if stored != expected:
        raise IndexCorruptError(
            f"the vector collection holds {stored} paragraphs, the index {expected}; run `{REBUILD_COMMAND}`"
        )
    vectorstore = Chroma(client=client, collection_name=name, embedding_function=embeddings)
    return StoredIndex(
        build_id=manifest["build_id"],
        manifest=manifest,
        reports=reports,
        paragraph_tokens=lexicon,
        bridge=bridge,
        foreign_names=frozenset(foreign),
        foreign_english=foreign_english,
        sentence_keys=sentence_keys,
        sentence_spans=sentence_spans,
        sentence_vectors=sentence_vectors,
        vectorstore=vectorstore,
    )


def _is_connection_error(error: Exception) -> bool:
    text = f"{type(error).__name__} {error}".lower()
    return any(word in text for word in ("connect", "refused", "unreachable", "timed out", "timeout"))
