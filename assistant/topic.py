"""Questions that ask only what the report says about something: 「报告对叙利亚说了什么？」, "Does the report
mention Libya?".

Such a question has an answer whenever the report names its subject — the sentences that name it — yet
its wording is so short and generic that its similarity to any sentence is low (「报告提到叙利亚了吗？」
reached 0.867 against a cut of 0.872 and was refused). `topic_of` returns the subject (「叙利亚」, "Libya")
of a question of that form, or None; `assistant.refusal` then answers it when one paragraph contains every
word of the subject. A question for a detail (「报告提到X的哪些行动」, "what date…") is not of this form.
"""

from __future__ import annotations

import re

_ZH_LEAD = r"(?:本|该|这份|这篇)?(?:报告|文件|秘书长|文中)?(?:中|里|里面|内)?(?:对于|对|关于|就|有关|针对)?"
_ZH_SAYS = (
    r"(?:说了些?什么|讲了些?什么|写了些?什么|谈了些?什么|提到了?些?什么|说过什么|是怎么说的|是如何说的|怎么说的?|"
    r"有(?:什么|何|哪些)(?:说法|论述|评价|评论|看法)|(?:是)?(?:如何|怎样|怎么)(?:评价|看待|论述|描述)的?)"
)
_ZH_MENTION = r"(?:提到|提及|谈到|讲到|论及|涉及|说到)"
_ZH = [
    re.compile(rf"^{_ZH_LEAD}(?P<topic>.+?)(?:的?(?:问题|情况|事))?{_ZH_SAYS}$"),
    re.compile(rf"^{_ZH_LEAD}(?:是否|有没有|有无)有?{_ZH_MENTION}了?(?:过)?(?!的)(?P<topic>.+?)$"),
    re.compile(rf"^{_ZH_LEAD}有?{_ZH_MENTION}了?(?:过)?(?!的)(?P<topic>.+?)了?(?:吗|么|没有)$"),
    re.compile(rf"^{_ZH_LEAD}(?:如何|怎样|怎么)(?:评价|看待|论述|描述)(?P<topic>.+?)$"),
]
_EN = [
    re.compile(
        r"^(?:what|how) (?:does|did) (?:the|this) (?:report|document|secretary-general) (?:say|write|state)s? "
        r"(?:about|on|regarding|concerning) (?P<topic>.+?)$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:does|did) (?:the|this) (?:report|document|secretary-general) (?:mention|discuss|refer to|address)s? "
        r"(?P<topic>.+?)(?: at all)?$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:does|did) (?:the|this) (?:report|document|secretary-general) (?:talk|speak|say anything) "
        r"(?:about|of) (?P<topic>.+?)$",
        re.IGNORECASE,
    ),
    re.compile(r"^(?:is|are) (?P<topic>.+?) (?:mentioned|discussed) in (?:the|this) report$", re.IGNORECASE),
    re.compile(
        r"^how (?:does|did) (?:the|this) (?:report|document|secretary-general) (?:assess|view|describe|treat)s? "
        r"(?P<topic>.+?)$",
        re.IGNORECASE,
    ),
]
_END = re.compile(r"(?:[\s?？。.!！…]|呢)+$")
_DETAIL = re.compile(  # a question word inside the topic asks for a detail (几内亚 is a country)
    r"哪|几(?!内亚)|多少|谁|何|什么|怎么|如何|为什么|是否|\b(?:which|what|why|how|when|where|who)\b", re.IGNORECASE
)
_QUOTES = " ，,、的“”\"'「」『』《》"


def topic_of(question: str) -> str | None:
    """The subject of a question that asks only what the report says about it, else None."""
    text = _END.sub("", question.strip())
    for pattern in (*_ZH, *_EN):
        match = pattern.match(text)
        if match:
            topic = match.group("topic").strip(_QUOTES)
            if len(topic) >= 2 and not _DETAIL.search(topic):
                return topic
    return None
