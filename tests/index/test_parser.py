"""The parser on the real report: 44 paragraphs, six sections, the footnote, and all 8 page-break joins."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import DEFAULT_CORPUS
from index.normalize import compact, normalize
from index.parser import ReportFormatError, parse_report, parse_report_file


@pytest.fixture(scope="module")
def report():
    return parse_report_file(DEFAULT_CORPUS)


SECTIONS = {
    "一": ("导言和任务", range(1, 4)),
    "二": ("执行战略的区域层面", range(4, 10)),
    "三": ("国家的保护责任", range(10, 21)),
    "四": ("国际援助和能力建设", range(21, 30)),
    "五": ("及时果断的反应", range(30, 38)),
    "六": ("协作和伙伴关系", range(38, 45)),
}

# Each page break: (paragraph, text that only exists once the two lines are joined without a space)
JOINS = [
    (2, "解决争端的办法之一，第七章第四十七条"),
    (6, "在纽约作出的决定"),
    (11, "大湖区问题国际会议"),
    (16, "南南合作基础上开展"),
    (24, "获得更广泛或更统筹的视角"),
    (27, "及时有效的预防行动"),
    (31, "联合国及其区域和次区域伙伴在收集和交换信息"),
    (36, "才能见成效。另一个问题是执行"),
]


def test_all_44_paragraphs_in_order(report) -> None:
    assert [p.number for p in report.paragraphs] == list(range(1, 45))
    assert report.paragraph(1).text.startswith("各国元首和政府首脑在《2005 年世界首脑会议成果》")
    assert report.paragraph(44).text.endswith("全球-区域-次区域伙伴关系是推进保护责任的最可靠途径。")


def test_sections_and_their_paragraphs(report) -> None:
    assert [(s.number, s.title) for s in report.sections] == [(n, t) for n, (t, _) in SECTIONS.items()]
    for paragraph in report.paragraphs:
        title, numbers = SECTIONS[paragraph.section_number]
        assert paragraph.number in numbers
        assert paragraph.section_title == title
    assert report.sections[3].paragraph_numbers == tuple(range(21, 30))


@pytest.mark.parametrize(("number", "joined"), JOINS)
def test_page_break_continuations_join_without_whitespace(report, number: int, joined: str) -> None:
    assert joined in report.paragraph(number).text
    others = [p.number for p in report.paragraphs if joined in p.text]
    assert others == [number]


def test_exactly_eight_continuations(report) -> None:
    assert report.continuation_joins == 8


def test_footnote_belongs_to_paragraph_2_and_is_searchable(report) -> None:
    paragraph = report.paragraph(2)
    assert [(f.mark, f.text) for f in paragraph.footnotes] == [("1", "见 SG/SM/13385, 2011 年 2 月 2 日。")]
    assert "SG/SM/13385" in paragraph.searchable_text
    assert "¹" in paragraph.text  # kept for display
    assert "¹" not in paragraph.plain_text
    assert all(not p.footnotes for p in report.paragraphs if p.number != 2)


def test_document_metadata(report) -> None:
    assert report.title == "区域和次区域安排对履行保护责任的作用"
    assert report.symbol == "A/65/877–S/2011/393"
    assert report.front_matter[0] == "大会"
    assert "议程项目 13 和 115" in report.front_matter
    assert "联合国经济、社会及有关领域各次主要会议和首脑会议成果的统筹协调执行及后续行动" in report.front_matter


def test_original_text_is_kept_and_matching_is_normalised(report) -> None:
    assert "《2005 年世界首脑会议成果》" in report.paragraph(1).text
    assert compact("《2005 年世界首脑会议成果》") == compact("《2005年世界首脑会议成果》")
    assert normalize("全球和区域组织，（西共体）ＡＢＣ") == "全球和区域组织,(西共体)abc"


def test_another_report_of_the_same_shape() -> None:
    text = "\n".join(
        [
            "Report of the Secretary-General",
            "一. Introduction",
            "1. The first paragraph continues",
            "on the next page.²",
            "² See document X.",
            "二. 结论",
            "2. 第二段在此",
            "继续。",
        ]
    )
    report = parse_report(text, document="other")
    assert [p.number for p in report.paragraphs] == [1, 2]
    assert report.paragraph(1).text == "The first paragraph continues on the next page.²"
    assert report.paragraph(1).footnotes[0].text == "See document X."
    assert report.paragraph(2).text == "第二段在此继续。"
    assert report.paragraph(2).section_title == "结论"


def test_not_a_report_is_rejected_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(ReportFormatError, match="no numbered paragraphs"):
        parse_report("just some text\nwithout numbers")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ReportFormatError, match="not UTF-8"):
        parse_report_file(binary)
