"""The triage model and how it combines with the rules: order, explanations, retraining, linearity.

These tests use small synthetic vectors or a counting fake embedder, not the real model, so they
run in seconds; the real model is measured by `medaliyah eval` (tests/test_golden_and_eval.py).
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.assistant import (
    MAX_TRIAGE_CHARS,
    TRIAGE_DATA_FILE,
    EscalationReason,
    LabelledMessage,
    TriageDataInvalid,
    TriageKind,
    TriageModel,
    build_triage_model,
    distress_in_any_language,
    load_triage_data,
    triage,
    triage_message,
)
from bot.assistant._triage import ALL_PATTERNS
from bot.assistant._target import names_foreign_body, names_licensing, question_target
from bot.assistant._triage_model import CLASSES, ESCALATE_AT, ModelVerdict, Settings
from tests.conftest import REPO

R = EscalationReason
DIM = len(CLASSES) + 6


def _vector(label: str, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = np.zeros(DIM)
    v[CLASSES.index(label)] = 1.0
    return v + rng.normal(0, noise, DIM)


@pytest.fixture(scope="module")
def toy_model() -> TriageModel:
    """A model whose classes sit on separate axes: a class's own axis is read as that class."""
    messages, vectors = [], []
    for label in CLASSES:
        for i in range(8):
            messages.append(LabelledMessage(f"{label} example {i}", label, "en"))
            vectors.append(_vector(label, 0.15, seed=hash((label, i)) % 1000))
    return TriageModel(messages, np.array(vectors), settings=Settings(lexical_weight=0.0))  # the vectors alone decide


_WORDS = {  # a phrase per class, which only the message's own words carry
    "answer": "which documents are needed", "human_request": "put me through to a person",
    "personal_eligibility": "sign off my dossier", "appeal": "contest their refusal",
    "complaint": "the clerk insulted me", "distress": "cannot sleep anymore", "legal_status": "law of return grandfather",
    "clinical": "antibiotic for otitis", "other_country": "licence in Ontario", "unrelated": "hummus recipe",
}


@pytest.fixture(scope="module")
def worded_model() -> TriageModel:
    """A model whose vectors are noise: only the messages' character and word n-grams tell the classes apart."""
    rng = np.random.default_rng(7)
    messages = [LabelledMessage(f"{_WORDS[label]} {tail}", label, "en") for label in CLASSES for tail in ("please", "thanks", "today", "now", "asap", "ok")]
    return TriageModel(messages, rng.normal(size=(len(messages), DIM)), settings=Settings(lexical_weight=1.0, word_weight=1.0))


# -- the data file ------------------------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w ]", " ", text.lower()).split())


def test_data_file_covers_every_class_in_three_languages_with_hard_negatives() -> None:
    messages = load_triage_data()
    assert len(messages) >= 600
    for label in CLASSES:
        for lang in ("en", "fr", "es"):
            assert sum(1 for m in messages if m.label == label and m.lang == lang) >= 10, (label, lang)
    answers = [m.text.lower() for m in messages if m.label == "answer"]
    # informational questions that look like escalations or clinical questions
    assert any("appeal" in a for a in answers) and any("patients" in a for a in answers)
    assert any("apelaci" in a for a in answers) and any("commission d'appel" in a for a in answers)


def test_data_file_shares_no_message_with_the_sets_that_measure_it() -> None:
    """The held-out sets measure triage on messages it never saw. (golden.yaml and dev*.yaml are
    read-and-tuned-on sets whose messages the data file holds since triage11: not checked here.)"""
    from bot.evaluation import HELD_OUT_ANSWER_SETS, HELD_OUT_TRIAGE_SETS

    trained = {_normal(m.text) for m in load_triage_data()}
    unseen = [
        item for path in HELD_OUT_ANSWER_SETS for item in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]
    held_out = [item for _, path in HELD_OUT_TRIAGE_SETS for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    measured = {_normal(i["question"]) for i in unseen} | {_normal(i["text"]) for i in held_out}
    assert measured and trained & measured == set()


def test_a_bad_data_file_is_named_with_its_problem(tmp_path: Path) -> None:
    bad = tmp_path / "triage.yaml"
    bad.write_text("answer:\n  en: ['ok']\nmaybe:\n  en: ['hm']\n", encoding="utf-8")
    with pytest.raises(TriageDataInvalid, match=r"triage.yaml: unknown class 'maybe'"):
        load_triage_data(bad)


# -- retraining when the data changes -------------------------------------------------------------


class CountingEmbedder:
    """Deterministic vectors from a hash of the text; counts what it was asked to embed."""

    name = "fake:counting"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        self.embedded += texts
        out = []
        for t in texts:
            seed = int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)
            out.append(np.random.default_rng(seed).normal(size=16).tolist())
        return out


def _small_data(path: Path, extra: str = "") -> Path:
    lines = []
    for label in CLASSES:
        lines.append(f"{label}:\n  en:")
        lines += [f"    - \"{label} message number {i}\"" for i in range(4)]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def test_model_is_retrained_when_the_data_file_changes_embedding_only_new_messages(tmp_path: Path) -> None:
    data, cache, embedder = _small_data(tmp_path / "data.yaml"), tmp_path / "cache", CountingEmbedder()
    first = build_triage_model(embedder, cache, data)
    assert len(embedder.embedded) == 4 * len(CLASSES)

    again = build_triage_model(embedder, cache, data)  # same file: vectors come from the cache
    assert len(embedder.embedded) == 4 * len(CLASSES) and again.fingerprint == first.fingerprint

    text = data.read_text(encoding="utf-8").replace('    - "unrelated message number 0"', '    - "unrelated message number 0"\n    - "a brand new recipe question"')
    data.write_text(text, encoding="utf-8")
    changed = build_triage_model(embedder, cache, data)
    assert embedder.embedded[-1:] == ["a brand new recipe question"]
    assert len(embedder.embedded) == 4 * len(CLASSES) + 1
    assert changed.fingerprint != first.fingerprint and len(changed.messages) == len(first.messages) + 1


def test_serving_arithmetic_matches_the_fitted_pipeline(toy_model: TriageModel) -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(20, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert np.allclose(toy_model.probabilities(vectors), toy_model._model.predict_proba(vectors, [""] * 20), atol=1e-6)


def test_serving_arithmetic_with_the_messages_words_matches_the_fitted_model(worded_model: TriageModel) -> None:
    rng = np.random.default_rng(4)
    vectors = rng.normal(size=(len(CLASSES), DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [f"{_WORDS[c]} for my file" for c in CLASSES]
    assert np.allclose(worded_model.probabilities(vectors, texts), worded_model._model.predict_proba(vectors, texts), atol=1e-6)


def test_the_messages_own_words_decide_what_the_embedding_blurs(worded_model: TriageModel) -> None:
    """Same meaningless vector, different words: "sign off my dossier" goes to a person,
    a licence in Ontario is declined as another country, a question about documents is answered."""
    vector = np.random.default_rng(9).normal(size=DIM)
    assert triage_message("then sign off my dossier") is None  # no rule: the model decides
    assert triage("then sign off my dossier", vector, worded_model).kind is TriageKind.ESCALATE
    ontario = triage("how do I get a licence in Ontario", vector, worded_model)
    assert ontario.kind is TriageKind.DECLINE and ontario.reason is R.OTHER_COUNTRY
    assert triage("which documents are needed", vector, worded_model).kind is TriageKind.ANSWER


# -- decision order and explanations ----------------------------------------------------------------


def test_model_escalation_says_class_score_and_nearest_examples(toy_model: TriageModel) -> None:
    decision = triage("a message no rule knows", _vector("legal_status"), toy_model)
    assert decision.kind is TriageKind.ESCALATE and decision.reason is R.LEGAL_STATUS
    assert decision.detail.startswith("model: legal_status 0.")
    assert "nearest: “legal_status example" in decision.detail


def test_rules_for_distress_and_a_person_win_over_the_model(toy_model: TriageModel) -> None:
    calm = _vector("answer")
    distress = triage("honestly I feel hopeless about all of this", calm, toy_model)
    assert distress.kind is TriageKind.ESCALATE and distress.reason is R.DISTRESS and distress.detail.startswith("rule:")
    person = triage("can I speak to a real person", _vector("unrelated"), toy_model)
    assert person.kind is TriageKind.ESCALATE and person.reason is R.HUMAN_REQUEST


def test_escalation_wins_when_the_escalation_classes_together_pass_the_threshold(toy_model: TriageModel) -> None:
    """Answer can be the single likeliest class and the message still go to a person."""
    mixed = 0.4 * _vector("answer") + 0.3 * _vector("appeal") + 0.3 * _vector("complaint")
    verdict = toy_model.classify(mixed)
    assert max(verdict.probabilities, key=verdict.probabilities.get) == "answer"
    assert verdict.escalation_score >= ESCALATE_AT
    assert triage("a message no rule knows", mixed, toy_model).kind is TriageKind.ESCALATE


@pytest.mark.parametrize("label, text", [
    ("clinical", "a message no rule knows"), ("unrelated", "a message no rule knows"),
    # another country's decline needs another place named (a question naming none is Israel's)
    ("other_country", "a message about Portugal no rule knows"),
])
def test_model_declines_with_its_reason(toy_model: TriageModel, label: str, text: str) -> None:
    decision = triage(text, _vector(label), toy_model)
    assert decision.kind is TriageKind.DECLINE and decision.reason is EscalationReason(label)
    assert f"model: {label}" in decision.detail


def test_without_a_vector_the_rules_decide_alone(toy_model: TriageModel) -> None:
    assert triage("what documents do I need", None, toy_model).kind is TriageKind.ANSWER
    assert triage("what dose of amoxicillin for a child with otitis", None, toy_model).reason is R.CLINICAL


# -- issue 8 item 13: distress in any language -------------------------------------------------------


@pytest.mark.parametrize("text", ["אני רוצה למות, אין לי כוח יותר", "Я больше не могу, хочу умереть", "ich will sterben"])
def test_distress_is_recognised_in_languages_the_bot_does_not_serve(text: str) -> None:
    decision = distress_in_any_language(text)
    assert decision is not None and decision.reason is R.DISTRESS and decision.kind is TriageKind.ESCALATE


def test_ordinary_hebrew_or_russian_is_not_distress() -> None:
    assert distress_in_any_language("שלום, אני רופא מצרפת ורוצה לעשות עלייה") is None
    assert distress_in_any_language("Здравствуйте, я врач из Москвы, как получить лицензию?") is None


# -- issue 8 item 12: linear patterns and a length cap ---------------------------------------------


def _catastrophic(pattern: re.Pattern[str]) -> list[str]:
    """Constructs that make a regex backtrack super-linearly: `.*`/`.+` and nested repeats."""
    import re._parser as sre_parse  # type: ignore[import-not-found]

    found: list[str] = []

    def walk(items, inside_repeat: bool) -> None:
        for op, arg in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, sub = arg
                unbounded = high == sre_parse.MAXREPEAT
                if unbounded and any(str(o) == "ANY" for o, _ in sub):
                    found.append("unbounded repeat of any character")
                if inside_repeat and unbounded:
                    found.append("unbounded repeat nested in a repeat")
                walk(sub, inside_repeat or unbounded or high > 1)
            elif name == "SUBPATTERN":
                walk(arg[-1], inside_repeat)
            elif name == "BRANCH":
                for branch in arg[1]:
                    walk(branch, inside_repeat)

    walk(sre_parse.parse(pattern.pattern), False)
    return found


def test_no_triage_pattern_can_backtrack_catastrophically() -> None:
    problems = {p.pattern[:60]: _catastrophic(p) for p in ALL_PATTERNS}
    assert {k: v for k, v in problems.items() if v} == {}


def test_a_crafted_forty_thousand_character_message_triages_fast(toy_model: TriageModel) -> None:
    """Repeated rule prefixes with no ending used to cost seconds of CPU (quadratic backtracking)."""
    crafted = ("am i eligible " * 1500 + "given my cv " * 1200 + "en mi caso " * 1200)[:40_000]
    started = time.process_time()  # CPU time of this process: other work on the machine does not count
    for _ in range(5):
        triage(crafted, _vector("answer"), toy_model)
        triage_message(crafted)
    per_message = (time.process_time() - started) / 10
    assert per_message < 0.2  # was 1–10 s; linear patterns over 4,096 characters take ~1 ms


def test_triage_reads_no_more_than_a_telegram_message() -> None:
    """Only the first 4,096 characters count: what Telegram can carry in one message."""
    assert MAX_TRIAGE_CHARS == 4096
    padding = "licence " * 600  # 4,800 characters
    assert triage_message(padding + "I want to talk to a human") is None
    assert triage_message("I want to talk to a human " + padding) is not None


def test_shipped_data_file_is_package_data() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert TRIAGE_DATA_FILE.parent.name == "assistant" and '"bot.assistant" = ["*.json", "*.yaml"]' in pyproject


def test_a_second_process_loads_the_fitted_model_from_the_cache_and_decides_the_same(tmp_path: Path, monkeypatch) -> None:
    """Fitting takes seconds; every `ask`, `chat` and bot start would pay them without the cache."""
    from bot.assistant import _triage_model

    data, cache, embedder = _small_data(tmp_path / "data.yaml"), tmp_path / "cache", CountingEmbedder()
    first = build_triage_model(embedder, cache, data)
    assert list(cache.glob("triage-serving-*.npz"))

    def no_fitting(*args, **kwargs):
        raise AssertionError("fitted again although the cache holds this data file's model")

    monkeypatch.setattr(_triage_model, "_fit", no_fitting)
    again = build_triage_model(embedder, cache, data)
    [vector] = embedder.embed_queries(["appeal message number 1"])
    assert again.classify(vector, "appeal message number 1") == first.classify(vector, "appeal message number 1")

    data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # the data file changed
    with pytest.raises(AssertionError, match="fitted again"):
        build_triage_model(embedder, cache, data)


def test_the_written_out_analysers_cut_every_labelled_message_as_scikit_learn_does() -> None:
    """Serving cuts messages into n-grams without scikit-learn; a gram cut differently would be a
    column read as zero, silently shifting decisions."""
    from collections import Counter

    from bot.assistant._triage_model import _analyser, _vectoriser, _word_vectoriser

    texts = [m.text for m in load_triage_data()] + ["  Ça   coûte\tcombien ?  l'oléo\n\nÉtats-Unis", "a", ""]
    for vectoriser in (_vectoriser(), _word_vectoriser()):
        theirs, ours = vectoriser.build_analyzer(), _analyser(vectoriser.analyzer, *vectoriser.ngram_range)
        for text in texts:
            assert Counter(ours(text)) == Counter(theirs(text)), (vectoriser.analyzer, text)


def test_a_process_that_answers_from_the_cached_model_never_imports_scikit_learn(tmp_path: Path) -> None:
    """Importing scikit-learn costs about two seconds of CPU at every bot start and CLI command."""
    import subprocess
    import sys

    data, cache = _small_data(tmp_path / "data.yaml"), tmp_path / "cache"
    probe = (
        "import sys; from pathlib import Path; from tests.assistant.test_triage_model import CountingEmbedder; "
        "from bot.assistant import build_triage_model; "
        f"m = build_triage_model(CountingEmbedder(), Path({str(cache)!r}), Path({str(data)!r})); "
        "[v] = CountingEmbedder().embed_queries(['appeal message number 1']); "
        "print(m.classify(v, 'appeal message number 1').label, 'sklearn' in sys.modules)"
    )
    runs = [subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    (label, fitted), (again, read) = (r.stdout.split() for r in runs)
    assert (fitted, read) == ("True", "False")  # the first one fits (and caches); the next one only reads
    assert again == label


def test_every_held_out_triage_set_is_valid_covers_each_language_and_repeats_no_other() -> None:
    from bot.evaluation import HELD_OUT_TRIAGE_SETS, load_triage_set

    seen_ids: set[str] = set()
    seen_texts: set[str] = set()
    # every triage set on disk is checked, and reported by `medaliyah eval` (the four oldest were
    # retired into the data file: a set left on disk but not listed would measure nothing)
    # (triage_dev*.yaml are development sets, read and worked on: not held out)
    on_disk = {p.name for p in (REPO / "bot/eval").glob("triage_*.yaml") if not p.name.startswith("triage_dev")}
    assert on_disk == {path.name for _, path in HELD_OUT_TRIAGE_SETS} and len(on_disk) >= 3
    for _, path in HELD_OUT_TRIAGE_SETS:
        items = load_triage_set(path)
        assert len({i.id for i in items}) == len(items), path.name
        # each set measures something the others do not: no id or message shared between them
        assert not {i.id for i in items} & seen_ids and not {_normal(i.text) for i in items} & seen_texts, path.name
        seen_ids |= {i.id for i in items}
        seen_texts |= {_normal(i.text) for i in items}
        for lang in ("en", "fr", "es"):
            labels = {i.label for i in items if i.lang == lang}
            # each language has messages to answer and messages to catch; every set but triage_fresh16 (distress
            # beside a practical question, one boundary) has declines too
            assert "answer" in labels and labels - {"answer"}, (path.name, lang)
            if path.name != "triage_fresh16.yaml":
                assert {"clinical", "other_country"} <= labels, (path.name, lang)


class _SaysOtherCountry:
    """A model stub that reads every message as another country's licensing (leaning, 0.8, unless
    told how sure it is)."""

    def __init__(self, sure: float = 0.8) -> None:
        self.sure = sure

    def classify(self, vector, text=None) -> ModelVerdict:
        probabilities = {c: 0.0 for c in CLASSES} | {"other_country": self.sure, "answer": 1.0 - self.sure}
        return ModelVerdict("other_country", self.sure, probabilities, ())


@pytest.mark.parametrize("text", [
    "Estudié en Madrid y soy pediatra, ¿cómo obtengo la licencia en Israel?",
    "Diplômé en Argentine, quelle voie pour exercer en Israël ?",
    "I trained in Chile, does the green track apply to me?",
    # Israel's language and currency name the place too
    "Diplômé à Louvain : faut-il faire traduire le diplôme en hébreu ou l'anglais suffit ?",
    "Me recibí en Lima, ¿cuántos shekels devuelven por la traducción de los títulos?",
])
def test_a_foreign_diploma_question_about_israel_is_answered_not_declined(text: str) -> None:
    decision = triage(text, [1.0, 0.0], _SaysOtherCountry())  # type: ignore[arg-type]
    assert decision.kind is TriageKind.ANSWER and "asks about Israel" in decision.detail


@pytest.mark.parametrize("text", [
    "How do I get my medical degree recognised in Spain?",
    "Soy médico en Israel y me quiero ir a Dubái, ¿cómo saco la licencia?",
])
def test_another_country_question_is_still_declined(text: str) -> None:
    decision = triage(text, [1.0, 0.0], _SaysOtherCountry())  # type: ignore[arg-type]
    assert decision.kind is TriageKind.DECLINE and decision.reason is EscalationReason.OTHER_COUNTRY


@pytest.mark.parametrize("text, place", [
    # another country is where the doctor wants to practise, whatever the origin (Israel included)
    ("I trained in Israel and want to practise in Germany, what does the Approbation take?", "foreign"),
    ("Je suis médecin en Israël et j'aimerais partir m'installer au Canada.", "foreign"),
    ("Me recibí en Tel Aviv y quiero volver a trabajar a Uruguay, ¿cómo revalido?", "foreign"),
    ("Can I work as a doctor in Spain with my Israeli licence?", "foreign"),
    # a foreign country as the origin, Israel as the place
    ("My diploma is from Poland, is it recognised in Israel?", "israel"),
    ("Diplômée de Liège, est-ce que je peux exercer en Israël sans examen ?", "israel"),
    ("Estudié en Bogotá, ¿Israel me reconoce el título?", "israel"),
    # whether something is of use there names the place ("¿me sirve en…?"), whatever was planned before
    ("¿Mi título israelí me sirve en Portugal o tengo que revalidar allá?", "foreign"),
    ("Los cursos que hice pensando en irme a Canadá, ¿me sirven en Israel?", "israel"),
    # a job looked for there is a target, a job held there an origin
    ("Para una médica latinoamericana, ¿es difícil conseguir trabajo en Suecia?", "foreign"),
    # no place at all, or only an origin: nothing for another country
    ("¿cómo hago para que me reconozcan la especialidad de cardiología?", "none"),
    ("I trained in Romania and worked 10 years in Italy, how long does the licence take?", "none"),
    # places from the longer list (bot/assistant/foreign_places.yaml), and bodies "of" a place
    ("Je suis pneumologue à Rennes et on m'a proposé un poste à Winnipeg, comment ça marche ?", "foreign"),
    ("¿Cuánto tarda la matrícula en la provincia de Mendoza para un médico formado en Cuba?", "foreign"),
    ("Comment être reconnue par le Collège des médecins du Québec quand on est diplômée de Lille ?", "foreign"),
    ("What does a practising licence in Oman require for a GP trained in Egypt?", "foreign"),
    # a licence sought from a body names the body's country as the goal, not an origin (en-dev26-20); one held does not
    ("Before aliyah we may spend two years near my in-laws: how do I get a permit from the Collège des médecins du Québec?", "foreign"),
    ("¿Cómo saco la licencia del Colegio de Médicos de Chile?", "foreign"),
    ("I hold a licence from the Collège des médecins du Québec: which documents does the ministry need for aliyah?", "israel"),
    # Israel as a later plan, or one option, is not the target when another place has a cue word
    ("We'll do three years in Ohio first: how do I get registered in Ohio before we eventually move to Israel?", "foreign"),
    ("On hésite entre l'alya et la Suisse : comment exercer en Suisse avec un diplôme belge ?", "foreign"),
    ("Mi hija quiere estudiar en Hungría y luego ejercer en Israel, ¿qué tiene que revisar?", "israel"),
    # "avant de nous installer en": the joining words count for nothing in how near "avant" stands
    ("Avant de nous installer en Israël on passe deux ans à Genève : comment obtenir l'autorisation d'exercer en Suisse ?", "foreign"),
    ("Avant de pouvoir exercer en Israël, quels documents dois-je faire certifier ?", "israel"),
    # the program's term followed by "eventually", "después", "plus tard": a later plan, not the place
    ("We'll make aliyah eventually, but first two years in Calgary: how do I book the MCCQE?", "israel-named"),
    ("Primero queremos vivir unos años en Montevideo y la aliá después. ¿Cómo revalido mi título allá?", "israel-named"),
    # "first … then" the program's term: a later plan too (alone, "then" tells the whole plan, as above), and
    # another place with a cue word wins
    ("Pensamos hacer primero la residencia en Santiago y después la aliá. ¿Cómo revalido el título en Chile?", "foreign"),
    ("First two years in Leeds for my husband's job, then aliyah: how do I join the GMC register?", "israel-named"),
    ("On fera notre alya plus tard ; d'abord trois ans à Québec : comment s'inscrire au Collège des médecins ?", "israel-named"),
    ("On fait notre alya en juin, mais d'abord je dois finir mon internat à Lyon : quels documents pour la licence ?", "israel"),
    # "le stage à Hadassah" is an internship at a hospital, not the Green Track's Stage A
    ("On a fait notre alya en 2017, j'ai fait le stage à Hadassah. On veut rentrer en France : l'Ordre reconnaîtra ma spécialité ?", "foreign"),
    ("Combien de temps dure le Stage A du Green Track ?", "israel"),
    # "become a registered doctor in Israel" is a goal (see the test below for "I'm a registered doctor in Israel")
    ("How do I become a registered doctor in Israel?", "israel"),
    # another system's exam or visa as the aim, when Israel is not named at all
    ("c'est quoi les démarches pour avoir la carte verte quand on est médecin ?", "foreign"),
    ("Quiero presentarme al ENARM el año que viene, ¿cuántas plazas hay?", "foreign"),
    # leaving Israel for another place
    ("On quitte Israël pour Lausanne en septembre, quelles démarches pour mon autorisation ?", "foreign"),
    # a move planned in the first person plural
    ("Trabajo en Valencia con el MIR hecho y queremos instalarnos en Tel Aviv, ¿cómo reconocen la especialidad?", "israel"),
])
def test_the_target_of_a_question_is_where_the_doctor_wants_to_practise(text: str, place: str) -> None:
    target = question_target(text)
    assert target.place == place, target
    if place == "none":
        assert not target.foreign_named  # an origin alone is not another country's question


def test_a_registered_doctor_in_israel_is_where_the_doctor_is_not_where_they_go() -> None:
    target = question_target(
        "I'm a registered doctor in Israel and my partner got a postdoc in Dublin: how does the Medical Council register me?"
    )
    assert target.place != "israel" and target.foreign_named and "registered" in target.israel_origin


@pytest.mark.parametrize("text", [
    "Do I need to get my ECFMG certificate apostilled for the ministry?",  # the ministry is Israel's
    "Diplômée de Lyon, dois-je passer le USMLE pour être exemptée de l'examen ?",  # the exemption is Israel's
    "¿Sacar el MIR de España me sirve en Israel?",  # Israel named: the system word is no target
    # "de Israel" after an exam's name is whose exam it is, not where the doctor comes from (es-dev25-10)
    "el examen de revalida de israel se puede rendir en castellano o tengo q saber ingles si o si??",
])
def test_another_system_named_beside_israel_is_not_the_target(text: str) -> None:
    assert question_target(text).place != "foreign"


@pytest.mark.parametrize("text", [
    "¿Cuánto cuesta el examen de allá?",  # "over there" is Israel, seen from abroad
    "how do I get my cardiology recognised, and how long does it take?",
    "Formé à Bucarest, combien de temps prend la licence ?",
    # a move made is where the doctor is now, not where they want to go
    "Je suis parti en Belgique après mes études à Alger, j'y travaille comme urgentiste : l'examen israélien est-il obligatoire pour moi ?",
])
def test_a_question_naming_no_other_country_but_as_origin_is_answered(text: str) -> None:
    decision = triage(text, [1.0, 0.0], _SaysOtherCountry())  # type: ignore[arg-type]
    assert decision.kind is TriageKind.ANSWER and "target: none" in decision.detail


@pytest.mark.parametrize("text", [
    # another system's exams and bodies the place lists do not hold: the target reading is silent
    "Is the MMC recruitment round for ST1 posts open yet?",
    "Les résultats des ECOS nationaux sortent quand cette année ?",
    "¿Cuánto tarda el SENESCYT en registrar un título de Cuba?",
])
def test_a_silent_target_reading_leaves_a_sure_other_country_reading_standing(text: str) -> None:
    """Names the reading does not know are no evidence the question is Israel's: a sure model
    declines it; a model that only leans does not (the bot's subject is the default)."""
    target = question_target(text)
    assert target.place == "none" and not target.foreign_named
    sure = triage(text, [1.0, 0.0], _SaysOtherCountry(sure=0.95))  # type: ignore[arg-type]
    assert sure.kind is TriageKind.DECLINE and sure.reason is EscalationReason.OTHER_COUNTRY, sure.detail
    assert "no place read as the goal" in sure.detail
    leaning = triage(text, [1.0, 0.0], _SaysOtherCountry(sure=0.8))  # type: ignore[arg-type]
    assert leaning.kind is TriageKind.ANSWER


@pytest.mark.parametrize("text", [
    # Israel only by the program's word: an aliyah planned and dropped (in the question's own sentence: asked after
    # it, another system's exam is the question's, and a leaning model declines it)
    "We had planned our aliyah for next year, but my wife got a post in Toronto instead: is the MCCQE1 mandatory for a family doctor?",
    "On avait prévu notre alya, mais finalement on reste en France : le DPC est-il obligatoire chaque année ?",
    # Israel only by a bare "in Israel": where the doctor is, going elsewhere
    "Soy residente en Israel y me ofrecieron una rotación en Chile, ¿necesito el EUNACOM?",
])
def test_a_sure_other_country_reading_outweighs_israel_named_only_by_the_programs_word_or_in_israel(text: str) -> None:
    sure = triage(text, [1.0, 0.0], _SaysOtherCountry(sure=0.99))  # type: ignore[arg-type]
    assert sure.kind is TriageKind.DECLINE and sure.reason is EscalationReason.OTHER_COUNTRY, sure.detail
    leaning = triage(text, [1.0, 0.0], _SaysOtherCountry(sure=0.9))  # type: ignore[arg-type]
    assert leaning.kind is TriageKind.ANSWER, leaning.detail


@pytest.mark.parametrize("text", [
    "I trained in Chile and want to practise in Israel, how does it work?",
    "Formée à Montpellier et en poste à Genève, quelles démarches pour exercer en Israël après notre alya ?",
])
def test_israel_with_a_cue_word_of_its_own_is_never_overruled_by_the_model(text: str) -> None:
    decision = triage(text, [1.0, 0.0], _SaysOtherCountry(sure=0.999))  # type: ignore[arg-type]
    assert decision.kind is TriageKind.ANSWER, decision.detail


@pytest.mark.parametrize("text", [
    "Emergency doctor in Montreal; we're looking at schools in Jerusalem. Should we open the licence file before leaving?",
    "Consultant physician in Mumbai for 17 years, my daughter studies in Haifa: what does the long-experience route ask of me?",
])
def test_an_israeli_place_named_outweighs_an_unsure_other_country_reading(text: str) -> None:
    unsure = triage(text, [1.0, 0.0], _SaysOtherCountry(sure=0.6))  # type: ignore[arg-type]
    assert unsure.kind is TriageKind.ANSWER, unsure.detail
    sure = triage(text, [1.0, 0.0], _SaysOtherCountry(sure=0.95))  # type: ignore[arg-type]
    assert sure.kind is TriageKind.DECLINE and sure.reason is EscalationReason.OTHER_COUNTRY, sure.detail


def test_another_systems_exam_beside_the_program_is_declined_only_when_the_model_reads_it_so() -> None:
    """"How do I get AHPRA registration?" beside the Green Track names a goal abroad, which decides only with the
    model's other-country reading: a program question naming such an exam stays the program's."""
    text = "Since Britain is on the Green Track list: we'll do two years in Perth first, so how do I get AHPRA registration?"
    assert "ahpra" in question_target(text).foreign_beside_program
    assert triage(text, [1.0, 0.0], _SaysAnswer()).kind is TriageKind.ANSWER  # type: ignore[arg-type]


def test_another_systems_licence_asked_after_a_story_naming_aliyah_is_declined_when_the_model_leans_so() -> None:
    """es-dev28-20: a cousin's claim that "después se puede hacer la aliá igual" was read as the doctor's goal, and the
    question that followed it, about Dubai's DHA licence, was answered with the pathway's steps. The program's word in
    the story does not make the question sentence Israel's; the same question naming Israel stays the program's."""
    story = "Mi primo que es médico en Dubái dice que allá pagan el triple y que después se puede hacer la aliá igual. "
    text = story + "¿Qué examen pide la DHA de Dubái a un internista venezolano y cuánto tarda la licencia allá?"
    assert "dha" in question_target(text).foreign_beside_program
    leaning = triage(text, [1.0, 0.0], _SaysOtherCountry(sure=0.75))  # type: ignore[arg-type]
    assert leaning.kind is TriageKind.DECLINE and leaning.reason is EscalationReason.OTHER_COUNTRY, leaning.detail
    assert triage(text, [1.0, 0.0], _SaysAnswer()).kind is TriageKind.ANSWER  # type: ignore[arg-type]
    dropped = "We had planned our aliyah for next year, but my wife got a post in Toronto instead. Is the MCCQE1 mandatory for a family doctor?"
    assert triage(dropped, [1.0, 0.0], _SaysOtherCountry(sure=0.9)).kind is TriageKind.DECLINE  # type: ignore[arg-type]
    for israel_asked in (
        story + "¿La licencia de la DHA me sirve para la licencia israelí?",
        story + "¿Qué examen pide la DHA y qué me piden para la aliá?",
    ):
        assert not question_target(israel_asked).foreign_beside_program, israel_asked


def test_a_place_in_the_story_does_not_outweigh_a_question_sentence_naming_israel() -> None:
    """fr-dev29-05: an Argentine doctor who "never got the authorisation to practise in France" and asks whether WFME
    recognition "exempts me from the exam in Israel" was declined as a question about France. Told before a question
    sentence that names Israel, the other place is the story's; asked about, it is still a goal."""
    story = "Je vis à Nice depuis 2021 et je n'ai jamais obtenu l'autorisation d'exercer en France. On veut faire l'alya. "
    text = story + "Est-ce que la reconnaissance WFME me dispense de l'examen en Israël ?"
    assert question_target(text).foreign_beside_program == ""
    assert triage(text, [1.0, 0.0], _SaysOtherCountry(sure=0.76)).kind is TriageKind.ANSWER  # type: ignore[arg-type]
    asked = "On veut faire l'alya, mais d'ici là : comment obtenir l'autorisation d'exercer en France ?"
    assert "france" in question_target(asked).foreign_beside_program
    assert triage(asked, [1.0, 0.0], _SaysOtherCountry(sure=0.76)).kind is TriageKind.DECLINE  # type: ignore[arg-type]


def test_a_step_of_the_israeli_file_is_answered_even_when_the_model_is_sure() -> None:
    decision = triage("Is USMLE Step 1 enough or do I also need Step 2 CK?", [1.0, 0.0], _SaysOtherCountry(sure=0.99))  # type: ignore[arg-type]
    assert decision.kind is TriageKind.ANSWER


@pytest.mark.parametrize("text", [
    # Israel named only by the program's words ("aliyah", "Hebrew U"), another place with a cue of its own
    "Before our aliyah I'd like two years of fellowship abroad: how do I get licensed in Ontario?",
    "Hebrew U graduate, practising here for years; how do I register to practise in New Zealand?",
    # studies finished in Israel are an origin, not the place
    "Mon fils a fini médecine en Israël, il voudrait faire sa spécialité en Belgique, quelles démarches ?",
    # another system's register or exam the doctor wants to get, beside the program's word only
    "Since Britain is on the Green Track list: we'll do two years in Perth first, so how do I get AHPRA registration?",
])
def test_another_country_read_by_the_model_is_not_overturned_by_a_word_that_names_israel_only_as_context(text: str) -> None:
    decision = triage(text, [1.0, 0.0], _SaysOtherCountry())  # type: ignore[arg-type]
    assert decision.kind is TriageKind.DECLINE and decision.reason is EscalationReason.OTHER_COUNTRY, decision.detail


class _SaysAnswer:
    """A model stub that reads every message as a program question."""

    def classify(self, vector, text=None) -> ModelVerdict:
        probabilities = {c: 0.0 for c in CLASSES} | {"answer": 0.9, "other_country": 0.1}
        return ModelVerdict("answer", 0.9, probabilities, ())


def test_practising_elsewhere_is_declined_even_when_the_model_reads_a_program_question() -> None:
    decision = triage("After my residency in Haifa I'd like to move to Australia, how does registration work?", [1.0, 0.0], _SaysAnswer())  # type: ignore[arg-type]
    assert decision.kind is TriageKind.DECLINE and decision.reason is EscalationReason.OTHER_COUNTRY
    assert "move … australia" in decision.detail  # the advisor sees the words that decided it
    kept = triage("After my residency in Haifa, can I get my specialty recognised?", [1.0, 0.0], _SaysAnswer())  # type: ignore[arg-type]
    assert kept.kind is TriageKind.ANSWER


@pytest.mark.parametrize("text", [
    "Médecin aux HUG à Genève : la Suisse est-elle sur la liste des pays dispensés ?",
    "I work in Dublin - is Ireland on the exemption list?",
    "Trabajo en Montevideo, ¿Uruguay está en la lista de países exentos?",
])
def test_the_exam_exemption_list_is_israels_even_from_a_doctor_working_abroad(text: str) -> None:
    decision = triage(text, [1.0, 0.0], _SaysOtherCountry())  # type: ignore[arg-type]
    assert decision.kind is TriageKind.ANSWER and "asks about Israel" in decision.detail


def test_a_weak_escalation_reading_under_a_clear_answer_is_answered_a_strong_one_escalates() -> None:
    """Out of fold, nine in ten model escalations between 0.30 and 0.40 were needless (eighth round);
    escalation classes together at 0.45 still hand over even with "answer" the likeliest class."""
    from bot.assistant._triage_model import decide

    assert decide({"answer": 0.63, "personal_eligibility": 0.37})[0] == "answer"
    assert decide({"answer": 0.55, "appeal": 0.25, "complaint": 0.20}) == ("appeal", pytest.approx(0.45))


def test_the_floor_moves_with_the_models_confidence_and_only_for_clinical_or_unrelated_upwards() -> None:
    from bot.assistant._triage_model import FLOOR_SHIFT, floor_shift

    assert floor_shift({"answer": 1.0})[0] == pytest.approx(-FLOOR_SHIFT)
    assert floor_shift({"answer": 0.75, "appeal": 0.25})[0] == pytest.approx(-FLOOR_SHIFT / 2)
    assert floor_shift({"answer": 0.5, "appeal": 0.3, "unrelated": 0.2}) == (0.0, "")
    assert floor_shift({"unrelated": 0.45, "answer": 0.40, "clinical": 0.15}) == (FLOOR_SHIFT, "unrelated")
    assert floor_shift({"clinical": 0.42, "answer": 0.38, "other_country": 0.2}) == (FLOOR_SHIFT, "clinical")
    # another country's reading is the question's target's to settle, not the floor's
    assert floor_shift({"other_country": 0.55, "answer": 0.45}) == (0.0, "")
    assert floor_shift({}) == (0.0, "")


def test_the_foreign_places_file_names_no_israeli_place_and_reads_each_entry_as_a_place() -> None:
    from bot.assistant import _target

    raw = yaml.safe_load(_target.PLACES_FILE.read_text(encoding="utf-8"))
    places = [p for group in raw["places"].values() for p in group]
    for name in places + raw["systems"]:
        folded = _target.fold(name)
        assert folded == name, f"{name!r} is written accent-folded and lower-case"
        assert not re.search(rf"\b(?:{_target._ISRAEL})\b", folded) and not _target._PROGRAM_TERMS.search(folded), name
    for name in places:
        assert question_target(f"I want to practise in {name.title()}").place == "foreign", name


@pytest.mark.parametrize("text", [
    "Is USMLE Step 1 enough or do I also need Step 2 CK?",
    "j'ai validé l'USMLE, c'est quoi la suite ?",
    "¿Sirve el USMLE que rendí hace 10 años?",
    "la lettre du GMC, comment je l'obtiens ?",
    "How do I get the letter from my state medical board?",
])
def test_a_foreign_exam_or_body_that_is_a_step_of_the_israeli_file_is_not_another_countrys_question(text: str) -> None:
    """The USMLE exempts from Israel's exam and the GMC writes the good-standing letter: asked about
    without naming Israel, they are the bot's subject, whatever the model leans to."""
    from bot.assistant._triage import settle_other_country

    assert question_target(text).place != "foreign"
    assert settle_other_country(text, "answer")[0] == "answer"
    assert settle_other_country(text, "other_country")[0] == "answer"
    # another system, not part of an Israeli file, still reads as the target
    assert settle_other_country("Do I need to pass PLAB?", "answer")[0] == "other_country"


def test_every_step_of_the_israeli_file_listed_is_named_in_the_guidance() -> None:
    from bot.assistant import _target

    listed = yaml.safe_load(_target.PLACES_FILE.read_text(encoding="utf-8"))["israeli_file"]
    guidance = _target.fold(" ".join(p.read_text(encoding="utf-8") for p in (REPO / "knowledge").glob("*/*.md")))
    for name in listed:
        assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", guidance), f"{name!r} is not named in the guidance"


@pytest.mark.parametrize("text", [
    # a past aliyah is where the doctor is now, not where they want to go
    "We made aliyah in 2017 and I work at Sheba; my wife wants to go back to Toronto, how do I get registered with the CPSO again?",
    "Depuis notre alyah je suis urgentiste à Ashdod ; on pense rentrer en Belgique, faut-il repasser par l'INAMI ?",
    "Ya hice aliá hace tres años y trabajo en Haifa, ¿cómo vuelvo a colegiarme en Madrid?",
    # a doctor living, working or licensed in Israel who names another country's licence, no cue word
    "I'm an Israeli-licensed anaesthetist with a contract offer from a hospital in Ohio, which visa is usual for doctors?",
    "Je suis médecin en Israël depuis dix ans. L'Ordre des médecins du Sénégal exige-t-il un examen pour une mission de six mois ?",
    "Vivo en Israel y soy cirujana; ¿cómo se homologa el título israelí en Italia?",
    # the body named "of" the country is no origin: "el Express Entry de Canadá"
    "Estoy en Israel con licencia israelí: ¿cómo funciona el Express Entry de Canadá para médicos?",
    # "je suis médecin olé": an oleh already, so the program's words name where the doctor is (dev13)
    "Je suis médecin olé, licence israélienne définitive. On envisage de partir s'installer à Montréal : le Collège "
    "des médecins du Québec reconnaît-il la licence israélienne ?",
])
def test_a_doctor_already_based_in_israel_asking_about_another_country_is_declined(text: str) -> None:
    decision = triage(text, [1.0, 0.0], _SaysAnswer())  # type: ignore[arg-type]
    assert decision.kind is TriageKind.DECLINE and decision.reason is EscalationReason.OTHER_COUNTRY, decision.detail


class _SureItIsAnAnswer:
    """A model stub that reads every message as a program question and gives another country no weight."""

    def classify(self, vector, text=None) -> ModelVerdict:
        probabilities = {c: 0.0 for c in CLASSES} | {"answer": 0.98, "other_country": 0.01}
        return ModelVerdict("answer", 0.98, probabilities, ())


def test_a_doctor_based_in_israel_is_not_read_as_leaving_when_the_model_gives_it_no_weight() -> None:
    """dev12: an oleh's own delayed file, the state board named as who sent the good-standing letter."""
    text = ("EM doc from New Jersey, made aliyah in March. My file is complete, good-standing letter sent directly by "
            "the state board, but three months and no decision. Is there an appeal when the ministry doesn't decide?")
    assert triage(text, [1.0, 0.0], _SureItIsAnAnswer()).kind is TriageKind.ANSWER  # type: ignore[arg-type]
    leaving = "We made aliyah in 2017 and I work at Sheba; how do I get registered with the CPSO again in Toronto?"
    assert triage(leaving, [1.0, 0.0], _SaysAnswer()).reason is EscalationReason.OTHER_COUNTRY  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [
    # a plan, not a past aliyah ("on fait l'alyah cet été"), and "fait partie" does no aliyah
    "Je suis interne à Nantes et on fait l'alyah cet été : je peux finir mon internat en Israël ?",
    "La Suisse fait partie des pays dispensés ? Je suis généraliste à Genève.",
    # the doctor's own authorisation or registration abroad is an origin
    "J'ai obtenu mon autorisation d'exercice en France l'an dernier, suis-je dispensé de l'examen ?",
    "I hold registration with the Medical Board of Australia, does it exempt me from the exam in Israel?",
    # "for the Israeli ministry" is the aim; "an Israeli graduate" a category
    "I did my residency in Chicago; for the Israeli ministry, am I an Israeli graduate or an overseas graduate?",
    # "recognition work in Israel" is no doctor working there
    "I'm a board certified internist in Ohio, how does specialty recognition work in Israel?",
    # studying abroad first, then Israel
    "Mi hijo quiere estudiar medicina en Hungría y después irse a vivir a Israel, ¿le reconocen el título?",
    # the exemption from the Israeli exam is no origin of the doctor's
    "Twelve years as a hospitalist in the US on an H-1B: do those years count toward the exemption from the Israeli exam?",
    # a doctor from Lyon asking about the Israeli exam
    "Médecin à Lyon depuis 2012 : pour Israël, est-ce que je dois passer l'examen ?",
    # a relative's aliyah is where the family is, not the doctor's base
    "Family physician in Cape Town, UCT grad. My brother made aliyah to Raanana last year. Do I need to write the Israeli licensing exam?",
    "Mes enfants ont fait leur alyah l'an dernier ; généraliste à Marseille depuis 15 ans, dois-je passer l'examen israélien ?",
    "Mi hija ya hizo aliá y vive en Haifa; soy pediatra en Rosario, ¿tengo que rendir el examen israelí?",
])
def test_a_doctor_coming_to_israel_who_names_another_country_is_answered(text: str) -> None:
    decision = triage(text, [1.0, 0.0], _SaysAnswer())  # type: ignore[arg-type]
    assert decision.kind is TriageKind.ANSWER, decision.detail


@pytest.mark.parametrize("text", [
    "In 2021, hoping to move to the US, I passed USMLE Step 1 and Step 2 CK but never matched. My parents live in Haifa now. "
    "Are those exams worth anything in Israel?",
    "En 2022, pensando en irme a Canadá, rendí el MCCQE1. Ahora vivimos en Lima y mi esposa quiere la aliá. ¿Eso me sirve de algo en Israel?",
])
def test_a_move_abroad_told_as_a_past_plan_before_a_question_about_israel_is_answered(text: str) -> None:
    """The other place is the story's; the question sentence asks about Israel (es-dev21-05 was declined)."""
    assert question_target(text).place == "israel", question_target(text)
    assert triage(text, [1.0, 0.0], _SaysAnswer()).kind is TriageKind.ANSWER  # type: ignore[arg-type]
    # asked about in a question of its own, the other place is still the goal
    both = "How do I get my Israeli title recognised by the Royal College in Canada? Is there a route for Israel or not?"
    assert question_target(both).place == "foreign"


def test_years_weighed_somewhere_by_an_oleh_make_it_the_place_they_are_going() -> None:
    """"Made aliyah … now we're thinking of a few years in Sydney": years weighed are a plan, not years spent
    there; the program's words name where the doctor is, and Sydney where they go (dev21)."""
    text = ("Made aliyah in 2019 and got my specialty through the Maslul Yarok. We're now considering two years in Auckland: "
            "does my Green Track recognition carry over to the Medical Council there?")
    target = question_target(text)
    assert target.israel_base and "auckland" in target.foreign_beside_program, target
    assert triage(text, [1.0, 0.0], _SaysAnswer()).reason is EscalationReason.OTHER_COUNTRY  # type: ignore[arg-type]
    assert question_target("I have a few years in Auckland behind me; do I need the Israeli exam?").place != "foreign"


def test_a_past_aliyah_no_longer_makes_israel_the_target_a_planned_one_still_does() -> None:
    done = question_target("I made aliyah in 2019 and now I want to get a fellowship in Boston, how do I apply?")
    assert done.place == "foreign" and done.israel_base
    planned = question_target("We make aliyah next summer; I trained in Boston, how do I apply for the licence?")
    assert planned.place == "israel" and not planned.israel_base
    relative = question_target("My brother made aliyah last year and my Cape Town practice is slow: do I need the Israeli exam?")
    assert not relative.israel_base
    assert not question_target("He made aliyah last year; I'm a GP in Leeds, do I need the Israeli exam?").israel_base
    assert question_target("Ya he hecho la aliá y trabajo en Haifa, ¿cómo vuelvo a colegiarme en Madrid?").israel_base


@pytest.mark.parametrize("text, place", [
    # the program set aside is no target: another system asked about alone is
    ("off topic for aliyah, sorry: how long is the wait for a PLAB 2 slot?", "foreign"),
    # another country's authorisation named by its adjective
    ("Danish authorisation for doctors, how long does it take?", "foreign"),
    # Israel's ministry acting, and "para el examen israelí" in Spanish order
    ("Does the Israeli ministry accept a Romanian residency certificate?", "israel"),
    ("Hice la residencia en Lima, ¿sirve para el examen israelí?", "israel"),
    # a work visa or permit for a place is wanted there
    ("¿visa de trabajo para Noruega siendo médica peruana?", "foreign"),
])
def test_more_ways_a_question_names_its_target(text: str, place: str) -> None:
    assert question_target(text).place == place, question_target(text)


def test_an_adjective_that_says_who_the_writing_doctor_is_names_no_other_country() -> None:
    assert not question_target("je pratique à Liège depuis vingt ans, quel délai pour moi comme médecin belge ?").foreign_named
    assert question_target("quelles conditions pour qu'un médecin tunisien exerce en Belgique ?").foreign_named


@pytest.mark.parametrize("text", [
    # the Israeli exam as the aim, and registrations the new oleh still holds abroad
    "Chilean cardiologist, 15 years in Santiago: can I take the Israeli exam in Spanish?",
    "Nous avons fait notre alya cet hiver et je suis encore inscrite à l'Ordre en Belgique : faut-il le rester pendant le dossier en Israël ?",
    "Hicimos aliá en marzo y sigo con la matrícula uruguaya al día, ¿la necesito para la licencia en Israel?",
])
def test_a_new_oleh_who_still_holds_a_registration_abroad_is_answered(text: str) -> None:
    decision = triage(text, [1.0, 0.0], _SaysAnswer())  # type: ignore[arg-type]
    assert decision.kind is TriageKind.ANSWER, decision.detail


@pytest.mark.parametrize("text", [
    "Degree from Minsk, then 8 years in Austria. How does licensing work in Israel for me?",
    "I've worked in Perth for years with an Australian degree, is Australia an exempt country?",
])
def test_israel_as_the_place_by_its_exemption_list_or_a_process_that_works_there(text: str) -> None:
    decision = triage(text, [1.0, 0.0], _SaysOtherCountry())  # type: ignore[arg-type]
    assert decision.kind is TriageKind.ANSWER, decision.detail


def test_asking_the_team_to_speak_to_the_ministry_for_the_doctor_escalates() -> None:
    from bot.assistant._triage import triage_message

    for text in (
        "can you tell the ministry that I meet the 14-year rule?",
        "pouvez-vous dire au ministère que j'ai bien mes 14 ans d'exercice ?",
        "¿me pueden avisar al ministerio que ya mandé todo?",
    ):
        decision = triage_message(text)
        assert decision is not None and decision.kind is TriageKind.ESCALATE, text
    assert triage_message("how do I contact the ministry about my file?") is None


@pytest.mark.parametrize("text, place", [
    # French "part" after its subject is a move; recognition or equivalence after "my" is sought, not held
    ("Mon mari part à Genève l'an prochain, comment obtient-il son autorisation ?", "foreign"),
    ("Mon équivalence en Italie, où faut-il la demander ?", "foreign"),
    ("Mi homologación en España, ¿cuánto tarda?", "foreign"),
])
def test_a_move_or_a_recognition_sought_abroad_is_the_target(text: str, place: str) -> None:
    assert question_target(text).place == place, question_target(text)


def test_an_equivalence_already_obtained_abroad_is_where_the_doctor_works_not_the_target() -> None:
    """An Argentine surgeon in Geneva "après avoir obtenu l'équivalence suisse" asking "pour Israël" whether
    the exam can be sat in Spanish was told the bot covers Israel only (fr-dev17-09)."""
    text = ("Je suis chirurgien, formé à Buenos Aires, et j'exerce à Genève depuis 2008 après avoir obtenu "
            "l'équivalence suisse. Pour Israël : l'examen de licence peut-il se passer en espagnol ?")
    assert question_target(text).place == "israel", question_target(text)
    assert question_target("Obtuve la homologación española en 2015, ¿me sirve para la licencia israelí?").place != "foreign"
    assert question_target("¿Cómo consigo la homologación en España?").place == "foreign"  # one still sought


def test_an_unqualified_ministry_beside_another_country_is_not_israels() -> None:
    assert question_target("En Suisse, le ministère reconnaît-il les diplômes israéliens ?").foreign_named
    from bot.assistant._triage import triage_message

    assert triage_message("Do I need a letter from you or from the ministry?") is None  # a question, not a request


@pytest.mark.parametrize("text", [
    # a new oleh asking about their own foreign credential, no other country as the place
    "We live in Haifa now; my UK CCT in anaesthetics, how is it recognised?",
    "Ya hicimos aliá y vivo en Ashdod: mi título de especialista, ¿cuánto tarda en reconocerse?",
])
def test_a_doctor_in_israel_asking_about_their_own_foreign_credential_is_answered(text: str) -> None:
    decision = triage(text, [1.0, 0.0], _SaysOtherCountry())  # type: ignore[arg-type]
    assert decision.kind is TriageKind.ANSWER, decision.detail


def test_cross_validation_keeps_each_out_of_fold_reading_for_the_bots_other_country_policy(toy_model: TriageModel) -> None:
    """The evaluation settles another country's reading as the bot does, with the model's
    probability: each out-of-fold reading keeps it beside the decision."""
    from bot.assistant._triage_model import cross_validate_readings, decide

    readings = cross_validate_readings(toy_model, folds=4, seed=1)
    assert [m for m, _ in readings] == toy_model.messages
    assert [r.label for _, r in readings] == [decide(r.probabilities)[0] for _, r in readings]
    assert all(abs(sum(r.probabilities.values()) - 1.0) < 1e-6 for _, r in readings)


def test_an_apostille_on_the_doctors_own_foreign_documents_is_a_step_of_the_israeli_file() -> None:
    """"faut-il une apostille sur mes documents suisses (titre FMH) ?" names no country to go to: the
    apostille is the Israeli file's certification, even with another system's title named (dev12)."""
    text = "Bonjour, faut-il une apostille sur mes documents suisses (diplôme fédéral, titre FMH) ou une légalisation suffit-elle ?"
    assert question_target(text).place != "foreign"
    assert triage(text, [1.0, 0.0], _SaysAnswer()).kind is TriageKind.ANSWER  # type: ignore[arg-type]
    # another system's registration still reads as the goal when that is what is asked
    assert triage("Do I need to pass PLAB for my registration?", [1.0, 0.0], _SaysAnswer()).reason is EscalationReason.OTHER_COUNTRY  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [
    "US trained IM doc - realistically how fast can i start working once i land?",
    "UK-qualified GP here, do I need the Israeli exam?",
    "I'm from the Jewish community in Mumbai and practise there; what does the long-experience route involve?",
])
def test_a_country_named_as_where_the_doctor_trained_or_lives_is_an_origin_not_another_country(text: str) -> None:
    """"US trained", "UK-qualified", "the community in Mumbai": where the doctor comes from (dev11)."""
    target = question_target(text)
    assert not target.foreign_named and target.place != "foreign", target
    assert question_target("I want to get US residency after my Israeli internship").foreign_named


def test_an_israeli_town_the_doctor_moves_to_makes_israel_the_place() -> None:
    """"thinking of moving to Beersheba … if Australia counts?" was declined as Australia's question: of
    Israel's towns the target reading knew four, in one spelling each."""
    text = ("Hi, I'm a family doc from Perth, thinking of moving to Beersheba next year. A friend mentioned some scheme where "
            "you don't need to sit the exam if you trained in certain countries. Can you explain how that works and if Australia counts?")
    assert question_target(text).place == "israel"
    assert triage(text, [1.0, 0.0], _SaysOtherCountry()).kind is TriageKind.ANSWER  # type: ignore[arg-type]
    assert question_target("On va s'installer à Netanya cet été, la prime de périphérie s'applique ?").place == "israel"
    # the towns come from knowledge/israeli_towns.yaml, which the search's place names read too
    assert question_target("We're moving to Rosh Pina next year; is my New Zealand registration accepted there?").place == "israel"


def test_years_planned_somewhere_make_it_the_place_but_years_spent_there_do_not() -> None:
    """"estoy con los papeles de la aliá … pero mientras sale todo quiero trabajar un par de años en España:
    ¿cómo hago la homologación?" asks about Spain, the aliyah only its context (dev14)."""
    text = ("Hola, estoy con los papeles de la aliá y la licencia para Israel, pero mientras sale todo quiero trabajar "
            "un par de años en España. Soy médico argentino: ¿cómo hago la homologación del título y cuánto tarda?")
    assert question_target(text).foreign_beside_program == "trabajar … espana"
    assert triage(text, [1.0, 0.0], _SaysOtherCountry()).kind is TriageKind.DECLINE  # type: ignore[arg-type]
    assert question_target("Je voudrais exercer quelques années en Suisse, comment faire reconnaître mon diplôme là-bas ?").place == "foreign"
    for spent in ("Trabajé diez años en España, ¿me sirve para el Green Track?", "I worked 10 years in Germany as a GP, can I skip the exam?"):
        assert question_target(spent).place != "foreign", spent


def test_an_aliyah_in_a_past_year_places_the_doctor_in_israel() -> None:
    """"left Cape Town on aliyah back in 2010 … can I be restored to the HPCSA register?" asks about South
    Africa's register from Israel (triage_dev17); "aliyah in 2027" is still a plan."""
    text = ("Psychiatrist, left Cape Town on aliyah back in 2010. The HPCSA just sent me a notice that I'll be erased from "
            "the register for non-payment. If I settle the arrears now, can I be restored without writing the board exam again?")
    assert question_target(text).israel_base
    decision = triage(text, [1.0, 0.0], _SaysOtherCountry(0.97))  # type: ignore[arg-type]
    assert decision.kind is TriageKind.DECLINE and decision.reason is EscalationReason.OTHER_COUNTRY, decision.detail
    assert not question_target("We plan our aliyah in 2099, will I need the exam?").israel_base


def test_an_oleh_asking_about_the_program_is_still_answered() -> None:
    """"je suis olé" names where the doctor is; with no other place to go, the question is Israel's."""
    for text in ("Je suis olé depuis mars, le sal klita dure combien de temps ?", "I'm an oleh doctor in Haifa, is there a grant for the Galilee?"):
        assert triage(text, [1.0, 0.0], _SaysAnswer()).kind is TriageKind.ANSWER, text  # type: ignore[arg-type]
    assert question_target("We're new olim from Paris since 2021, is there a grant?").israel_base
    # "oleh" after someone else's "are" is a category, not the doctor's status
    for text in ("What grants are available to an oleh doctor from Canada who settles in the Negev?",
                 "Which benefits are there for olim doctors trained in France?"):
        assert not question_target(text).israel_base, text


@pytest.mark.parametrize("text", [
    "CCT 2021 after F1 in Leeds. Will the Council take my training as it stands? Not after the general rules, just a realistic read on me.",
    "Généraliste à Créteil, diplôme d'Alger : dans mon cas précis, le ministère va-t-il accepter mon dossier ?",
    "Terminé medicina en 2022, un año de concurrencia. ¿Me la toman como internado? Quiero saber lo mío puntualmente.",
    "Pediatra con registro del GMC, ¿entro al Green Track? Decidme qué me toca a mí.",
    # whether the doctor's own dated situation gets a benefit (dev13)
    "We made aliyah 20 months ago, I work 80% at a clinic in Nahariya. So in our situation, do we get the periphery grant or did we miss the boat?",
    "Llegué en noviembre de 2023, vivo en Sderot y trabajo al 70% en Netivot. Con estas fechas y este puesto, ¿yo entro en la beca Tkuma?",
    "Olé depuis un an, poste à 80 % à Dimona : dans notre situation, avons-nous droit à la prime de périphérie ?",
    # the doctor's own outcome, stressed (dev14)
    "Irish primary degree, Australian specialist, moving to Jerusalem. Which way will it go for me - fast track or the Israeli exam?",
    "DO, six years in the ED in San Antonio, we've picked Sderot. Between the two grants, what's our family going to end up getting?",
    "Me recibí en la UdelaR y soy traumatólogo desde 2015. Con esto, ¿a mí me toman el examen o entro directo por el Maslul Yarok?",
    "Cardiologue formée à Nancy, neuf ans au Luxembourg : avec mon parcours à moi, je passe par le Green Track ou une période d'adaptation ?",
    "Interniste diplômé à Port-au-Prince, à Montréal depuis 2021. Moi, avec mes années en Haïti, j'y ai droit ou je vais devoir passer l'examen ?",
    # "yes or no" closing a question in the first person, however short the question is
    "me toca la bonificación de periferia? llegué hace 22 meses y trabajo en Ofakim. sí o no",
    # what the deciding body will require of the doctor, given a circumstance of their own (dev15)
    "Anesthésiste, DES en 2011, arrêt de 2020 à 2024, reprise à mi-temps. Avec cette coupure, qu'est-ce que le Conseil scientifique va exiger de moi ?",
    "Paediatrician, off work 2019-2023 for my kids. Given my four-year break, what will the Scientific Council require of me?",
    "Internista, dejé de ejercer tres años. Con esta pausa, ¿qué me van a exigir para reconocerme la especialidad?",
    # or whether, so, the doctor is through (dev16)
    "Ob-gyn, 11 years in St Petersburg, two years in research since. With my 11 years and this break, do I get to skip the exam or not?",
    "Me recibí en la UBA, residencia en Miami, board de ABIM. Con todo este recorrido, ¿yo entro en el Maslul Yarok o me van a hacer rendir las etapas?",
])
def test_asking_for_the_verdict_on_ones_own_case_rather_than_the_rule_goes_to_a_person(text: str) -> None:
    """"not the general rules, a read on me", "mon cas précis", "lo mío puntualmente" (triage_dev16); "in our
    situation, do we get…", "con estas fechas y este puesto, ¿entro…?" (dev13)."""
    decision = triage(text, [1.0, 0.0], _SaysAnswer())  # type: ignore[arg-type]
    assert decision.kind is TriageKind.ESCALATE and decision.reason is EscalationReason.PERSONAL_ELIGIBILITY, decision.detail
    # the rule itself, told with personal details, is still answered
    for rule in ("I did F1 in Leeds, does it count as the internship?",
                 "We made aliyah 20 months ago and I work 80% in Nahariya. What are the conditions of the periphery grant?",
                 # a story in the first person that asks the rule "yes or no" (dev14)
                 "J'ai fait ma médecine à l'ULB et je travaille à Charleroi depuis huit ans. Moi je ne sais pas trop le croire. "
                 "Les médecins diplômés en Belgique sont-ils dispensés de l'examen israélien, oui ou non ?",
                 # which documents they will ask for, given the story, is a list the guidance holds
                 "Con mi trayectoria en dos países, ¿qué documentos me van a pedir para el expediente?"):
        assert triage(rule, [1.0, 0.0], _SaysAnswer()).kind is TriageKind.ANSWER, rule  # type: ignore[arg-type]


def test_a_student_going_to_join_parents_settled_in_an_israeli_town_asks_about_israel() -> None:
    """"Mes parents … se sont installés à Ra'anana, et j'aimerais les rejoindre": where the parents live is no
    base of the student's, and joining them makes Israel the goal, however sure the model is of France (dev15)."""
    text = (
        "Je suis en 5e année de médecine à Lyon. Mes parents ont fait leur alya l'année dernière et se sont installés "
        "à Ra'anana, et j'aimerais les rejoindre plutôt que de faire tout mon internat en France. Qu'est-ce qui attend "
        "un étudiant français qui part après le DFASM côté examen et stage ?"
    )
    target = question_target(text)
    assert target.place == "israel" and not target.israel_base, target
    assert triage(text, [1.0, 0.0], _SaysOtherCountry(sure=0.99)).kind is TriageKind.ANSWER  # type: ignore[arg-type]
    # the parents' town alone says nothing of where the doctor goes
    assert not question_target("Mes parents se sont installés à Ra'anana l'an dernier. Comment m'inscrire à l'Ordre en Belgique ?").israel_base


def test_a_story_of_practising_elsewhere_does_not_make_a_question_about_israel_another_countrys() -> None:
    """A King's College graduate now a GP in Paris asked "Pour Israël, est-ce que ma FY1 compte … ?" and was told the
    bot covers Israel only: "rentrer exercer comme généraliste à Paris" read as where she wants to practise (dev38).
    Where the question sentences name no place, the story's goal still decides."""
    from bot.assistant._triage import settle_other_country

    message = ("Bonjour, j'ai fait toutes mes études de médecine à King's College à Londres, puis la Foundation Year 1 "
               "et 2 là-bas, avant de rentrer exercer comme généraliste à Paris. Pour Israël, est-ce que ma FY1 compte "
               "comme l'internat d'un an qu'ils demandent ? Et l'attestation de bonne conduite, je la demande au GMC ou "
               "à l'Ordre des médecins français ?")
    assert question_target(message).place == "foreign"
    label, why = settle_other_country(message, "answer")
    assert label == "answer" and "pour israel" in why
    assert settle_other_country("I want to practise in Canada. What do I need to do?", "answer")[0] == "other_country"


def test_a_question_asking_whether_the_israeli_exam_is_still_needed_is_about_israel() -> None:
    """A Rosario cardiologist whose children live in Israel read that WFME recognition lets doctors "work in Europe,
    USA and Israel without exams", and asked whether he still needs the Israeli exam and may sit it in Spanish: he
    was told the bot covers Israel only (dev39). An Israeli credential taken abroad is still another country's."""
    from bot.assistant._triage import settle_other_country

    message = ("I studied in Rosario and work 15 years as cardiologist; our children are already in Israel. Many "
               "colleagues say that with the WFME recognition we can work in Europe, USA and Israel without exams. I am "
               "a little sceptic. Is it true that with this recognition I do not need to do the Israeli exam, and if I "
               "must do it, can I do it in Spanish?")
    assert question_target(message).place == "foreign"
    label, why = settle_other_country(message, "answer")
    assert label == "answer" and "israeli exam" in why
    abroad = ("We made aliyah in 2019 and I passed the Israeli exam, but now we are moving to Italy. Does my Israeli "
              "licence count automatically anywhere in the EU?")
    assert settle_other_country(abroad, "answer")[0] == "other_country"


@pytest.mark.parametrize("text, licensing, body", [
    # another country's exam or body names its licensing, and which country (triage_dev21)
    ("il prépare les EVC pour avoir le droit d'exercer en France, vous savez comment on s'inscrit", "evc", "evc"),
    ("je dois rester inscrite au tableau de l'Ordre et payer la cotisation chaque année ?", "ordre", "ordre"),
    # a diploma recognised there is licensing, but names no body: the place or the model says where
    ("¿qué trámite hago en Alemania para que me reconozcan el título?", "reconozcan", ""),
    # a residency names licensing and no body: Israel's unless the model is sure (es-dev19-08)
    ("¿cuáles son las especialidades que más necesitan allá, para escoger bien la residencia?", "residencia", ""),
    # a trip home names neither
    ("¿Y si a mitad de año me tengo que volver unas semanas a Montevideo por mi madre?", "", ""),
])
def test_a_part_names_licensing_and_another_countrys_body_apart(text: str, licensing: str, body: str) -> None:
    assert names_licensing(text) == licensing and names_foreign_body(text) == body


class _SaysAnswerOnly:
    """A model stub that reads every message as a program question and gives leaving no weight at all."""

    def classify(self, vector, text=None) -> ModelVerdict:
        probabilities = {c: 0.0 for c in CLASSES} | {"answer": 0.98, "legal_status": 0.02}
        return ModelVerdict("answer", 0.98, probabilities, ())


def test_a_voice_note_asking_about_the_home_registration_after_a_move_to_israel_is_declined_when_the_model_agrees() -> None:
    """A dictated voice note has no full stops: "we're moving to Haifa … anyway … so how many CPD points does the
    Medical Council want" was read as one sentence whose place was the story's Israel, and answered with the
    program's pages though the model read another country's question at 0.8-0.95 (triage_dev23 and a blind batch of voice notes). Its clauses are now
    its sentences, and the question's own place decides with the model's agreement; the same note asking of the
    Israeli exam stays the program's."""
    story = ("ok so um we're moving to Haifa in September the kids are excited and the flat is tiny but fine anyway "
             "I want to keep my Irish registration just in case ")
    text = story + "so how many CPD points does the Medical Council of Ireland want each year if I'm living abroad"
    leaning = triage(text, [1.0, 0.0], _SaysOtherCountry(sure=0.9))  # type: ignore[arg-type]
    assert leaning.kind is TriageKind.DECLINE and leaning.reason is EscalationReason.OTHER_COUNTRY, leaning.detail
    assert "the question does not" in leaning.detail
    unsure = triage(text, [1.0, 0.0], _SaysOtherCountry(sure=0.8))  # type: ignore[arg-type]
    assert unsure.kind is TriageKind.ANSWER, unsure.detail
    israeli = story + "so can I sit the Israeli licensing exam in English and how many times a year is it held"
    assert triage(israeli, [1.0, 0.0], _SaysOtherCountry(sure=0.9)).kind is TriageKind.ANSWER  # type: ignore[arg-type]


def test_a_trip_home_from_israel_is_not_leaving_when_the_model_gives_it_no_weight() -> None:
    """A doctor who made aliyah and will fly back to Belfast for a few weeks asked what happens to the sal klita: the
    rule for doctors based in Israel who name where they want to go declined it as another country's question, the
    model reading a program question at 0.87 (triage_dev23). The rule now wants the model to give leaving some
    weight, as the rule beside it does."""
    text = ("We made aliyah in November. My father is unwell back in Belfast and I may fly back for three weeks in "
            "February: do the sal klita payments stop while I'm out of the country?")
    assert triage(text, [1.0, 0.0], _SaysAnswerOnly()).kind is TriageKind.ANSWER  # type: ignore[arg-type]
    leaving = "Je suis médecin olé, licence israélienne définitive. Je veux partir m'installer à Montréal : le Collège des médecins reconnaît-il ma spécialité ?"
    assert triage(leaving, [1.0, 0.0], _SaysAnswer()).kind is TriageKind.DECLINE  # type: ignore[arg-type]
