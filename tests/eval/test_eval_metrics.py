"""Every metric on hand-made cases whose answers are known."""

from __future__ import annotations

import math

import pytest

from eval import metrics as m


def test_rank_and_hits() -> None:
    retrieved = [7, 3, 9, 1, 5]
    assert m.gold_rank([9], retrieved) == 3
    assert m.gold_rank([9, 3], retrieved) == 2
    assert m.gold_rank([42], retrieved) is None
    assert m.hit_at_k([9], retrieved, 1) == 0.0
    assert m.hit_at_k([9], retrieved, 3) == 1.0
    assert m.hit_at_k([5], retrieved, 5) == 1.0
    assert m.hit_at_k([5], retrieved, 3) == 0.0


def test_recall_mrr_ndcg() -> None:
    retrieved = [7, 3, 9, 1, 5]
    assert m.recall_at_k([3, 5, 42], retrieved, 5) == pytest.approx(2 / 3)
    assert m.recall_at_k([], retrieved, 5) is None
    assert m.reciprocal_rank([1], retrieved) == 0.25
    assert m.reciprocal_rank([42], retrieved) == 0.0
    assert m.ndcg_at_k([7], retrieved, 5) == 1.0
    # one gold paragraph at rank 2: DCG = 1/log2(3), ideal = 1
    assert m.ndcg_at_k([3], retrieved, 5) == pytest.approx(1 / math.log2(3))
    # two gold at ranks 1 and 3: (1 + 1/2) / (1 + 1/log2(3))
    assert m.ndcg_at_k([7, 9], retrieved, 5) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    assert m.ndcg_at_k([42], retrieved, 5) == 0.0
    assert m.ndcg_at_k([], retrieved, 5) is None


def test_citation_outside_the_retrieved_set_is_invalid() -> None:
    existing = range(1, 45)
    assert m.citation_validity([1, 2], retrieved=[1, 2, 3], existing=existing) == 1.0
    assert m.citation_validity([1, 8], retrieved=[1, 2, 3], existing=existing) == 0.0  # 8 exists, not retrieved
    assert m.citation_validity([99], retrieved=[99], existing=existing) == 0.0  # 99 does not exist
    assert m.citation_validity([], retrieved=[1], existing=existing) is None


def test_citation_precision_and_recall() -> None:
    assert m.citation_precision([1, 2, 3, 4], gold=[2, 4, 6]) == 0.5
    assert m.citation_recall([1, 2, 3, 4], gold=[2, 4, 6]) == pytest.approx(2 / 3)
    assert m.citation_precision([2, 2], gold=[2]) == 1.0
    assert m.citation_precision([], gold=[2]) is None
    assert m.citation_recall([], gold=[2]) == 0.0
    assert m.citation_recall([1], gold=[]) is None


def test_must_include_ignores_whitespace_and_width() -> None:
    answer = "在 2010 年 8 月 9 日举行的对话，见Ａ／64／864。"
    assert m.must_include_coverage(answer, ["2010年8月9日", "A/64/864"]) == 1.0
    assert m.must_include_coverage(answer, ["2010年8月9日", "60/1"]) == 0.5
    assert m.must_include_coverage(answer, []) is None


def test_split_sentences_attaches_citations() -> None:
    sentences = m.split_sentences("甲乙丙丁。[第1段]\n戊己庚。辛壬癸[第2段、第3段]。他说“好。”[第4段]")
    assert [(s.text, s.citations) for s in sentences] == [
        ("甲乙丙丁。", (1,)),
        ("戊己庚。", (2, 3)),  # no marker of its own: takes the next cited sentence's citations
        ("辛壬癸。", (2, 3)),
        ("他说“好。”", (4,)),
    ]
    assert m.split_sentences("没有引用的一句话。")[0].citations == ()
    assert m.citation_numbers("A/65/877 第27段") == [27]


def test_support_score_counts_shared_bigrams() -> None:
    source = "结构性预防旨在将易于发生此类暴乱的情势变成不易于发生此类暴乱的情势。"
    # 10 bigrams; 结构 构性 性预 预防 防旨 旨在 情势 occur in the source, 在改 改变 变情 do not
    assert m.support_score("结构性预防旨在改变情势。", [source]) == pytest.approx(7 / 10)
    assert m.support_score("结构性预防旨在将易于发生此类暴乱的情势变成不易于发生此类暴乱的情势", [source]) == 1.0
    assert m.support_score("维和预算七十八亿美元", [source]) == 0.0
    assert m.support_score("结构性预防", []) == 0.0  # cites nothing: nothing supports it
    assert m.support_score("是的", [source]) is None  # too short to score
    # width and punctuation do not matter
    assert m.support_score("ＡＢＣＤ，ＥＦ", ["abcd ef"]) == 1.0


def test_number_not_in_the_cited_paragraph_is_a_violation() -> None:
    source = "在 2010 年 8 月 9 日举行的大会非正式互动对话期间，见报告(A/63/677)第 139 段。"
    assert m.figure_violations("对话于2010年8月9日举行，见A/63/677第139段。", [source]) == []
    assert m.figure_violations("对话于2010年8月10日举行。", [source]) == ["2010年8月10日"]
    assert m.figure_violations("见A/63/678。", [source]) == ["a/63/678"]
    assert m.figure_violations("第13段。", [source]) == ["13"]  # 13 is not 139: digits must not continue
    assert m.figure_violations("维和预算为78亿美元。", []) == ["78"]


def test_figures_are_whole_tokens() -> None:
    text = "A/63/677、SG/SM/13385、大会第60/1号决议、第1970(2011)号决议、2010年8月9日、9 August 2010、1,000人、40％"
    assert m.figures(text) == [
        "a/63/677",
        "sg/sm/13385",
        "60/1",
        "1970(2011)",
        "2010年8月9日",
        "9 august 2010",
        "1,000",
        "40%",
    ]
    assert m.figures("and/or without digits") == []


def test_grounding_of_a_whole_answer() -> None:
    texts = {
        1: "大会就这一专题于 2009 年举行了正式辩论。",
        2: "秘书长在牛津大学作了西里尔·福斯特系列的一次讲座。",
    }
    answer = (
        "大会于2009年就这一专题举行了正式辩论。[第1段]\n"
        "维和行动2011年的预算为78亿美元。[第2段]\n"
        "The report is in Chinese; here are its sentences:\n"
        "秘书长在牛津大学作了讲座。[第2段]"
    )
    result = m.grounding(answer, texts)
    supports = [s.support for s in result.sentences]
    assert supports[0] is not None and supports[0] >= 0.5
    assert supports[1] is not None and supports[1] < 0.5  # fabricated, unsupported
    assert supports[2] is None  # English sentence against a Chinese report: not scored
    assert supports[3] is not None and supports[3] >= 0.5
    assert [s.text for s in result.unsupported] == ["维和行动2011年的预算为78亿美元。"]
    assert result.violations == ["2011", "78"]
    assert result.unsupported_rate == pytest.approx(1 / 3)


def test_a_citation_of_an_unknown_paragraph_supports_nothing() -> None:
    result = m.grounding("大会于2009年举行了正式辩论。[第99段]", {1: "大会于 2009 年举行了正式辩论。"})
    assert result.sentences[0].support == 0.0
    assert result.violations == ["2009"]


def test_aggregation_helpers() -> None:
    assert m.mean([1.0, None, 0.0]) == 0.5
    assert m.mean([None]) is None
    assert m.rate([True, False, False, True]) == 0.5
    assert m.rate([]) is None
    assert m.percentile([10.0, 20.0, 30.0, 40.0], 50) == 25.0
    assert m.percentile([10.0, 20.0, 30.0, 40.0], 95) == pytest.approx(38.5)
    assert m.percentile([5.0], 95) == 5.0
    assert m.percentile([], 50) is None
