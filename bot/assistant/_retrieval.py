"""Hybrid retrieval: dense search in Chroma and BM25 keyword ranking, fused by reciprocal rank.

Dense search catches paraphrases and cross-language wording; BM25 catches the exact terms doctors
type (USMLE, Tkuma, sal klita, *5400) that a small embedding model blurs. The doctor's language
is searched first; a document with no version in it is searched in another language and marked.

The retriever reads the index only through a ``SnapshotSource``: each question takes one frozen
snapshot and keeps it to the end, and the keyword indexes are built for a new snapshot (by the
source, before it swaps) beside the ones serving, never in a doctor's request.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import bm25s
import numpy as np

from ingest import LANGUAGES, ChunkRecord, IndexSnapshot, SnapshotSource

from ._terms import terms, without_idioms

log = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG when imported, which prints "Building index from tokens"
# into the terminal chat whenever a keyword index is built; its news is not ours to print.
logging.getLogger("bm25s").setLevel(logging.WARNING)

RRF_K = 60
FALLBACK_ORDER = LANGUAGES  # a document missing in the doctor's language is served in the first that has it


def tokenize(text: str, lang: str) -> list[str]:
    """Snowball-stemmed, accent-folded, stopword-free terms (see ``_terms``).

    'exámenes', 'examen' and 'exams' meet; so do a question and the section that answers it.
    """
    return terms(text, lang)


@dataclass(frozen=True)
class Passage:
    chunk: ChunkRecord
    fused: float
    similarity: float  # dense cosine similarity (0 when dense search did not return it)
    keyword: float  # BM25 score (0 when absent)


@dataclass(frozen=True)
class Retrieval:
    passages: tuple[Passage, ...]  # best first
    ranked_doc_ids: tuple[str, ...]
    top_similarity: float
    top_keyword: float
    fallback_docs: frozenset[str]  # documents served from another language than asked
    dense_available: bool = True  # False when the vector store or the embedder failed: keywords only
    index_version: str = ""  # the snapshot every passage came from
    # Every section of each page version in that snapshot, by (doc_id, lang), whether retrieved or not.
    pages: Mapping[tuple[str, str], tuple[ChunkRecord, ...]] = field(default_factory=dict, compare=False, repr=False)

    def page_of(self, passage: Passage) -> tuple[ChunkRecord, ...]:
        """All sections of ``passage``'s page in its language (empty when the snapshot's pages are not known)."""
        return self.pages.get((passage.chunk.doc_id, passage.chunk.lang), ())

    def led_by(self, lead: Passage) -> "Retrieval":
        """The same retrieval with ``lead`` (one of its passages) and its page first, the rest in their order."""
        passages = (lead, *(p for p in self.passages if p is not lead))
        ranked = (lead.chunk.doc_id, *(d for d in self.ranked_doc_ids if d != lead.chunk.doc_id))
        return replace(self, passages=passages, ranked_doc_ids=ranked)


def asked_text(chunk: ChunkRecord) -> str:
    """What a section answers, as doctors ask it: its headings and its alternative questions."""
    return " ".join((*chunk.section, *chunk.questions))


def _deletes(term: str) -> set[str]:
    return {term[:i] + term[i + 1 :] for i in range(len(term))}


# Letters a doctor typing by ear or on a phone confuses: Spanish seseo (s/c/z), b/v, y/i, g/j,
# k for c or qu, x for s ("esperiencia"), and English/French "licence"/"license".
_SOUND_ALIKE = {frozenset(p) for p in ("sc", "sz", "cz", "bv", "iy", "gj", "ck", "kq", "xs")}


def _typo_of(typed: str, word: str) -> bool:
    """Is ``typed`` a usual misspelling of ``word``, one keystroke away?

    Only the slips people make, not any one-letter difference: "mental" is not a typo of "rental",
    nor "internal" of "internat". Accepted: a sound-alike letter ("nesesito"), a doubled or undoubled
    letter ("pasport"), a silent h dropped or added ("ebreo"), two letters swapped ("hebero"), and a
    longer form of the same stem ("ginecolog" for "ginecologi").
    """
    if len(typed) == len(word):
        diff = [i for i, (a, b) in enumerate(zip(typed, word)) if a != b]
        if len(diff) == 1:
            return frozenset((typed[diff[0]], word[diff[0]])) in _SOUND_ALIKE
        return len(diff) == 2 and diff[1] == diff[0] + 1 and typed[diff[0]] == word[diff[1]] and typed[diff[1]] == word[diff[0]]
    short, long_ = (typed, word) if len(typed) < len(word) else (word, typed)
    if len(long_) != len(short) + 1:
        return False
    if long_.startswith(short) and len(short) >= 6:
        return True  # the same stem, cut one letter shorter
    for i, extra in enumerate(long_):
        if long_[:i] + long_[i + 1 :] == short:
            doubled = (i > 0 and long_[i - 1] == extra) or (i + 1 < len(long_) and long_[i + 1] == extra)
            if extra == "h" or doubled:
                return True
    return False


class _Speller:
    """A doctor's typo read as the guidance's word ("ebreo" -> "hebreo", "nesesito" -> "necesito").

    Doctors type on phones, without accents and by ear; a misspelt word matches no section by
    keyword, and a short question then ranks by its other words only ("¿nesesito saber ebreo para
    la licencia?" found the licensing exam, not Hebrew). A term the guidance never uses, of five
    letters or more, is read as the guidance term it is a usual misspelling of (``_typo_of``) that
    the most sections use. Terms are compared after stemming, so the index holds a few thousand
    words and their one-letter deletions (built once per published index); a query costs a few set
    look-ups per unknown word.
    """

    MIN_LENGTH = 5  # shorter words are too close to too many others ("pago"/"paso") to guess

    def __init__(self, corpus: list[list[str]]) -> None:
        self.df: Counter[str] = Counter(t for doc in corpus for t in set(doc))
        self.by_deletion: dict[str, set[str]] = defaultdict(set)
        for term in self.df:
            if len(term) >= self.MIN_LENGTH - 1 and term.isalpha():
                for d in _deletes(term):
                    self.by_deletion[d].add(term)

    def correct(self, term: str) -> str:
        if term in self.df or len(term) < self.MIN_LENGTH - 1 or not term.isalpha():
            return term
        if len(term) < self.MIN_LENGTH:  # a short word: only a dropped silent h ("ebre" for "hebre")
            return f"h{term}" if f"h{term}" in self.df else term
        near = set(self.by_deletion.get(term, ()))  # the doctor left a letter out
        for d in _deletes(term):
            if d in self.df:
                near.add(d)  # ... or typed one too many
            near |= self.by_deletion.get(d, set())  # ... or a wrong or swapped one
        typos = [w for w in sorted(near) if w != term and _typo_of(term, w)]
        return max(typos, key=lambda w: self.df[w]) if typos else term


class _KeywordIndex:
    def __init__(self, chunks: list[ChunkRecord], lang: str) -> None:
        self.chunks = chunks
        self.lang = lang
        self._bm25: bm25s.BM25 | None = None
        if chunks:  # BM25 cannot index an empty corpus (an index published empty by an old ingest)
            self._bm25 = bm25s.BM25()
            # A section's heading and alternative questions count twice: they say what it answers,
            # where its text may share words with a question it does not answer.
            corpus = [tokenize(f"{c.embedding_text()}\n{asked_text(c)}", c.lang) or ["_"] for c in chunks]
            self._bm25.index(corpus, show_progress=False)
            self._speller = _Speller(corpus)

    def scores(self, query: str) -> np.ndarray:
        if self._bm25 is None:
            return np.zeros(len(self.chunks), dtype=float)
        tokens = [self._speller.correct(t) for t in tokenize(without_idioms(query), self.lang)]
        if not tokens:
            return np.zeros(len(self.chunks), dtype=float)
        return np.asarray(self._bm25.get_scores(tokens), dtype=float)


class HybridRetriever:
    def __init__(self, index: SnapshotSource, *, dense_k: int = 20, keyword_k: int = 20) -> None:
        self.index = index
        self.dense_k = dense_k
        self.keyword_k = keyword_k
        index.on_new_snapshot(self.prepare)

    def prepare(self, snapshot: IndexSnapshot) -> None:
        """Build every language's keyword index for a snapshot before it serves."""
        for lang in LANGUAGES:
            self._keyword_index(snapshot, lang)
        snapshot.pages()

    @staticmethod
    def _eligible(snapshot: IndexSnapshot, lang: str) -> tuple[list[ChunkRecord], frozenset[str]]:
        """Chunks in ``lang``, plus the best other-language version of documents lacking one."""
        by_doc: dict[str, dict[str, list[ChunkRecord]]] = defaultdict(lambda: defaultdict(list))
        for chunk in snapshot.chunks:
            by_doc[chunk.doc_id][chunk.lang].append(chunk)
        chosen: list[ChunkRecord] = []
        fallback: set[str] = set()
        for doc_id, versions in by_doc.items():
            if lang in versions:
                chosen.extend(versions[lang])
                continue
            other = next(l for l in (*FALLBACK_ORDER, *sorted(versions)) if l in versions)
            chosen.extend(versions[other])
            fallback.add(doc_id)
        return chosen, frozenset(fallback)

    def _keyword_index(self, snapshot: IndexSnapshot, lang: str) -> tuple[_KeywordIndex, frozenset[str]]:
        kw = snapshot.derived(("keyword", lang), lambda: _KeywordIndex(self._eligible(snapshot, lang)[0], lang))
        return kw, frozenset(c.doc_id for c in kw.chunks if c.lang != lang)

    def retrieve(
        self, query: str, lang: str, query_vector: list[float] | None = None, query_lang: str | None = None
    ) -> Retrieval:
        """Passages in ``lang`` for ``query``.

        When the question is written in another language than the answer (an explicit language
        choice), documents are found in the question's language and then quoted in ``lang``.
        """
        snapshot = self.index.current()  # one version for the whole question
        try:
            vector = query_vector if query_vector is not None else self.index.embedder.embed_query(query)
        except Exception as exc:  # the doctor still gets a keyword answer
            log.warning("embedding the question failed (%s); keyword ranking only", type(exc).__name__)
            vector = None
        if vector is None:
            return self._retrieve(snapshot, query, lang, None)
        if query_lang and query_lang != lang:
            return self._translated(snapshot, self._retrieve(snapshot, query, query_lang, vector), lang, vector)
        return self._retrieve(snapshot, query, lang, vector)

    def _translated(self, snapshot: IndexSnapshot, found: Retrieval, lang: str, vector: list[float]) -> Retrieval:
        """The same documents, in ``lang`` where they have a version in it."""
        available = {c.doc_id for c in snapshot.chunks if c.lang == lang}
        docs = tuple(d for d in found.ranked_doc_ids[:5] if d in available)
        if not docs:
            return found
        try:
            hits = snapshot.dense_search(vector, k=self.dense_k, langs=(lang,), doc_ids=docs)
        except Exception as exc:
            log.warning("vector store query failed (%s); quoting the documents as found", type(exc).__name__)
            return found
        doc_score = {d: 1.0 / (RRF_K + r + 1) for r, d in enumerate(found.ranked_doc_ids)}
        passages = [Passage(h.chunk, doc_score[h.chunk.doc_id] * (1 + h.similarity) / 2, h.similarity, 0.0) for h in hits]
        passages.sort(key=lambda p: (doc_score[p.chunk.doc_id], p.similarity), reverse=True)
        # A document the filtered search returned nothing for (its k hits went to the others)
        # keeps the passages it was found with, so every ranked document has a passage.
        translated = {p.chunk.doc_id for p in passages}
        kept = [p for p in found.passages if p.chunk.doc_id not in translated]
        return Retrieval(
            passages=tuple(passages + kept),
            ranked_doc_ids=found.ranked_doc_ids,
            top_similarity=found.top_similarity,
            top_keyword=found.top_keyword,
            fallback_docs=frozenset(p.chunk.doc_id for p in kept if p.chunk.lang != lang),
            index_version=found.index_version,
            pages=found.pages,
        )

    def _dense(
        self, snapshot: IndexSnapshot, vector: list[float] | None, lang: str, fallback: frozenset[str]
    ) -> list | None:
        """Dense hits, or None when the vector store cannot answer (the keyword index is local)."""
        if vector is None:
            return None
        try:
            dense = snapshot.dense_search(vector, k=self.dense_k, langs=(lang,))
            if fallback:
                extra = snapshot.dense_search(vector, k=self.dense_k)
                dense += [h for h in extra if h.chunk.doc_id in fallback and h.chunk.lang != lang]
                dense.sort(key=lambda h: h.similarity, reverse=True)
        except Exception as exc:
            log.warning("vector store query failed (%s); keyword ranking only", type(exc).__name__)
            return None
        return dense

    def _retrieve(self, snapshot: IndexSnapshot, query: str, lang: str, vector: list[float] | None) -> Retrieval:
        keyword, fallback = self._keyword_index(snapshot, lang)
        found = self._dense(snapshot, vector, lang, fallback)
        dense = found or []
        similarity = {h.chunk.chunk_id: h.similarity for h in dense}

        scores = keyword.scores(query)
        order = np.argsort(-scores)[: self.keyword_k]
        keyword_hits = [(keyword.chunks[i], float(scores[i])) for i in order if scores[i] > 0]
        keyword_score = {c.chunk_id: s for c, s in keyword_hits}

        fused: dict[str, float] = defaultdict(float)
        chunks: dict[str, ChunkRecord] = {}
        for rank, hit in enumerate(dense):
            fused[hit.chunk.chunk_id] += 1.0 / (RRF_K + rank + 1)
            chunks[hit.chunk.chunk_id] = hit.chunk
        for rank, (chunk, _) in enumerate(keyword_hits):
            fused[chunk.chunk_id] += 1.0 / (RRF_K + rank + 1)
            chunks[chunk.chunk_id] = chunk

        passages = sorted(
            (
                Passage(chunks[cid], score, similarity.get(cid, 0.0), keyword_score.get(cid, 0.0))
                for cid, score in fused.items()
            ),
            key=lambda p: p.fused,
            reverse=True,
        )
        ranked: list[str] = []
        for p in passages:
            if p.chunk.doc_id not in ranked:
                ranked.append(p.chunk.doc_id)
        return Retrieval(
            passages=tuple(passages),
            ranked_doc_ids=tuple(ranked),
            top_similarity=max(similarity.values(), default=0.0),
            top_keyword=max(keyword_score.values(), default=0.0),
            fallback_docs=frozenset(p.chunk.doc_id for p in passages if p.chunk.lang != lang),
            dense_available=found is not None,
            index_version=snapshot.name,
            pages=snapshot.pages(),
        )
