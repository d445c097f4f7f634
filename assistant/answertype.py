"""What kind of answer a question expects, and whether a piece of evidence can hold one.

A classic check of question answering: 「……有多少兵力？」 wants a quantity, 「……定在7月几号？」 a day,
「……叫什么名字？」 a person, 「……总部设在哪个城市？」 a place, 「……决议编号是多少？」 a document number,
「《宪章》第几条？」 an ordinal (「第二条」).
When the sentences that best match the question contain nothing of that kind — no number other than
those the question already holds, no date, no personal or place name the question does not already
name — the report is unlikely to answer it, however similar the sentences are. Refusal uses this as
one of its features (`assistant/refusal.py`); its weight is learned like the others.

Names are found with jieba's part-of-speech tagger (`nr` person, `ns` place), numbers and dates with
patterns. A question asking for a city (「在哪座城市通过」) is not answered by a country: the Chinese names of
countries and territories come from the CLDR data in `babel` (「卢旺达」「科特迪瓦」), plus any place ending in
「国」 (「阿拉伯利比亚民众国」). A question may expect several kinds (「何时、由谁」); each must be found.
A question about how a vote went (「表决结果如何」, "how did China vote") wants the record of a vote: a count of
votes, an abstention, 「一致通过」.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

from babel import Locale

from index.normalize import compact
from index.tokenize import tag


class AnswerType(Enum):
    IDENTIFIER = "identifier"
    DAY = "day"
    DATE = "date"
    QUANTITY = "quantity"
    ORDINAL = "ordinal"
    PERSON = "person"
    PLACE = "place"
    VOTE = "vote"


_ASKS = {
    AnswerType.IDENTIFIER: re.compile(
        r"哪一?号|编号|文号|哪[一两几些]?项决议|which resolutions?\b|(document|resolution) (symbol|number)|\bsymbol\b",
        re.IGNORECASE,
    ),
    AnswerType.DAY: re.compile(r"几号|几日|哪一?天|哪一日|具体日期|what date|which day|on what day", re.IGNORECASE),
    AnswerType.DATE: re.compile(
        # "When did…", not the conjunction of "When discussing…" or "…when the Council is blocked"
        r"什么时候|何时|哪一?年|哪个月|几月|\bwhen (?:is|was|are|were|do|does|did|has|have|had|will|would|should|"
        r"can|could|must|shall|might)\b|since when|what year|which year",
        re.IGNORECASE,
    ),
    AnswerType.QUANTITY: re.compile(
        # "how much does the report say about…" asks how much is said, not for a number
        r"多少|几[个名项次年人位天岁支国家票]|几\S{0,2}[？?]|how many|how much(?! (?:does|do|did) (?:the|this) "
        r"(?:report|document|secretary-general))|what (number|percentage)"
        # asked for, not merely mentioned: 「死亡人数是？」, "what was the death toll", not 「难民人数对邻国有什么影响」
        r"|(?:人数|票数)(?:是|为|有)?\s*[？?]|\bwhat (?:is|was|were) the (?:(?:final|official|total|estimated) )?"
        r"(?:death tolls?|casualty (?:figures?|counts?)|vote (?:counts?|tally|totals?)|number of (?:deaths|casualties|"
        r"victims|dead|refugees|people|troops|votes))\b"
        # "what budget does the report propose", "what is the annual budget": an amount
        r"|\bwhat (?:is |was |are |were )?(?:the |its |their )?(?:(?:annual|total|overall|yearly|proposed|estimated) )?"
        r"budgets?\b(?! (?:constraints?|cuts?|pressures?|limits?))",
        re.IGNORECASE,
    ),
    # 「宪章第几条」 (the counter word captured); not 「第几段」「第几节」, whose answer is the citation itself
    AnswerType.ORDINAL: re.compile(r"第几(?![段节部分])\s*(\w)?|which (article|chapter)\b", re.IGNORECASE),
    AnswerType.PERSON: re.compile(
        r"叫什么|名字|姓名|哪位|何人|(?:是|为)谁(?![的手])"
        r"|\bwho (?:is|was|were)\b|whose name|\bwhat(?: is|'s) (?:the |his |her )?name\b",
        re.IGNORECASE,
    ),
    AnswerType.PLACE: re.compile(
        # 「在哪两种立场之间」 is "between which two positions", 「在哪次会议上」「在哪份文件中」 "at which meeting",
        # "in which document": not "where" (nor 「问题在哪里」: `_ABSTRACT_WHERE`)
        r"哪个城市|哪座城市|哪个国家|哪国|哪里|哪儿|在哪(?![一二两三四五六七八九十几些个天年所种类项方次份届场部篇条章段节本期号])|何地|何处"
        r"|哪些国家|哪几个国家|哪些会员国|which (?:city|country|town|countries|member states|nations)\b|what countries"
        # "Where did…", not the relative "…places where incitement is rampant"
        r"|^\W*where\b|\bwhere (?:is|was|are|were|do|does|did|has|have|had|will|would|can|could)\b",
        re.IGNORECASE,
    ),
    # how a vote went: 「表决结果如何」「哪些国家投了弃权票」 "how did China vote"
    # (not a vote mentioned in passing: 「安理会表决通过的第1973号决议援引了什么原则」「一致投票支持」)
    AnswerType.VOTE: re.compile(
        r"(?:表决|投票)(?:结果|情况)|如何投票|怎样投票|怎么投|投了?(?:赞成|反对|弃权)票|几票|票数|弃权"
        r"|\bhow did [\w\s,]{1,40}? vote\b|\bvoted? (?:against|in favou?r)\b"
        r"|\bvote (?:counts?|tally|results?|breakdown)\b|\babstain(?:ed|ing|s)?\b|\babstentions?\b",
        re.IGNORECASE,
    ),
}
# 「问题在哪里」「区别在哪儿」「大部分工作在哪里」: where an abstract noun "lies" asks what it is, not for a place
_ABSTRACT_WHERE = re.compile(
    r"(?:问题|区别|差别|难点|关键|重点|差距|不足|症结|原因|出路|工作|意义|价值|好处|优势|挑战|分歧|差异|矛盾|根源|"
    r"重心|焦点|要点|弊端|短板|局限|困难|障碍|缺陷|漏洞|突破口|着力点|落脚点)(?:究竟|到底)?(?:在|是)?(?:哪里|哪儿)"
    r"(?=\s*(?:呢|啊)?\s*(?:[？?。，,；;]|$))"  # ending the clause: 「这项工作在哪里进行？」 still asks for a place
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?=\s*年|\D|$)")
# 「A/64/864」「63/308」「第1973(2011)号」 and the session-numbered style 「第117(XXXXII)07号」 (African Commission),
# 「1514 (XV)」 (General Assembly); matched on `compact` text, which is lower-cased (not 「第4(c)段」, a sub-paragraph)
_IDENTIFIER = re.compile(
    r"[a-z]+(?:/[a-z0-9.]+)+|\d+/\d+|(?<!\d)\d{3,4}\s*\(\s*\d{4}\s*\)|(?<!\d)\d{3,4}\s*\(\s*[ivxlc]{1,8}\s*\)(?:\d{2}(?=号))?"
    r"|第\s*\d{3,4}\s*号"
)
_RESOLUTION_NUMBER = re.compile(r"(?<!\d)\d{3,4}(?=\s*\(\s*\d{4}\s*\))")
_ORDINAL = re.compile(r"第\s*(\d+|[一二三四五六七八九十百]+)(?!\d)\s*(\w?)")
_ENGLISH_COUNTER = {"article": "条", "chapter": "章"}
_DAY = re.compile(r"(?:(\d+|[一二三四五六七八九十]+)月)?(\d+|[一二三四五六七八九十]+)[日号]")
_CHINESE_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
_ASKED_MONTH = re.compile(r"(\d+|[一二三四五六七八九十]+)月(?:几|哪)")
# 「7月那场对话在哪一天举行」: the month names the event whose day is asked (not 「提出7月举办对话的那场……」)
_EVENT_MONTH = re.compile(r"(?<![\d个])(\d{1,2}|[一二三四五六七八九十]+)月(?:的|份的?)?(?:那|这)[场次]")
_MONTH = re.compile(r"\d+\s*月|[一二三四五六七八九十]+月")
_COUNT = re.compile(
    r"(?<![\d/第])(\d+(?:\.\d+)?|[二三四五六七八九十百千万两][一二三四五六七八九十百千万两]*)(?![\d/])"
    r"(?:多|余)?([个名项次人位支种类票]?)"
)
# 「10年前」「两个多月」 measure time; they answer 「多少个成员」 only when the question asks how long.
_TIME_UNIT = r"(?:年|月|周|星期|天|日|小时)"
_DURATION = re.compile(
    r"(?<![\d/第])(?:\d+(?:\.\d+)?|[一二三四五六七八九十百两]+)\s*个?\s*(?:多|余)?\s*个?" + _TIME_UNIT
)
_ASKS_DURATION = re.compile(
    r"(?:几|多少)(?:十|百)?\s*个?\s*" + _TIME_UNIT + r"|多久|多长时间|how long"
    r"|how many (?:years|months|weeks|days|hours|decades)",
    re.IGNORECASE,
)
# Classifiers that count the same things: 「几名成员」 is answered by 「五名」 or 「五位」, not by 「两种」.
_CLASSIFIER_FAMILY = {"名": "名位人", "位": "名位人", "人": "名位人", "个": "个", "项": "项", "次": "次", "票": "票"}
# the record of a vote in the evidence (matched on `compact` text: lower-case, no spaces)
_VOTE_RECORD = re.compile(
    r"表决|投票|弃权|赞成票|反对票|\d+票|[一二三四五六七八九十]+票|一致通过|全票|vot(?:e|ed|ing)|abstain|unanimous"
)
# 「哪个城市」「在哪座城市」 "which city": a country does not answer it (unless countries are asked for too)
_ASKS_COUNTRY = re.compile(r"国家|country|countries", re.IGNORECASE)
_ASKS_CITY = re.compile(r"城市|哪座城|哪个城|\b(?:which|what) (?:city|town)\b|\bin what city\b", re.IGNORECASE)
_ASKED_CLASSIFIER = re.compile(r"(?:几|多少)([个名项次人位票])")
# 「是谁建立的」「由谁设立」 "who established it": what set something up may be an organisation
# (「非洲联盟和区域经济共同体建立了预警系统」); who holds an office or did a deed is still a person.
_ASKS_FOUNDER = re.compile(
    r"谁(?:来|去)?(?:建立|设立|创建|创立|成立|组建|发起|开发|制定)|(?:建立|设立|创建|创立|成立|组建|发起|开发|制定)\S{0,6}是谁"
    r"|\bwho (?:established|set up|created|founded|developed|launched|built)\b",
    re.IGNORECASE,
)
_ORGANISATION = re.compile(r"(?:组织|联盟|共同体|委员会|理事会|办公室|机构|政府|法院|小组|秘书处|安理会|联合国)$")
_PERSON_NAME = re.compile(r"[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,8}")
# Continents and world regions: not the answer to 「哪个城市」「哪个国家」「在哪里」 (「拉丁美洲」, 「西非」).
_REGION = re.compile(r"洲$|^[东南西北中][非亚欧美]$|^(东南亚|中东|中亚|南亚|西亚|大湖区|巴尔干)$")
_PEOPLE = re.compile(r"\w*族|人|裔|人民")
_TITLE = re.compile(r"先生|女士|将军|博士|教授|大使|总统|主席|秘书长|顾问|特使|法官")


def expected_types(question: str) -> set[AnswerType]:
    """The kinds of answer the question asks for; a day or a document number is not also a quantity."""
    # 「编号是多少」 asks for a document number and 「几号」 for a day: neither is also a count; nor is
    # 「哪几个国家」 ("which countries"), a list.
    rest = re.sub(r"(编号|文号)\S{0,2}多少|哪几", " ", question)
    # 「第几条」 and 「几月」 are not counts either
    for kind in (AnswerType.IDENTIFIER, AnswerType.DAY, AnswerType.ORDINAL, AnswerType.DATE):
        rest = _ASKS[kind].sub(" ", rest)
    question = _ABSTRACT_WHERE.sub("是什么", question)
    kinds = {kind for kind, pattern in _ASKS.items() if pattern.search(question)}
    if not _ASKS[AnswerType.QUANTITY].search(rest):
        kinds.discard(AnswerType.QUANTITY)
    if AnswerType.DAY in kinds:
        kinds.discard(AnswerType.DATE)
    return kinds


def missing_types(question: str, evidence: str) -> set[AnswerType]:
    """The expected kinds of which the evidence holds no instance the question does not already contain."""
    return {kind for kind in expected_types(question) if not _new_instances(kind, question, evidence)}


def _new_instances(kind: AnswerType, question: str, evidence: str) -> set[str]:
    asked = _ASKS[AnswerType.ORDINAL].search(question) if kind is AnswerType.ORDINAL else None
    asks_city = kind is AnswerType.PLACE and bool(_ASKS_CITY.search(question))
    durations_count = kind is AnswerType.QUANTITY and bool(_ASKS_DURATION.search(question))
    question, evidence = compact(question), compact(evidence)
    if kind is AnswerType.QUANTITY and not durations_count:
        evidence = _DURATION.sub(" ", evidence)
    found = _instances(kind, evidence) - _instances(kind, question)
    if kind is AnswerType.PERSON and _ASKS_FOUNDER.search(question):  # 「是谁建立的」: an organisation answers it too
        found |= _organisations(evidence) - _organisations(question)
    if kind is AnswerType.DAY and (month := _asked_month(question)):
        found = {day for day in found if day.startswith(month + "月")}  # 「7月几号」 wants a day of July
    if asked:  # 「第几条」 wants 「第二条」, not 「第七章」
        counter = asked.group(1) or _ENGLISH_COUNTER.get((asked.group(2) or "").lower(), "")
        found = {ordinal for ordinal in found if ordinal.endswith(counter)}
    if asks_city and not _ASKS_COUNTRY.search(question):  # 「哪些国家和城市」: a country answers it too
        found = {place for place in found if not is_country(place)}
    if kind is AnswerType.QUANTITY and (classifier := _ASKED_CLASSIFIER.search(question)):
        family = _CLASSIFIER_FAMILY[classifier.group(1)]
        found = {count for count in found if count[-1:] in family}
    return found


def is_country(place: str) -> bool:
    """A country or territory (CLDR's Chinese names, 「科特迪瓦」), or a state's name ending in 「国」."""
    return place.endswith("国") or place in _territories()


@lru_cache(maxsize=1)
def _territories() -> frozenset[str]:
    return frozenset(compact(name) for name in Locale("zh").territories.values())


def _asked_month(question: str) -> str | None:
    """The month of 「7月几号」「八月几号」, or of the event 「7月那场对话」 whose day is asked, in digits."""
    asked = _ASKED_MONTH.search(question) or _EVENT_MONTH.search(question)
    return _month_digits(asked.group(1)) if asked else None


def _month_digits(month: str) -> str:
    """「八」→「8」, 「十二」→「12」, 「8」 unchanged: the report writes months in digits, a question may not."""
    if month.isdigit():
        return str(int(month))
    if "十" not in month:
        return str(_CHINESE_DIGITS.get(month, 0))
    tens, _, units = month.rpartition("十")
    return str(10 * (_CHINESE_DIGITS.get(tens, 1) if tens else 1) + _CHINESE_DIGITS.get(units, 0))


def _instances(kind: AnswerType, text: str) -> set[str]:
    if kind is AnswerType.IDENTIFIER:
        return {re.sub(r"\s", "", m) for m in _IDENTIFIER.findall(text)}
    if kind is AnswerType.ORDINAL:  # 「第1973(2011)号」 is a document number
        return {number + counter for number, counter in _ORDINAL.findall(_IDENTIFIER.sub(" ", text))}
    if kind is AnswerType.DAY:
        return {f"{_month_digits(month)}月{day}日" if month else f"{day}日" for month, day in _DAY.findall(text)}
    if kind is AnswerType.DATE:  # 「第1970(2011)号决议」: 1970 is a number, (2011) the resolution's year
        text = _IDENTIFIER.sub(" ", _RESOLUTION_NUMBER.sub(" ", text))
        return set(_YEAR.findall(text)) | set(_MONTH.findall(text)) | {d for _, d in _DAY.findall(text)}
    if kind is AnswerType.QUANTITY:
        stripped = _IDENTIFIER.sub(" ", _YEAR.sub(" ", text))
        return {number + classifier for number, classifier in _COUNT.findall(stripped)}
    if kind is AnswerType.PERSON:
        return set(_PERSON_NAME.findall(text)) | _titled_names(text)
    if kind is AnswerType.VOTE:
        return set(_VOTE_RECORD.findall(text))
    return _places(text)


def _organisations(text: str) -> set[str]:
    """Organisations: jieba's `nt` (「非洲联盟」), or a word ending like one (「区域经济共同体」's 「共同体」)."""
    return {word for word, flag in _tagged(text) if flag == "nt" or (len(word) > 1 and _ORGANISATION.search(word))}


def full_person_names(text: str) -> set[str]:
    """Names written in full with the middle dot: 「拉特科·姆拉迪奇」「西里尔·福斯特」."""
    return set(_PERSON_NAME.findall(text))


def _places(text: str) -> set[str]:
    """Place names (jieba's `ns`), not regions, nor a place naming a people (「波斯尼亚塞族」「卢旺达人」):
    「前波斯尼亚塞族……将军」 says who he is, not where anything happened."""
    tagged = _tagged(text)
    return {
        word
        for i, (word, flag) in enumerate(tagged)
        if flag == "ns"
        and len(word) > 1
        and not _REGION.search(word)
        and not (i + 1 < len(tagged) and _PEOPLE.fullmatch(tagged[i + 1][0]))
    }


def _titled_names(text: str) -> set[str]:
    """Words jieba tags as personal names that stand next to a title (「秘书长潘基文」, 「科尼将军」)."""
    tagged = _tagged(text)
    names = set()
    for i, (word, flag) in enumerate(tagged):
        if not flag.startswith("nr") or _TITLE.fullmatch(word) or len(word) < 2:
            continue
        neighbours = [tagged[j][0] for j in (i - 1, i + 1) if 0 <= j < len(tagged)]
        if any(_TITLE.fullmatch(n) for n in neighbours):
            names.add(word)
    return names


@lru_cache(maxsize=512)
def _tagged(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(tag(text))
