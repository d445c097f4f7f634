"""A report cannot tell what happened after it was written.

「报告发布以后，安理会有没有授权对叙利亚采取军事行动？」, 「现任保护责任特别顾问叫什么名字？」, "Who won the 2018 FIFA
World Cup?": each asks about a time after the report, and any answer quoted from it would be about something
else. `asks_after` finds such questions (a year later than the report that the report never names, "after the
report was published", the current holder of an office, how something dated after the report turned out); the
engine refuses them and says when the report dates from.

The report's date is the `date` of its sidecar metadata (`2011-06`), else the latest year its text names (a
report without metadata that plans something for a later year is taken to date from that year).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.normalize import compact
from index.parser import Report

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_DATE = re.compile(r"^\s*((?:19|20)\d\d)(?:-(\d{1,2}))?")
# 「报告发布以后/后/以来」; 「现任……是谁」 asks who holds an office now (not 「报告中提到的现任秘书长」, the report's)
_AFTER_ZH = re.compile(
    r"(?:报告|本文|文件)(?:发布|发表|公布|印发|出台|问世|写成)(?:以后|之后|后|以来)"
    r"|^(?!.*报告).*(?:现任[^，,。？?]{0,16}(?:是谁|叫什么|是哪位|哪国人|是哪国)|谁是现任)"
)
# "after the report was published", "who is the current …" — not the causal "since the report stresses …"
_AFTER_EN = re.compile(
    r"\b(?:after|since) (?:the|this|its|the report's) (?:report )?(?:was )?(?:publication|published|issued|released|"
    r"came out|written)\b|\bwho (?:is|are) the current\b",
    re.IGNORECASE,
)


# a month after the report's: 「2011年7月」 (compacted), "July 2011"
_YEAR_MONTH_ZH = re.compile(r"(?<!\d)((?:19|20)\d\d)年(\d{1,2})月")
_MONTHS_EN = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_YEAR_MONTH_EN = re.compile(r"\b(" + "|".join(_MONTHS_EN) + r")\s+((?:19|20)\d\d)\b", re.IGNORECASE)
# how something turned out: a report written before it cannot say (「最后得出了什么结论」 "what was the outcome") —
# not a title (《2005年世界首脑会议成果》, "World Summit Outcome": the lower-case word only), nor the report's own
# last part (「最后一节」「结论部分」)
_OUTCOME = re.compile(
    r"最终(?![一的]?(?:节|段|部分|章))|最后(?![一的]?(?:节|段|部分|章))|结论(?!部分)|成果|达成|得出|取得了|怎么样了|结果如何|结果怎样"
    r"|\boutcomes?\b|\bresults?\b|\bconclu(?:ded|sions?)\b|\bturned out\b|\bwhat happened\b|\bended\b"
)
# what was expected of it, which the report may well say: 「预计会取得什么成果」 "what results does he hope for"
_EXPECTED = re.compile(
    r"将|预计|预期|希望|期望|期待|计划|打算|准备|\b(?:will|would|hope[sd]?|expect(?:s|ed)?|plan(?:s|ned)?|intend(?:s|ed)?)\b",
    re.IGNORECASE,
)
_TITLE = re.compile(r"《[^》]*》")


@dataclass(frozen=True)
class ReportDate:
    year: int
    month: int | None = None

    def describe(self, english: bool) -> str:
        if english:
            return f"{_MONTHS_EN[self.month - 1].capitalize()} {self.year}" if self.month else str(self.year)
        return f"{self.year} 年 {self.month} 月" if self.month else f"{self.year} 年"


def report_date(reports: Sequence[Report]) -> ReportDate | None:
    """The latest of the reports' dates: each from its metadata, else the latest year its text names."""
    dates = []
    for report in reports:
        found = _DATE.match(report.metadata.get("date", ""))
        if found:
            month = int(found.group(2)) if found.group(2) else None
            dates.append(ReportDate(int(found.group(1)), month if month and 1 <= month <= 12 else None))
            continue
        years = [int(y) for p in report.paragraphs for y in _YEAR.findall(p.searchable_text)]
        if years:
            dates.append(ReportDate(max(years)))
    return max(dates, key=lambda d: (d.year, d.month or 0), default=None)


def asks_after(question: str, date: ReportDate | None, corpus: str) -> bool:
    """The question is about a time after the report: it names a later year the report does not (a report may
    plan 「在 2012 年举办」), says "after the report was published", or asks for the current holder of an office."""
    if date is None:
        return False
    text = compact(question)  # 「２０１５年」 → 2015
    if any(int(year) > date.year and year not in corpus for year in _YEAR.findall(text)):
        return True
    untitled = _TITLE.sub(" ", question)
    if (
        _OUTCOME.search(untitled)
        and not _EXPECTED.search(untitled)
        and any(_later(year, month, date) for year, month in _months_named(question, text))
    ):
        return True  # 「2011年7月那场对话最后得出了什么结论」: the report (June 2011) only plans it
    return bool(_AFTER_ZH.search(text) or _AFTER_EN.search(question))


def _months_named(question: str, text: str) -> list[tuple[int, int]]:
    named = [(int(y), int(m)) for y, m in _YEAR_MONTH_ZH.findall(text)]
    named += [(int(y), _MONTHS_EN.index(m.lower()) + 1) for m, y in _YEAR_MONTH_EN.findall(question)]
    return named


def _later(year: int, month: int, date: ReportDate) -> bool:
    """(year, month) comes after the report's date; with no month known, only a later year does."""
    return (year, month) > (date.year, date.month) if date.month else year > date.year


def after_reason(date: ReportDate, english: bool) -> str:
    if english:
        return f"it dates from {date.describe(True)} and cannot tell what came after"
    return f"它发表于 {date.describe(False)}，不涉及此后的情况"
