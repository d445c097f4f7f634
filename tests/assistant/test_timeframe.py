"""A question about a time after the report is refused, saying when the report dates from."""

from __future__ import annotations

import pytest

from assistant.timeframe import ReportDate, asks_after, report_date
from index.normalize import compact
from index.parser import parse_report

CORPUS = "大会计划于2011年7月举行这一对话。2009年举行了正式辩论。在2012年举办下一次对话。"
JUNE_2011 = ReportDate(2011, 6)


@pytest.mark.parametrize(
    ("question", "after"),
    [
        ("报告发布以后，安理会有没有授权对叙利亚采取军事行动？", True),
        ("现任保护责任特别顾问叫什么名字？", True),
        ("Who won the 2018 FIFA World Cup?", True),
        ("What has happened in Libya since the report was published?", True),
        ("Who is the current Special Adviser on the Responsibility to Protect?", True),
        ("2015年的对话讨论了什么？", True),
        ("大会计划于2011年几月举行这一对话？", False),  # the report's own year
        ("2012年的对话打算讨论什么？", False),  # a later year the report itself names (a plan)
        ("1994年卢旺达发生了什么？", False),  # earlier: left to the other checks
        ("联合国总部和各地区组织打交道，现在主要有什么不足？", False),  # 「现在」 is the report's present
        ("报告发布后，安理会对叙利亚采取了什么行动？", True),
        ("自报告发表以来，利比亚局势有何变化？", True),
        ("２０１５年的对话讨论了什么？", True),  # full-width digits
        ("Since the report stresses prevention, what tools does it list for early warning?", False),  # causal
        ("报告中提到的现任秘书长是谁？", False),  # the report's own
        ("What does the report say about the current situation in Libya?", False),
    ],
)
def test_questions_about_after_the_report(question: str, after: bool) -> None:
    assert asks_after(question, JUNE_2011, CORPUS) is after


def test_no_date_no_judgement() -> None:
    assert not asks_after("Who won the 2018 FIFA World Cup?", None, CORPUS)


def test_the_date_comes_from_the_metadata_else_the_latest_year_in_the_text() -> None:
    text = "报告\n\n一. 导言\n\n1. 大会于 2009 年举行了辩论，并计划于 2010 年再次举行。\n"
    assert report_date([parse_report(text, metadata={"date": "2011-06"})]) == JUNE_2011
    assert report_date([parse_report(text)]) == ReportDate(2010)
    assert JUNE_2011.describe(english=True) == "June 2011" and JUNE_2011.describe(english=False) == "2011 年 6 月"


def test_the_engine_refuses_and_says_when_the_report_dates_from(engine) -> None:
    result = engine.ask("报告发布以后，安理会有没有授权对叙利亚采取军事行动？")
    assert result.refused and result.citations == []
    assert "2011 年 6 月" in result.answer
    english = engine.ask("Who is the current Special Adviser on the Responsibility to Protect?")
    assert english.refused and "June 2011" in english.answer


@pytest.mark.parametrize(
    ("question", "after"),
    [
        ("2011年7月大会关于保护责任区域层面的非正式互动对话最后得出了什么结论？", True),
        ("What was the outcome of the July 2011 informal interactive dialogue?", True),
        ("2011年7月的对话将讨论什么？", False),  # what is planned: the report says
        ("大会计划在2011年7月举行什么对话？", False),
        ("2011年5月逮捕姆拉迪奇的结果是什么？", False),  # May 2011 is before the report
        # found by review: a title, the report's last part, what is expected of the dialogue
        ("2011年7月的对话将如何推动落实《2005年世界首脑会议成果》？", False),
        ("How will the July 2011 dialogue build on the 2005 World Summit Outcome?", False),
        ("报告最后一节如何介绍2011年7月的对话？", False),
        ("关于2011年7月的对话，报告的结论部分说了什么？", False),
        ("2011年7月举行的非正式互动对话预计会取得什么成果？", False),
        ("What results does the Secretary-General hope the July 2011 dialogue will produce?", False),
        ("2011年7月的对话最终达成了什么共识？", True),
    ],
)
def test_how_an_event_after_the_report_turned_out(question: str, after: bool) -> None:
    assert asks_after(question, ReportDate(2011, 6), compact("大会计划于 2011 年 7 月举行这一对话")) is after
