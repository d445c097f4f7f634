"""The `llamacpp` backend: a local GGUF chat model (llama-cpp-python) answering offline, with citation attribution.

Same prompts as the `openai` backend (`prompts/system.md`, `answer.md`, `condense.md`). What differs is
what a small model on two CPU cores needs:

* **Short prompts.** Prompt evaluation dominates the time to first token, so the model gets the best
  evidence sentences of the top paragraphs (about `context_chars` characters, each group labelled
  「[第N段]（section）」) instead of whole paragraphs, and at most one earlier turn.
* **A warm prefix.** The system prompt is the same for every question; llama.cpp keeps the evaluated
  tokens of the last call and re-evaluates only from the first token that differs, so the system prompt
  is evaluated once (at load, by `warm()`); condensing a follow-up, when enabled, uses the same prefix.
* **Measured choices for a 1.5B model.** Follow-ups are condensed by the engine's rule, not the model
  (the model often answered instead of rewriting; `condense_with_model=True` for a larger GGUF). When the
  model declines although retrieval found relevant paragraphs (the engine refuses otherwise), the
  report's best sentences are quoted instead: its refusals there were mostly wrong. An English answer is
  started in English for it ("According to the report,"), or it copies the Chinese paragraphs.
* **Attribution.** Small models omit or misplace 「[第N段]」; every generated sentence goes through
  `assistant.attribution` (as it streams), so each one cites a retrieved paragraph that supports it,
  and a sentence none supports is flagged — or dropped with `drop_unsupported`.

One `Llama` object is not thread-safe: calls are serialised by a lock (one answer at a time on 2 cores).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.attribution import (
    STATS,
    AttributionResult,
    Attributor,
    Similarity,
    StreamAttributor,
    e5_similarity,
    opening_verdict,
    supporting_spans,
)
from assistant.backends.base import BackendError, Draft, Evidence, EvidenceSentence, still_unresolved
from assistant.backends.extractive import ExtractiveBackend
from assistant.backends.openai_chat import (
    DEFAULT_SYMBOL,
    DEFAULT_TITLE,
    LANGUAGES,
    MAX_CONDENSED_CHARS,
    _report_names,
    _shorten,
    format_history,
)
from assistant.citations import check_citations, format_citation
from assistant.localmodel import INSTALL_HINT, ModelError, ensure_model
from assistant.prompts import load_prompt
from assistant.result import Turn
from assistant.settings import Settings, SettingsError
from index.parser import Paragraph

log = logging.getLogger(__name__)

DEFAULT_THREADS = 2
DEFAULT_CONTEXT_TOKENS = 4096
DEFAULT_MAX_TOKENS = 256
DEFAULT_CONTEXT_CHARS = 300
CONDENSE_MAX_TOKENS = 48
MAX_PARAGRAPHS = 3
HISTORY_TURNS = 1
HISTORY_ANSWER_CHARS = 120
# A 1.5B model given Chinese paragraphs tends to answer in Chinese: an English answer is started for it,
# and the answer language is also asked for in that language.
ANSWER_OPENINGS = {"en": "According to the report,"}
LANGUAGE_INSTRUCTIONS = {
    "zh": LANGUAGES["zh"],
    "en": f"{LANGUAGES['en']}（Answer in English; keep the citations as [第N段].）",
}


class LlamaCppBackend:
    """Answers with a local GGUF model, every sentence attributed to a retrieved paragraph."""

    name = "llamacpp"

    def __init__(
        self,
        model_path: Path,
        threads: int = DEFAULT_THREADS,
        context_tokens: int = DEFAULT_CONTEXT_TOKENS,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        context_chars: int = DEFAULT_CONTEXT_CHARS,
        drop_unsupported: bool = False,
        condense_with_model: bool = False,
        trust_model_refusal: bool = False,
        title: str = DEFAULT_TITLE,
        symbol: str = DEFAULT_SYMBOL,
        llama: Any | None = None,
        similarity: Similarity | None = None,
    ) -> None:
        self.model_path = Path(model_path)
        self.model = self.model_path.stem
        self.description = f"llamacpp · {self.model}"
        self.threads = threads
        self.max_tokens = max_tokens
        self.context_chars = context_chars
        self.drop_unsupported = drop_unsupported
        self.condense_with_model = condense_with_model
        self.trust_model_refusal = trust_model_refusal
        self._quoter = ExtractiveBackend()
        self._chat_formatter: Any = None
        self.title = title
        self.symbol = symbol
        self.similarity = similarity
        self.last_attribution: AttributionResult | None = None
        self.last_generation: Generation | None = None
        self._lock = threading.Lock()
        self._llama = llama if llama is not None else self._load(context_tokens)

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> LlamaCppBackend:
        """The configured model (ASSISTANT_GGUF, else the verified GGUF in the data dir), loaded and warmed.

        `overrides` are constructor arguments that win over the settings (a test's shared `llama=`, a
        benchmark's `threads=` or `model_path=`).
        """
        title, symbol = _report_names(settings.sources)
        options: dict[str, Any] = {
            "threads": settings.llama_threads,
            "max_tokens": settings.llama_max_tokens,
            "drop_unsupported": settings.drop_unsupported,
            "condense_with_model": settings.llama_condense,
            "title": title,
            "symbol": symbol,
        }
        options.update(overrides)
        if options.get("model_path") is None:
            try:
                options["model_path"] = ensure_model(settings.data_dir, settings.gguf_path)
            except ModelError as error:
                raise SettingsError(f"the llamacpp backend has no usable model: {error}") from None
        if "similarity" not in options:
            options["similarity"] = e5_similarity()
        backend = cls(**options)
        backend.warm()
        return backend

    # -- the seam --------------------------------------------------------------------------------
    def answer(self, evidence: Evidence) -> Draft:
        attributor = self._attributor(evidence)
        text = "".join(self._attributed(evidence, attributor))
        return Draft(text=text, supporting=supporting_spans(attributor.result, evidence.sentences), model=self.model)

    def stream(self, evidence: Evidence) -> Generator[str, None, Draft]:
        """Model tokens as they come, each sentence's end held back until its citations are settled; returns
        the finished `Draft` (with supporting spans) for an engine that collects a generator's value."""
        attributor = self._attributor(evidence)
        pieces: list[str] = []
        for piece in self._attributed(evidence, attributor):
            pieces.append(piece)
            yield piece
        return Draft("".join(pieces), supporting_spans(attributor.result, evidence.sentences), self.model)

    def _attributor(self, evidence: Evidence) -> StreamAttributor:
        attributor = Attributor(evidence.paragraphs, evidence.citation_labels, self.similarity)
        return StreamAttributor(attributor, self.drop_unsupported)

    def _attributed(self, evidence: Evidence, attributor: StreamAttributor) -> Iterator[str]:
        pieces = self._generate(self.messages(evidence), self.max_tokens, ANSWER_OPENINGS.get(evidence.language, ""))
        opening: str | None = ""  # the first words, held while they may still be the refusal sentence
        produced = False
        try:
            for piece in pieces:
                if opening is not None:
                    opening += piece
                    verdict = opening_verdict(opening)
                    if verdict == "undecided":
                        continue
                    if verdict == "declined" and not self.trust_model_refusal:
                        yield from self._quote_instead(evidence)
                        return
                    piece, opening = opening, None
                shown = attributor.feed(piece)
                if shown:
                    produced = True
                    yield shown
        finally:
            pieces.close()
        rest = attributor.feed(opening or "") + attributor.finish()
        if rest:
            produced = True
            yield rest
        self.last_attribution = attributor.result
        STATS.add(attributor.result)
        log.info("attribution: %s", attributor.result.counts())
        if not produced:
            raise BackendError("the local model produced no answer")

    def _quote_instead(self, evidence: Evidence) -> Iterator[str]:
        """The model declined although retrieval found relevant paragraphs (the engine would have refused
        otherwise): a small model's refusal is mostly wrong there, so the report's own sentences answer."""
        log.info("the model declined a question retrieval found relevant; quoting the report instead")
        STATS.add_declined()
        self.last_attribution = None
        yield self._quoter.answer(evidence).text

    def condense(self, question: str, history: list[Turn]) -> str | None:
        if not history or not self.condense_with_model:
            return None
        prompt = load_prompt("condense").render(history=format_history(history, HISTORY_TURNS + 1), question=question)
        reply = "".join(self._generate([self._system(), {"role": "user", "content": prompt}], CONDENSE_MAX_TOKENS))
        lines = [line.strip() for line in reply.splitlines() if line.strip()]
        if not lines:
            return None
        rewritten = lines[0].removeprefix("改写后的问题：").removeprefix("改写后的问题:").strip()
        rewritten = check_citations(rewritten, set(), set(), {}, "").text.strip("「」“”\"' ")
        if still_unresolved(rewritten):  # the pronoun is still there: it answered instead of rewriting
            return None
        return rewritten if 0 < len(rewritten) <= MAX_CONDENSED_CHARS else None

    # -- prompts ---------------------------------------------------------------------------------
    def messages(self, evidence: Evidence) -> list[dict[str, str]]:
        """System prompt (always the same: its evaluated tokens are reused), one earlier turn, the evidence."""
        messages = [self._system()]
        for turn in evidence.history[-HISTORY_TURNS:]:
            messages.append({"role": "user", "content": turn.question})
            if turn.answer:
                messages.append({"role": "assistant", "content": _shorten(turn.answer, HISTORY_ANSWER_CHARS)})
        question = evidence.question
        standalone = evidence.standalone_question.strip()
        if standalone and standalone != question.strip():
            question = f"{question}\n（结合对话，完整的问题是：{standalone}）"
        prompt = load_prompt("answer").render(
            paragraphs=format_context(evidence, self.context_chars),
            question=question,
            language=LANGUAGE_INSTRUCTIONS.get(evidence.language, LANGUAGE_INSTRUCTIONS["zh"]),
        )
        messages.append({"role": "user", "content": prompt})
        return messages

    def _system(self) -> dict[str, str]:
        return {"role": "system", "content": load_prompt("system").render(title=self.title, symbol=self.symbol)}

    # -- the model -------------------------------------------------------------------------------
    def warm(self) -> float:
        """Evaluate the system prompt once, so the first question only pays for its own tokens."""
        started = time.perf_counter()
        for _ in self._generate([self._system(), {"role": "user", "content": "你好"}], 1):
            pass
        return time.perf_counter() - started

    def _load(self, context_tokens: int) -> Any:
        try:
            from llama_cpp import Llama
        except ImportError:
            raise SettingsError(f"the llamacpp backend needs llama-cpp-python: {INSTALL_HINT}") from None
        started = time.perf_counter()
        try:
            llama = Llama(
                model_path=str(self.model_path),
                n_ctx=context_tokens,
                n_threads=self.threads,
                n_threads_batch=self.threads,
                verbose=False,
            )
        except (ValueError, RuntimeError) as error:
            raise SettingsError(f"llama.cpp cannot load {self.model_path}: {error}") from None
        log.info("loaded %s in %.1f s (%d threads)", self.model_path.name, time.perf_counter() - started, self.threads)
        return llama

    def _generate(self, messages: list[dict[str, str]], max_tokens: int, opening: str = "") -> Iterator[str]:
        """Text pieces of one greedy chat completion, which starts with `opening` (the model continues it);
        llama.cpp errors become `BackendError`. `last_generation` keeps the call's timing."""
        with self._lock:
            started = time.perf_counter()
            first_token_s: float | None = None
            tokens = 0
            chunks: Any = None
            try:
                chunks = self._completion(messages, max_tokens, opening)
                if opening:
                    yield opening
                for chunk in chunks:
                    choice = chunk["choices"][0]
                    piece = choice["delta"].get("content") if "delta" in choice else choice.get("text")
                    if piece:
                        tokens += 1
                        if first_token_s is None:
                            first_token_s = time.perf_counter() - started
                        yield piece
            except (ValueError, RuntimeError, KeyError, IndexError) as error:
                log.warning("llamacpp backend (%s): %s", self.model, error)
                raise BackendError(f"the local model failed: {error}") from error
            finally:
                if chunks is not None and hasattr(chunks, "close"):
                    chunks.close()
                self.last_generation = Generation(first_token_s, tokens, time.perf_counter() - started)

    def _completion(self, messages: list[dict[str, str]], max_tokens: int, opening: str) -> Iterator[Any]:
        """The model's chat template rendered here (so the reply can be started for it), else llama.cpp's own."""
        formatter = self._formatter()
        if formatter is None:
            return self._llama.create_chat_completion(
                messages=messages, max_tokens=max_tokens, temperature=0.0, stream=True
            )
        rendered = formatter(messages=messages)
        prompt = self._llama.tokenize(rendered.prompt.encode(), add_bos=not rendered.added_special, special=True)
        if opening:
            prompt += self._llama.tokenize(opening.encode(), add_bos=False, special=False)
        return self._llama.create_completion(
            prompt=prompt,
            max_tokens=max_tokens,
            temperature=0.0,
            stream=True,
            stop=rendered.stop or [],
            stopping_criteria=rendered.stopping_criteria,
        )

    def _formatter(self) -> Any | None:
        if self._chat_formatter is None:
            template = self._llama.metadata.get("tokenizer.chat_template")
            if not template:
                return None
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            eos, bos = self._llama.token_eos(), self._llama.token_bos()
            texts = [
                self._llama.detokenize([t], special=True).decode(errors="ignore") if t >= 0 else "" for t in (eos, bos)
            ]
            self._chat_formatter = Jinja2ChatFormatter(template, texts[0], texts[1], stop_token_ids=[eos])
        return self._chat_formatter


@dataclass(frozen=True)
class Generation:
    """Timing of one model call (for the benchmark and the logs)."""

    first_token_s: float | None
    tokens: int
    seconds: float

    @property
    def tokens_per_second(self) -> float | None:
        if self.first_token_s is None or self.tokens < 2 or self.seconds <= self.first_token_s:
            return None
        return (self.tokens - 1) / (self.seconds - self.first_token_s)


def format_context(evidence: Evidence, budget_chars: int) -> str:
    """The best evidence sentences, grouped under their paragraph (retrieval order), within a character budget.

    The first choice is always kept; further sentences are added best first while they fit, from at most
    `MAX_PARAGRAPHS` paragraphs. Without ranked sentences, the first paragraphs are cut to the budget.
    """
    chosen = context_sentences(evidence.sentences, budget_chars)
    groups: list[tuple[Paragraph, str]] = []
    if chosen:
        for paragraph in _in_retrieval_order([s.paragraph for s in chosen], evidence.paragraphs):
            own = sorted((s for s in chosen if s.paragraph.key == paragraph.key), key=lambda s: s.start)
            groups.append((paragraph, "".join(s.text for s in own)))
    else:
        remaining = budget_chars
        for paragraph in evidence.paragraphs[:MAX_PARAGRAPHS]:
            if remaining <= 0:
                break
            text = paragraph.plain_text
            text = text if len(text) <= remaining else text[:remaining] + "…"
            remaining -= len(text)
            groups.append((paragraph, text))
    labels = evidence.citation_labels
    show_label = len(labels) > 1
    return "\n".join(
        f"{format_citation(p.number, labels.get(p.document, '') if show_label else '')}（{p.section_title}）{text}"
        for p, text in groups
    )


def context_sentences(ranked: Sequence[EvidenceSentence], budget_chars: int) -> list[EvidenceSentence]:
    """Best first while they fit the budget, from at most `MAX_PARAGRAPHS` paragraphs; the best always."""
    chosen: list[EvidenceSentence] = []
    paragraphs: set[str] = set()
    used = 0
    for sentence in ranked:
        too_long = used + len(sentence.text) > budget_chars
        too_many = sentence.paragraph.key not in paragraphs and len(paragraphs) >= MAX_PARAGRAPHS
        if chosen and (too_long or too_many):
            continue
        chosen.append(sentence)
        paragraphs.add(sentence.paragraph.key)
        used += len(sentence.text)
    return chosen


def _in_retrieval_order(chosen: list[Paragraph], retrieved: list[Paragraph]) -> list[Paragraph]:
    order = {p.key: i for i, p in enumerate(retrieved)}
    unique = list({p.key: p for p in chosen}.values())
    return sorted(unique, key=lambda p: order.get(p.key, len(order)))
