"""The embedded default: no model at all. Quotes the best sentences of the top paragraphs, each cited."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.answertype import expected_types
from assistant.backends.base import Draft, Evidence, EvidenceSentence
from assistant.citations import format_citation
from assistant.result import Turn
from index.tokenize import character_bigrams

MAX_SENTENCES = 3
MAX_CHARS = 360
KEEP_RATIO = 0.85
# A best sentence that holds half the question's character bigrams, and at most 60 % of whose own bigrams are
# not the question's, restates it; its next FOLLOWING sentences are quoted instead of the next best elsewhere.
# Measured on the five splits against quoting by score alone (and the ceilings chosen after seeing all five):
# at 0.6, 8 answers change, must-include rises on 6 (dev 0.772 -> 0.814) and falls on none; 0.4 changes 2;
# 0.7 also lengthens 「哪两项决议」「哪一条」 answers, whose first sentence already holds the answer.
_REASON = re.compile(r"因为|由于|鉴于|之所以")
_CONCLUSION = re.compile(r"\W*(?:因此|所以|因而|故而|由此)")
RESTATES = 0.5
NOVEL = 0.6
FOLLOWING = 3
# A sentence that opens with a list marker (「其中一个障碍是……」「另一个问题是……」「第三个关切问题是……」,
# 「首先」「其次」, 「一是」「二是」) is one item of a list its paragraph spells out sentence by sentence: quoting one
# item alone answers 「有哪些问题」 by a third. The other items of its paragraph are quoted with it, up to LIST_CHARS.
_LIST_ITEM = re.compile(
    r"\W*(?:首先|其次|最后|第[一二三四五六七八九十]+(?:个|项|点|种|类)|[一二三四五六七八九十]是|其[一二三四五六七八九十]|"
    r"(?:其中|另|又)一(?:个|项|点|种|类)|还有一(?:个|项|点|种))"
)
LIST_CHARS = 480
ENGLISH_PREFACE = "The report is in Chinese; these are its sentences that answer your question:"


class ExtractiveBackend:
    name = "extractive"
    description = "extractive · offline"

    def answer(self, evidence: Evidence) -> Draft:
        # a follow-up's standalone question carries the previous one (「…哪一年启动的？ 为什么？」): not judged
        rewritten = evidence.standalone_question not in ("", evidence.question)
        if evidence.verbatim:
            chosen = list(evidence.sentences)
        else:
            chosen = choose_sentences(evidence.sentences, "" if rewritten else evidence.question)
        lines = [_cite(sentence, evidence.citation_labels) for sentence in chosen]
        body = "\n".join(lines)
        text = f"{ENGLISH_PREFACE}\n{body}" if evidence.language == "en" else body
        supporting: dict[str, list[tuple[int, int]]] = {}
        for sentence in chosen:
            supporting.setdefault(sentence.paragraph.key, []).append((sentence.start, sentence.end))
        return Draft(text=text, supporting=supporting)

    def stream(self, evidence: Evidence) -> Iterator[str]:
        yield self.answer(evidence).text

    def condense(self, question: str, history: list[Turn]) -> str | None:
        return None


def choose_sentences(ranked: list[EvidenceSentence], question: str = "") -> list[EvidenceSentence]:
    """The best sentence, plus near-as-good ones while the answer stays short; in reading order. When the best
    sentence only restates a question that asks for no fact of a kind (「为什么……」「……能带来哪些附加值？」,
    not 「哪一年」), the sentences after it in its paragraph instead: the reasons or the list follow it there."""
    if not ranked:
        return []
    best = ranked[0]
    chosen = [best]
    length = len(best.text)
    if question and not expected_types(question) and restates(question, best.text):
        following = sorted(
            (s for s in ranked if s.paragraph.key == best.paragraph.key and best.end <= s.start and s.in_body),
            key=lambda s: s.start,
        )
        _append_in_turn(chosen, following[:FOLLOWING], length, MAX_CHARS)
        if len(chosen) > 1:
            return chosen
    for sentence in ranked[1:]:
        if len(chosen) >= MAX_SENTENCES or sentence.score < best.score * KEEP_RATIO:
            break
        if length + len(sentence.text) > MAX_CHARS:
            continue
        chosen.append(sentence)
        length += len(sentence.text)
    chosen = _with_list_items(chosen, ranked, length)
    paragraph_order = {s.paragraph.key: i for i, s in reversed(list(enumerate(chosen)))}
    return sorted(chosen, key=lambda s: (paragraph_order[s.paragraph.key], s.start))


def _with_list_items(
    chosen: list[EvidenceSentence], ranked: list[EvidenceSentence], length: int
) -> list[EvidenceSentence]:
    """`chosen` plus the other items of a list one of its sentences is an item of (`_LIST_ITEM`), in the same
    paragraph, while the answer stays within LIST_CHARS."""
    items = [s for s in chosen if _LIST_ITEM.match(s.text)]
    if not items:
        return chosen
    taken = {(s.paragraph.key, s.start) for s in chosen}
    listed = {s.paragraph.key for s in items}
    siblings = sorted(
        (
            s
            for s in ranked
            if s.paragraph.key in listed
            and (s.paragraph.key, s.start) not in taken
            and s.in_body
            and _LIST_ITEM.match(s.text)
        ),
        key=lambda s: s.start,
    )
    added = list(chosen)
    _append_in_turn(added, siblings, length, LIST_CHARS)
    return added


def _append_in_turn(
    chosen: list[EvidenceSentence], candidates: list[EvidenceSentence], length: int, limit: int
) -> None:
    """Append `candidates` in order while the answer stays within `limit` characters, stopping at the first that
    does not fit, so the quoted sentences stay contiguous."""
    for sentence in candidates:
        if length + len(sentence.text) > limit:
            break
        chosen.append(sentence)
        length += len(sentence.text)


def restates(question: str, sentence: str) -> bool:
    """The sentence says what the question already says and nothing of why (「为什么不应推定区域和次区域安排提出的见解
    总是正确的？」 against 「尽管……往往会提出独特的宝贵见解，但不应因此推定他们提出的见解总是正确的。」): the
    answer, the reasons or the list, follows it. Not a sentence that gives a reason (「因为」「由于」) or draws a
    conclusion from the one before it (「因此……」); and only for Chinese questions, whose words a sentence can share."""
    if _REASON.search(sentence) or _CONCLUSION.match(sentence):
        return False
    asked = set(character_bigrams(question))
    said = set(character_bigrams(sentence))
    if len(asked) < 4 or not said:
        return False
    return len(asked & said) / len(asked) >= RESTATES and len(said - asked) / len(said) <= NOVEL


def _cite(sentence: EvidenceSentence, labels: dict[str, str]) -> str:
    label = labels.get(sentence.paragraph.document, "") if len(labels) > 1 else ""
    return f"{sentence.text}{format_citation(sentence.paragraph.number, label)}"
