"""Splitting a question about several things when the report never mentions some of them (`assistant.partial`),
and the questions that ask only what the report says about something (`assistant.topic`)."""

from __future__ import annotations

import pytest

from assistant.partial import remove_names, split_absent
from assistant.topic import topic_of

REPORT_WORDS = {"叙利亚", "利比亚", "非洲联盟", "非洲", "联盟"}


def mentioned(word: str) -> bool:
    return word in REPORT_WORDS


@pytest.mark.parametrize(
    ("question", "missing", "reduced"),
    [
        ("报告对叙利亚和斯里兰卡说了什么？", ("斯里兰卡",), "报告对叙利亚说了什么？"),
        ("报告对斯里兰卡和叙利亚说了什么？", ("斯里兰卡",), "报告对叙利亚说了什么？"),
        ("叙利亚、缅甸和利比亚的局势如何？", ("缅甸",), "叙利亚和利比亚的局势如何？"),
        ("非洲联盟与北约在保护平民方面各做了什么？", ("北约",), "非洲联盟在保护平民方面各做了什么？"),
        ("叙利亚、缅甸和斯里兰卡的局势如何？", ("缅甸", "斯里兰卡"), "叙利亚的局势如何？"),
        ("叙利亚、缅甸和斯里兰卡的局势如何？", ("斯里兰卡", "缅甸"), "叙利亚的局势如何？"),
    ],
)
def test_a_missing_name_listed_with_a_mentioned_one_is_taken_out(question: str, missing, reduced: str) -> None:
    assert split_absent(question, missing, mentioned) == reduced


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("北约在科索沃的行动是否符合保护责任？", ("北约", "科索沃")),  # names standing alone
        ("缅甸和斯里兰卡的情况怎样？", ("缅甸", "斯里兰卡")),  # nothing mentioned is left
        ("北约与非洲联盟的关系如何？", ("北约",)),  # a relation: half of it is no answer
        ("非洲联盟和北约相比有什么不同？", ("北约",)),
        ("叙利亚和缅甸有什么不同？", ("缅甸",)),
        ("叙利亚和缅甸的差异是什么？", ("缅甸",)),
        ("关于缅甸，联合国做了什么？", ("缅甸",)),  # a comma does not make a list
        ("缅甸，秘书长怎么说？", ("缅甸",)),
        ("报告对叙利亚说了什么？", ()),
    ],
)
def test_no_split_where_half_a_question_would_be_a_wrong_answer(question: str, missing) -> None:
    assert split_absent(question, missing, mentioned) is None


@pytest.mark.parametrize(
    ("question", "missing", "reduced"),
    [
        ("What does the report say about Libya and Myanmar?", ("Myanmar",), "What does the report say about Libya?"),
        ("What did NATO and the African Union do?", ("NATO",), "What did the African Union do?"),
        ("How do Libya, Myanmar and Sri Lanka compare?", ("Myanmar", "Sri Lanka"), None),  # a comparison
        ("What did NATO do in Libya?", ("NATO",), None),  # a name standing alone
        ("What did the AU and NATO do?", ("NATO",), "What did the AU do?"),
        ("What about Libya and Rwandan refugees?", ("Rwanda",), None),  # not inside a word
    ],
)
def test_english_lists_split_the_same_way(question: str, missing, reduced) -> None:
    english = {"Libya", "African", "Union", "AU"}
    assert split_absent(question, missing, lambda word: word in english, chinese=False) == reduced


def test_a_condensed_follow_up_loses_the_names_and_keeps_its_context() -> None:
    query = "非洲联盟智者小组是什么？ 它和北约在利比亚做了什么？"
    assert remove_names(query, ("北约",)) == "非洲联盟智者小组是什么？ 它在利比亚做了什么？"
    assert remove_names("缅甸、叙利亚", ("缅甸",)) == "叙利亚"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("报告对叙利亚说了什么？", "叙利亚"),
        ("报告中关于利比亚问题是怎么说的？", "利比亚"),
        ("报告提到叙利亚了吗？", "叙利亚"),
        ("报告有没有提到缅甸？", "缅甸"),
        ("秘书长如何评价非洲联盟？", "非洲联盟"),
        ("报告有提到叙利亚吗？", "叙利亚"),
        ("报告对“几内亚”说了什么呢？", "几内亚"),
        ("Is Libya mentioned in the report?", "Libya"),
        ("What does the report say about Libya?", "Libya"),
        ("Does the report mention early warning?", "early warning"),
    ],
)
def test_questions_that_ask_only_what_the_report_says_have_a_topic(question: str, topic: str) -> None:
    assert topic_of(question) == topic


@pytest.mark.parametrize(
    "question",
    [
        "报告中关于吉尔吉斯斯坦提到了哪些行动？",  # asks for a detail
        "报告提到2011年5月被捕的那位将军叫什么名字？",
        "报告提到的保护责任研究小组隶属于哪个机构？",
        "区域组织在预警方面能做什么？",
        "What does the report say about who chairs the Panel of the Wise?",
        "When was the report published?",
        "Does the report mention what date the resolution was adopted?",
        "报告提到的措施有效吗？",  # about the measures the report mentions, not whether it mentions them
        "文中提到过吗？",
    ],
)
def test_questions_for_a_detail_have_no_topic(question: str) -> None:
    assert topic_of(question) is None
