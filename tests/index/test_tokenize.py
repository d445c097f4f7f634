"""The two lexical views of a text: jieba words and character bigrams."""

from __future__ import annotations

from index.tokenize import character_bigrams, tokenize


def test_character_bigrams_overlap_and_keep_latin_words_whole() -> None:
    assert character_bigrams("预警系统") == ["预警", "警系", "系统"]
    assert character_bigrams("第 1973 (2011) 号决议") == ["第", "1973", "2011", "号决", "决议"]
    assert character_bigrams("NATO 与欧盟") == ["nato", "与欧", "欧盟"]
    assert character_bigrams("，。？") == []
    assert character_bigrams("Côte d'Ivoire 的局势") == ["côte", "d", "ivoire", "的局", "局势"]


def test_bigrams_see_shared_pieces_that_jieba_words_miss() -> None:
    question, report = "人道主义", "人道援助"  # jieba keeps both words whole
    assert not set(tokenize(question)) & set(tokenize(report))
    assert set(character_bigrams(question)) & set(character_bigrams(report)) == {"人道"}
