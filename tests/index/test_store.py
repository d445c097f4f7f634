"""Index build and load against embedded Chroma (a temp dir) and a real Chroma server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.retrieval import Retriever
from assistant.settings import DEFAULT_CORPUS
from index.build import build_index, index_status
from index.embeddings import E5ChromaFunction, E5Embeddings
from index.store import ChromaTarget, IndexCorruptError, IndexMissingError, current_build_dir, load_index


@pytest.fixture(scope="module")
def embeddings() -> E5Embeddings:
    return E5Embeddings()


@pytest.fixture
def small_report(tmp_path: Path) -> Path:
    """A three-paragraph report of the same shape: quick to embed for tests of the build mechanics."""
    source = tmp_path / "small.zh.txt"
    source.write_text("一. 导言\n1. 第一段讲预警。\n2. 第二段讲调解。\n二. 结论\n3. 第三段讲合作。\n", encoding="utf-8")
    return source


@pytest.fixture(params=["embedded", "server"])
def target(request: pytest.FixtureRequest) -> ChromaTarget:
    if request.param == "embedded":
        return ChromaTarget()
    host, port = request.getfixturevalue("chroma_server")
    return ChromaTarget(host, port)


def test_build_load_and_query(tmp_path: Path, target: ChromaTarget, embeddings: E5Embeddings) -> None:
    result = build_index(tmp_path, [DEFAULT_CORPUS], target, embeddings=embeddings)
    assert (result.paragraphs, result.skipped) == (44, False)
    stored = load_index(tmp_path, target, embeddings)
    assert stored.vectorstore._collection.count() == 44
    hits = Retriever(stored, embeddings).search("非洲联盟智者小组决定采用什么分析框架", k=3)
    assert hits[0].paragraph.number == 27

    again = build_index(tmp_path, [DEFAULT_CORPUS], target, embeddings=embeddings)
    assert again.skipped and again.build_id == result.build_id

    forced = build_index(tmp_path, [DEFAULT_CORPUS], target, embeddings=embeddings, force=True)
    assert not forced.skipped and forced.build_id != result.build_id
    assert load_index(tmp_path, target, embeddings).build_id == forced.build_id
    assert [p.name for p in (tmp_path / "builds").iterdir()] == [forced.build_id]


def test_failed_build_leaves_previous_index_usable(
    tmp_path: Path, embeddings: E5Embeddings, small_report: Path
) -> None:
    target = ChromaTarget()
    first = build_index(tmp_path, [small_report], target, embeddings=embeddings)

    class Exploding(E5Embeddings):
        calls = 0

        def passage_vectors(self, texts):
            Exploding.calls += 1
            if Exploding.calls > 1:
                raise KeyboardInterrupt("interrupted mid-build")
            return super().passage_vectors(texts)

    with pytest.raises(KeyboardInterrupt):
        build_index(tmp_path, [small_report], target, embeddings=Exploding(), force=True)
    assert load_index(tmp_path, target, embeddings).build_id == first.build_id
    assert not any(p.name.endswith(".partial") for p in (tmp_path / "builds").iterdir())


def test_missing_and_corrupt_index_messages(tmp_path: Path, embeddings: E5Embeddings, small_report: Path) -> None:
    with pytest.raises(IndexMissingError, match="python -m index build"):
        load_index(tmp_path / "nothing", ChromaTarget(), embeddings)
    build_index(tmp_path, [small_report], ChromaTarget(), embeddings=embeddings)
    manifest = current_build_dir(tmp_path) / "manifest.json"
    manifest.write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="python -m index build --force"):
        load_index(tmp_path, ChromaTarget(), embeddings)
    with pytest.raises(IndexCorruptError):
        index_status(tmp_path, [small_report], ChromaTarget())


def test_a_damaged_names_file_names_the_fix(tmp_path: Path, embeddings: E5Embeddings, small_report: Path) -> None:
    build_index(tmp_path, [small_report], ChromaTarget(), embeddings=embeddings)
    names = current_build_dir(tmp_path) / "names.json"
    assert "缅甸" in load_index(tmp_path, ChromaTarget(), embeddings).foreign_names
    names.unlink()
    with pytest.raises(IndexCorruptError, match="python -m index build --force"):
        load_index(tmp_path, ChromaTarget(), embeddings)


def test_changed_source_makes_the_index_stale(tmp_path: Path, embeddings: E5Embeddings) -> None:
    source = tmp_path / "report.txt"
    source.write_text("一. 导言\n1. 第一段。\n2. 第二段。\n", encoding="utf-8")
    build_index(tmp_path / "index", [source], ChromaTarget(), embeddings=embeddings)
    assert index_status(tmp_path / "index", [source], ChromaTarget()) == "current"
    source.write_text("一. 导言\n1. 第一段，改过了。\n2. 第二段。\n", encoding="utf-8")
    assert index_status(tmp_path / "index", [source], ChromaTarget()) == "stale"


def test_two_documents_share_an_index_and_citations_name_them(tmp_path: Path, embeddings: E5Embeddings) -> None:
    from assistant.backends.extractive import ExtractiveBackend
    from assistant.engine import Engine

    first = tmp_path / "first.zh.txt"
    first.write_text("一. 导言\n1. 区域组织可以建立预警系统。\n2. 调解需要资源。\n", encoding="utf-8")
    (tmp_path / "first.zh.meta.json").write_text(json.dumps({"symbol": "A/98/7"}), encoding="utf-8")
    other = tmp_path / "other-report.zh.txt"
    other.write_text("一. 导言\n1. 本报告讨论海洋塑料污染的治理。\n2. 各国应减少一次性塑料制品。\n", encoding="utf-8")
    (tmp_path / "other-report.zh.meta.json").write_text(json.dumps({"symbol": "A/99/1"}), encoding="utf-8")
    build_index(tmp_path / "index", [first, other], ChromaTarget(), embeddings=embeddings)
    stored = load_index(tmp_path / "index", ChromaTarget(), embeddings)
    assert len(stored.reports) == 2
    engine = Engine(Retriever(stored, embeddings), ExtractiveBackend())
    result = engine.ask("各国应该如何减少一次性塑料制品？")
    assert "[A/99/1 第2段]" in result.answer
    assert result.to_json()["cited"][0] == {"document": "other-report.zh", "paragraph": 2}


def test_chroma_embedding_function_uses_the_bundled_model(embeddings: E5Embeddings) -> None:
    function = E5ChromaFunction(embeddings)
    vectors = function(["区域安排", "regional arrangements"])
    assert len(vectors) == 2 and len(vectors[0]) == 384
    query = embeddings.embed_query("区域安排的作用")
    assert len(query) == 384
