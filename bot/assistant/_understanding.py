"""Reading a doctor's message before searching: its questions, its parts, and its words.

Doctors write five lines about themselves and ask at the end; ask two things at once; name a town
instead of a scheme. Searching the whole message as one blob answers the story, not the question.
This module finds the question sentence(s), splits two questions into two, and maps place names
and everyday words to the guidance's own terms from ``knowledge/synonyms.yaml``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import NamedTuple

import yaml

from ingest import load_yaml

from ._terms import terms
from ._target import load_israeli_towns, someone_else_lives_there
from ._text import fold, spell_out

log = logging.getLogger(__name__)

SYNONYMS_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "synonyms.yaml"
LONG_MESSAGE_WORDS = 28  # beyond this, a message is a story with a question in it
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_INTERROGATIVE = re.compile(
    # after a word or two that only lead in: "roughly how much is it for one person n how does it get paid out"
    r"^(?:(?:roughly|approximately|so|and|also|but|ok|okay|then|et|alors|donc|mais|bon|aussi|pero|entonces|bueno|tambien|ademas)[\s,]+){0,2}"
    r"(how|what|whats|when|where|who|which|why|is|are|can|could|do|does|did|should|will|would|any|"
    r"comment|combien|quand|ou|qui|quel|quelle|quels|quelles|pourquoi|est-ce|est ce|peut-on|puis-je|faut-il|y a-t-il|"
    r"como|cuanto|cuanta|cuantos|cuando|donde|quien|que|q|cual|cuales|por que|puedo|hay|tengo|necesito)\b"
)
# "Two things:" announces parts and is dropped; what follows it stays: "Two things about the sal klita. How is it
# paid? And do I lose it if I leave for a month?" names the subject both parts ask about. The words up to the first
# "?" used to go with it, and with them a whole first question ("Two things. 1) … do I need an apostille?").
_TWO_THINGS = re.compile(r"^\W*((?:two|2|three|3) (things|questions)|(?:deux|2|trois|3) (choses|questions)|(?:dos|2|tres|3) (cosas|preguntas))\b\s*[:.!,]?\s*", re.I)
# A question's number in the doctor's words: "First: must I pass the Israeli equivalence exam? Second: will Israel
# recognise me…?". Left in the part, "First" led the exam question to the page on how the exam is prepared, not to the
# French doctors' exemption (en-dev39-07). "Second thing:" still says a new subject begins (``_NEW_SUBJECT``).
_ORDINAL = re.compile(
    r"^\W*(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|premi[eè]rement|deuxi[eè]mement|troisi[eè]mement|"
    r"primero|segundo|tercero)\s*[:,.-]\s*",
    re.I,
)
# What the questions announced are about: "(Two questions) sobre el staj: ¿cuánto dura? ¿Y cómo se asigna?" is
# said of both: the first question keeps it in its words, and the later ones are searched with it.
_ANNOUNCED_TOPIC = re.compile(
    r"^((?:about|on|regarding|concerning|sur|concernant|a propos de|à propos de|sobre|acerca de|respecto a|con respecto a)"
    r"\b[^:?.!\n]{1,60}?)\s*:\s*", re.I
)
# "Y a-t-il …" is French asking, not the Spanish "y" (and): the joiner's "y" never precedes "a-t-il".
_JOINER = re.compile(r"^[¿¡]?(and|also|plus|et|aussi|y(?!\s+a[\s-]+t[\s-]+(?:il|elle)\b)|tambi[eé]n|adem[aá]s)\b[\s,]*", re.I)


@dataclass(frozen=True)
class Synonym:
    phrases: tuple[str, ...]  # folded
    add: dict[str, str]
    # Phrases that make this entry step aside for a more specific one: "the south, near Gaza,
    # maybe Sderot" is about the Tkuma scheme, not the general Negev grant.
    unless: tuple[str, ...] = ()
    # False for words that are a fact to match, not what the question is about: "Trois-Rivières"
    # adds "Canada" to the keyword search (the exemption list names it), but blended into the
    # meaning of "do I need the exam?" one country's name pulled every answer to that country's page.
    meaning: bool = True
    # True for a town or region: it says where the doctor is going only where the message does not name
    # it as the place a relative lives ("mi hija vive en Beer Sheva": the 14-year route is asked, not the
    # Negev grant).
    place: bool = False
    # Phrases that make this entry step aside only when the doctor's question sentences name them: a home town is
    # no origin in "is there a grant for Sderot?" from a doctor of Toronto, but it still is in a story that says
    # where the family will live before asking about the exam ("GP from Dunedin … keen on a kibbutz near Sderot …
    # does a NZ degree get me out of it?" lost New Zealand, and got the general licensing routes: doctor's check).
    unless_asked: tuple[str, ...] = ()
    # True for words that say what is asked only inside a question: "membre du Collège des médecins du Québec" in a
    # psychiatrist's story is where she is registered, and searched for the letter of good standing that body issues
    # it led her reply, above the exam she asked about (doctor's check, thirty-ninth round).
    only_asked: bool = False
    # Phrases that let this entry count outside the question sentences: a town in a story counts for the grants when
    # the message speaks of money ("un pana me dijo que le pagaron un dinero por irse a Kiryat Shmona … ¿todavía
    # alcanzamos a cobrarlo?"), and not when it asks of something else: "settle up north, Karmiel probably … do I have
    # to sit the Israeli licensing exam?" got the periphery grant (doctor's check, fortieth round). Empty: counts
    # anywhere.
    story_with: tuple[str, ...] = ()


class Part(NamedTuple):
    """One question of a message that asks several: what is searched, and what is embedded."""

    full: str  # context + question: searched by keyword, and what the answer's part is chosen for
    bare: str  # the question alone: its meaning is embedded from this
    follows: bool = False  # a short follow-up ("¿y cuánto sale?") about what the part before it names


# "My question is", "je voulais savoir", "quería saber": a sentence that announces what it asks asks it, with or
# without a question mark ("I was wondering whether the exam is held in French.").
_ANNOUNCED = re.compile(
    r"^(?:(?:so|and|well|anyway|ok|okay|donc|alors|du coup|bref|et|bueno|entonces|pues|y|nada)[\s,]+){0,2}"
    r"(?:my (?:real |main |actual |other )?question (?:is|was)|the (?:real )?question is|quick question"
    r"|ma (?:vraie |grande |petite )?question (?:c'est|c est|est|serait|ce serait|etait)|la question c'est"
    r"|mi (?:pregunta|duda|consulta) (?:es|seria|era)|la (?:pregunta|duda|consulta) es"
    r"|je (?:voulais|voudrais|veux) (?:savoir|demander)|je me (?:demandais|demande)"
    r"|i (?:wanted|want|would like|'d like) to (?:know|ask)|i was wondering|i'm wondering|i wonder"
    r"|queria (?:saber|preguntar|consultar)|quisiera (?:saber|preguntar)|me gustaria saber|quiero saber)\b"
)
# A voice note as the phone transcribes it has no punctuation: one "sentence" of a hundred words where the story and
# the question run together ("so we're moving to Jerusalem in the summer … anyway I want to keep my GMC registration …
# so how does revalidation work if I'm not working in the UK"). Read as one, the story's Israel was the question's
# place and its question was never weighed apart. In such a message (25 words or more, and not one full stop or
# question mark) speech's own breaks stand for the full stops: a filler or connective that opens a clause ("so",
# "anyway", "euh", "bref", "du coup", "bueno", "o sea"), an announced question, and a question word that can only open
# a question ("how many", "est-ce que", "cuánto"; not "como" or "cuanto" without their accent, which also mean "as"
# and "as much").
SPOKEN_MESSAGE_WORDS = 25
_SPOKEN_BREAK = re.compile(
    r"(?<=\w)[\s,]+(?="
    r"(?:so|anyway|anyways|um+|uh+|erm|okay so|ok so|and so|but anyway|my question is|the question is|quick question"
    r"|i was wondering|i wanted to (?:know|ask)|i'd like to know"
    r"|euh+|bref|du coup|donc|alors|voila|voilà|bon|ma question|la question c'est|et donc|mais bon|enfin bref"
    r"|je voulais (?:savoir|demander)|je voudrais savoir|je me demandais"
    r"|eh+|bueno|mira|entonces|pues|o sea|nada|che|viste|una cosa|mi pregunta|mi duda|mi consulta|la pregunta es|y bueno"
    r"|quer[ií]a (?:saber|preguntar|consultar)|quisiera saber|me gustar[ií]a saber)\b"
    r"|(?:how (?:many|much|long|does|do|can|is|are|would|should|soon)|what (?:is|are|does|do|happens|about|kind)"
    r"|when (?:is|are|does|do|can|will|should)|where (?:do|can|is|should|does)|which\b|do i\b|does (?:it|that|the|my)\b"
    r"|can i\b|should i\b|is it\b|is there\b|are there\b|will i\b|would i\b"
    r"|est-ce qu|combien\b|comment (?:ça|ca|on|je|faire|se)\b|qu'est-ce|y a-t-il|faut-il"
    r"|cómo\b|cuánt[oa]s?\b|cuál(?:es)?\b|qué (?:tengo|hago|nivel|pasa|necesito|papeles|documentos|le|me|pasos)\b"
    r"|dónde\b|cuándo\b|hay que\b|se puede\b|puedo\b))",
    re.IGNORECASE,
)
_WRITTEN = re.compile(r"[.?!…]")  # one full stop or question mark, and the message was written, not dictated


def sentences(text: str) -> list[str]:
    """The message's sentences; a long voice note's clauses (see ``_SPOKEN_BREAK``)."""
    found = [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]
    if len(found) == 1 and len(text.split()) >= SPOKEN_MESSAGE_WORDS and not _WRITTEN.search(text):
        clauses: list[str] = []
        for clause in (c.strip() for c in _SPOKEN_BREAK.split(found[0]) if c and c.strip()):
            if clauses and len(clauses[-1].split()) <= 2:  # a filler alone ("du coup", "so um") opens the next
                clause = f"{clauses.pop()} {clause}"
            clauses.append(clause)
        return clauses
    return found


def asking_sentences(text: str) -> list[str]:
    """The sentences that ask something in words or by their question mark; none when the message only tells."""
    return [s for s in sentences(text) if _is_question(s)]


def _is_question(sentence: str) -> bool:
    folded = fold(sentence)
    return sentence.rstrip().endswith("?") or bool(_INTERROGATIVE.search(folded)) or bool(_ANNOUNCED.search(folded))


# Words that ask whether something just said holds ("C'est vrai ? Tout ?", "¿Es así?", "Is that
# right?"): they name nothing the guidance could match.
_CHECKING = frozenset("vrai vraiment true really right correct exact exacto exactamente cierto verdad real realmente asi tout todo all".split())
# Every answer is about Israel: "Is this true for Israel?" names nothing more than "Is this true?" (en-dev41-02).
_EVERYWHERE_HERE = frozenset("israel israël israeli israelien israelí".split())


def _names_nothing(asked: list[str]) -> bool:
    words = {w for w in re.findall(r"[a-z0-9]+", fold(" ".join(asked))) if len(w) > 2}
    # Read in each language: "est" means nothing in French, "es" nothing in Spanish.
    return not words or any(
        not (set(terms(" ".join(asked), lang)) - {t for w in _CHECKING | _EVERYWHERE_HERE for t in terms(w, lang)})
        for lang in ("en", "fr", "es")
    )


def question_sentences(text: str) -> list[str]:
    """The sentences that ask something; the last sentence when none looks like a question.

    A question that names nothing ("I heard olim pay no tax. Is that true?") keeps the sentence
    before it: that is what it asks about. So does a last question that names its subject by a
    pronoun ("Un colega me platicó que … hay que hacer una práctica supervisada. ¿Me podría explicar
    cómo funciona eso?"): without the sentence "eso" stands for, the story's other details (a
    wife, children) chose the page.
    """
    all_sentences = sentences(text)
    asked = [s for s in all_sentences if _is_question(s)]
    if not asked and len(all_sentences) > 1 and refers_to_story(all_sentences[-1]):
        # no sentence asks in words ("Kindly explain what this route consists of."): the last one
        # does, and "this route" is the one the sentence before it described
        return all_sentences[-2:]
    if asked and _names_nothing(asked[:1]):
        # "… the Argentine degrees now have the WFME recognition … Is this true for Israel? And if I still must do
        # the exam, can I do it in Spanish?": the first question asks about the sentence before it, whatever the
        # next one names (en-dev41-02)
        first = all_sentences.index(asked[0])
        if first > 0:
            asked = [all_sentences[first - 1], *asked]
    elif asked and refers_to_story(asked[-1]):
        last = all_sentences.index(asked[-1])
        if last > 0 and all_sentences[last - 1] not in asked:
            asked = [*asked[:-1], all_sentences[last - 1], asked[-1]]
    return asked or all_sentences[-1:]


# A message that asks nothing says what the doctor wants: "… y quiero que me reconozcan el título de
# especialista en Israel." The words from the wish on are the question.
_WISH = re.compile(
    r"\b(?:i (?:want|need|would like|'d like)|i wish|(?:yo )?quiero|quisiera|necesito|me gustaria|"
    r"je (?:veux|voudrais|souhaite|souhaiterais|cherche)|j'aimerais|il me faut)\b"
)
WISH_MESSAGE_WORDS = 12  # below this, the whole message is the wish


def _wish(text: str) -> str | None:
    """The words from a stated wish on, in a message with no question; else None."""
    if len(text.split()) <= WISH_MESSAGE_WORDS or any(_is_question(s) for s in sentences(text)):
        return None
    folded = fold(text)
    found = list(_WISH.finditer(folded))
    if not found or len(folded) != len(text):  # the match's place is read on the folded text
        return None
    return text[found[-1].start():].strip()


def focus(text: str) -> str | None:
    """For a long message, the question sentence(s) to weigh above the story; None when short.
    A message that asks nothing but states a wish is focused on the wish, whatever its length."""
    wish = _wish(text)
    if wish is not None and len(wish) < 0.8 * len(text):
        return wish
    if len(text.split()) <= LONG_MESSAGE_WORDS:
        return None
    asked = question_sentences(text)
    focused = " ".join(asked)
    return focused if focused and len(focused) < 0.8 * len(text) else None


def split_questions(text: str) -> list[str]:
    """Two (or three) separate questions in one message, each standing alone; else ``[]``.

    A context sentence before the first question ("I'm a French GP.") is kept with each part,
    since both questions are asked from it.
    """
    return [part.full for part in question_parts(text)]


def question_parts(text: str) -> list[Part]:
    """``split_questions`` with each part's bare question beside it: ``(context + question, question)``.

    The bare question is what a part's meaning is embedded from: the context sentence is already
    in the whole message's embedding, and embedding it again for every part doubled a long
    message's CPU.
    """
    body = _TWO_THINGS.sub("", text.strip())
    numbered = _numbered_items(body)
    if numbered is not None:
        return numbered
    announced = _ANNOUNCED_TOPIC.match(body) if body != text.strip() else None
    topic = announced.group(1) if announced else ""  # the first question says it; the later ones are searched with it
    parts, standing = _with_fragments([s for s in re.split(r"(?<=\?)\s+|(?<=\?)(?=\S)", body) if s.strip()])
    questions = [p.strip() for p in parts if p.strip().endswith("?") and (p in standing or _stands_alone(p))]
    last = parts[-1].strip() if parts else ""  # "Two questions:" alone announces them and leaves nothing
    # "… necesito rendir el examen israeli o quedo exento?? q papel me pide": a last question typed without its mark,
    # after one that has it, is a question too when it names what it asks about. "… me dan pasta extra x ser oleh??
    # cuanta y cuando se cobra" asks the figures of the question before, which answers them.
    if (
        questions and len(parts) > 1 and not last.endswith("?") and _is_question(last) and _stands_alone(last)
        and not (_names_no_subject(last) or _points_back(last))
    ):
        questions.append(last)
    tail = last if len(parts) > 1 and last not in questions and _follows_up(parts[-1]) else None
    if tail is not None and not questions:
        # "Je dois passer l'examen ? et ça coûte combien ?": what the follow-up leans on is a question too.
        before = parts[-2].strip()
        questions = [before] if before.endswith("?") and len(sentences(before)[-1].split()) >= 3 else []
        tail = tail if questions else None
    joined = questions[0] if len(questions) == 1 else None
    if joined is not None:
        questions = _joined_questions(joined)
    elif len(questions) == 2:
        # "How much is it and what are the conditions? Is it even still running?" asks three things:
        # each gets its own part (and section) while three is all a phone-sized reply holds.
        split = [piece for q in questions for piece in _joined_questions(q)]
        if len(split) <= 3:
            joined = next((q for q in questions if q not in split), None)
            questions = split
    if tail is not None:
        questions = [*questions, tail]
    if len(questions) < 2 or len(questions) > 3:
        return []
    context = [p.strip() for p in parts if p.strip() not in questions and p.strip() != joined]
    lead = []
    first = questions[0]
    leading = sentences(first)
    if len(leading) > 1:  # "I'm a DO from Ohio. Can I ...?" -> context + question
        # The question starts at its first asking sentence: "… des diplômes ? jusqu'à combien ?" is one question.
        start = next((i for i, s in enumerate(leading) if s.rstrip().endswith("?")), len(leading) - 1)
        lead, questions[0] = leading[:start], " ".join(leading[start:])
    told, colon, asked = questions[0].rpartition(": ")
    told_first = ""
    if colon and len(told.split()) >= 4 and _TELLS_OF_ME & set(re.findall(r"\w+", fold(told))) and len(asked.split()) >= 5 and _is_question(asked):
        # "D'abord, je ne parle presque pas hébreu (niveau Aleph) : est-ce que je peux passer l'examen en
        # français ?": what the doctor tells of themselves before the colon is told, not asked; as the part's own
        # words, "hébreu" led the exam's language to the page on Hebrew. It stays the first part's context only.
        # A topic set before a colon ("Sobre el sal klita: ¿cuánto es y cómo se paga?") is the question's own.
        told_first, questions[0] = f"{told.strip()}:", asked
    before_first = [c for c in context if body.find(c) < body.find(questions[0])]
    prefix = " ".join([*lead, *before_first])
    out: list[Part] = []
    for position, q in enumerate(questions):
        q = _JOINER.sub("", _TWO_THINGS.sub("", q) or q) or q  # "Two things: does the USMLE…" names no subject
        marked, q = q, _ORDINAL.sub("", q) or q  # "First: must I pass the Israeli equivalence exam?" asks of the exam
        if (tail is not None and position == len(questions) - 1) or (position > 0 and (_points_back(q) or _names_no_subject(q))):
            # "¿y cuánto sale?", "¿Quién la otorga?" ask about what the question before names: searched with its words.
            out.append(Part(f"{out[-1].bare} {q}", q, follows=True))
        elif position > 0 and opens_new_subject(marked):
            # "Second thing: do we have to prove our Hebrew?" after a story about grants in the Negev: the doctor
            # says a new subject begins, and the story's words would pull this part to the grants page.
            out.append(Part(q, q))
        else:
            before = " ".join(x for x in (prefix, told_first if position == 0 else topic) if x)
            out.append(Part(f"{before} {q}".strip() if before else q, q))
    if len(out) > 2 and _asks_only_about_me(out[0].bare) and not out[1].follows:
        # "So what happens with someone like me over there? Do I have to do an intern year, and can I pick the
        # hospital?": the first question announces the others. Searched alone it found the emotional-support page
        # (en-dev19-05, en-dev23-05); the questions after it are what it asks.
        out = out[1:]
    if all(part.follows or _says_nothing(part.bare) for part in out):
        # "A hospital wants to bring me on before aliyah. Is that possible and for how long?" asks two things of
        # one story: apart, "Is that possible" matched the programme's contacts; together, the story finds the
        # section that answers both (a limited permit, up to two years).
        return []
    return out


def unmarked_tail(text: str) -> str:
    """What a message says after its last question mark, when that is a clause of its own; else "".

    "¿Hace falta el certificado de buena conducta? Soy anestesista en Valencia … me podéis asegurar que con mi
    historial me dan la licencia sin examen": the doctor typed the last question without its mark, and what needs a
    person is said only there. Unmarked, it is no question part, nor in the question sentences the message is searched
    and read with, so the hand-over went unseen (triage_dev19). Triage reads it alone, like a part; what is answered
    does not change. Only a tail a word of which asks (``_TAIL_ASKS``) is one: thanks, or a story told after the
    question, are not read alone.
    """
    head, mark, tail = text.rpartition("?")
    tail = tail.strip(" \t\n?¿!.,;:-")
    if not mark or not head.strip() or len(re.findall(r"\w+", tail)) < _TAIL_WORDS or not _TAIL_ASKS.search(fold(tail)):
        return ""
    return tail


# A tail of fewer words ("thanks!", "et pour mon mari", "o no") cannot carry a hand-over of its own: it reads as the
# question before it, which triage has read already.
_TAIL_WORDS = 5
# A tail asks when a word of it asks, wherever it stands ("et pour exercer au Québec, il faut faire quelles
# démarches", "le Conseil m'a imposé 12 mois …, vous pouvez m'aider à faire appel"). One that only tells ("I'm also a
# bit worried because I had a patient complaint in 2019 that was closed with no action") is the story of the question
# before it: read alone, that one was a complaint at 0.99 (en-dev10-02). "Should we" and "is that ok" ask too: "2) a
# colleague asked me, pt with CKD stage 4 still on metformin - is that ok or should we stop it" (triage_dev20).
# A choice typed without its mark asks too, by its last words or by "better to" / "conviene": "mon père fait des
# malaises avec une bradycardie à 45 depuis qu'on a monté son bisoprolol à 5 mg, je redescends à 2,5 ou j'arrête",
# "con el cambio de horario del vuelo la tomo a la hora de acá o de Israel, o me conviene subir la dosis" (triage_dev21).
_TAIL_ASKS = re.compile(
    r"\b(how|what|which|when|where|who|why|whether|can you|could you|would you|please|or not|or no|yes or no|"
    r"should (?:i|we|he|she|they)|(?:is|are) (?:it|that|this|they) (?:ok|okay|safe|fine)|"
    r"comment|combien|quand|quel|quelle|quels|quelles|pourquoi|est-ce|est ce|vous pouvez|pouvez-vous|pourriez-vous|"
    r"tu peux|peux-tu|ou pas|ou non|oui ou non|"
    r"como|cuanto|cuanta|cuantos|cuantas|cuando|donde|quien|quienes|cual|cuales|por que|podeis|podes|puede|pueden|"
    r"podria|podrian|o no|si o no|"
    r"vaut mieux|vaut-il mieux|better to|is it better|would it be better|conviene|"
    # a choice between two things the doctor would do, the clause's last words: "je redescends à 2,5 ou j'arrête"
    r"ou j'\w+$|ou je \w+$|or do i \w+$|or should i \w+$|or i \w+$|o lo \w+$|o la \w+$|o le \w+$)\b"
)


def tells_only(text: str) -> bool:
    """Whether a message asks nothing: no question, no asking word, no request or aim of the doctor's.

    "Je précise que mon diplôme est de la fac d'Alger, pas un diplôme français, j'ai eu l'autorisation d'exercice en
    France en 2011 par la procédure PADHUE" tells where the doctor comes from; "je prépare les EVC pour la procédure
    d'autorisation d'exercice en France" or "dime qué pide el EUNACOM" tell or ask where they are going.
    """
    folded = fold(text)
    return not asking_sentences(text) and not _TAIL_ASKS.search(folded) and not _AIMS_OR_ASKS.search(folded)


# What the doctor means to do or asks to be given, said without a question: "I need the MCCQE steps", "je prépare
# les EVC", "on repart", "me ofrecieron una plaza", "pasame la lista de papeles".
_AIMS_OR_ASKS = re.compile(
    r"\b(need|needs|want|wants|wanting|would like|i'd like|like to|plan|planning|plans|going to|gonna|aim|aiming|hope|"
    r"hoping|heading|moving|move|emigrating|relocating|looking into|looking at|applying|apply|lodging|booking|sitting|"
    r"preparing|waiting|decided|offer|offered|tell|explain|help|walk|give|show|list|send|kindly|"
    r"besoin|veux|voudrais|souhaite|souhaiterais|compte|vais|allons|envisage|pense|prevois|cherche|aimerais|prepare|"
    r"preparons|attends|attendons|offre|part|pars|partons|repart|repartons|demenage|demenager|installer|entame|"
    r"demande|indiquez|indique|dites|expliquez|aidez|donnez|envoyez|"
    r"necesito|necesitamos|quiero|queremos|quisiera|voy|vamos|pienso|pensamos|planeo|busco|gustaria|mudarme|"
    r"mudarnos|mudamos|irme|irnos|instalarme|preparando|espero|esperando|ofrecieron|empiezo|aplique|mande|tengo que|"
    r"dime|decime|digame|explicame|expliqueme|pasame|mandame|indicame|ayudame|dame|contame|cuentame|"
    # a question asked inside a sentence: "… authorisation to practise - do they ask for proof of both?"
    r"(?:do|does|did|can|could|is|are|will|would|should|must) (?:i|we|they|you|it|there|one|he|she))\b"
)


# An item's mark in a numbered list of questions: "1)", "(2)", "b)", "ii)".
_ITEM_MARK = re.compile(r"(?:^|(?<=\s))\(?(?:[1-9]|[a-c]|i{1,3})\)\s")
# The marks of a list, in order, as far as ``_ITEM_MARK`` reads them: "1) … 2) … 3) …", "a) … b) …", "i) … ii) …". A
# fourth numbered item is counted, so that a list longer than a reply holds is left whole.
_ITEM_ORDERS = (("1", "2", "3", "4"), ("a", "b", "c"), ("i", "ii", "iii"))


def _numbered_items(body: str) -> list[Part] | None:
    """The parts of a message that numbers its questions ("Few q's: 1) … exam? 2) can I open the file from here …
    3) is family medicine even a proper specialty over there or am I just a GP"), or None when it numbers none.

    Each item is a part, with or without its question mark: split at "?" alone, the last item above (no mark at the
    end of a message) went unanswered and an item asking two things became two parts (doctor's check, thirty-seventh
    round). What comes before the first mark is every item's context; what an item tells before its question is
    its own (en-dev23-06). A list of one, or of more items than a reply holds, is read as the message it is."""
    marks = list(_ITEM_MARK.finditer(body))
    labels = [m.group(0).strip().strip("()").lower() for m in marks]
    order = next((o for o in _ITEM_ORDERS if labels[:1] == [o[0]]), None)
    if order is None:
        return None
    kept, last = [], -1
    for m, label in zip(marks, labels):
        if label in order and order.index(label) > last:  # "1) … 3) …" skips a number and is still a list
            kept.append(m)
            last = order.index(label)
    if not 2 <= len(kept) <= 3 or len(kept) < sum(1 for label in labels if label in order):
        return None
    context = body[: kept[0].start()].strip()
    items = [body[m.end(): (kept[i + 1].start() if i + 1 < len(kept) else len(body))].strip() for i, m in enumerate(kept)]
    if not all(asking_sentences(item) for item in items):
        return None  # "I did 1) my internship and 2) a residency in Ohio. Do I need the exam?" lists what it tells
    out: list[Part] = []
    for position, item in enumerate(items):
        if position > 0 and (_points_back(item) or _names_no_subject(item)):
            out.append(Part(f"{out[-1].bare} {item}", item, follows=True))
        else:
            out.append(Part(f"{context} {item}".strip() if context else item, item))
    return out


# Words opening a later question that say a new subject begins: "Second thing:", "on a different note",
# "Autre question :", "Deuxième chose", "otra cosa:", "por otro lado".
_NEW_SUBJECT = re.compile(
    r"(?:(?:second|2nd|third|3rd|another|one more|other|separate|unrelated|different) (?:(?:quick|small|little) )?"
    r"(?:thing|question|point|matter|topic|query)\b"
    r"|on (?:a|another) (?:(?:less|more) \w+ |different |separate |other |related )?note\b|(?:also )?unrelated(?:ly)?\b|separately\b"
    r"|(?:deuxieme|seconde?|troisieme|autre) (?:petite )?(?:chose|question|point|sujet)\b|sur un autre (?:sujet|plan|point)\b"
    r"|par ailleurs\b|d'autre part\b|rien a voir\b|segundo\b|tercero\b"
    # and their diminutives: "otra cosilla", "otra preguntita", "otra consultita"
    r"|(?:otra|segunda|tercera) (?:cosa|cosilla|cosita|pregunta|preguntita|consulta|consultita|duda|dudita)\b"
    r"|por otro lado\b|por otra parte\b|aparte de eso\b|cambiando de tema\b)"
)


# Two questions joined in one sentence: "how long is it valid and who signs the recommendation?",
# "c'est combien et c'est versé comment ?", "¿… va a ser reconocida, pis el comité tarda cuánto?".
# A conjunction is needed: a comma alone often sets a topic first ("L'aide au loyer, elle dure combien ?").
_JOINED = re.compile(r",?\s+(?:and|et|pis|puis|y|e)\s+|,\s+", re.I)
# Words that ask wherever they stand ("le comité prend combien de temps"), and words that ask only
# at the head of the clause ("who signs it", not "doctors who move"; "cómo se paga", not "como yo").
# Colloquial French asks with "quoi" wherever it stands: "c'est quoi les critères ?", "ça sert à quoi ?".
_ASKS_ANYWHERE = frozenset("how when where combien comment quand quoi cuanto cuanta cuantos cuantas cuando donde".split())
_ASKS_FIRST = frozenset(
    "what which who whom is are can do does will should quel quelle quels quelles qui "
    "como cual cuales quien quienes hay puedo "
    # French asks by inversion or "est-ce que" at least as often as by a question word.
    "est-ce qu'est-ce peut-on puis-je dois-je faut-il ai-je suis-je".split()
)
# A question word may come after its preposition: "and at what point do they issue the licence?", "et à quel
# moment…", "y en cuál…" (en-dev12-13). Spanish "qué" counts there only with its accent: "en que" is also "in that".
_ASKING_PREPOSITIONS = frozenset(
    "at in on for to from by with after before until a au aux en de dans pour par depuis des para por desde hasta con".split()
)
_ASKS_AFTER_PREPOSITION = frozenset("what which whom quel quelle quels quelles qui quoi cual cuales quien quienes".split())
_ACCENTED_QUE = re.compile(r"^\W*\w+\s+qué\b", re.I)
# English asks with any auxiliary at the head of a joined clause: "Is that still running, and would it come on top
# of the normal sal klita?" asks two things. Only ``_asks`` reads them (a clause after "and", a comma or an "if …,"
# condition), not the follow-up vocabulary built on ``_ASKS_FIRST``.
_AUXILIARIES_FIRST = frozenset("would could did has have was were".split())


def _asks(clause: str) -> bool:
    words = re.findall(r"[\w'-]+", fold(clause))
    condition, comma, rest = clause.partition(",")
    if words and words[0] in ("if", "si") and comma and len(condition.split()) >= 4:
        # a condition first, then the question: "Is he right, and if I did get onto the Green Track, what would
        # it actually spare me?" asks two things (en-dev25-02); "et si oui, est-ce que…" takes up the clause before
        return _asks(rest)
    after_preposition = len(words) > 1 and words[0] in _ASKING_PREPOSITIONS and (
        words[1] in _ASKS_AFTER_PREPOSITION or bool(_ACCENTED_QUE.match(clause))
    )
    return len(words) >= 3 and (
        bool(_ASKS_ANYWHERE & set(words)) or words[0] in _ASKS_FIRST | _AUXILIARIES_FIRST or after_preposition
    )


_PRONOUN_SUBJECT = re.compile(r"\b(?:it|they|them|il|elle|ils|elles|ca|cela|eso|esto|lo)\b")


def _joined_questions(question: str) -> list[str]:
    """One question sentence asking two things, split where the second clause starts asking.

    Each clause must be a question of its own (three words or more, a word that asks); the
    context sentences before it stay with the first clause, and the parts are answered in turn.
    """
    lead = sentences(question)
    last = lead[-1] if lead else question
    # A clause runs to the next cut, not to the end: in "une aide pour la traduction et la certification
    # des diplômes, et c'est combien ?" the "et" before "la certification" opens no question of its own.
    cuts, end = [], len(last)
    for m in reversed(list(_JOINED.finditer(last))):
        # A comma alone cuts only a list of questions, where the clause before it asks too: "¿Puedo dar el
        # examen en castellano, cuánto dura ese internado y cómo se decide…?" (dev18), not "L'aide au loyer,
        # elle dure combien ?", whose first words set the topic; and only a clause naming its own subject:
        # "how many questions, is it multiple choice?", "¿cada cuánto lo dan, cuántas veces al año?" ask two
        # things of one exam, answered together.
        if m.group().strip() == ",":
            head, tail = re.split(r",\s+", last[: m.start()])[-1], last[m.end() : end]
            if not _asks(head) or _says_nothing(tail) or _PRONOUN_SUBJECT.search(fold(f"{head} {tail}")):
                continue
        if _asks(last[m.end() : end]) and len(last[: m.start()].split()) >= 3:
            cuts.insert(0, m)
            end = m.start()
    if not cuts:
        return [question]
    pieces, start = [], 0
    for m in cuts[:2]:
        head = last[start : m.start()]
        if len(head.split()) >= 3:
            pieces.append(head.strip())
            start = m.end()
    pieces.append(last[start:].strip())
    if len(pieces) < 2:
        return [question]
    pieces[0] = " ".join([*lead[:-1], pieces[0]])  # the context sentences lead the first part, as for "?"-split parts
    return pieces


def opens_new_subject(question: str) -> bool:
    """Whether a question says a new subject begins ("Second thing:", "otra cosilla:"): the story before it is not its."""
    return bool(_NEW_SUBJECT.match(fold(question).lstrip("¿¡ ")))


def _with_fragments(parts: list[str]) -> tuple[list[str], set[str]]:
    """A short question that does not stand alone and is no follow-up of its own ("jusqu'à combien ?",
    "spring or fall?") is joined to the question before it: it says what that question asks for
    (an amount, a season), so the part answering it must carry it, not lose it to the context."""
    out: list[str] = []
    standing: set[str] = set()  # joined parts whose own question stands alone
    for part in parts:
        fragment = part.strip().endswith("?") and not _stands_alone(part) and not _follows_up(part)
        if fragment and out and out[-1].strip().endswith("?"):
            head = out.pop()
            out.append(f"{head.rstrip()} {part.strip()}")
            if head in standing or _stands_alone(head):
                standing.add(out[-1])
        else:
            out.append(part)
    return out, standing


def _follows_up(question: str) -> bool:
    """A short last question that leans on the one before: "¿y cuánto sale?", "et ça coûte combien ?", "and how long?".

    Too short to stand alone, it is still a second question (a second part of the answer), not a
    word to pull the whole search towards prices: it is searched with the words of the question
    it follows.
    """
    if not question.strip().endswith("?"):
        return False
    folded = fold(question).lstrip("¿¡ ").strip()
    rest = _JOINER.sub("", folded)
    if rest == folded:
        return False  # no "and / et / y": a rephrasing ("spring or fall?"), not a second question
    words = re.findall(r"[\w'-]+", rest)
    return 1 <= len(words) <= 5 and bool(_ASKS_ANYWHERE & set(words) or (words and words[0] in _ASKS_FIRST))


# "¿Quién la otorga?", "Qui la délivre ?", "who signs it?": a pronoun standing for what the question before
# named. In French and Spanish the pronoun comes right after the asking word ("quién la otorga"); there an
# article would follow the verb ("cuánto dura la licencia" names its subject).
_PRONOUN_BACK = frozenset("it them".split())
_CLITIC_BACK = frozenset("la le les lo los las".split())


def _points_back(question: str) -> bool:
    """A short question whose subject is a pronoun for the previous question's ("¿Cómo es el proceso
    para la licencia? ¿Quién la otorga?"): alone, its few words match any page that "grants" something."""
    words = re.findall(r"[\w-]+", fold(_JOINER.sub("", question.strip().lstrip("¿¡ "))))
    joined = " ".join(words)
    if _SUBJECT_BACK.match(joined) or _IF_SO.match(joined):
        return True  # "est-ce que ça m'évite les examens … ?", "does it cover the internship too?", "if so, what level?"
    if _IF_ACCEPTED.search(joined) and len(words) <= 12:
        return True  # "¿… y de qué pasos te libras si te aceptan?": accepted into what the question before names
    theirs = next((i for i, w in enumerate(words) if w in _THEIRS), None)
    if theirs is not None and not _PEOPLE & set(words[:theirs]):
        # "… au Conseil scientifique ? … combien de temps avant d'avoir leur réponse ?"; not "do doctors have to
        # prove their Hebrew?", whose possessive stands for the doctors it names (en-dev24-08 searched it with the
        # question on army service before it)
        return True
    if len(words) <= 12 and _THE_PROCESS.search(joined):
        # "Pls who handles recognition of specialist title in Israel and can I start the process before relocating?":
        # "the process" is the recognition just named; alone, the part matched the licensing file's timing (en-dev30-12)
        return True
    doing = _DOING_IT.search(joined)
    if doing and len(joined[: doing.start()].split()) < 5:
        # "… ouvrir notre dossier ? est-ce qu'on peut le faire alors qu'on n'a rien sur place ?"; not where the
        # part names the act first ("si on doit passer l'examen, on peut le faire en français ?")
        return True
    if not 2 <= len(words) <= 4 or words[0] not in _ASKS_FIRST | _ASKS_ANYWHERE:
        return False
    return bool(_PRONOUN_BACK & set(words)) or words[1] in _CLITIC_BACK


# A question whose subject, at its head, is a pronoun: whatever its length, it asks about what was just named
# ("… must I write the Israeli licensing exam, and can it be written in English?", dev16).
_SUBJECT_BACK = re.compile(r"^(?:est-ce que (?:ca|cela)|(?:ca|cela|eso|esto) \w|(?:does|will|can|could) it|do they|(?:y )?eso)\b")


# Words by which doctors tell of themselves: "je ne parle presque pas hébreu", "I'm a GP", "mi título".
_TELLS_OF_ME = frozenset("i im ive my me we our je j moi mon ma mes nous notre nos yo mi mis tengo soy estoy nosotros".split())


# Who was just named, by a possessive: "how long until I get their answer?", "avant d'avoir leur réponse".
_THEIRS = frozenset("their theirs leur leurs".split())
# People a question names before such a possessive, which then stands for them.
_PEOPLE = frozenset(
    "doctors physicians specialists students olim immigrants residents interns people medecins specialistes "
    "etudiants internes gens medicos especialistas estudiantes residentes".split()
)
# "If so, what level do they want?": the answer to the question before is what this one is asked from.
_IF_SO = re.compile(r"^(?:and )?(?:if so|if yes|if that s the case|in that case|si oui|si c est le cas|dans ce cas|dans ce cas la|"
                    r"si es asi|de ser asi|en ese caso|si es el caso|si la respuesta es si)\b")


# Being let into what the question before names: "if I'm accepted", "si on m'accepte", "si te aceptan" (es-dev19-09).
_IF_ACCEPTED = re.compile(
    # read with its apostrophes gone: "if i m accepted", "si on m accepte"
    r"\b(?:if (?:i m|i am|i get|you re|you are|you get|we re|we are|we get) (?:accepted|approved|admitted|taken)"
    r"|si (?:je suis|on est|tu es|vous etes|nous sommes) (?:accepte|admis|retenu)e?s?|si on (?:m |t |nous )?accepte"
    r"|si (?:me|te|nos|lo|la) (?:aceptan|admiten|aprueban|toman))\b"
)


# A procedure named by a bare noun, without saying which: "the process", "cette démarche", "el trámite". Not when the
# noun is followed by what it is of ("the process for the Green Track", "el trámite de la licencia").
_THE_PROCESS = re.compile(
    r"\b(?:the|this|that|le|ce|cette|la|el|este|ese|esta|esa) (?:process|procedure|paperwork|processus|demarche|demarches"
    r"|proceso|tramite|tramites|procedimiento)\b(?! (?:for|of|to|de|du|des|d|pour|para|del|con|with)\b)"
)


# Doing what was just named, by a pronoun: "can we do it before aliyah?", "on peut le faire d'ici ?", "¿puedo
# hacerlo desde acá?". The question names no act of its own; alone, its other words ("rien sur place", "from
# here") matched any page, the emergency section among them.
_DOING_IT = re.compile(
    r"\b(?:do (?:it|that|this|so)|doing (?:it|that|this)|(?:le|la|les|l) faire(?! \w+(?:er|ir|re)\b)|"
    r"hacer(?:lo|la|los|las)|hacer (?:eso|esto)|(?:lo|la) (?:puedo|podemos|puede|pueden) hacer)\b"
)


# Words that ask for a figure, a payment or a payer without saying of what: "c'est combien au maximum ?",
# "¿en cuántos pagos te la dan?", "does the ministry chip in anything?", "¿cuánto como máximo?". Regional
# words for money are among them: "lana", "guita", "lucas", "pognon", "fric", "bucks".
_FIGURE_ONLY = (
    "how much many long soon when time times maximum minimum max total money cash bucks cost costs price fee fees "
    "pay pays paid payment payments instalment instalments installments refund refunded reimburse reimbursed back "
    "get give gives take takes chip anything something ministry government it them "
    "combien quand temps maximum minimum max total coute coutent cout prix tarif montant paye payee payes verse versee "
    "versement versements rembourse rembourses remboursement fric pognon thune oseille argent sous balles donne donnent "
    "recoit touche prend faut ministere etat ca cela c'est est-ce "
    "cuanto cuanta cuantos cuantas cuando tiempo maximo minimo total cuesta cuestan sale salen precio monto pago pagos "
    "paga pagan cobra cobran cobro cobrar cuota cuotas plazo dan da dar reintegra reintegran devuelven devuelve reembolsan plata lana guita pasta "
    "luca lucas palos dinero ministerio gobierno estado algo eso esto "
    # Units and the moment they count from name no subject either: "¿hasta cuántos años después de la aliá?".
    "day days week weeks month months year years jour jours semaine semaines mois an ans annee annees "
    "dia dias semana semanas mes meses ano anos after apres despues aliyah alia aliya alyah alya "
    # and neither do the verbs of getting or waiting: "¿en cuánto tiempo me llega?", "ça prend combien de temps ?".
    "arrive arrives come comes last lasts receive llega llegue llegan tarda tardan demora demoran dura duran recibo "
    "recibir obtener obtengo tener arrivent vient viennent dure durent prend prennent obtenir recevoir recois avoir "
    # and neither does how a sum is paid: "how does it get paid out - lump sum?", "en une fois ?", "¿todo junto?".
    "lump sum out once all monthly fois coup tranche tranches mensuel mensuelle vez sola junto todo partes mensual mensuales"
)


def _names_no_subject(question: str) -> bool:
    """A short later part that asks only for a figure or a payment ("c'est combien au maximum ?"): alone
    it matches every page with an amount; it asks about what the part before it names, and leans on it."""
    return _short_and_only(question, figure_only_terms)


def _short_and_only(question: str, *vocabularies: Callable[[str], frozenset[str]]) -> bool:
    """A question of ten words at most whose terms, read in some language, all belong to ``vocabularies``."""
    if len(re.findall(r"[\w'-]+", question)) > 10:
        return False
    return any(
        not set(terms(question, lang)).difference(*(words(lang) for words in vocabularies)) for lang in ("en", "fr", "es")
    )


@lru_cache(maxsize=16)
def _stemmed(words: str, lang: str) -> frozenset[str]:
    """A vocabulary's terms as ``terms`` reads them in ``lang``, computed once per language."""
    return frozenset(terms(words, lang))


figure_only_terms = partial(_stemmed, _FIGURE_ONLY)


# Words that ask whether, without saying what: "is that possible?", "c'est faisable ?", "¿se puede?".
_WHETHER_ONLY = (
    "possible possibly allowed permitted feasible doable realistic ok okay legal can could would do done "
    "possible faisable envisageable permis autorise realiste peut pourrait faire fait "
    "posible factible viable permitido realista puede podria hacer hace"
)


def _says_nothing(question: str) -> bool:
    """A question naming nothing of its own, only whether or how much of what was said before it
    ("Is that possible", "¿se puede hacer?"): a part of it cannot be searched apart from the story.
    A question naming what it asks of the story ("¿me reintegran algo de eso?") is searched with the
    story's words already (``refers_to_story``) and keeps its own search."""
    return _short_and_only(question, figure_only_terms, _whether_only_terms, _asking_terms)


# Words that ask how things stand for the asker, without saying which thing: "what is the situation for someone like
# me?", "et pour moi, ça se passe comment ?", "¿qué pasa en mi caso?".
_ABOUT_ME_ONLY = (
    "situation happen happens case someone somebody like person people position shoes stand there over apply applies "
    "situation cas passe passer arrive comme quelqu'un personne gens position concerne la-bas ca "
    "situacion caso pasa pasar ocurre como alguien persona gente posicion queda alla ahi"
)


def _asks_only_about_me(question: str) -> bool:
    return _short_and_only(question, _asking_terms, _whether_only_terms, _about_me_terms)


_about_me_terms = partial(_stemmed, _ABOUT_ME_ONLY)
_whether_only_terms = partial(_stemmed, _WHETHER_ONLY)
_asking_terms = partial(_stemmed, " ".join(sorted(_ASKS_ANYWHERE | _ASKS_FIRST)))


# Neuter pronouns stand for something said, never for a noun after them: "¿me reintegra algo de eso?",
# "est-ce que cela se rembourse ?"; English "that" only where it ends the question ("pay for that?").
# French "ça" is left out: it mostly takes up the question's own subject ("Le Green Track, ça s'applique ?").
# A demonstrative before a word for money ("can I get that money back?", "¿me devuelven esa plata?", "ces frais")
# stands for the spending the story told (a translator, a notary), wherever it stands in the question.
_STORY_PRONOUN = re.compile(
    r"\b(?:eso|esto|ello|aquello|cela|ceci|tout ca)\b|\b(?:that|this|all that|those)\s*\??\s*$"
    r"|\b(?:that|this|those|these) (?:money|cash|costs?|expenses?|fees?|bills?)\b"
    # "Does the ministry refund any of it?" after the bills: a share of what the story spent.
    r"|\b(?:any|some|part|all|most) of it\b"
    # "… Argentina announced the degrees now have WFME recognition. Does this mean I do not need the Israeli exam
    # anymore?": what "this" means is the news just told, and alone the part got the general exam rule (dev38).
    r"|\b(?:does|do|would|will|did) (?:this|that|it) mean\b|\bca (?:veut dire|signifie)\b|\b(?:quiere|querra) decir que\b"
    r"|\b(?:ese|esa|esos|esas|este|esta|estos|estas) (?:dinero|plata|lana|guita|gastos?|costos?|pagos?)\b"
    r"|\b(?:cet argent|ces frais|ces depenses|cette somme|cette depense|ce montant)\b"
    # A demonstrative before a word for a route or a scheme stands for the one the story described
    # without naming it: "someone mentioned a special route for doctors with many years of practice …
    # explain what this route consists of", "on m'a parlé d'une voie … comment fonctionne cette voie ?",
    # "una colega me habló de una vía rápida … ¿puedo entrar por esa vía?"
    r"|\b(?:this|that) (?:special |fast |other )?(?:route|pathway|path|track|scheme|option|procedure|programme|program)\b"
    r"|\b(?:cette|ce) (?:fameuse |fameux |autre )?(?:voie|filiere|procedure|parcours|dispositif|programme|option|possibilite|regle)\b"
    r"|\b(?:esa|ese|esta|este|aquella|aquel) (?:otra |otro )?(?:via|ruta|camino|opcion|posibilidad|programa|procedimiento|regla|modalidad)\b"
)


def refers_to_story(question: str) -> bool:
    """Whether a part's question stands for what the story before it says ("3 lucas en el traductor. ¿Me
    reintegran algo de eso?"): its section must then be chosen with the story's words, not its own alone.
    So does a question that only checks what was just said ("Leí que los médicos gringos empiezan a trabajar
    al día siguiente de aterrizar. ¿Eso es así de verdad?", "… la reconnaissance WFME … Est-ce vrai ?"):
    alone it means nothing, and the part was searched as the story's other question (es-dev26-03, fr-dev26-04)."""
    return bool(_STORY_PRONOUN.search(fold(question))) or only_checks(question)


def only_checks(question: str) -> bool:
    """Whether a question only asks if what was just said holds ("Est-ce vrai ?", "¿Eso es así de verdad?")."""
    return _names_nothing([question])


def _stands_alone(question: str) -> bool:
    """"When is the exam? spring or fall?" is one question; "... ? and who signs it?" is a second."""
    last = sentences(question)[-1] if sentences(question) else question
    folded = _JOINER.sub("", fold(last).lstrip("¿¡ ")).strip()
    return len(folded.split()) >= 5 or (len(folded.split()) >= 3 and bool(_INTERROGATIVE.search(folded)))


# "Someone like me" is the doctor, not a person to talk to: the model read "So what happens with someone like me
# over there?" as a request for a person at 0.97 and handed a question on the internship over (en-dev23-05,
# en-dev19-05); "a doctor like me" reads as the program question it is (answer 0.67-0.91 in three languages),
# while "can someone like me talk to one of your advisors?" still asks for a person. Only what is embedded changes.
_SOMEONE_LIKE_ME = (
    (re.compile(r"\b(?:someone|somebody|anyone|anybody|a person) (?:like me|in my (?:situation|position|shoes))\b", re.I), "a doctor like me"),
    (re.compile(r"\bpeople like me\b", re.I), "doctors like me"),
    (re.compile(r"\b(?:quelqu'un|quelqu’un|une personne) (?:comme moi|dans (?:ma|mon) (?:situation|cas))\b", re.I), "un médecin comme moi"),
    (re.compile(r"\b(?:des |les )?gens comme moi\b", re.I), "des médecins comme moi"),
    (re.compile(r"\b(?:alguien|una persona) (?:como yo|en mi (?:situaci[oó]n|caso))\b", re.I), "un médico como yo"),
    (re.compile(r"\b(?:la )?gente como yo\b", re.I), "médicos como yo"),
)


def as_the_doctor(text: str) -> str:
    """``text`` with "someone like me" said as the doctor the asker is, for embedding."""
    for pattern, doctor in _SOMEONE_LIKE_ME:
        text = pattern.sub(doctor, text)
    return text


@lru_cache(maxsize=4)
def load_synonyms(path: Path = SYNONYMS_FILE) -> tuple[Synonym, ...]:
    """The synonyms file, or none when it is missing or malformed (search still works without it).
    Its place entries name groups of Israel's towns, read from ``israeli_towns.yaml`` beside it."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8")) or []
        towns = load_israeli_towns(path.with_name("israeli_towns.yaml"))
        return tuple(
            Synonym(
                tuple(fold(str(p)) for p in _flat(entry["when"], towns)),
                {k: str(v) for k, v in entry["add"].items()},
                tuple(fold(str(p)) for p in _flat(entry.get("unless") or (), towns)),
                entry.get("search", "words and meaning") != "words",
                bool(entry.get("place", False)),
                tuple(fold(str(p)) for p in _flat(entry.get("unless_asked") or (), towns)),
                bool(entry.get("only_asked", False)),
                tuple(fold(str(p)) for p in _flat(entry.get("story_with") or (), towns)),
            )
            for entry in raw
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        log.warning("synonyms file %s not used: %s", path, exc)
        return ()


def _flat(phrases: list, towns: dict[str, list[str]]) -> list:
    """One list of phrases: lists joined by their YAML anchor (``[*gaza_border, *negev]``) are
    flattened, and ``{israeli_towns: galilee}`` (or ``all``) stands for that group of towns."""
    flat: list = []
    for item in phrases:
        if isinstance(item, list):
            flat += _flat(item, towns)
        elif isinstance(item, dict):
            group = item["israeli_towns"]
            flat += [t for name, group_towns in towns.items() if group in (name, "all") for t in group_towns]
        else:
            flat.append(item)
    return flat


@lru_cache(maxsize=1024)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    # A French elision stands before a name ("d'Anvers", "l'ULiège", "d'Ofakim"); any other letter or apostrophe
    # before it means the phrase is part of another word.
    return re.compile(rf"(?:(?<=\b[cdjlmnst]')|(?<![\w']))(?:{alternatives})(?![\w'])")


# A town named as where a medical school stands: "la facultad de Bar-Ilan en Safed", "the medical school in Safed",
# "la faculté de médecine de Beer-Sheva". A student transferring there asks about studies, not the periphery
# grants a doctor settling there gets (es-dev30-03). Not a university hospital, where a doctor works.
_SCHOOL_BEFORE = re.compile(
    r"\b(?:facultad|faculte|faculty|universidad|universite|university|campus|medical school|school of medicine"
    r"|escuela de medicina|ecole de medecine)\b(?! hospital| hospitalier)[^.?!]{0,30}?\b(?:en|in|a|de|d'|of|at)\s*$"
)


def _a_school_there(folded: str, start: int) -> bool:
    return bool(_SCHOOL_BEFORE.search(folded[max(0, start - 60):start]))


# A place named as the one the doctor would not go to: "one of the kibbutzim by the Gaza border instead of Beer Sheva",
# "à Nahariya plutôt qu'à Haïfa", "en Sderot en vez de Beer Sheva". Its scheme is not what is asked: searched with it,
# the follow-up of a doctor's check got the Negev's grant and not the Tkuma grant it asked about (thirty-eighth round).
_LEFT_BEHIND_BEFORE = re.compile(
    r"\b(?:instead of|rather than|and not|au lieu d[e']|plutot qu[e']|et non (?:pas )?|en vez de|en lugar de|y no)"
    r"(?: ?(?:living|working|settling|going|vivre|travailler|s'installer|aller|vivir|trabajar|irnos|ir|instalarnos))?"
    r"(?: ?(?:in|at|to|near|a|en|au|aux|dans|cerca de|pres de))?(?: (?:the|la|le|les|el|los|las|l'))? ?$"
)


def _left_behind(folded: str, start: int) -> bool:
    return bool(_LEFT_BEHIND_BEFORE.search(folded[max(0, start - 50):start]))


def _fold_in_place(text: str) -> str:
    """``fold`` that keeps every character where it stood, so a match in it is a span of ``text``."""
    return "".join((fold(c) or c)[:1] if not c.isspace() else c for c in text)


def without_places(text: str, synonyms: tuple[Synonym, ...] | None = None) -> str:
    """``text`` with the towns and regions it names left out.

    A follow-up that names a place of its own ("and if we did one of the kibbutzim by the Gaza border, is there extra
    money?") is searched with the question it follows, and that story's "settling somewhere in the Negev, Beer Sheva
    or Omer" kept the Negev's grant first in the meaning searched, above the Tkuma grant asked about (doctor's check,
    thirty-eighth round). The rest of the story (the doctor's country, what was asked) still counts.
    """
    folded = _fold_in_place(text)
    spans = [
        m.span() for entry in (load_synonyms() if synonyms is None else synonyms) if entry.place
        for m in _pattern(entry.phrases).finditer(folded)
    ]
    kept, at = [], 0
    for start, end in sorted(spans):
        if start >= at:
            kept.append(text[at:start])
        at = max(at, end)
    return "".join(kept) + text[at:]


def _asked_folded(text: str) -> str:
    """What the message asks, folded: its asking sentences, or all of it when none asks (a statement tells its origin
    and its destination alike)."""
    return spell_out(fold(" ".join(asking_sentences(text)) or text))


def guidance_terms(text: str, lang: str, synonyms: tuple[Synonym, ...] | None = None, *, meaning: bool = False) -> str:
    """The guidance's words for what ``text`` names (a town, a local term), in ``lang``.

    ``meaning``: only the entries whose words say what the question is about (``search: words``
    entries, such as the country of a doctor's home town, are left to the keyword search).
    """
    return " ".join(dict.fromkeys(words for words, about in matched_terms(text, lang, synonyms) if about or not meaning))


def matched_terms(text: str, lang: str, synonyms: tuple[Synonym, ...] | None = None) -> list[tuple[str, bool]]:
    """Every synonym entry ``text`` names, as its words in ``lang`` and whether they say what it is
    about (see ``Synonym.meaning``), in file order: one scan for a search's keywords and meaning."""
    folded = spell_out(fold(text))
    asking: list[str] = []  # the asking sentences, folded once, when an entry first needs them

    def asked() -> str:
        if not asking:
            asking.append(_asked_folded(text))
        return asking[0]

    found = []
    for entry in load_synonyms() if synonyms is None else synonyms:
        told = entry.only_asked or (bool(entry.story_with) and not _pattern(entry.story_with).search(folded))
        scanned = asked() if told else folded
        named = [m.start() for m in _pattern(entry.phrases).finditer(scanned)]
        if entry.place:
            named = [at for at in named if not (someone_else_lives_there(scanned, at) or _a_school_there(scanned, at) or _left_behind(scanned, at))]
        if named and not (entry.unless and _pattern(entry.unless).search(folded)) and not (
            entry.unless_asked and _pattern(entry.unless_asked).search(asked())
        ):
            words = entry.add.get(lang) or entry.add.get("en", "")
            if not entry.meaning and fold(words) in folded:
                continue  # "médecin à Paris, formé en France": the country is already there to match
            if words:
                found.append((words, entry.meaning))
    return found
