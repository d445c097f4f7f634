"""Questions about several things, some of which the report never mentions.

「报告对叙利亚和斯里兰卡说了什么？」 names Syria, which the report discusses, and Sri Lanka, which it never
mentions. Refusing the whole question loses the half the report answers; answering it as asked quotes
Syria's paragraph as if it were about both. So a name the report never mentions (`RefusalFeatures.missing_names`:
a CC-CEDICT name, or its English name, that the report does not use) that stands in a list with something the
report does mention — joined by 「和」「与」「及」「、」, "and", "or", a comma — is taken out of the question;
the rest is retrieved and checked for refusal like any question, and the answer opens by saying which names
the report does not mention.

Not split: a question about how the things relate (「北约与非盟的关系」, "compare X and Y"), where one half is
not an answer; a name standing alone (「北约在科索沃的行动」), which stays a refusal; a list in which the other
items are missing too. A Chinese comma does not make a list: 「关于缅甸，联合国做了什么」 is about Myanmar.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index.normalize import compact, has_cjk
from index.tokenize import segment


@dataclass(frozen=True)
class _Language:
    join: re.Pattern[str]
    relation: re.Pattern[str]
    words: Callable[[str], list[str]]
    usable: Callable[[str], bool]  # a neighbour word that can name something


_CHINESE = _Language(
    re.compile(r"(?:以及|和|与|及|或|、|跟|同)"),
    re.compile(
        r"关系|比较|相比|对比|区别|异同|不同|差异|相同|相似|一样|哪个更|谁更|之间|相互|互动|关联|合作|冲突|联系"
    ),
    lambda side: [compact(w) for w in segment(side) if has_cjk(w)],
    lambda word: len(word) >= 2,
)
_ENGLISH = _Language(
    re.compile(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+", re.IGNORECASE),
    re.compile(
        r"\b(?:between|compare[ds]?|comparison|compared|relation(?:s|ship)?|versus|vs|differ(?:s|ent|ence)?|"
        r"similar(?:ity)?|together|cooperat\w*)\b",
        re.IGNORECASE,
    ),
    lambda side: [w for w in re.findall(r"[A-Za-z][\w'-]*", side) if w.lower() not in {"the", "a", "an"}],
    lambda word: word[:1].isupper(),  # a list of names: "Libya and Myanmar", "the AU and NATO"
)


def split_absent(
    question: str, missing: tuple[str, ...], mentioned: Callable[[str], bool], chinese: bool = True
) -> str | None:
    """`question` without each missing name that is listed next to a thing `mentioned` says the report names
    (「叙利亚、缅甸和斯里兰卡」 → 「叙利亚」: a name already taken out leaves its neighbour next to 叙利亚).

    None when no name can be taken out, when the question asks how the things relate, or when a missing
    name would be left behind (the question then stays a refusal)."""
    language = _CHINESE if chinese else _ENGLISH
    if not missing or language.relation.search(question):
        return None
    text, left = question, list(missing)
    while left:
        for name in left:
            reduced = _drop(text, name, missing, mentioned, language)
            if reduced is not None:
                text = reduced
                left.remove(name)
                break
        else:
            return None
    return text


def list_items(text: str, chinese: bool = True) -> list[str]:
    """The items of a list joined by the conjunctions this module recognises: 「缅甸和利比亚」 → 缅甸, 利比亚."""
    return (_CHINESE if chinese else _ENGLISH).join.split(text)


def remove_names(text: str, names: tuple[str, ...], chinese: bool = True) -> str:
    """`text` without the names and the conjunction joining each to its list (for a condensed follow-up)."""
    join = (_CHINESE if chinese else _ENGLISH).join.pattern
    for name in names:
        escaped = _name_pattern(name, chinese)
        text = re.sub(rf"(?:{join}){escaped}|{escaped}(?:{join})?", "", text, count=1)
    return text


def _drop(
    text: str, name: str, missing: tuple[str, ...], mentioned: Callable[[str], bool], language: _Language
) -> str | None:
    found = re.search(_name_pattern(name, language is _CHINESE), text)
    if found is None:  # "Rwanda" is not in "Rwandan refugees"
        return None
    start, end = found.span()
    before = _join_before(text[:start], language.join)
    if before is not None and _neighbour_mentioned(text[:before], missing, mentioned, language, last=True):
        return text[:before] + text[end:]
    after = language.join.match(text, end)
    if after and _neighbour_mentioned(text[after.end() :], missing, mentioned, language, last=False):
        return text[:start] + text[after.end() :]
    return None


def _name_pattern(name: str, chinese: bool) -> str:
    """The name as a regex; an English one only as whole words ("Rwanda" is not in "Rwandan")."""
    return re.escape(name) if chinese else rf"(?<![\w-]){re.escape(name)}(?![\w-])"


def _join_before(head: str, join: re.Pattern[str]) -> int | None:
    """Where a conjunction ending exactly at the end of `head` starts, if there is one."""
    for match in join.finditer(head):
        if match.end() == len(head):
            return match.start()
    return None


def _neighbour_mentioned(
    side: str, missing: tuple[str, ...], mentioned: Callable[[str], bool], language: _Language, last: bool
) -> bool:
    """The word next to the conjunction, on `side` of the name, is something else the report mentions."""
    words = language.words(side)
    if not words:
        return False
    word = words[-1] if last else words[0]
    if any(word in name or name in word for name in missing):
        return False
    return language.usable(word) and mentioned(word)
