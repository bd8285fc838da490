"""Which messages a person must handle, or the bot must decline, before any answer is given.

Two layers. Rules first: high-precision patterns (distress, an explicit request for a person, an
appeal or complaint about the doctor's own case) always escalate, whatever the model says, since
a missed cry for help or "I want to talk to someone" costs far more than a needless handover.
Then the triage model (``_triage_model``) reads the question embedding the assistant computes
anyway, and catches what no word list holds. Every decision carries a ``detail`` an advisor can
read: the matched words, or the model's class, score and nearest labelled examples.

Patterns match accent-folded, lowercased text, so "quiero hablar con alguien" and "quiero hablár
con alguién" are the same message. Every pattern is linear: no ``.*`` between two parts (a rule
with two parts searches the second after the first matched), no nested quantifiers, and the text
is capped at ``MAX_TRIAGE_CHARS`` (Telegram's own limit) before anything runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from ._target import PATTERNS as _TARGET_PATTERNS
from ._target import Target, israeli_file_step, question_target
from ._text import TEXTING_WORD, fold, spell_out
from ._types import EscalationReason, Triage, TriageKind
from ._understanding import asking_sentences

if TYPE_CHECKING:
    from ._triage_model import ModelVerdict, TriageModel

MAX_TRIAGE_CHARS = 4096  # a Telegram message is at most 4,096 characters


@dataclass(frozen=True)
class _Rule:
    reason: EscalationReason
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None  # informational wording that looks alike
    then: re.Pattern[str] | None = None  # must also occur after the match (instead of a ".*")

    def search(self, folded: str) -> str | None:
        match = self.pattern.search(folded)
        if match is None or (self.unless is not None and self.unless.search(folded)):
            return None
        if self.then is None:
            return match.group(0)
        after = self.then.search(folded, match.end())
        return f"{match.group(0)} … {after.group(0)}" if after else None


def _p(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


def _rules(reason: EscalationReason, pairs: Sequence[tuple[str, str]], unless: re.Pattern[str] | None = None) -> tuple[_Rule, ...]:
    """Rules of two parts: the first, then (anywhere later in the message) the second."""
    return tuple(_Rule(reason, _p(head), unless, _p(tail)) for head, tail in pairs)


# An informational question about a process ("how long does the appeals committee take?") is
# not a request to act on the doctor's own case.
_HOW_QUESTION = _p(
    r"^[¿¡\"'( ]*(how|what|when|where|who|which|is there|are there|can one|does the)\b",
    r"^[¿¡\"'( ]*(comment|quel|quelle|quels|quelles|quand|ou|qui|combien|est-ce qu'il y a|y a-t-il)\b",
    r"^[¿¡\"'( ]*(como|cual|cuales|cuando|donde|quien|cuanto|hay)\b",
)

# Distress in any language, checked before the language gate: someone writing "I want to die" in
# Hebrew or Russian must get the support lines, not "please write in English, French or Spanish".
# Folded like the messages (Cyrillic "й" folds to "и").
_DISTRESS_ANY_LANGUAGE = re.compile("|".join(f"(?:{fold(p)})" for p in (
    r"אני רוצה למות", r"רוצה למות", r"להתאבד", r"התאבדות", r"אין לי (כוח|סיבה) לחיות", r"לשים קץ לחיי",
    r"לא רוצה לחיות", r"אני לא (יכול|יכולה) יותר",
    r"хочу умереть", r"не хочу жить", r"покончить с собой", r"суицид", r"самоубийств", r"убить себя",
    r"больше не могу", r"нет сил жить",
    r"ich will sterben", r"ich will nicht mehr leben", r"selbstmord", r"mich umbringen",
    r"quero morrer", r"me matar", r"voglio morire", r"uccidermi", r"wil dood", r"أريد أن أموت", r"انتحار",
)))

# Verbs by which a doctor reports what they were told or already know: what follows "que" is told, not asked.
_REPORTING = ("dijeron", "dicen", "dijo", "dice", "contaron", "conto", "explicaron", "explico", "comentaron", "comento", "se", "sabemos")
_NOT_REPORTED = "".join(rf"(?<!\b{verb} que )" for verb in _REPORTING)

_RULES: tuple[_Rule | _OwnYesOrNo, ...] = (
    _Rule(
        EscalationReason.DISTRESS,
        _p(
            r"\b(can'?t|cannot) (take|cope|go on|do this)( it)? any ?more\b", r"\bhopeless\b", r"\bdesperate\b(?! for\b)",
            r"\bi'?m (so )?(depressed|overwhelmed|breaking down|at the end of my rope)\b", r"\bsuicid", r"\bkill myself\b",
            r"\bend (it all|my life)\b", r"\bwant to die\b", r"\bno reason to live\b", r"\bpanic attacks?\b",
            r"\bfalling apart\b", r"\bgive up on everything\b",
            r"\bj'?en peux plus\b", r"\bje n'?en peux plus\b", r"\bdesespere(?!ment)", r"\bsans espoir\b", r"\bdeprime",
            r"\bje craque\b", r"\bau bout du rouleau\b", r"\bmettre fin a mes jours\b", r"\ben finir\b",
            r"\benvie de mourir\b", r"\bme suicider\b", r"\bje m'?effondre\b", r"\bcrises? d'?angoisse\b",
            r"\bno doy mas\b", r"\bno puedo mas\b", r"\bdesesperad[oa]\b", r"\bsin esperanza\b", r"\bdeprimid[oa]\b",
            r"\bquiero morir(me)?\b", r"\bsuicidarme\b", r"\bquitarme la vida\b", r"\bme estoy derrumbando\b",
            r"\bataques? de panico\b", r"\bya no aguanto\b", r"\bestoy (muy )?angustiad[oa]\b", r"\bestoy hundid[oa]\b",
            # Crying told of oneself, day after day: "je passe mes journées à pleurer, je ne me reconnais plus" beside
            # a question on the licence read as a program question once the long stories of dev21-dev34 were filed
            # (distress 0.31). In the data file and every development set these words come only in distress.
            r"\bi(?:'ve been| have been| keep| am|'m)? crying\b", r"\bi cry (?:every|all|each|myself)\b", r"\bcry(?:ing)? myself to sleep\b",
            r"\bje pleure\b", r"\bje passe (?:mes|toutes mes) (?:journees|nuits|soirees) a pleurer\b", r"\bje n'?arrete pas de pleurer\b",
            r"\blloro (?:todos|todas|cada|sin parar|todo el)\b", r"\bme (?:la )?paso llorando\b", r"\bno paro de llorar\b", r"\bestoy llorando\b",
        ),
    ),
    _Rule(
        EscalationReason.APPEAL,
        _p(
            # the doctor's own appeal, not appeals as a topic ("what does an appeal cost?", "¿apelar
            # tiene algún costo?", "faire un recours, c'est payant ?": the model reads those)
            r"\b(want|need|going|how can i|help me) to (appeal|contest|challenge)\b", r"\b(can|could|should|shall) (i|we) (appeal|contest|challenge)\b",
            r"\bappeal (their|this|my) (decision|rejection|refusal|file|case)\b", r"\bappeal against (their|this|my) (decision|rejection|refusal)\b",
            r"\b(rejected|refused|denied|turned down) my\b", r"\bmy (file|application|request|licen[cs]e) (was|has been|got) (rejected|refused|denied|turned down)\b",
            r"\b(veux|voudrais|vais|compte|souhaite|souhaiterais|dois|aimerais|pourrais|peux|allons|voulons|puis-je) (faire|deposer|former|introduire) (un )?(appel|recours)\b",
            r"\bcontester (cette|leur) decision\b", r"\bfaire appel (de|contre) (leur|cette|sa) (decision|refus)\b",
            r"\b(ont|a) (rejete|refuse) mon\b", r"\bmon dossier (a ete|est) (rejete|refuse)\b",
            r"\b(quiero|quisiera|voy a|vamos a|necesito|tengo que|pienso|me gustaria|ayudame a|ayudeme a|ayudenme a|puedo|podemos|queremos) (apelar|impugnar|recurrir)\b",
            r"\b(apelo|impugno)\b", r"\b(rechazaron|denegaron|negaron) mi\b", r"\bmi (expediente|solicitud|pedido) (fue|ha sido) (rechazad|denegad)",
            r"\bme (rechazaron|denegaron)\b",
            # not accepting a decision: "je ne compte pas en rester là … pour qu'ils revoient ça" (dev16). In the
            # data file and the golden and dev sets these words come only in messages that contest one.
            r"\b(pas|plus) en rester la\b", r"\b(not|n't) (going to |gonna )?(leave|let) (it|this|that) (there|go|slide|at that)\b",
            r"\bnot (accepting|taking) (this|that|it) lying down\b",
            r"\bno (me )?(voy a|pienso) (quedar|quedarme) (asi|de brazos cruzados)\b", r"\bno (lo|la) (voy a|pienso) dejar (asi|pasar)\b",
        ),
        unless=_HOW_QUESTION,
    ),
    _Rule(
        EscalationReason.COMPLAINT,
        _p(
            r"\b(want|wish|would like|need) to (file |make |lodge )?(a )?complain", r"\bi('m| am) complaining\b",
            r"\bformal complaint\b", r"\b(this|your) (service|bot) is (useless|a joke|terrible|awful)\b", r"\bscandal(ous)?\b",
            r"\b(porter|deposer|faire) (une )?(plainte|reclamation)\b", r"\bje (veux|souhaite) me plaindre\b",
            r"\bc'?est (un )?scandal", r"\binadmissible\b", r"\binacceptable\b", r"\b(votre|ce) service est (nul|inutile)\b",
            r"\b(presentar|poner|hacer|dejar) (una |un )?(queja|reclamacion|denuncia|reclamo)\b", r"\bno sirve para nada\b", r"\bquiero quejarme\b",
            r"\bes (un|una) (escandalo|verguenza|vergonzoso)\b", r"\binaceptable\b", r"\b(su|este|tu) servicio es (inutil|un desastre|malisimo)\b",
        ),
    ),
    _Rule(
        EscalationReason.HUMAN_REQUEST,
        _p(
            r"\b(talk|speak|chat) (to|with) (a |an |some ?one|some ?body|a real |an actual )?(real )?(person|human|advisor|adviser|agent|someone|somebody|counsell?or|people)\b",
            r"\bhuman,? please\b", r"\b(get|put) me (through )?to (a |an )?(person|human|advisor|agent)\b",
            r"\bconnect me (to|with)\b", r"\b(need|want) (a|an) (human|person|advisor|adviser)\b", r"^(an? )?(advisor|adviser|human|agent)( please)?[.!?]{0,5}$",
            r"\bparler (a|avec) (un|une|quelqu'?un|un vrai|une vraie|un humain|une personne|un conseiller|une conseillere)",
            r"\bpassez[- ]moi (un|une|quelqu'?un)\b", r"\bje (veux|voudrais|souhaite) (un|une) (humain|conseiller|conseillere|personne)\b",
            r"^(un )?(conseiller|humain)( svp| s'?il vous plait)?[.!?]{0,5}$", r"\bmettez[- ]moi en contact avec\b",
            r"\bhablar con (una|un|alguien|algun|una persona|un asesor|una asesora|un humano|un ser humano)\b",
            r"\b(me )?pas(a|as|e|es)s? con (alguien|una persona|un asesor|un humano)\b", r"\bpasame con\b", r"\bme pasas con\b", r"\bme pasan con\b",
            r"\b(quiero|necesito) (un|una) (asesor|asesora|persona|humano)\b", r"^(un )?(asesor|humano)( por favor)?[.!?]{0,5}$",
            r"\bcon un asesor,? por favor\b", r"\bpersona real\b", r"\bde carne y hueso\b", r"\ben chair et en os\b", r"\bflesh and blood\b", r"\bcomunicarme con (alguien|una persona|un asesor)\b",
            # a call from the team: "can someone from your team call me back?", "quelqu'un pourrait me
            # rappeler ?", "¿alguien del equipo me puede llamar?", and a call or meeting booked with them
            r"\b(someone|somebody|anyone|anybody|an advisor|an adviser|one of you|your team|a person)\b[^.?!]{0,40}\b(call|ring|phone) me\b",
            r"\b(can|could|would) you (call|ring|phone) me\b",
            r"\b(quelqu'?un|un conseiller|une conseillere|votre equipe)\b[^.?!]{0,40}\b(m'?appeler|me rappeler|me telephoner)\b",
            r"\b(pourriez|pouvez)[- ]vous (m'?appeler|me rappeler|me telephoner)\b",
            r"\b(alguien|un asesor|una asesora|el equipo)\b[^.?!]{0,40}\b(me (pueda|puede|podria|podrian|pueden) llamar|llamarme|me llame|me llamen)\b",
            r"\b(rendez-vous|rdv|un appel|une visio|a call|a video call|a meeting|una videollamada|una llamada|una cita|una reunion)"
            r" (avec|with|con) (un conseiller|une conseillere|l'equipe|votre equipe|an advisor|an adviser|your team|someone|alguien|un asesor|una asesora|el equipo)\b",
        ),
    ),
    *_rules(EscalationReason.HUMAN_REQUEST, [
        (r"\b(un|une) (conseiller|conseillere|humain|vraie personne|personne reelle)( svp| s'?il vous plait)?\b", r"\b(svp|s'?il vous plait|merci)\b"),
    ]),
    _Rule(
        EscalationReason.PERSONAL_ELIGIBILITY,
        _p(
            r"\b(decide|rule) (for me|on my case)\b",
            # the body asked to look again is not us: "can I ask them to look at my file again" (the Green Track re-review)
            r"(?<!\bask them to )(?<!\bask the council to )(?<!\bask the committee to )"
            r"\b(look at|review|check|assess|evaluate) my (file|case|cv|dossier|situation|documents)\b",
            r"\bdecid(ez|er) (pour moi|de mon cas)\b", r"\b(examiner|regarder|verifier|evaluer|etudier) mon (dossier|cas|cv|parcours)\b",
            r"\best-ce que moi,? je\b",
            r"\b(decidi|decida|decidan|decidime|decidan) (por mi|mi caso)\b", r"\b(revisar|revisen|revisa|revisas|mirar|miren|evaluar|evaluen|analizar|analicen) mi (expediente|caso|cv|perfil|situacion|legajo)\b",
            r"\b(revisen|revisa|revisame|revisenme|miren|chequeen|chequea) mis (papeles|documentos|titulos|certificados)\b",
            r"\b(review|check|look at|go over|go through) my (papers|documents|paperwork)\b", r"\b(examinez|verifiez|regardez|relisez) mes (documents|papiers|pieces)\b",
            r"\b(confirmen|confirmame|confirmeme|confirma|decime|digame|diganme) si (yo )?(soy|estoy|califico|tengo derecho|quedo)\b",
            r"\b(en mi caso|a mi) (personalmente|en particular)\b",
            # a decision on the doctor's own file, not the rule: "a ruling on my file", "pré-valider
            # ma reconnaissance", "preaprobar el reconocimiento"
            r"\b(ruling|decision) (on|about) my (file|case|application)\b", r"\bdecision (sur|concernant) mon (dossier|cas)\b",
            r"\bdecision sobre mi (expediente|caso|legajo|solicitud)\b", r"\bpre-?approv(e|al of) my\b", r"\bpre-?valider (ma|mon)\b",
            r"\bpre-?aprobar(me)? (el|la|mi)\b",
            r"\b(am|do|would|will|can|could|should) i personally\b",
            # the outcome of the doctor's own file ("tell me the outcome for my file", "le verdict pour
            # mon dossier", "el resultado de mi expediente"): a ruling, never the rule
            r"\b(outcome|verdict|resultado|veredicto) (for|of|on|pour|de|du|sur|para|sobre) (my|mon|ma|mi) (file|case|application|dossier|demande|expediente|caso|legajo|solicitud)\b",
            # or its outcome foretold, or a yes begged for: "pls just tell me if my file will go thru",
            # "mon dossier va passer, hein ?", "eso significa q a mí me aceptan el título? decime q sí",
            # "dites-moi que je suis dedans" (triage_dev15/16; in the data file and the golden and dev
            # sets these words come only in messages that need a person, 13 of them)
            r"\b(tell me|let me know) (if|whether) my (file|application|dossier|case|paperwork|papers) (will|is going to|is gonna|would) (go thru|go through|get through|pass|be approved|get approved|be accepted|get accepted)\b",
            r"\b(will|is) my (file|application|dossier|paperwork) (going to |gonna )?(go thru|go through|get through|pass|be approved|get approved|be accepted)\b",
            r"\b(mon dossier|ma demande|ma candidature) (va|vont|va-t-il|va-t-elle|passera|sera)( bien)? (passer|accepte|acceptee|approuve|approuvee|valide|validee)\b",
            r"\b(expediente|legajo|tramite|carpeta|solicitud|papeles) (va a|van a) (pasar|salir aprobad[oa]s?|salir bien|ser aprobad[oa]s?|aprobarse)\b",
            r"\b(decime|dime|digame|diganme|decidme) (q|que) (si|esta todo bien|me (aceptan|dan|toca|corresponde))\b",
            r"\bdites[- ]moi (que oui|que (je|j'|mon dossier|ma demande|c'est bon))",
            r"\b(just )?tell me (it'?s|its|it is|that it'?s) (a )?yes\b", r"\btell me (that )?(i'?m|i am|we'?re|we are) (exempt|eligible|covered)\b",
            # or confirmed ahead of the decision: "Kindly confirm whether my degree will be accepted by the Israeli
            # ministry", "confirmez-moi que mon diplôme sera reconnu", "confírmenme si mi título va a ser aceptado"
            # (triage_dev15; in the data file and the golden and dev sets these words come only in messages that
            # need a person)
            r"\bconfirm (me |us )?(whether|if|that) ((my|our) [\w-]+( [\w-]+)? (will|would|is|are|can|could|shall) (be |get )?"
            r"(accepted|recognised|recognized|approved|valid|enough|sufficient|eligible|exempt|considered|counted)"
            r"|(i|we) (will|would|am|are|can|could|shall)( still)? (be )?(accepted|eligible|exempt|exempted|qualify|come under|get|receive|entitled))\b",
            r"\bconfirme[rz]?[- ](moi |nous )?(que|si) (mon|ma|mes|notre|nos) [\w-]+( [\w-]+)? (sera|seront|est|sont|va etre|vont etre) "
            r"(accepte|acceptee|acceptes|acceptees|reconnu|reconnue|reconnus|reconnues|valide|validee|valides|suffisant|suffisante)\b",
            r"\bconfirm(en|e|a|ar)(me|nos)? (que|si) (mi|mis|nuestro|nuestra|nuestros) [\w-]+( [\w-]+)? (va a ser|van a ser|sera|seran|es|son) "
            r"(aceptad[oa]s?|reconocid[oa]s?|valid[oa]s?|aprobad[oa]s?|suficientes?)\b",
            # Spanish names its subject only to stress it: "¿yo tengo que rendir el examen?" is "do I
            # personally", as "est-ce que moi je" is in French (a plain "¿tengo que rendir?" is not)
            r"\byo,? (tengo que|debo|tendria que|tendre que|voy a tener que) (rendir|dar|hacer|pasar)\b",
            # the answer asked for is the verdict on the doctor's own case, not the rule: "not after the
            # general rules, just a realistic read on me", "mon cas précis", "lo mío puntualmente", "decidme
            # qué me toca a mí" (triage_dev16; in the data file and the golden and dev sets these words
            # come only in messages that need a person)
            r"\bnot (after|asking about|interested in) the general rules?\b", r"\b(straight|realistic|honest|definite) (answer|read|verdict) (for|on) me\b",
            r"\b(for me specifically|specifically for me|in my exact case)\b", r"\bmy (specific|exact|particular|concrete) case\b",
            r"\bpour moi (precisement|specifiquement|concretement|personnellement)\b", r"\bmon cas (precis|particulier|personnel|concret)\b",
            r"\bmi caso (concreto|puntual|particular|especifico)\b", r"\blo mio (puntualmente|en concreto|en particular)\b", r"\bque me toca a mi\b",
        ),
    ),
    # "yes or no" about the doctor's own eligibility asks for a decision, not information
    *_rules(EscalationReason.PERSONAL_ELIGIBILITY, [
        (r"\b(decide|confirm|check|tell me|look at|review|assess|evaluate) (for me |personally )?(whether|if) i\b", r"\b(eligible|exempt|qualify|entitled)"),
        (r"\b(given|based on|with) my (cv|profile|background|situation|file)\b", r"\b(eligible|exempt|qualify|entitled)\b"),
        (r"\b(am i|i am|i'?m) (personally )?(eligible|exempt|entitled)\b", r"\b(yes or no|for sure|personally|decide|confirm)\b"),
        (r"\bmoi,? (personnellement|je suis)\b", r"\b(eligible|dispense|exempte|droit)\b"),
        (r"\b(vu|avec|selon) mon (cv|parcours|profil|dossier)\b", r"\b(eligible|dispense|exempte|droit)\b"),
        (r"\b(confirmez|confirmer|dites)[- ](moi )?(que|si) je (suis|serai|peux)\b", r"\b(eligible|dispense|exempte|droit)\b"),
        (r"\b(con|segun|dado) mi (cv|perfil|historial|situacion|expediente)\b", r"\b(elegible|exento|exenta|derecho|califico|aplico)\b"),
        # "So the periphery grant … do we get it or no?" (doctor's check, a Scottish GP): the family's grant, and "or
        # no" as Scots, Irish and Indian English say it; no message of the data file or any set reads otherwise
        (r"\b(do|would|will|can) (i|we) (personally )?(qualify|be eligible|be exempt|get it)\b", r"\b(yes or no|or not|or no)\b"),
        (r"\b(in my case|for me personally)\b", r"\b(or not|yes or no)\b"),
        (r"\b(est-ce que )?je (suis|serai) (eligible|dispense|exempte)\b", r"\b(oui ou non|ou pas)\b"),
        (r"\bdans mon cas\b", r"\b(ou pas|ou non|oui ou non)\b"),
        (r"\b(yo )?califico\b", r"\b(si o no|o no)\b"),
        (r"\b(en mi caso|a mi)\b", r"\b(me lo (van a )?dan|me corresponde)\b"),
        (r"\ben mi caso\b", r"\bo no\b"),
        # whether the doctor's own situation, told with its dates and post, gets a benefit: "so in our
        # situation, do we get the periphery grant or did we miss the boat?", "con estas fechas y este
        # puesto, ¿yo entro en la beca Tkuma?" (dev13; in the data file and the golden and dev sets these
        # words come only in messages that need a person)
        (r"\b(in|given) (our|my) (situation|circumstances)\b", r"\b(do|would|will|can|could) (i|we) (still )?(get|qualify|receive|be eligible|be entitled)\b"),
        (r"\b(dans|vu|avec) (notre|ma) situation\b", r"\b(ai-je|avons-nous|aurai-je|aurons-nous|est-ce qu'on a|est-ce que j'ai|est-ce que nous avons) droit\b|\b(toucherai|toucherons|toucherait|toucherions)\b"),
        (r"\b(en (nuestra|mi) situacion|con (estas|esas) fechas|con (este|ese) puesto)\b", r"\b(me|nos) (corresponde|corresponderia|toca|tocaria)\b|\b(yo )?(entro|entramos|califico|calificamos) (en|para)\b|\b(tengo|tenemos) derecho\b"),
        (r"\bcuanto (me|nos) (tocaria|corresponderia|(va|van) a (tocar|corresponder))\b", r"\ba (mi|nosotros)\b"),
        # the doctor's own outcome, stressed: "which way will it go for me", "a mí, ¿me toman el
        # examen?", "avec mon parcours à moi, je passe par le Green Track ?", "dans quelle case je
        # tombe", "what's our family going to end up getting?" (dev14; in the data file and the golden
        # and dev sets these words come only in messages that need a person)
        (r"\b(i|we|my|our)\b", r"\bend up (getting|receiving)\b"),
        (r"\bmoi,? avec (mon|ma|mes)\b", r"\b(j'y ai droit|ai-je droit|j'ai droit|je vais devoir|je devrai|je passe par|je serai|on va me)\b"),
    ]),
    # What the deciding body will ask of the doctor, given a circumstance of their own: "avec cette
    # coupure de quatre ans et ce mi-temps, qu'est-ce que le Conseil scientifique va exiger de moi ?",
    # "given my two-year break, what will the committee require of me?" (dev15); or whether, so, they
    # are through: "with my 11 years and this break, do I get to skip the exam or not?", "con todo este
    # recorrido, ¿yo entro en el Maslul Yarok?" (dev16). In the data file and
    # the golden and dev sets the two together come only in messages that need a person; the second
    # alone comes in twenty answerable ones. Which documents they will ask for is a list, not a ruling.
    _Rule(
        EscalationReason.PERSONAL_ELIGIBILITY,
        _p(
            r"\b(with|given) (all )?(this|that|my|such a)(?: [\w-]{1,20}){0,4} (gap|break|interruption|part-time|background|history|profile|path)\b",
            r"\b(avec|vu) (tout )?(cette|ce|mon|ma|mes|ces)(?: [\w-]{1,20}){0,4} (coupure|interruption|pause|arret|mi-temps|parcours|profil|cursus)\b",
            r"\b(con|dada|dado) (todo |toda )?(esta|este|esa|ese|mi|mis)(?: [\w-]{1,20}){0,4} (pausa|interrupcion|parate|trayectoria|historial|perfil|recorrido)\b",
        ),
        unless=_p(r"\b(documents?|papers|paperwork|forms?|papiers|pieces|formulaires?|papeles|documentos|formularios|tramites)\b"),
        then=_p(
            r"\b(va|vont) (m'?)?(exiger|demander|imposer)\b", r"\bexiger de moi\b", r"\bon va me (demander|imposer|exiger)\b",
            r"\b(will|would|are|is) (they|the \w+(?: \w+)?) (going to )?(require|ask|demand|want|expect|make) (of |from )?(me|us)\b",
            r"\b(me|nos) (van|va) a (exigir|pedir|imponer|hacer)\b", r"\bque (me|nos) (exigiran|pediran)\b",
            # or asks for a yes or no on the doctor's own way through ("do I get to skip the exam or not?")
            r"\bor not\b", r"\bou (pas|non)\b", r"\bo no\b", r"\b(yo )?(entro|entramos) (en|al|a la)\b", r"\bje (rentre|passe) (dans|par)\b",
        ),
    ),
    _Rule(
        EscalationReason.PERSONAL_ELIGIBILITY,
        _p(
            r"\bwhich way (will|would|does|is) (it|this|that|things) (go|going to go) for (me|us)\b",
            # not where the doctor reports it: "en la Sojnut me dijeron que a mí me toca hacer el staj", "ya sé que a
            # mí me toca el examen" tell what they know, and ask something else (es-dev24-02)
            _NOT_REPORTED + r"\ba (mi|nosotros|nosotras),? (me|nos) (toman|toma|toca|tocan|tocaria|corresponde|corresponden|corresponderia|dan|darian"
            r"|piden|pediran|exigen|van a|va a|aplica|aplican|reconocen|reconoceran|convalidan)\b",
            r"\b(yo|nosotros),? concretamente\b", r"\b(voy|vamos) a tener que hacer (yo|nosotros)\b",
            r"\b(mon|ma|mes|notre|nos) (parcours|cas|dossier|situation|profil|diplome|diplomes|annees) a (moi|nous)\b",
            r"\bdans quelle case (je|nous|on) (tombe|tombons|rentre|rentrons)\b",
        ),
    ),
    *_rules(EscalationReason.PERSONAL_ELIGIBILITY, [
        # an official or written confirmation of the doctor's own case (for an employer, say)
        (r"\b(confirm|confirmez|confirmer|confirmen|confirmar|confirmeme|confirmame|certify|certifier|certificar)\b",
         r"\b(officially|in writing|officiellement|par ecrit|oficialmente|por escrito)\b"),
    ]),
    # the team asked to act officially on the doctor's own file: sign, certify, approve, lodge an
    # appeal for them. Only a person can; the model reads these as program questions about the act.
    _Rule(
        EscalationReason.PERSONAL_ELIGIBILITY,
        _p(
            r"\b(can|could|would|will) (you|your team|you guys)( please)? (sign|certify|approve|pre-?approve|stamp)\b",
            r"\b(pouvez|pourriez)[- ]vous (me |nous )?(signer|certifier|approuver|valider|tamponner|attester)\b",
            r"\b(me|nos) (pueden|podrian|puede|podria|podes|puedes|podrias) (firmar|certificar|aprobar|sellar|validar)\b",
            r"\b(ustedes|su equipo|tu equipo) (me |nos )?(pueden|podrian|puede|podria) (firmar|certificar|aprobar|sellar|validar)\b",
            # or to speak to the Ministry for the doctor: "can you tell the ministry I meet the 14-year rule?"
            r"\b(can|could|would|will) (you|your team)( please)? (tell|inform|write to|email|call|contact|notify) (the )?(ministry|moh)\b",
            r"\b(pouvez|pourriez)[- ]vous (dire|ecrire|informer|signaler|expliquer|contacter|appeler) (au|le) ministere\b",
            r"\b(me |nos )?(pueden|podrian|puede|podria|podes|puedes) (decirle|decir|avisarle|avisar|informarle|informar|escribirle|escribir|explicarle|contactar|llamar) (al|el) ministerio\b",
        ),
        unless=_HOW_QUESTION,
    ),
    *_rules(EscalationReason.APPEAL, [
        (r"\b(appeal|apelacion|appel|recours|impugnacion)\b",
         r"\b(on my behalf|in my name|a ma place|en mon nom|por mi|en mi nombre|a mi nombre|en mi lugar)\b"),
    ], unless=_HOW_QUESTION),
    _Rule(
        EscalationReason.PERSONAL_ELIGIBILITY,
        _p(
            r"\b(guarantee|promise|assure) me\b",
            r"\bme (garantir|garantissez|garantis|promettre|promettez)\b",
            r"\b(garantizame|garantizarme|me (garantiza|garantizan|garantizas|garantizar|prometen|promete|prometes))\b",
        ),
    ),
)

# A doctor who asks "yes or no" about their own case asks for a ruling (golden.yaml's spec). Not
# when the ruling is about the right to make aliyah or one's status: that is legal_status, and the
# model names it.
_LEGAL_STATUS_WORDS = _p(
    r"\b(jewish|jew|juif|juive|judio|judia)\b", r"\blaw of return\b", r"\bloi du retour\b", r"\bley del retorno\b",
    r"\b(grandfather|grandmother|grand-pere|grand-mere|abuelo|abuela)\b", r"\bconver(t|sion|ted|ti|tie|so|sa|sion)\b",
    r"\breturning resident\b", r"\btoshav\b", r"\bresidente que regresa\b", r"\b(right to|droit (a|de)|derecho a) (make |faire |hacer )?(l'|mon |la )?(aliyah|alya|alyah|alia)\b",
)
_YES_OR_NO = _p(r"\b(yes or no|oui ou non|si o no)\b")
_OWN = _p(r"\b(i|i'm|im|my|me|mine|je|moi|mon|ma|mes|mien|mienne|yo|mi|mis|mio|mia)\b", r"\bj'")
_SENTENCE_END = re.compile(r"[.?!\n]+")


@dataclass(frozen=True)
class _OwnYesOrNo:
    """"Yes or no" asked of the doctor's own case: the question it closes speaks in the first person.

    The question is the sentence holding "yes or no", or, when that sentence is only "… yes or no"
    (five words or fewer before it), what came before ("me toca la bonificación? llegué hace 22
    meses y trabajo en Ofakim. sí o no"). A story in the first person that ends "are doctors
    trained in Belgium exempt, yes or no?" asks the rule, and is answered (dev14)."""

    reason: EscalationReason = EscalationReason.PERSONAL_ELIGIBILITY
    pattern: re.Pattern[str] = _YES_OR_NO
    unless: re.Pattern[str] | None = _LEGAL_STATUS_WORDS
    then: re.Pattern[str] | None = _OWN

    def search(self, folded: str) -> str | None:
        if self.unless is not None and self.unless.search(folded):
            return None
        ends = [0, *(m.end() for m in _SENTENCE_END.finditer(folded)), len(folded)]
        for asked in self.pattern.finditer(folded):
            start = max(end for end in ends if end <= asked.start())
            stop = min(end for end in ends if end >= asked.end())
            if len(folded[start:asked.start()].split()) <= 5:
                start = 0
            own = _OWN.search(folded, start, stop)
            if own is not None:
                return f"{own.group(0)} … {asked.group(0)}"
        return None


_RULES = (*_RULES, _OwnYesOrNo())

ALL_PATTERNS: tuple[re.Pattern[str], ...]  # every pattern triage runs, for the linearity test


# The bot never gives clinical advice: a dosing or patient-management question is declined.
_CLINICAL = _p(
    # "dose" before a subject is the verb "does" mistyped ("how long dose it take?"), not a dosage
    r"\bdose\b(?! (it|i|you|he|she|we|they|the|this|that|my|your|our|a|an|one|anyone|someone)\b)",
    r"\b(dosage|dosing|posologie|posologia|dosis)\b", r"\bmg ?/ ?kg\b",
    r"\b(for|in) a (patient|child|kid|baby) with\b", r"\b(pour|chez) un (patient|enfant|nourrisson) (avec|atteint)\b",
    r"\b(para|en) un (paciente|nino|bebe) con\b", r"\bhow (do|should) (i|you) treat\b", r"\bcomment traiter\b", r"\bcomo trat(o|ar)\b",
)


# Another country's question is told by its TARGET, where the doctor wants to practise or move
# (``_target.question_target``), not by which countries it names: "my French diploma, is it
# recognised in Israel?" is Israel's, "I trained in Israel and want to practise in Germany" is not,
# and a question that names no other place at all ("the exam over there", "how do I get my
# cardiology recognised?") is Israel's, the bot's whole subject. A doctor already based in Israel
# (a past aliyah, an Israeli licence held, working there now) who names another country, with
# Israel no place to go, is asking how to leave: "made aliyah in 2019 … HPCSA registration lapsed,
# how do I restore it?". With no other country named, a doctor based in Israel is a new oleh asking
# about their own file ("we live in Haifa now; my UK CCT, how is it recognised?"): answered.
#
# Where the target reading is silent (no place read as the goal, no other place or system named but
# as an origin), the model's reading is weighed. The reading's lists of places and systems are
# finite, and doctors name what they know ("Hessen", "the EVC", "Step 3", "the Saudi Commission"):
# silence is no evidence the question is Israel's, so the model's confident other-country reading
# (at least ``SILENT_DECLINE_AT``) stands, unless what is named is a step of the Israeli file (the
# USMLE, the GMC's letter: "is Step 1 enough or do I need Step 2 CK?" is the bot's subject).
# Chosen out of fold over the data file (three shuffles) and on triage_dev11 / triage_dev13 before
# they were filed there (issue 9, country13). Answering every silent reading, as before, declined
# 23 of 6,084 in-scope readings out of fold and 0.911 / 0.852 of the development sets' other-country
# messages; letting the model's reading stand from 0.5 declined 64 in-scope readings, from 0.7 45,
# from 0.8 35, from 0.9 26, with the development sets at 0.944 / 0.907 from 0.7 up. No in-scope
# message of either development set reads this way.
SILENT_DECLINE_AT = 0.9
# The same holds where Israel is read as the place only by the program's own words ("aliyah",
# "olim", "ulpan") or a bare "in Israel", and another country is named: doctors whose aliyah was
# planned and dropped, or who live in Israel and are going elsewhere, name both. Out of fold over
# the data file with triage_dev11 and triage_dev13 filed (3,211 messages, three shuffles), where
# Israel had won so and the model read another country at 0.97 or more, the model was right 15
# times and wrong once; on the two development sets before they were filed, right 5 times of 5
# (other-country declined 0.944 -> 0.956 and 0.907 -> 0.944, no in-scope message more). 0.95 to
# 0.98 gave the same on the development sets; 0.9 declined three or four in-scope messages more
# out of fold. An Israeli target with a cue word of its own ("practise in Israel") is never overruled.
SURE_OVER_WEAK_ISRAEL_AT = 0.97
# And the other way: an Israeli place or institution named with no cue word ("schools in Jerusalem",
# "my daughter studies in Haifa", "the Israeli exam"), another place named too, no goal read and no
# sign the doctor already lives in Israel: the model's other-country reading stands only when it is
# fairly sure. Chosen out of fold over the 3,211 labelled messages (three shuffles): answering such
# readings below 0.7 declines 0.0071 / 0.0062 / 0.0085 -> 0.0058 / 0.0058 / 0.0067 of in-scope
# readings, other-country unchanged but for one French message in one shuffle; below 0.8 or 0.9 it
# loses one to four other-country messages more for no in-scope gain.
UNSURE_OVER_NAMED_ISRAEL_BELOW = 0.7
# The story names Israel, the question sentences name another place and not Israel ("so we're moving to Jerusalem in
# the summer … anyway I want to keep my Texas licence active … how many CME hours does the Texas board want"): the
# model's other-country reading stands from this probability. It was SURE_OVER_WEAK_ISRAEL_AT's 0.97 until the
# forty-sixth round; out of fold over the labelled messages and a batch of 180 voice notes filed for the measurement
# only (their clauses read as sentences), of the messages read this way with the model at 0.5 or more, all 19 are
# other-country questions (8 of them at 0.97 or more, 11 between 0.79 and 0.95); below 0.5, three other-country
# questions and answers (0.432 the highest answer). 0.85, not lower: a question naming the doctor's own country beside
# an Israeli town ("moving to Beersheba … if Australia counts?") is the program's with a model leaning elsewhere at
# 0.8.
ASKED_ELSEWHERE_AT = 0.85
# A doctor based in Israel who names another country is read as leaving only when the model gives
# that reading some weight: "made aliyah in March … the good-standing letter sent by the state board
# … is there an appeal when the ministry doesn't decide?" names a foreign body as a step of the
# Israeli file, and the model read it as a program question at 0.98 (dev12). Out of fold over the
# 3,211 labelled messages (three shuffles) every other-country message this rule declined had an
# other-country probability of 0.1 or more, and the one in-scope message it declined 0.023.
BASED_LEAVING_AT = 0.05


def settle_other_country(text: str, label: str, p_other: float | None = None) -> tuple[str, str]:
    """The model's label once the question's target is read, and why (empty when unchanged).

    ``p_other`` is the model's other-country probability; without it (None) a silent target
    reading answers, as before it was weighed."""
    if label not in ("answer", "other_country"):
        return label, ""
    target = question_target(text[:MAX_TRIAGE_CHARS])
    if label == "other_country":
        if target.place == "israel" and target.foreign_beside_program:
            # the model reads another country's question, and another place has a cue word of its
            # own: the program's word names Israel as the context ("before we make aliyah"), not the place
            return label, (
                f"rule: another country is where the doctor wants to practise (“{target.foreign_beside_program}”); "
                f"Israel is named only by the program's word “{target.evidence}”"
            )
        if target.place == "israel" and target.weak and target.israel_base and target.foreign_named:
            # "in Israel" with no cue word, from a doctor already based there who names another country
            return label, f"rule: the doctor is based in Israel (“{target.israel_base}”) and names another country"
        if (
            target.place == "israel" and (target.weak or target.program_only) and target.foreign_named
            and p_other is not None and p_other >= SURE_OVER_WEAK_ISRAEL_AT
        ):
            # "we had planned our aliyah, but now it's Canada: the MCCQE…", "resident in Israel, an
            # observership at the Mayo Clinic": Israel only by the program's word or a bare "in Israel"
            how = "the program's word" if target.program_only else "“in Israel” with no cue word"
            return label, (
                f"rule: Israel is the place only by {how} (“{target.evidence}”), another country is named, "
                f"and the model is sure ({p_other:.2f} ≥ {SURE_OVER_WEAK_ISRAEL_AT})"
            )
        asked_elsewhere = _asked_elsewhere(text[:MAX_TRIAGE_CHARS]) if target.place == "israel" else ""
        if asked_elsewhere and p_other is not None and p_other >= ASKED_ELSEWHERE_AT:
            # "On part en Israël dans deux ans mais entre-temps on s'installe au Canada. Comment elle fait pour obtenir
            # son permis de l'OIIQ au Québec ?": the story's Israel is where they go later; the question is Quebec's
            return label, (
                f"rule: the story names Israel ({target.explain()}), the question does not (“{asked_elsewhere[:60]}”), "
                f"and the model agrees ({p_other:.2f} ≥ {ASKED_ELSEWHERE_AT})"
            )
        if target.place == "israel":
            return "answer", f"rule: asks about Israel as the place to practise, not another country ({target.explain()})"
        if not target.foreign_named and target.place in ("none", "israel-named"):
            if p_other is not None and p_other >= SILENT_DECLINE_AT and not israeli_file_step(text):
                return label, f"rule: no place read as the goal, and the model is sure ({p_other:.2f} ≥ {SILENT_DECLINE_AT})"
            return "answer", "rule: asks about Israel: no other country is named but as an origin (target: none)"
        if (
            target.place == "israel-named" and not target.israel_base
            and p_other is not None and p_other < UNSURE_OVER_NAMED_ISRAEL_BELOW
        ):
            return "answer", (
                f"rule: Israel is named ({target.explain()}), no other place is read as the goal, "
                f"and the model is unsure ({p_other:.2f} < {UNSURE_OVER_NAMED_ISRAEL_BELOW})"
            )
        based = target.israel_base or target.israel_origin
        return label, f"rule: {target.explain()}" + (f"; from Israel (“{based}”)" if based else "")
    if target.place == "foreign":
        asked = _asked_of_israel(text[:MAX_TRIAGE_CHARS])
        if asked:
            return "answer", f"rule: the story names another place to practise, but the question asks of Israel (“{asked}”)"
        return "other_country", f"rule: another country is where the doctor wants to practise ({target.explain()})"
    if (
        target.place == "israel" and target.program_only and target.israel_base and target.foreign_beside_program
        and (p_other is None or p_other >= BASED_LEAVING_AT)
    ):
        # "je suis médecin olé, licence israélienne … partir s'installer à Montréal : le Collège des
        # médecins reconnaît-il…": Israel only by the program's words of a doctor already there, and
        # another place with a cue word of its own is where they are going. Not when the model gives leaving no
        # weight: "we made aliyah in November … I might have to fly back [to Belfast] for three or four weeks … what
        # happens with the sal klita payments" asks of an Israeli benefit during a trip (triage_dev23; the two
        # messages this rule declines out of fold read 0.055 and 0.496)
        return "other_country", (
            f"rule: the doctor is based in Israel (“{target.israel_base}”) and another place is where they want to go "
            f"(“{target.foreign_beside_program}”)"
        )
    if (
        target.israel_base and target.foreign_named and target.place in ("none", "israel-named")
        and (p_other is None or p_other >= BASED_LEAVING_AT)
    ):
        # a doctor already based in Israel (a past aliyah, an Israeli licence held, working there)
        # who names another country, not as an origin, and Israel as no place to go: leaving
        return "other_country", f"rule: the doctor is based in Israel (“{target.israel_base}”) and asks about another country ({target.explain()})"
    return label, ""


# The Israeli exam asked of as a step ("do I need to do the Israeli exam", "l'examen israélien", "el examen de
# licencia israelí"): Israel named by adjective is where the doctor means to practise, when a question asks it.
_ISRAELI_EXAM = re.compile(
    r"\bisrael(?:i|ien|ienne|\w*)? (?:licensing |licence |license )?exam|"
    r"\bexam(?:en)? (?:de licence |de licencia |de reválida |de revalida )?(?:israeli|israelien|d'israel|de israel|en israel|in israel)"
)


def _asked_of_israel(text: str) -> str:
    """Israel's words in the message's question sentences, when they ask of Israel and name no other place while the
    story around them does: "j'ai fait mes études à Londres … avant de rentrer exercer comme généraliste à Paris. Pour
    Israël, est-ce que ma FY1 compte … ?" tells where she works now, and was declined as a question about France
    (dev38). Israel named only by adjective counts when the question asks of the Israeli exam: a Rosario cardiologist
    told that WFME recognition lets doctors "work in Europe, USA and Israel without exams" asked whether he still
    needs the Israeli exam (dev39). Over the labelled data and every set's messages, an Israeli adjective in the
    question sentences is otherwise a credential taken abroad ("does my Israeli licence count in the EU?") sixteen
    times of seventeen; the exam reading holds for three messages, none another country's question."""
    question, target = _question_apart(text)
    if target is None or target.foreign_named:
        return ""
    if target.place == "israel":
        return target.evidence
    exam = _ISRAELI_EXAM.search(fold(question)) if target.place == "israel-named" else None
    return exam.group(0) if exam else ""


def _asked_elsewhere(text: str) -> str:
    """The message's question sentences, when Israel is read as the place in its story but not in them, and they name
    another place: the mirror of ``_asked_of_israel``. "On part en Israël dans deux ans mais entre-temps on s'installe au
    Canada … Comment elle fait pour obtenir son permis de l'OIIQ au Québec ?" asks for a nurse's licence in Quebec
    (triage_dev20). A question that names no place stays Israel's, the bot's whole subject: "Mes parents ont fait leur
    alya … Qu'est-ce qui attend un étudiant français qui part après le DFASM côté examen et stage ?" asks of the Israeli
    exam, and so, less happily, does "Je pars en Israël … Est-ce que je dois continuer à payer la cotisation ordinale …
    pendant que j'habite à l'étranger ?", which keeps the French registration (triage_dev20, answered)."""
    question, target = _question_apart(text)
    if target is None:
        return ""
    return question if target.place in ("none", "foreign") and target.foreign_named and not target.israel_base else ""


def _question_apart(text: str) -> tuple[str, "Target | None"]:
    """The message's question sentences and their own target, when they are not the whole message (a story around
    them): what ``_asked_of_israel`` and ``_asked_elsewhere`` weigh against the story's target."""
    question = " ".join(asking_sentences(text))
    if not question or question == text.strip():
        return question, None
    return question, question_target(question)


def _capped(text: str) -> str:
    return spell_out(fold(text[:MAX_TRIAGE_CHARS]))


def distress_in_any_language(text: str) -> Triage | None:
    """Distress, whatever language it is written in (checked before the language gate)."""
    folded = _capped(text)
    match = _DISTRESS_ANY_LANGUAGE.search(folded)
    if match is None:
        found = _RULES[0].search(folded)  # the English, French and Spanish distress rule
        if found is None:
            return None
        return Triage(TriageKind.ESCALATE, EscalationReason.DISTRESS, f"rule: matched “{found}”")
    return Triage(TriageKind.ESCALATE, EscalationReason.DISTRESS, f"rule: matched “{match.group(0)}”")


# Strain told in passing ("this whole process is really getting to me", "je galère", "estoy agobiada"):
# not distress alone, but beside a request for a person it is what the person is wanted for. Such a
# doctor gets the support lines with the hand-over (the distress reply), not the hand-over alone.
_STRAIN = _p(
    r"\bstruggl(e|es|ing)\b", r"\bgetting to me\b", r"\b(so |really |very )?stressed( out)?\b", r"\banxious\b", r"\banxiety\b",
    r"\bexhausted\b", r"\bburn(ed|t)[- ]?out\b", r"\blonely\b", r"\bisolated\b", r"\bcan'?t sleep\b",
    r"\blosing my mind\b", r"\bbreaking point\b", r"\bat my wits'? end\b", r"\bmentally\b",
    r"\bje galere\b", r"\bepuise(e)?s?\b", r"\bstresse(e)?s?\b", r"\bangoisse(e)?s?\b", r"\ba bout\b", r"\ble moral\b",
    r"\bmoralement\b", r"\bisole(e)?s?\b", r"\bburn[- ]?out\b", r"\bje n'?arrive plus\b", r"\bje ne dors plus\b",
    r"\bagobiad[oa]s?\b", r"\bestresad[oa]s?\b", r"\bme esta costando\b", r"\bangustia\b", r"\bagotad[oa]s?\b",
    r"\bquemad[oa]s?\b", r"\baislad[oa]s?\b", r"\bno duermo\b", r"\bal limite\b", r"\bbajon\b", r"\bel animo\b",
    r"\bnot coping\b", r"\bcan'?t cope\b", r"\bcannot cope\b",
    r"\bca va pas du tout\b", r"\bestoy (muy |re |super )?mal\b", r"\bme siento (muy |re |super )?mal\b",
)


def _by_rule(folded: str) -> Triage | None:
    match = _DISTRESS_ANY_LANGUAGE.search(folded)
    if match is not None:
        return Triage(TriageKind.ESCALATE, EscalationReason.DISTRESS, f"rule: matched “{match.group(0)}”")
    for rule in _RULES:
        found = rule.search(folded)
        if found is not None:
            if rule.reason is EscalationReason.HUMAN_REQUEST:
                strain = _STRAIN.search(folded)
                if strain is not None:
                    why = f"rule: asked for a person (“{found}”) and said “{strain.group(0)}”"
                    return Triage(TriageKind.ESCALATE, EscalationReason.DISTRESS, detail=why)
            return Triage(TriageKind.ESCALATE, rule.reason, detail=f"rule: matched “{found}”")
    return None


def triage_message(text: str) -> Triage | None:
    """An escalation or a decline by rule alone, or None (the rules see nothing)."""
    folded = _capped(text)
    by_rule = _by_rule(folded)
    if by_rule is not None:
        return by_rule
    clinical = _CLINICAL.search(folded)
    if clinical:
        return Triage(TriageKind.DECLINE, EscalationReason.CLINICAL, detail=f"rule: clinical question, matched “{clinical.group(0)}”")
    return None


def triage(text: str, vector: list[float] | None = None, model: "TriageModel | None" = None) -> Triage:
    """The decision for one message (see ``triage_with_reading``)."""
    return triage_with_reading(text, vector, model)[0]


def triage_with_reading(
    text: str, vector: list[float] | None = None, model: "TriageModel | None" = None,
) -> tuple[Triage, "ModelVerdict | None"]:
    """The decision for one message, with the model's reading when it was asked (retrieval's
    similarity floor then leans on it, see ``_triage_model.floor_shift``).

    Rules first, then the model over the question embedding.

    Order: escalation rules (always win) → the model's escalation (its threshold favours recall)
    → the clinical rule → another country's when the question's target is elsewhere (the model's
    other-country reading gives way when Israel is the place or no other place is named; an answer
    becomes a decline when another named place is where the doctor wants to practise) → the model's
    other declines → answer. Without a vector or a model (the embedder
    failed, or no model was built) the rules decide alone.
    """
    folded = _capped(text)
    by_rule = _by_rule(folded)
    if by_rule is not None:
        return by_rule, None
    verdict = model.classify(vector, text[:MAX_TRIAGE_CHARS]) if model is not None and vector is not None else None
    if verdict is not None and verdict.label not in ("answer", *_DECLINES):
        strain = _STRAIN.search(folded) if verdict.label == EscalationReason.HUMAN_REQUEST.value else None
        if strain is not None:  # as with the rule's request for a person: the support lines come with the hand-over
            return Triage(TriageKind.ESCALATE, EscalationReason.DISTRESS, f"{verdict.explain()}; and said “{strain.group(0)}”"), verdict
        return Triage(TriageKind.ESCALATE, EscalationReason(verdict.label), verdict.explain()), verdict
    clinical = _CLINICAL.search(folded)
    if clinical:
        why = f"rule: clinical question, matched “{clinical.group(0)}”"
        return Triage(TriageKind.DECLINE, EscalationReason.CLINICAL, why + (f"; {verdict.explain()}" if verdict else "")), verdict
    if verdict is not None and verdict.label in ("answer", "other_country"):
        label, why = settle_other_country(text, verdict.label, verdict.probabilities.get("other_country", 0.0))
        if label == "other_country":
            return Triage(TriageKind.DECLINE, EscalationReason.OTHER_COUNTRY, f"{verdict.explain()}; {why}"), verdict
        if why:
            return Triage(TriageKind.ANSWER, None, f"{why}; {verdict.explain()}"), verdict
    if verdict is not None and verdict.label in _DECLINES:
        return Triage(TriageKind.DECLINE, EscalationReason(verdict.label), verdict.explain()), verdict
    return Triage(TriageKind.ANSWER, None, verdict.explain() if verdict else "rules: nothing matched; no model"), verdict


_DECLINES = ("clinical", "other_country", "unrelated")


_UNHELPFUL_FEEDBACK = _p(
    r"\b(that|this|it) (doesn'?t|does not|didn'?t|did not) (help|answer)\b", r"\bnot (helpful|what i asked)\b",
    r"\bthat'?s not (it|my question|what i asked)\b", r"\byou (didn'?t|did not|don'?t) (understand|answer)\b", r"\buseless\b",
    r"\bca (ne )?(m'?aide|repond) pas\b", r"\bcela ne (m'?aide|repond) pas\b", r"\bce n'?est pas (ma question|ce que j'?ai demande)\b",
    r"\bvous (n'?avez|ne m'?avez) pas (compris|repondu)\b", r"\binutile\b",
    r"\bno (me )?(sirve|ayuda|responde)\b", r"\beso no es lo que (pregunte|pregunto)\b", r"\bno (me )?(entendiste|entendio|respondiste|respondio)\b",
)


def is_unhelpful_feedback(text: str) -> bool:
    """The doctor says the previous answer did not help."""
    return bool(_UNHELPFUL_FEEDBACK.search(_capped(text)))


ALL_PATTERNS = (
    _HOW_QUESTION, _DISTRESS_ANY_LANGUAGE, _CLINICAL, _UNHELPFUL_FEEDBACK, TEXTING_WORD, _STRAIN, *_TARGET_PATTERNS,
    *(p for rule in _RULES for p in (rule.pattern, rule.unless, rule.then) if p is not None),
)
