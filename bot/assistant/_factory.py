"""Building an assistant from settings: the one place that wires index, embedder and LLM."""

from __future__ import annotations

from collections.abc import Sequence

from bot.settings import Settings

from ._assistant import Assistant
from ._triage_model import TriageDataInvalid, TriageModel, build_triage_model, default_cache_dir
from ._generation import AnswerGenerator
from ._memory import ConversationStore
from ._thresholds import load_thresholds
from ._terms import TRANSLITERATIONS_FILE, load_transliterations
from ._understanding import Synonym, load_synonyms
from ._vector_cache import cache_file, query_vectors


def build_assistant(settings: Settings, *, store: ConversationStore | None = None, watch: bool = False) -> Assistant:
    """``watch``: a serving process (terminal chat, Telegram) follows newly published versions by itself."""
    from ingest import GuidanceIndex, VersionedStore, make_embedder, open_client

    spellings = settings.knowledge_dir / "transliterations.yaml"
    if spellings.exists() and spellings.resolve() != TRANSLITERATIONS_FILE.resolve():
        load_transliterations(spellings)  # a deployment's own knowledge folder; the shipped one is read on import
    embedder = make_embedder(settings.embedder)
    client = open_client(str(settings.index_path), settings.chroma_url, create=False)  # the bot never creates an index
    index = GuidanceIndex(VersionedStore(client, settings.collection_prefix), embedder)
    if watch:
        index.watch(settings.index_refresh_s)
    generator: AnswerGenerator | None = None
    if settings.llm_model:
        from ._llm import LangChainGenerator

        generator = LangChainGenerator.from_settings(settings)
    synonyms = load_synonyms(settings.knowledge_dir / "synonyms.yaml")
    return Assistant(
        index,
        thresholds=load_thresholds(embedder.name, settings.thresholds_file),
        generator=generator,
        store=store,
        memory_turns=settings.memory_turns,
        synonyms=synonyms,
        triage_model=load_triage_model(embedder, settings),
        fixed_vectors=term_vectors(embedder, synonyms, settings),
    )


def term_vectors(embedder, synonyms: tuple[Synonym, ...], settings: Settings) -> dict[str, Sequence[float]]:
    """The synonyms' guidance terms, embedded once per embedder and file (cached beside the triage vectors).

    A message naming Karmiel is searched with "periphery grant Galilee North Negev" too; its
    embedding is the same for every doctor, so no reply should wait for it. If they cannot be
    embedded now, replies embed them when first needed.
    """
    import logging

    texts = sorted({words for entry in synonyms if entry.meaning for words in entry.add.values() if words})
    cache_dir = settings.triage_cache_dir or default_cache_dir()
    try:
        return dict(query_vectors(embedder, texts, cache_file(cache_dir, "terms", embedder.name), "synonym terms"))
    except Exception as exc:
        logging.getLogger(__name__).warning("synonym terms not embedded ahead (%s); embedded when first asked", type(exc).__name__)
        return {}


def load_triage_model(embedder, settings: Settings) -> TriageModel | None:
    """The triage model for this embedder, trained now if the data file changed since the cache.

    If it cannot be built, the bot still runs and triages by rules alone, and says so in the log.
    """
    import logging

    try:
        return build_triage_model(embedder, settings.triage_cache_dir or default_cache_dir())
    except TriageDataInvalid:
        raise
    except Exception as exc:
        logging.getLogger(__name__).warning("triage model unavailable (%s: %s); rules only", type(exc).__name__, exc)
        return None
