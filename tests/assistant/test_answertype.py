"""Expected answer types and whether evidence holds one (real jieba for names and places)."""

from __future__ import annotations

import pytest

from assistant.answertype import AnswerType, expected_types, missing_types

T = AnswerType


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("非洲待命部队目前有多少兵力？", {T.QUANTITY}),
        ("决议编号是多少？", {T.IDENTIFIER}),  # a number, not a count
        ("对话定在7月几号？", {T.DAY}),
        ("拉特科·姆拉迪奇将军是什么时候被逮捕的？", {T.DATE}),
        ("大会是在哪一年举行正式辩论的？", {T.DATE}),  # 「在哪一年」 is not a place
        ("特别顾问叫什么名字？", {T.PERSON}),
        ("上下协调的关键在谁手里？", set()),  # 「谁手里」 asks for an actor, not a personal name
        ("总部设在哪个城市？", {T.PLACE}),
        ("第1973(2011)号决议表决时有几票赞成？", {T.QUANTITY, T.VOTE}),  # a count of votes
        ("How many troops were deployed?", {T.QUANTITY}),
        ("区域组织在预警方面能做什么？", set()),
        ("What is the name of the Special Adviser?", {T.PERSON}),
        ("Where was the convention adopted?", {T.PLACE}),
        ("What media reach places where incitement is rampant?", set()),  # a relative "where"
        ("秘书长在哪所大学作了讲座？", set()),  # an institution, not a place
        ("非洲联盟在哪两种立场之间作出了选择？", set()),  # 「在哪两种」 is "which two", not "where"
        ("大会在哪次会议上讨论了保护责任？", set()),  # "at which meeting"
        ("这一原则是在哪份文件中提出的？", set()),  # "in which document"
        ("会议在哪举行？", {AnswerType.PLACE}),
        ("When was the dialogue held?", {T.DATE}),
        ("Which groups does the report cite when discussing deployment?", set()),  # the conjunction "when"
        ("When the Security Council is blocked, what can regional organizations do?", set()),
        ("Which countries are the permanent members?", {T.PLACE}),  # a list of countries
        ("报告点名了哪些国家？", {T.PLACE}),
        ("秘书长的特别顾问就哪几个国家发表了声明？", {T.PLACE}),  # which ones, not how many
        ("报告提到了哪几个区域组织？", set()),
        ("Under the report, when should the Council act?", {T.DATE}),
        ("How much does the report say about Libya?", set()),  # how much is said, not a number
        ("How much did the UN spend on mediation?", {T.QUANTITY}),
        ("安理会就利比亚通过了哪两项决议？", {T.IDENTIFIER}),  # a resolution is named by its number
        ("报告提到了安理会的哪几项决议？", {T.IDENTIFIER}),
        ("Which resolutions did the Council adopt on Libya?", {T.IDENTIFIER}),
        ("这项决议的意义是什么？", set()),
        ("What budget does the report propose for mediation?", {T.QUANTITY}),
        ("What is the annual budget of the joint office?", {T.QUANTITY}),
        ("What kind of support does the report propose?", set()),
        ("What costs do sanctions impose on neighbouring states?", set()),  # found by review
        ("What is the cost of prevention compared with reaction?", set()),
        ("What budget constraints does the report identify for prevention?", set()),
    ],
)
def test_expected_types(question: str, kinds: set[AnswerType]) -> None:
    assert expected_types(question) == kinds


def test_a_day_must_fall_in_the_month_asked() -> None:
    evidence = "在 2010 年 8 月 9 日举行的大会非正式互动对话期间，许多会员国表示有兴趣在 2011 年举办类似对话。"
    assert missing_types("2011年的对话定在7月几号？", evidence) == {T.DAY}
    assert missing_types("2010年的对话是8月几号？", evidence) == set()
    assert missing_types("2010年的对话是八月几号？", evidence) == set()  # months in Chinese numerals too
    assert missing_types("2010年的对话是十二月几号？", evidence) == {T.DAY}
    # the month naming the event whose day is asked; not a month inside a clause about something else
    assert missing_types("2011 年 7 月那场对话具体定在哪一天举行？", evidence) == {T.DAY}
    assert missing_types("2010年8月的那场对话是哪一天？", evidence) == set()
    assert missing_types("提出2011年7月举办对话的那场互动对话是哪天举行的？", evidence) == set()


def test_a_resolution_number_is_not_a_date_but_its_year_is() -> None:
    evidence = "仅在阿拉伯利比亚民众国问题上(第1970(2011)和第1973(2011)号决议)，安全理事会援引了保护责任。"
    assert missing_types("安理会是在哪一年就利比亚援引保护责任的？", evidence) == set()
    assert missing_types("这是安理会第几次援引保护责任？", evidence) == {T.ORDINAL}  # 「第1973(2011)号」 is no ordinal


@pytest.mark.parametrize(
    "question",
    ["为什么说强制手段只是一小部分，大部分工作在哪里？", "两者的区别在哪儿？", "问题究竟在哪里？"],
)
def test_where_an_abstract_noun_lies_is_not_a_place(question: str) -> None:
    assert T.PLACE not in expected_types(question)


@pytest.mark.parametrize(
    "question",
    [
        "What was the death toll in Kyrgyzstan?",
        "冲突造成的死亡人数是？",
        "What was the number of refugees in 2010?",
        "What was the vote count when resolution 1973 (2011) was adopted?",
        "第1973(2011)号决议的票数是？",
    ],
)
def test_a_toll_or_a_head_count_is_a_quantity(question: str) -> None:
    assert T.QUANTITY in expected_types(question)


@pytest.mark.parametrize(
    "question",
    ["难民人数对邻国有什么影响？", "What caused the number of refugees to rise?", "安理会表决时的票数说明了什么？"],
)
def test_a_head_count_merely_mentioned_is_not_asked_for(question: str) -> None:
    assert T.QUANTITY not in expected_types(question)


def test_where_something_happens_is_still_a_place() -> None:
    assert T.PLACE in expected_types("下一届气候变化大会在哪里召开？")
    assert T.PLACE in expected_types("工作组的办公室在哪里？")
    assert T.PLACE in expected_types("这项工作在哪里进行？")


def test_a_session_numbered_resolution_is_a_document_number() -> None:
    evidence = "在关于加强非洲保护责任的第117(XXXXII)07号决议中，非洲人权和人民权利委员会决定……"
    assert missing_types("非洲人权和人民权利委员会那项决议的编号是多少？", evidence) == set()
    assert missing_types("大会那项决议的编号是多少？", "大会第1514 (XV)号决议。") == set()
    assert missing_types("决议编号是多少？", "委员会通过了一项决议。") == {T.IDENTIFIER}
    assert missing_types("决议编号是多少？", "见第8(c)段和第2(i)项。") == {T.IDENTIFIER}  # sub-paragraphs


def test_counts_need_the_asked_classifier_and_years_are_not_counts() -> None:
    assert missing_types("智者小组由几名成员组成？", "非洲联盟在不漠视和不干预两种立场之间选择了前者。") == {T.QUANTITY}
    assert missing_types("智者小组由几名成员组成？", "智者小组由五名成员组成。") == set()
    assert missing_types("调解了多少个危机局势？", "仅 2010 年，联合国就帮助调解了三十多个危机局势。") == set()
    assert missing_types("预算是多少？", "2011 年，欧洲联盟设立了情况室。") == {T.QUANTITY}
    assert missing_types("网络有多少个国家？", "根据第七章通过的决议。") == {T.QUANTITY}  # 「第七」 is an ordinal


def test_a_span_of_time_is_not_a_count_unless_the_question_asks_how_long() -> None:
    evidence = "部署维和人员以打击武装团体(比如10年前在塞拉利昂的革命联合阵线)。"
    assert missing_types("部署了多少维和人员？", evidence) == {T.QUANTITY}
    assert missing_types("How many peacekeepers were deployed?", evidence) == {T.QUANTITY}
    assert missing_types("那是多少年前的事？", evidence) == set()
    assert missing_types("部署了多少人？", "三个月内部署了两千人。") == set()
    assert missing_types("有多少个成员国？", "两个多月前，三个星期后。") == {T.QUANTITY}
    assert missing_types("会议持续了几小时？", "会议持续了3小时。") == set()
    assert missing_types("冲突持续了几十年？", "冲突持续了三十年。") == set()
    assert missing_types("对话是在几月？", "对话于2010年8月举行。") == set()  # 「几月」 asks for a month, not a count


def test_which_article_wants_an_ordinal_and_which_paragraph_does_not() -> None:
    question = "所涉条款是《宪章》第几条？"
    assert expected_types(question) == {T.ORDINAL}
    assert missing_types(question, "起草委员会提及第二条第七项的国内管辖权条款。") == set()
    assert missing_types(question, "在 2010 年 8 月 9 日举行的对话期间。") == {T.ORDINAL}
    assert expected_types("第几段讲了预警？") == set()  # the citation is the answer
    assert missing_types(question, "《宪章》第八章确定了特殊关系。") == {T.ORDINAL}  # a chapter is no article
    assert missing_types("Which article of the Charter applies?", "第二条第七项") == set()


def test_names_and_places_come_from_the_tagger_or_transliteration() -> None:
    assert missing_types("特别顾问叫什么名字？", "我的保护责任特别顾问一直在努力。") == {T.PERSON}
    assert missing_types("逮捕的是谁？", "2011年5月逮捕前波斯尼亚塞族拉特科·姆拉迪奇将军。") == set()
    assert missing_types("总部设在哪个城市？", "委员会的总部设在雅加达。") == set()
    assert missing_types("总部设在哪个城市？", "委员会于 2009 年启动。") == {T.PLACE}
    assert missing_types("总部设在哪个城市？", "对拉丁美洲、非洲和欧洲长期存在的区域人权机构的补充。") == {T.PLACE}
    assert missing_types("决议编号是多少？", "第 60/1 号决议") == set()
    # a place naming a people says who someone is, not where something happened
    assert missing_types("他是在哪个国家被逮捕的？", "2011年5月逮捕前波斯尼亚塞族拉特科·姆拉迪奇将军。") == {T.PLACE}
    assert missing_types("他是在哪个国家被逮捕的？", "他在波斯尼亚被逮捕。") == set()


def test_a_country_does_not_answer_which_city() -> None:
    question = "这项公约是在哪座城市通过的？"
    assert missing_types(question, "非洲联盟成员国在肯尼亚通过了这项公约。") == {T.PLACE}  # CLDR: a country
    assert missing_types(question, "公约在荷兰通过。") == {T.PLACE}
    assert missing_types(question, "非洲联盟成员国在内罗毕通过了这项公约。") == set()
    assert missing_types("In which city was the convention adopted?", "公约在肯尼亚通过。") == {T.PLACE}
    assert missing_types("In which city was the convention adopted?", "公约在海牙通过。") == set()
    # asked for a country, a country answers; asked where, either does
    assert missing_types("公约是在哪个国家通过的？", "公约在肯尼亚通过。") == set()
    assert missing_types("公约是在哪里通过的？", "公约在肯尼亚通过。") == set()
    assert missing_types("特别顾问就哪些国家和城市的势态发展作了声明？", "特别顾问就肯尼亚作了声明。") == set()


@pytest.mark.parametrize(
    "question",
    [
        "安理会第1973(2011)号决议通过时的表决结果如何？",
        "有哪些国家投了弃权票？",
        "How did China and Russia vote on the Libya resolutions?",
        "Which member states voted against resolution 63/308?",
    ],
)
def test_how_a_vote_went_wants_the_record_of_a_vote(question: str) -> None:
    assert T.VOTE in expected_types(question)
    assert T.VOTE in missing_types(question, "安全理事会通过了第1970(2011)和第1973(2011)号决议。")
    assert T.VOTE not in missing_types(question, "该决议以10票赞成、5票弃权获得通过。")
    assert T.VOTE not in missing_types(question, "安理会一致通过了该决议。")


@pytest.mark.parametrize(
    "question",
    [
        "区域组织在预警方面能做什么？",
        "What role do regional organizations play in early warning?",
        # found by review: a vote mentioned in passing
        "各国是否投了大量资源用于应对而不是预防？",
        "为什么全球和区域机构一致投票支持类似行动时最有可能作出及时果断的反应？",
        "安理会表决通过的第1973号决议援引了什么原则？",
        "Which resolution did the Security Council vote for that invoked the responsibility to protect in Libya?",
        "What did the General Assembly vote to do about Libya's membership of the Human Rights Council?",
        "大会投票取消了利比亚在哪个机构的成员资格？",
    ],
)
def test_a_vote_merely_mentioned_is_no_vote_question(question: str) -> None:
    assert T.VOTE not in expected_types(question)


def test_who_set_something_up_may_be_an_organisation() -> None:
    evidence = "在非洲，非洲联盟和区域经济共同体建立了预警系统。"
    assert missing_types("非洲在这方面建立了什么类似的机制？是谁建立的？", evidence) == set()
    assert missing_types("Who established the early-warning system in Africa?", evidence) == set()
    # who holds an office, or leads a group, is a person: an organisation does not answer it
    assert missing_types("上帝抵抗军的首领是谁？", evidence) == {T.PERSON}
    assert missing_types("特别顾问叫什么名字？", evidence) == {T.PERSON}
