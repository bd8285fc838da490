"""The assistant: one message of one conversation in, one typed reply out.

It holds no transport: the Telegram bot, the terminal chat and the evaluation all call
``reply(conversation_id, text)`` and read the same ``Reply``.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace

from bot import catalog
from ingest import GuidanceIndex

from ._extractive import compose, footer, source_of, _trim
from ._generation import AnswerGenerator, check_draft
from ._language import LanguageDetector
from ._memory import ConversationState, ConversationStore, InMemoryConversationStore, Turn
from ._retrieval import HybridRetriever, Passage, Retrieval
from ._thresholds import Thresholds
from ._text import fold
from ._triage import is_unhelpful_feedback, triage_message
from ._understanding import Synonym, focus, guidance_terms, split_questions
from ._types import EscalationReason, Language, Reply, Source, Triage, TriageKind

log = logging.getLogger(__name__)

SUPPORT_DOC_ID = "emotional-support"
MAX_QUERY_CHARS = 1500
UNHELPFUL_BEFORE_OFFER = 2

# A follow-up leans on the previous question: it opens with a connector or points back at it.
_COURTESY = re.compile(r"^((ok(ay)?|merci|thanks?( you)?|gracias|bueno|vale|d'?accord|perfect[o]?|parfait|super|great|genial)[\s,.!]*)+")
_FOLLOW_UP_START = re.compile(
    r"^(and|also|for how|how long|how much|what if|what about|how about|so|but|then|et|aussi|et pour|et si|mais|alors|du coup|y|tambien|"
    r"y para|y si|pero|entonces|e)\b"
)
_FOLLOW_UP_REFERENCE = re.compile(
    r"\b(those|these|them|it|they|that|this one|same|ca|cela|ceux|celles|ces|ceux-ci|le meme|la meme|"
    r"eso|esos|esas|ellos|ellas|lo mismo|esto|aquello)\b"
)


def _blend(a: list[float], b: list[float], weight: float) -> list[float]:
    """A unit vector leaning ``weight`` towards ``a``: the question, with its story behind it."""
    mixed = [weight * x + (1 - weight) * y for x, y in zip(a, b)]
    norm = sum(x * x for x in mixed) ** 0.5 or 1.0
    return [x / norm for x in mixed]


class Assistant:
    def __init__(
        self,
        index: GuidanceIndex,
        *,
        thresholds: Thresholds | None = None,
        generator: AnswerGenerator | None = None,
        store: ConversationStore | None = None,
        detector: LanguageDetector | None = None,
        memory_turns: int = 6,
        synonyms: tuple[Synonym, ...] | None = None,
    ) -> None:
        self.index = index
        self.retriever = HybridRetriever(index)
        self.thresholds = thresholds or Thresholds()
        self.generator = generator
        self.store = store or InMemoryConversationStore()
        self.detector = detector or LanguageDetector()
        self.memory_turns = memory_turns
        self.synonyms = synonyms  # None: the shipped knowledge/synonyms.yaml

    # -- public --------------------------------------------------------------------------

    def set_language(self, conversation_id: str, language: Language | None) -> None:
        """An explicit choice (a /language command): wins over detection until cleared."""
        state = self.store.load(conversation_id)
        self.store.save(conversation_id, replace(state, explicit_language=language, language=language or state.language))

    def refresh_index(self) -> bool:
        """Follow a newly published index version; conversations are untouched.

        If the store cannot be reached, the version already loaded keeps serving.
        """
        try:
            return self.index.refresh()
        except Exception as exc:
            log.warning("index refresh failed (%s); still serving %s", type(exc).__name__, self.index.version.collection_name)
            return False

    def reply(
        self,
        conversation_id: str,
        text: str,
        *,
        language_hint: str | None = None,
        language: Language | None = None,
    ) -> Reply:
        started = time.perf_counter()
        state = self.store.load(conversation_id)
        reply, turn = self._reply(conversation_id, text.strip(), state, language_hint, language)
        if turn is not None:
            self.store.save(conversation_id, state.with_turn(turn, self.memory_turns))
        return replace(reply, latency_ms=(time.perf_counter() - started) * 1000)

    # -- steps -----------------------------------------------------------------------------

    def _reply(
        self, cid: str, text: str, state: ConversationState, hint: str | None, explicit: Language | None
    ) -> tuple[Reply, Turn | None]:
        fallback_lang: Language = explicit or state.explicit_language or state.language or "en"
        if not text:
            return self._canned(cid, fallback_lang, catalog.text("empty_message", fallback_lang), Triage(TriageKind.ANSWER)), None
        decision = self.detector.decide(
            text, current=state.language, hint=hint, explicit=explicit or state.explicit_language
        )
        if decision.language is None:
            triage = Triage(TriageKind.DECLINE, EscalationReason.UNSUPPORTED_LANGUAGE, "detected other than en/fr/es")
            return self._canned(cid, fallback_lang, catalog.all_languages("unsupported_language"), triage), None
        lang: Language = decision.language

        escalation = triage_message(text)
        if escalation is not None and escalation.kind is TriageKind.DECLINE:
            reply = self._canned(cid, lang, catalog.text("out_of_scope", lang), escalation)
            return reply, Turn(text, reply.text, lang, escalation.kind)
        if escalation is not None:
            reply = self._escalate(cid, lang, escalation)
            return reply, Turn(text, reply.text, lang, escalation.kind)

        if state.turns and is_unhelpful_feedback(text):
            unhelpful = state.recent_unhelpful() + 1
            if unhelpful >= UNHELPFUL_BEFORE_OFFER:
                triage = Triage(TriageKind.ANSWER_OFFER_ADVISOR, EscalationReason.REPEATED_UNHELPFUL, f"{unhelpful} unhelpful answers in a row")
                body = f"{catalog.text('unhelpful_offer', lang)} {catalog.text('offer_advisor', lang)}"
            else:
                triage = Triage(TriageKind.ANSWER, None, "the doctor said the answer did not help")
                body = catalog.text("rephrase", lang)
            reply = self._canned(cid, lang, body, triage)
            return reply, Turn(text, reply.text, lang, triage.kind, helpful=False)

        query = self._contextual_query(text, state)
        query_lang = decision.detected if decision.detected and not decision.sticky else lang
        retrieval = self._find(query, text, lang, query_lang)
        t = self.thresholds
        if not retrieval.dense_available:
            # Similarity thresholds cannot be applied: answer on a keyword match, else say so.
            t = Thresholds(decline_below=0.0, answer_above=0.0) if retrieval.top_keyword > 0 else Thresholds(0.0, 1.0)
        if (not retrieval.passages and retrieval.dense_available) or retrieval.top_similarity < t.decline_below:
            triage = Triage(TriageKind.DECLINE, EscalationReason.OUT_OF_SCOPE, f"top similarity {retrieval.top_similarity:.3f}")
            reply = self._canned(cid, lang, catalog.text("out_of_scope", lang), triage, retrieval)
            return reply, Turn(text, reply.text, lang, triage.kind)
        if retrieval.top_similarity < t.answer_above:
            triage = Triage(TriageKind.ANSWER_OFFER_ADVISOR, EscalationReason.NO_RELIABLE_ANSWER, f"top similarity {retrieval.top_similarity:.3f}")
            body = f"{catalog.text('dont_know', lang)}\n\n{catalog.text('offer_advisor', lang)}"
            reply = self._canned(cid, lang, body, triage, retrieval)
            return reply, Turn(text, reply.text, lang, triage.kind, helpful=False)

        reply = self._answer(cid, text, lang, retrieval, state, query, self._parts(text, lang, query_lang, retrieval))
        return reply, Turn(text, reply.text, lang, reply.triage.kind, retrieval.ranked_doc_ids[:3])

    def _find(self, query: str, text: str, lang: Language, query_lang: str | None) -> Retrieval:
        """Search for what the doctor asks, in the guidance's words.

        Place names and everyday words add the guidance's terms (``knowledge/synonyms.yaml``);
        in a long message the question sentence(s) weigh more than the story around them: they
        are searched twice by keyword, and their meaning leads the dense query.
        """
        extra = guidance_terms(query, query_lang or lang, self.synonyms)
        focused = focus(text)
        search_text = "\n".join(x for x in (query[:MAX_QUERY_CHARS], focused, extra) if x)
        vector = None
        try:
            embed = self.index.embedder.embed_query
            if focused:
                whole, asked = embed(f"{query[:MAX_QUERY_CHARS]} {extra}"), embed(f"{focused} {extra}")
                vector = _blend(asked, whole, 0.6)
            elif extra:
                vector = embed(f"{query[:MAX_QUERY_CHARS]} {extra}")
        except Exception as exc:  # the retriever tries again and degrades to keywords
            log.warning("embedding the question failed (%s)", type(exc).__name__)
        return self.retriever.retrieve(search_text, lang, query_vector=vector, query_lang=query_lang)

    def _parts(self, text: str, lang: Language, query_lang: str | None, whole: Retrieval) -> list[tuple[str, Retrieval]]:
        """Two questions in one message, each with its own search, when they need different sections."""
        questions = split_questions(text)
        if not questions:
            return []
        found = [(q, self._find(q, q, lang, query_lang)) for q in questions]
        found = [(q, r) for q, r in found if r.passages]
        tops = {r.passages[0].chunk.chunk_id for _, r in found}
        return found if len(found) > 1 and len(tops) > 1 else []

    def search(self, conversation_id: str, text: str, lang: Language) -> Retrieval:
        """What the reply to ``text`` would be drawn from (used to calibrate thresholds)."""
        return self._find(self.search_query(conversation_id, text), text, lang, lang)

    def search_query(self, conversation_id: str, text: str) -> str:
        """What would be searched for ``text`` in this conversation (used to calibrate thresholds)."""
        return self._contextual_query(text, self.store.load(conversation_id))

    def _contextual_query(self, text: str, state: ConversationState) -> str:
        """A follow-up is searched together with the question it follows."""
        previous = next((t.question for t in reversed(state.turns) if t.kind is not TriageKind.ESCALATE), None)
        if previous is None:
            return text
        folded = _COURTESY.sub("", fold(text))
        words = folded.split()
        if (
            _FOLLOW_UP_START.search(folded)
            or len(words) <= 4
            or (len(words) <= 14 and _FOLLOW_UP_REFERENCE.search(folded))
        ):
            return f"{previous}\n{text}"
        return text

    def _answer(
        self,
        cid: str,
        text: str,
        lang: Language,
        retrieval: Retrieval,
        state: ConversationState,
        query: str = "",
        parts: list[tuple[str, Retrieval]] | None = None,
    ) -> Reply:
        extractive_text, sources = compose(retrieval, lang, question=query or text, parts=parts or None)
        ranked = retrieval.ranked_doc_ids
        if self.generator is None:
            return Reply(cid, extractive_text, lang, Triage(TriageKind.ANSWER), sources, "extractive", ranked)
        passages = retrieval.passages[:6]
        try:
            draft = self.generator.draft(question=text, language=lang, passages=passages, history=state.turns)
            problem = check_draft(draft, passages, lang, lambda s: self.detector.detect(s)[0])
        except Exception as exc:  # timeouts, HTTP errors, malformed output: never the doctor's problem
            log.warning("LLM failed, answering extractively: %s", type(exc).__name__)
            problem = f"LLM error: {type(exc).__name__}: {exc}"[:300]
        if problem is not None:
            log.info("LLM draft not used; answering extractively")
            log.debug("LLM draft rejected: %s", problem)
            return Reply(cid, extractive_text, lang, Triage(TriageKind.ANSWER), sources, "extractive", ranked, fallback_reason=problem)
        cited = [p for p in passages if p.chunk.chunk_id in draft.cited_chunk_ids]
        llm_sources: list[Source] = []
        for p in cited:
            if all(s.doc_id != p.chunk.doc_id for s in llm_sources):
                llm_sources.append(source_of(p))
        body = f"{draft.answer.strip()}\n\n{footer(llm_sources, lang)}"
        triage = Triage(TriageKind.ANSWER)
        if draft.needs_human:
            body = f"{body}\n\n{catalog.text('offer_advisor', lang)}"
            triage = Triage(TriageKind.ANSWER_OFFER_ADVISOR, EscalationReason.NO_RELIABLE_ANSWER, f"LLM: {draft.why}"[:300])
        return Reply(cid, body, lang, triage, tuple(llm_sources), "llm", ranked)

    def _escalate(self, cid: str, lang: Language, triage: Triage) -> Reply:
        assert triage.reason is not None
        if triage.reason is not EscalationReason.DISTRESS:
            return self._canned(cid, lang, catalog.text(f"escalate_{triage.reason.value}", lang), triage)
        lines, sources = self._support_lines(lang)
        body = "\n\n".join([catalog.text("escalate_distress", lang), lines, catalog.text("escalate_distress_after", lang)])
        if sources:
            body = f"{body}\n\n{footer(sources, lang)}"
        return Reply(cid, body, lang, triage, sources, "canned")

    def _support_lines(self, lang: Language) -> tuple[str, tuple[Source, ...]]:
        """The emotional-support lines, quoted from the guidance in the doctor's language."""
        chunks = [c for c in self.index.chunks if c.doc_id == SUPPORT_DOC_ID]
        in_lang = [c for c in chunks if c.lang == lang] or [c for c in chunks if c.lang == "en"]
        with_numbers = [c for c in in_lang if re.search(r"\b1201\b|\+?\d[\d\- ]{6,}\d", c.text)]
        if not with_numbers:
            return catalog.text("escalate_distress_fallback", lang), ()
        best = with_numbers[0]
        return f"{best.section_title}\n{_trim(best.text, 650)}", (source_of(Passage(best, 1.0, 1.0, 0.0)),)

    def _canned(
        self, cid: str, lang: Language, body: str, triage: Triage, retrieval: Retrieval | None = None
    ) -> Reply:
        ranked = retrieval.ranked_doc_ids if retrieval else ()
        return Reply(cid, body, lang, triage, (), "canned", ranked)

