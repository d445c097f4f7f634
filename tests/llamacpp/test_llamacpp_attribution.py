"""Citation attribution on the report's real paragraphs (no model needed): what a user reads is cited right."""

from __future__ import annotations

from functools import cache

import pytest

from assistant.attribution import (
    AttributionStats,
    Attributor,
    StreamAttributor,
    attribute,
    opening_verdict,
)
from assistant.settings import DEFAULT_CORPUS
from eval.metrics import grounding
from index.parser import Paragraph, parse_report_file


@cache
def paragraphs() -> dict[int, Paragraph]:
    return {p.number: p for p in parse_report_file(DEFAULT_CORPUS).paragraphs}


def retrieved(*numbers: int) -> list[Paragraph]:
    return [paragraphs()[n] for n in numbers]


def first_sentence(number: int) -> str:
    text = paragraphs()[number].plain_text
    return text[: text.index("。") + 1]


PRIORITY = "与我们的区域和次区域伙伴方加强操作性预防与协作是我们最紧迫的优先事项。"  # ¶21, quoted
INVENTED = "联合国维和行动2011年的预算为78亿美元，由大会第五委员会核定。"  # in no paragraph


def test_an_uncited_sentence_gets_the_paragraph_it_comes_from() -> None:
    result = attribute(PRIORITY, retrieved(27, 21, 5))
    assert result.text == PRIORITY + "[第21段]"
    assert [s.status for s in result.sentences] == ["attributed"]


def test_a_misplaced_citation_is_replaced() -> None:
    result = attribute(f"{PRIORITY[:-1]}[第27段]。", retrieved(27, 21))
    assert result.text == PRIORITY + "[第21段]"
    (sentence,) = result.sentences
    assert sentence.status == "corrected" and sentence.model_cited


def test_a_right_citation_is_kept_and_moved_after_its_sentence() -> None:
    result = attribute(f"[第21段]{PRIORITY}", retrieved(27, 21))
    assert result.text == PRIORITY + "[第21段]"
    assert result.count("model") == 1


def test_an_invented_sentence_is_flagged_or_dropped() -> None:
    answer = f"{PRIORITY}[第21段]\n{INVENTED}[第21段]"
    kept = attribute(answer, retrieved(21, 27))
    assert [s.status for s in kept.sentences] == ["model", "unsupported"]
    assert INVENTED in kept.text
    dropped = attribute(answer, retrieved(21, 27), drop_unsupported=True)
    assert dropped.text.strip() == PRIORITY + "[第21段]"
    assert dropped.counts()["dropped"] == 1
    assert grounding(dropped.text, {n: p.searchable_text for n, p in paragraphs().items()}).unsupported == []


def test_a_sentence_spanning_two_paragraphs_cites_both() -> None:
    from_1 = "大会计划于2011年7月举行这一对话"
    from_27 = "欧洲联盟和欧安组织设立了专门的情况室"
    result = attribute(f"{from_1}，{from_27}。", retrieved(27, 1, 18))
    assert result.text == f"{from_1}，{from_27}。[第1段][第27段]"
    assert result.sentences[0].status == "attributed" and result.sentences[0].support > 0.9


def test_citations_of_unretrieved_paragraphs_are_left_for_the_engine_to_count() -> None:
    result = attribute(f"{PRIORITY}[第99段]", retrieved(21))
    assert result.text == PRIORITY + "[第99段][第21段]"  # the engine removes and counts [第99段]


def test_the_models_refusal_and_short_sentences_are_not_judged() -> None:
    result = attribute("报告中没有涉及这个问题。是的。", retrieved(21), drop_unsupported=True)
    assert result.text == "报告中没有涉及这个问题。是的。"
    assert result.count("unscored") == 2


def test_english_sentences_are_attributed_by_meaning_when_a_similarity_is_given() -> None:
    english = "Operational prevention with regional partners is the most urgent priority."

    def similarity(claim: str, texts: list[str]) -> list[float]:
        return [1.0 if "最紧迫的优先事项" in text else 0.0 for text in texts]

    by_meaning = attribute(english, retrieved(27, 21), similarity=similarity)
    assert by_meaning.text == english + "[第21段]" and by_meaning.count("attributed_by_meaning") == 1
    without = attribute(english, retrieved(27, 21))
    assert without.text == english and without.count("unscored") == 1


@pytest.mark.parametrize("drop", [False, True])
def test_streaming_token_by_token_gives_the_same_text(drop: bool) -> None:
    answer = f"[第27段]{first_sentence(27)}\n{INVENTED}{PRIORITY}（第21段）另见[第27段]。 Done."
    whole = attribute(answer, retrieved(27, 21), drop_unsupported=drop)
    stream = StreamAttributor(Attributor(retrieved(27, 21)), drop_unsupported=drop)
    pieces = [stream.feed(char) for char in answer] + [stream.finish()]
    assert "".join(pieces) == whole.text
    assert [s.status for s in stream.result.sentences] == [s.status for s in whole.sentences]


def test_words_are_shown_before_the_sentence_ends() -> None:
    stream = StreamAttributor(Attributor(retrieved(21)))
    assert stream.feed("[第21段]与我们的区域") == "与我们的区域"  # the marker is held, the words are not
    assert stream.feed("和次区域伙伴方加强操作性预防与协作是我们最紧迫的优先事项") == (
        "和次区域伙伴方加强操作性预防与协作是我们最紧迫的优先事项"
    )
    assert stream.feed("。") == ""  # a citation may still follow the full stop
    assert stream.feed("下") == "。[第21段]下"
    assert stream.finish() == ""


def test_stats_count_who_cited() -> None:
    stats = AttributionStats()
    stats.add(attribute(f"{PRIORITY}[第21段]", retrieved(21)))
    stats.add(attribute(PRIORITY, retrieved(21)))
    stats.add_declined()
    figures = stats.as_dict()
    assert figures["answers"] == 2 and figures["declined_replaced_by_quotes"] == 1
    assert figures["answers_cited_by_model_only"] == 1 and figures["answers_without_model_citation"] == 1
    assert figures["sentences"]["model"] == 1 and figures["sentences"]["attributed"] == 1
    assert figures["model_cited_share"] == 0.5 and figures["attribution_share"] == 0.5


@pytest.mark.parametrize(
    ("opening", "verdict"),
    [("", "undecided"), ("报告", "undecided"), ("报告中没有涉及这个", "declined"), ("报告指出", "answer"),
     ("The report does not cover this.", "declined"), ("The", "undecided"), ("Regional", "answer"),
     ("[", "undecided"), ("[第1", "undecided"), ("[第18段] 报告中没有涉及", "declined"), ("[第18段]报告", "undecided"),
     ("[第17段]东盟", "answer")],
)  # fmt: skip
def test_the_opening_words_tell_a_refusal_early(opening: str, verdict: str) -> None:
    assert opening_verdict(opening) == verdict
