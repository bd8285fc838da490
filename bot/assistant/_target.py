"""Where the doctor wants to practise: the TARGET of a licensing or immigration question.

The bot covers Israel only, so a question is another country's when the place the doctor wants to
practise, be licensed in or move to is elsewhere, not when another country is merely named. Doctors
name foreign countries all the time as the origin of a diploma ("my French diploma, is it recognised
in Israel?", "I trained in Chile") and Israel as the origin too ("I trained in Israel and want to
practise in Germany"). Counting mentions confuses the two; reading the words just before each place
("practise in", "move to", "ejercer en", "s'installer au" against "trained in", "diplômé de",
"me recibí en") tells them apart, in three languages, without knowing the question's wording.

``question_target`` returns one of three readings, with the words that decided it for the advisor:
- ``israel``: Israel (or one of the program's own terms) is where the doctor wants to go;
- ``foreign``: a named place other than Israel is, and Israel is not;
- ``none``: no place is the target. A question that names no other place at all is Israel's (the
  bot's whole subject): "how do I get my cardiology recognised?", "the exam over there".

Everything runs on the accent-folded text with linear patterns; a message costs microseconds.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from ._text import fold

log = logging.getLogger(__name__)

# The longer lists of other countries' places, bodies, exams and visas (see the file's header).
PLACES_FILE = Path(__file__).resolve().parent / "foreign_places.yaml"


def _alternation(names: list[str]) -> str:
    """A regex alternation of accent-folded names, longest first; a space or a hyphen inside a
    name matches either ("terre-neuve", "terre neuve")."""
    cleaned = sorted({fold(str(n)).strip() for n in names if str(n).strip()}, key=lambda n: (-len(n), n))
    return "|".join(re.sub(r"(?:\\ |\\-)", "[- ]", re.escape(n)) for n in cleaned)


def _load_places(path: Path = PLACES_FILE) -> tuple[str, str, str]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    places = [n for group in (raw.get("places") or {}).values() for n in (group or [])]
    return _alternation(places), _alternation(list(raw.get("systems") or [])), _alternation(list(raw.get("israeli_file") or []))


_MORE_PLACES, _MORE_SYSTEMS, _FILE_SYSTEMS = _load_places()
# Another country's exam or body that is also a step of the Israeli file (the USMLE, the good-standing letter).
_ISRAELI_FILE = re.compile(rf"^(?:{_FILE_SYSTEMS})$") if _FILE_SYSTEMS else re.compile(r"(?!)")

# Places other than Israel doctors ask about, in English, French and Spanish (accent-folded).
# Demonyms ("French", "argentino") are deliberately absent: "my French diploma" names an origin.
_FOREIGN_PLACES = (
    r"spain|espagne|espana|canada|quebec|ontario|alberta|british columbia|colombie[- ]britannique|nova scotia|manitoba"
    r"|chile|chili|germany|allemagne|alemania|deutschland|austria|autriche"
    r"|united states|the states|the us|the usa|usa|u\.s\.a?\.?|america|etats[- ]unis|estados unidos|eeuu|ee\.uu\.?|new york|nueva york"
    r"|florida|floride|texas|california|californie|massachusetts|boston|chicago"
    r"|united kingdom|the uk|uk|england|angleterre|inglaterra|royaume[- ]uni|reino unido|great britain|grande[- ]bretagne|gran bretana"
    r"|scotland|ecosse|escocia|ireland|irlande|irlanda|london|londres"
    r"|australia|australie|new zealand|nouvelle[- ]zelande|nueva zelanda|melbourne|sydney"
    r"|france|francia|belgium|belgique|belgica|switzerland|suisse|suiza|geneva|geneve|ginebra|zurich|lausanne"
    r"|argentina|argentine|mexico|mexique|uruguay|brazil|bresil|brasil|peru|perou|colombia|colombie|venezuela"
    r"|paraguay|bolivia|bolivie|ecuador|equateur|costa rica|panama|cuba"
    r"|italy|italie|italia|portugal|netherlands|pays[- ]bas|paises bajos|holland|hollande|holanda"
    r"|sweden|suede|suecia|norway|norvege|noruega|denmark|danemark|dinamarca|luxembourg|luxemburgo"
    r"|romania|roumanie|rumania|hungary|hongrie|hungria|poland|pologne|polonia|ukraine|ucrania|russia|russie|rusia|moldova|moldavie"
    r"|south africa|afrique du sud|sudafrica|dubai|dubay|abu dhabi|emirates|emirats|emiratos|uae|qatar|singapore|singapour|singapur"
    r"|morocco|maroc|marruecos|tunisia|tunisie|tunez|turkey|turquie|turquia|greece|grece|grecia|cyprus|chypre|chipre"
    r"|montreal|toronto|vancouver|ottawa|berlin|munich|madrid|barcelona|barcelone|valencia|paris|lyon|marseille|bruxelles|brussels|bruselas"
    r"|buenos aires|santiago|montevideo|sao paulo|rome|roma|lisbon|lisbonne|lisboa|amsterdam"
    rf"|{_MORE_PLACES}"
)
# Another system's own licensing words: they name no place, but a question built on them is not
# about Israel by default (the model decides, with the other words).
# Other countries' adjectives (not languages: "the exam in Spanish" names no country) and places
# named by them ("US states", "Irish hospitals"): a mention, never a target.
_FOREIGN_ADJECTIVES = (
    r"us (?:states?|residency|residencies|licen[cs]es?|boards?|visas?|hospitals?|match|programs?|citizen|state)"
    r"|american|americain|americaine|americains|estadounidense|canadian|canadien|canadienne|canadiense|australian|australien|australienne"
    r"|british|britannique|britanico|irish|irlandais|irlandaise|irlandes|belgian|belge|swiss|quebecois|quebecoise|quebequense|ontarian"
    r"|chilean|chilien|chilienne|chileno|chilena|mexican|mexicain|mexicaine|mexicano|mexicana|brazilian|bresilien|brasileno|brasilena"
    r"|argentinian|argentin|argentino|uruguayan|uruguayen|uruguayo|uruguaya|colombian|colombien|colombiano|colombiana"
    r"|venezuelan|venezuelien|venezolano|venezolana|peruvian|peruvien|peruano|peruana|cuban|cubain|cubano|cubana"
    r"|romanian|roumain|roumaine|rumano|rumana|ukrainian|ukrainien|ucraniano|moldovan|moldave|tunisian|tunisien|tunisienne|tunecino"
    r"|moroccan|marocain|marocaine|marroqui|algerian|algerien|algerienne|argelino|south african|sud-africain|sudafricano|emirati"
    r"|columbia britanica|new brunswick|nouveau-brunswick|nuevo brunswick|martinique|guadeloupe|reunion|guyane|corsica|corse|cyprus|chypre|chipre"
    r"|dutch|neerlandais|holandes|german|allemande|aleman|alemana"
)
# Another country's licence or exam named by its adjective ("the Swedish licence process", "la licence
# suédoise", "el examen griego"): a system like PLAB. Languages are among these adjectives ("Swedish",
# "grec") only before or after a licensing noun, where they name a country's licence, not a language.
_LICENSING_ADJECTIVES = (
    r"swedish|suedois|suedoise|sueco|sueca|greek|grec|grecque|griego|griega|norwegian|norvegien|norvegienne|noruego|noruega"
    r"|danish|danois|danoise|danes|danesa|finnish|finlandais|finlandaise|finlandes|finlandesa|polish|polonais|polonaise|polaco|polaca"
    r"|italian|italien|italienne|italiano|italiana|spanish|espagnol|espagnole|espanol|espanola|portuguese|portugais|portugaise|portugues|portuguesa"
    r"|french|francais|francaise|frances|francesa|german|allemand|allemande|aleman|alemana|dutch|neerlandais|neerlandaise|holandes|holandesa"
    r"|austrian|autrichien|autrichienne|austriaco|austriaca|swiss|suisse|suizo|suiza|belgian|belge|belga|british|britannique|britanico|britanica"
    r"|irish|irlandais|irlandaise|irlandes|irlandesa|canadian|canadien|canadienne|canadiense|australian|australien|australienne|australiano|australiana"
    r"|american|americain|americaine|estadounidense|saudi|saoudien|saoudienne|saudita|qatari|emirati|singaporean|singapourien|new zealand|kiwi"
)
_LICENSING_NOUNS_EN = r"licen[cs]e|licensing|registration|exam|exams|council|process|authori[sz]ation|approval|certification|board|boards"
_LICENSING_NOUNS_FR_ES = r"licence|examen|inscription|autorisation|permis d'exercice|permis|licencia|colegiatura|matricula|habilitacion|autorizacion"
_FOREIGN_LICENSING = (
    rf"(?:{_LICENSING_ADJECTIVES}) (?:medical )?(?:{_LICENSING_NOUNS_EN})"
    rf"|(?:{_LICENSING_NOUNS_FR_ES}) (?:medicale |medica |medico )?(?:{_LICENSING_ADJECTIVES})"
)
_FOREIGN_SYSTEMS = (
    rf"{_FOREIGN_LICENSING}|nhs|gmc|plab|ecfmg|mccqe|lmcc|mcc|cmq|amc|ahpra|eunacom|mebeko|approbation|fachsprachprufung|kenntnisprufung"
    r"|revalida|mir|evc|padhue|dha|haad|big registration|skilled worker|green card|h-?1b|j-?1|eb-?2|express entry"
    r"|college des medecins|colegio de medicos"
    rf"|{_MORE_SYSTEMS}"
)
# What another country's licensing or immigration is asked by. A question read as another country's that names none of
# these asks of a trip home or a relative there ("¿y si a mitad de año me tengo que volver unas semanas a Montevideo por
# mi madre?" beside a question on the sal klita, es-dev16-08): ``names_licensing``. Recognising a diploma there, or
# naming that country's exam or body, is licensing too: "il prépare les EVC pour avoir le droit d'exercer en France,
# vous savez comment on s'inscrit", "¿qué trámite hago en Alemania para que me reconozcan el título?" (triage_dev21).
# Licensing bodies and requirements no Israeli step is called by: the Ordre and the colegios are the doctor's country's
# registration, CME and the DPC its continuing education. With another country's exams and bodies
# (``_FOREIGN_SYSTEMS``), they say which country a question of licensing is about when it names no place
# (``names_foreign_body``); they are licensing words too.
_FOREIGN_BODIES = rf"ordre|colegio|colegiatura|cme|dpc|{_FOREIGN_SYSTEMS}"
_FOREIGN_BODY = re.compile(rf"\b(?:{_FOREIGN_BODIES})\b")
_LICENSING_SUBJECT = re.compile(
    r"\b(?:licen[cs]e|licensing|licensure|registration|exam|exams|boards?|certification|authori[sz]ation|residency|visa|visas"
    r"|immigration|fellowship|internship|internat|equivalence|homologation|residencia"
    r"|homologacion|convalidacion|revalida|inmigracion|recogni[sz]\w*|reconnai\w*|reconnu\w*|recono[cz]\w*"
    rf"|{_LICENSING_NOUNS_FR_ES}|{_FOREIGN_BODIES})\b"
)


def names_licensing(text: str) -> str:
    """The licensing or immigration word ``text`` names, or ""."""
    found = _LICENSING_SUBJECT.search(fold(text))
    return found.group(0) if found else ""


def names_foreign_body(text: str) -> str:
    """Another country's licensing body, exam or requirement ``text`` names, or ""."""
    found = _FOREIGN_BODY.search(fold(text))
    return found.group(0) if found else ""


# Israeli towns doctors name as where they will live or work ("thinking of moving to Beersheba"): the
# content team's list, which knowledge/synonyms.yaml reads too (see the list's header); names that are
# also common words or first names elsewhere (Acre, Arad, Omer, Ariel) are left out of it.
ISRAELI_TOWNS_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "israeli_towns.yaml"


def load_israeli_towns(path: Path = ISRAELI_TOWNS_FILE) -> dict[str, list[str]]:
    """Israel's towns by group (``gaza_border``, ``galilee``...). An editor's mistake in the file
    must not stop the bot: it is logged with the file's name and read as no towns, and Israel is
    still known by its own name and the program's terms."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return {str(group): [str(town) for town in towns] for group, towns in raw.items()}
    except (OSError, yaml.YAMLError, AttributeError, TypeError) as exc:
        log.warning("Israeli towns file %s not used: %s", path, exc)
        return {}


_ISRAELI_TOWNS = _alternation([town for towns in load_israeli_towns().values() for town in towns]) or r"(?!)"
_ISRAEL = rf"israel|israeli|israelien|israelienne|israeliens|israeliennes|israelies|israelis|eretz|{_ISRAELI_TOWNS}"
_ISRAELI_CITY = re.compile(rf"^(?:{_ISRAELI_TOWNS})$")
# The program's own terms: a question using them is about Israel, whatever else it names.
_PROGRAM_TERMS = re.compile(
    r"\b(aliyah|aliya|alya|alyah|alia|olim|oleh|ole|oles|ole hadash|ole jadash|green track|maslul yarok|via verde|imap|medex|tkuma|sal klita"
    r"|teudat zehut|toshav|toshavim|conseil scientifique|scientific council|consejo cientifico|kupat|kupot|sderot|negev|neguev"
    r"|galilee|galilea|galil|misrad|histaklut|stage a|stage b|hebrew(?! u\b| uni\b| university\b)|hebreu|hebreo|ulpan|oulpan|shekels?|shekalim|sheqels?|nis"
    # the list of countries whose graduates skip Israel's licensing exam: "is Switzerland on the
    # exemption list?" asks about Israel, even from a doctor who says where they work now
    r"|exemption list|list of exempt(?:ed)? countries|exempt(?:ed)? countr(?:y|ies)|pays (?:dispenses?|exemptes?)"
    r"|liste (?:des |de )?(?:pays )?(?:dispenses|exemptes|d'exemption|de dispense)|lista de (?:paises )?(?:exentos|exencion|eximidos)|paises (?:exentos|eximidos)|pais (?:exento|eximido))\b"
)

# The Green Track's "Stage A" is written with a capital A, folded it reads as French "stage à" (an
# internship at a hospital): "j'ai fait le stage à Hadassah" names no program step.
_GREEN_TRACK_STAGE_A = re.compile(r"\b[Ss]tage A\b|\bSTAGE A\b")

# Words before a place that make it where the doctor wants to go (the nearest cue word wins).
_TARGET_CUES = (
    # English
    r"practi[cs]e|work|job|jobs|move|moving|relocate|relocating|emigrate|emigrating|immigrate|immigrating"
    r"|settle|settling|go|going|get|obtain|return|back|licensing|licensure|registered|register|registration"
    r"|recogni[sz]ed|recogni[sz]es?|accepted|accepts?|valid|transfer|equivalence|visa|apply|applying"
    # a post offered or looked for there: "two offers in Boston", "un puesto en Madrid"
    r"|offer|offers|offered|vacancy|vacancies|opening|enter|entering"
    # posted or seconded there, restoring or renewing a registration there, an authorisation asked there
    r"|posted|restore|restoring|renew|renewing|reinstate|reregister|re-register|authori[sz]ation|authori[sz]ed"
    # French
    r"|exercer|travailler|m'installer|s'installer|installer|installation|partir|aller|emigrer|immigrer|demenager|rentrer|retourner"
    r"|inscription|inscrire|reconnu|reconnue|reconnus|reconnait|reconnaissance|reconnaitre|valable|valide|equivalence|homologuer|homologation|poste|bosser|pratiquer|embauche|obtenir"
    r"|obtiens|obtient|obtenons|pars|partons|offre|offres|entrer|faire|rentre|rentrons|retourne|retournons|returning"
    # an authorisation asked there, a registration renewed, a post applied for
    r"|autorisation|reinscrire|postuler|postule|repartir|repart|repars|repartons"
    # Spanish
    r"|ejercer|trabajar|laburar|irme|irnos|ir|volver|volvemos|regresar|mudarme|mudarnos|emigrar|emigro|emigramos|inmigrar|radicarme|instalarme|radicarnos|instalarnos|trasladarnos"
    r"|homologar|homologo|homologacion|revalidar|revalido|revalidacion|convalidar|convalido|convalidacion|matricula|matricularme"
    r"|puesto|puestos|plaza|plazas|oferta|ofertas|ofrecieron|vacante|vacantes|entrar|hacer|vamos|vuelvo|regreso"
    r"|validar|validacion|convalida|homologa|revalida"
    # going back, in Chile's and the River Plate's words; joining a body there
    r"|devolver|devolverme|devolvernos|incorporarme|incorporarse|incorporacion|colegiarse|renovar|renuevo|autorizacion"
    r"|irse|vivir|mudarse|instalarse|radicarse|trasladarse|trasladarme"
    # whether something of the doctor's is of use there: "¿me sirve en Israel?", "¿sirve en Chipre?"
    r"|sirve|sirven|servira|serviria"
    r"|reconoce|reconocen|reconozca|reconozcan|reconocido|reconocida|reconocimiento|valido|valida|colegiarme|colegiatura|sacar|obtener|conseguir"
)
# Settled there: "installés en Israël", "radicado en Madrid" (where the doctor comes from, or is now).
_SETTLED = r"installes|installees|installee|establecido|establecida|establecidos|radicado|radicada|radicados"
# Words before a place that make it where the doctor comes from, trained or works now.
_ORIGIN_CUES = (
    r"trained|training|studied|study|graduated|qualified|from|born|raised|currently|residing|based|live|living|lives|grew"
    r"|i'm|im|forme|formee|formes|diplomee|etudie|etudes|obtenu|obtenue|fait|nee|originaire|actuellement|depuis"
    r"|habite|habitons|vis|vit|vivons|vivent|suis|sommes"
    r"|estudie|estudio|estudios|recibi|recibido|recibida|formado|formada|formados|formadas|egresado|egresada|egrese|obtuve|saque|soy|somos|desde"
    r"|vengo|venimos|nacido|nacida|actualmente|hice|vivo|vivimos|hizo"
    # practising there now: "practising in France", "exerçant à Paris"
    r"|practi[cs]ing|working|exercant|exerce|travaille|ejerciendo|trabajando"
    # a time spent or a diploma held there: "10 years in Germany", "j'ai mon diplôme en France"
    r"|years|ans|annees|anos|have|has|had|ai|avons|avoir|tengo|tiene|tenemos|got"
    # studies finished there: "finished medicine in Israel", "a fini médecine en Israël", "terminé la carrera en Perú"
    r"|finished|completed|fini|finie|termine|terminee|termino|acabe|acabo"
    # a licence held there: "holding an Israeli licence", "titulaire d'un diplôme belge"
    r"|holding|holds|titulaire|titular|formation|formacion"
    # a degree or a stay done, a move made: "I did my degree in Israel", "moved to Israel 6 years
    # ago", "while I was in Israel", "estoy en Israel", "me mudé a Israel"
    r"|did|done|was|were|been|moved|relocated|emigrated|immigrated|came|arrived|etais|etait|arrivee"
    # a move made, in French: "je suis parti en France où j'ai exercé", "venu en Belgique" ("installé", "arrivé"
    # fold like the present "on s'installe", "on arrive": left out)
    r"|parti|partie|partis|parties|venu|venue|venus"
    r"|estoy|estamos|estaba|estuve|mude|mudamos|llegue|llegamos|vine|vinimos|emigre"
    rf"|{_SETTLED}"
    # registered there now: "je suis inscrit à l'Ordre en France", "colegiado en Madrid"
    r"|inscrit|inscrite|inscrits|colegiado|colegiada|matriculado|matriculada"
    # the doctor's community there: "from the Bene Israel community in Mumbai", "la communauté de Lyon"
    r"|community|communaute|comunidad|kehila|kehilla"
)
# Right before a place, "of/from" in French and Spanish is where something comes from ("diplômé de
# Roumanie", "vengo de Argentina", "del Reino Unido").
_ORIGIN_JUST_BEFORE = re.compile(r"^(?:de|d|du|des|del|from|desde)$")
# A place's kind: "la provincia de Buenos Aires", "the state of Ohio".
_PLACE_KINDS = r"provincia|province|state|estado|etat|region|ciudad|city|ville|comunidad"
# A body "of" a country is that country's, not an origin: "Colegio Médico del Perú".
# A licensing body, a university, a ministry, a hospital: named between a cue word and its place.
_BODY_WORDS = (
    r"ordre|colegio|college|ministerio|ministere|ministry|consejo|conseil|board|council|universidad|universite|university"
    r"|universidades|universites|universities|royal|physicians|surgeons|chirurgiens|cirujanos|junta|hospital|hopital"
    r"|doh|dha|department|departement|departamento|health|salud|sante|government|gobierno|gouvernement"
)
# A country's exam or licence is that country's too: "el examen de revalida de Israel" asks about Israel's
# exam, not about a doctor from Israel (es-dev25-10 was declined as another country's question).
_SYSTEM_OF = r"exam|exams|examen|examenes|revalida|licencia|licence|license|licensing|homologacion|equivalencia|equivalence"
_INSTITUTION = re.compile(
    rf"^(?:{_BODY_WORDS}|medecins|medicos|medico|embassy|ambassade|embajada|consulado|consulat|{_PLACE_KINDS}|{_SYSTEM_OF})$"
)
# Words skipped between a cue and its place: "practise MEDICINE in", "trained AS A DOCTOR in",
# "revalidar MI TÍTULO DE MÉDICO en".
_NEUTRAL = re.compile(
    r"^(?:my|mon|ma|mes|mi|mis|his|her|son|sa|su|sus|our|notre|nuestro|nuestra|as|comme|como|medicine|medecine|medicina"
    r"|doctor|physician|specialist|gp|surgeon|dentist|nurse|medical|medicale|medecin|medico|medica|specialiste|especialista|generaliste|generalista|residency|residencia|fellowship|exercice|internat|internado|internship|locum|locums|remplacement|remplacements|suplencia|suplencias|praticien|praticienne|associe|associee|attache|hospitalier|clinic|clinique|clinica|programs?|programmes?|programas?|positions?|posts?|titulo|title|degree|diploma|licen[cs]e|there|la-bas|alla|alli"
    r"|permis|permit|permiso|licencia|here|then|later|already|deja|ya|also|aussi|diplome|diplomes|licensed|registered|tambien|and|et|y|e|or|ou|o|now|maintenant|ahora|back|again|directly|finally|finalement|finalmente"
    r"|want|wants|would|like|need|plan|planning|hope|voudrais|voudrait|veux|veut|souhaite|compte|quiero|quiere|queremos|quisiera|pienso|planeo"
    r"|to|de|d|l|m|s|j|qu|a|an|un|une|una|el|la|le|les|los|las|the|in|en|au|aux|dans|para|pour|for|vers|hacia|al|i|je|yo|we|nous|on|il|elle|he|she"
    r"|get|obtain|obtenir|obtener|be|etre|ser|estar|can|could|make|pouvoir|puedo|peux|puis|how|comment|como|do|does"
    # who grants it: "recognised by the…", "reconnu par le…"
    r"|by|par|por|with|avec|con|aupres"
    # a time span planned there: "work a few months a year in Greece", "trabajar unos meses al año en Grecia"
    r"|few|couple|some|months|weeks|year|quelques|mois|semaines|unos|unas|algunos|meses|semanas|ano|per|par"
    # a place's kind, and what ties it to its name
    rf"|{_PLACE_KINDS}|of|du|des|del)$"
)
# How places are introduced: in, to, for; en, au, aux, à; en, a, para.
_PREPOSITIONS = r"in|to|into|for|within|en|au|aux|a|dans|vers|pour|para|hacia|al|the|le|la|les|l|el|los"

# Leaving Israel for another place: "we're leaving Israel for Melbourne", "on quitte Israël pour
# Montréal", "dejamos Israel para irnos a Madrid" (not "left", a past move: "we left Israel for
# Paris ten years ago").
_LEAVING = re.compile(
    rf"\b(?:leave|leaving|quitter|quitte|quittons|dejar|dejo|dejamos|salir|salgo|salimos) (?:{_ISRAEL}) "
    rf"(?:for|pour|para|to|vers|hacia)(?: irnos a| irme a| the| le| la| l'| el)? (?P<place>{_FOREIGN_PLACES})(?![\w-])"
)
_PLACE = re.compile(rf"(?<![\w-])(?:(?P<israel>{_ISRAEL})|(?P<foreign>{_FOREIGN_PLACES}))(?![\w-])")
_SYSTEM_ONLY = re.compile(rf"(?<![\w-])(?:{_FOREIGN_SYSTEMS})(?![\w-])")
# Words before another system's exam, register or visa that make it the doctor's aim.
_SYSTEM_CUES = re.compile(
    r"^(?:get|getting|obtain|obtaining|pass|passing|sit|sitting|take|taking|apply|applying|register|registration|registered"
    r"|avoir|obtenir|obtiens|passer|inscrire|inscription|reconnu|reconnue|demander"
    r"|sacar|obtener|conseguir|presentarme|presentar|presentarse|aprobar|rendir|dar|tramitar|pedir)$"
)
# Israel unnamed but meant, to the doctors writing to the bot: "the ministry" ("do I get my ECFMG
# certificate apostilled for the ministry?"), an exemption from the exam ("dois-je passer le USMLE
# pour être exempté ?"), "the licence" unqualified, the file's documents (good standing,
# translations), "over there" seen from abroad.
_ISRAEL_HINTS = re.compile(
    r"\b(?:ministry|ministere|ministerio|misrad|exempt|exempted|exemption|exempte|exemptee|exemptes|exempter|dispense|dispensee"
    r"|exento|exenta|exentos|exencion|eximido|eximida|the licen[cs]e|la licence|la licencia|good standing|bonne conduite|buena conducta"
    r"|translated|traduit|traduite|traduire|traducido|traducida|traducir|internship|over there|alli|alla|la-bas|la bas"
    # the file's certification: "faut-il une apostille sur mes documents suisses (titre FMH) ?" (dev12)
    r"|apostille|apostilled|apostiller|apostilla|apostillar|apostillado|apostillados|legalisation|legalizacion|legalization)\b"
)
_US = re.compile(r"(?<![\w.])U\.?S\.?A?\.?(?!\w)")  # "US residency", "the U.S.": case tells it from "us"
_SYSTEM = re.compile(rf"(?<![\w-])(?:{_FOREIGN_SYSTEMS}|{_FOREIGN_ADJECTIVES})(?![\w-])")
_TOKEN = re.compile(r"[a-z]+")  # "d'exercer" is "d" and "exercer"
_CUE_TARGET = re.compile(rf"^(?:{_TARGET_CUES})$")
_CUE_ORIGIN = re.compile(rf"^(?:{_ORIGIN_CUES})$")
_CUE_PREPOSITION = re.compile(rf"^(?:{_PREPOSITIONS})$")
_WINDOW = 8  # words looked at before a place
# A registration or licence noun after "my" is the doctor's own, unless a cue to get it comes first:
# "mon inscription à l'Ordre en France" (held) against "how do I get my registration in Ontario"
# (not "ma reconnaissance en France", "mi homologación en España": those are sought, not held)
_HELD_NOUN = re.compile(r"^(?:inscription|registration|matricula|colegiatura|licensure|autorisation|authori[sz]ation|autorizacion)$")
# An equivalence the doctor already obtained says where they work now, not where they want to go:
# "après avoir obtenu l'équivalence suisse", "obtuve la homologación española" (dev17). Only a
# participle holds it: "mi homologación en España" is still one asked for.
_OBTAINED_NOUN = re.compile(r"^(?:equivalence|homologation|homologacion|convalidacion|recognition|reconnaissance|reconocimiento)$")
_OBTAINED = re.compile(r"^(?:obtenu|obtenue|obtained|got|gotten|obtuve|obtenido|obtenida|conseguido|conseguida|recu|recue|received|recibido|recibida)$")
_FROM = re.compile(r"^(?:from|de|desde)$")
_PROCESS = re.compile(r"^(?:licensing|licensure|recognition|process|system|exam|registration|pathway|route|track|procedure|it|this|that|things|everything)$")
_PART_SUBJECT = re.compile(r"^(?:il|elle|on|qui|mari|femme|epoux|epouse|conjoint|conjointe|fils|fille|famille|compagnon|compagne)$")
_PERMIT = re.compile(r"^(?:visa|visado|visas|permiso|permis|autorisation|autorizacion)$")
# A body's name skipped between a cue and its place: "recognised by the Royal College in Canada"
# (not "médecins", "médicos": "una visa de trabajo para médicos en el Reino Unido")
_BODY = re.compile(rf"^(?:{_BODY_WORDS})$")
_STAY = re.compile(r"^(?:stay|staying|rester|quedarme|quedarse|quedarnos|quedar)$")
# A body is addressed "for", "to", "auprès de" ("para el Ministerio de Salud de Israel")
_TO_BODY = re.compile(r"^(?:para|pour|for|to|al|au|aupres|ante)$")
# A diploma's or a licence's country adjective between a cue and a place is skipped like "my":
# "l'homologation d'un diplôme israélien en Espagne", "homologar el título cubano en España"
_ADJECTIVE = re.compile(
    rf"^(?:{_ISRAEL}|{_LICENSING_ADJECTIVES}|{_FOREIGN_ADJECTIVES}|israeli|israelien|israelienne|israelies|israelie"
    r"|extranjero|extranjera|extranjeros|etranger|etrangere|etrangers|foreign|cubain|cubaine|cubano|cubana)$"
)

# Israel as an adjective before a licensing noun is the Israeli side ("the Israeli exam"), and
# after "I'm" / "soy" / "je suis" it is who the doctor is (origin).
_ISRAELI_AS_WHO = re.compile(r"\b(i'?m|i am|je suis|soy|somos|nous sommes|we are|we'?re) (an? |un |una |une )?israel")


_ISRAELI_SIDE = re.compile(
    r"^(?:exam|exams|examen|examens|licen[cs]e|licensing|licencia|ministry|ministere|ministerio|system|systeme|sistema|file|dossier"
    r"|expediente|authorities|autorites|autoridades|hospital|hospitals|hopital|hopitaux|hospitales|board|residency|internship|stage|internado"
    r"|equivalence|recognition|reconnaissance|reconocimiento|permit|permis|permiso|healthcare|sante|salud)$"
)


@dataclass(frozen=True)
class Target:
    place: str  # "israel", "foreign", "israel-named" (named, not clearly the place: "my Israeli licence") or "none"
    evidence: str  # the words that decided it, for the advisor
    foreign_named: bool  # another place (not as an origin), another country's adjective or system word is named
    # Israel is the place only through the program's own words ("aliyah", "Hebrew"), while another
    # named place has a cue word of its own ("before we make aliyah … GMC registration in the UK"):
    # the foreign target that lost, for triage to weigh with the model's reading
    foreign_beside_program: str = ""
    # the doctor is already based in Israel: a past aliyah ("I made aliyah in 2019", "depuis mon
    # alyah", "ya hice aliá"), Israel as where they trained, live or work, or an Israeli licence or
    # diploma they hold. Such a doctor asking about another named country is asking about leaving.
    israel_base: str = ""
    weak: bool = False  # Israel is the place only by "in Israel" with no cue word
    israel_origin: str = ""  # Israel named as where the doctor trained: a model's other-country reading stands
    # Israel is the place only through the program's own words ("aliyah", "olim", "ulpan"), no cue word
    # before Israel and no act of Israel's: weaker evidence, which a sure model reading may outweigh
    program_only: bool = False

    def explain(self) -> str:
        return f"target: {self.place}" + (f" (“{self.evidence}”)" if self.evidence else "")


# Who the doctor is, skipped like "doctor": "neurólogo", "pédiatre", "cardiologist", "internista".
_SPECIALIST = re.compile(r"^[a-z]+(?:logo|loga|logos|logue|logues|logist|logists|iatra|iatre|iatrician|ista|iste|istes|istas|ien|ienne|geon|jano|jana)$")
# English verbs that are a plan after "to", "can", "would" ("want to practise in Germany") and a
# present fact otherwise ("I studied in Madrid and work in Valencia").
_PLAIN_VERBS = re.compile(r"^(?:work|practi[cs]e|live|settle|ejerzo|trabajo|laburo|pratique|have|avoir|tener)$")
_PLAN_BEFORE = re.compile(r"^(?:to|can|could|would|will|should|may|might|do|does|d|cannot|t|pour|para|afin|como|donde|conseguir|consiguio|consegui|buscar|encontrar|find|finding)$")
_OF = re.compile(r"^(?:de|d|du|des|del|of|the|l|la|le|el|los|les|and|et|y)$")
# "practising" is where the doctor works now ("practising in Lyon"), but "a practising licence in
# Qatar" is a licence wanted there.
_PRACTISING = re.compile(r"^(?:practi[cs]ing)$")
_LICENCE = re.compile(r"^(?:licen[cs]es?|certificates?|permits?|registration)$")
# What a body issues to practise ("a permit from the Collège…"); a certificate from it is a letter for the Israeli file.
_ISSUED = re.compile(r"^(?:licen[cs]es?|permits?|registration|licencia|matricula|permis)$")
# The forms of "get" a doctor asks with that _SYSTEM_CUES (infinitives, "get") does not hold: "¿cómo saco la licencia…?"
_GETS = re.compile(r"^(?:saco|obtengo|consigo|tramito|obtiene|obtient|gets|obtains)$")
_SUBJECT = re.compile(r"^(?:i|we|they|he|she|and|also|still|currently|now)$")


# "diplômé" and "diplôme" fold alike: the participle is an origin, the noun after a determiner is not
_DIPLOMA = re.compile(r"^(?:diplome|diplomes)$")
_DETERMINER = re.compile(r"^(?:mon|ma|mes|ton|ta|tes|son|sa|ses|notre|votre|nos|vos|leur|le|la|les|l|un|une|du|de|d|des|ce|cet|cette|mi|tu|su|el|my|the|a|an|your|his|her|our)$")


# A cue word used as an adjective after "a": a state the doctor is in where the place is, not a goal
_STATE = re.compile(r"^(?:registered|licensed|practising|practicing)$")


def _role(before: list[str]) -> tuple[str, str]:
    """The role the words before a place give it: target, origin or unknown, with the cue word.

    The nearest cue word wins, looking back over at most ``_WINDOW`` words and skipping only
    neutral ones: an unrelated content word in between ends the search."""
    last = [w for w in before[-3:] if w not in ("the", "l", "la", "le", "el", "los", "les")]
    if last and _ORIGIN_JUST_BEFORE.match(last[-1]):
        if not (len(last) > 1 and _INSTITUTION.match(last[-2])):
            # "from the UK", "diplômé de Roumanie"; not "le Collège des médecins du Québec"
            return "origin", last[-1]
        # a body or a province "of" the place takes the place's role from the words before it:
        # "reconnu par le Collège des médecins du Québec", "la matrícula en la provincia de Buenos Aires"
        end = len(before)
        while end > 0 and len(before) - end < _WINDOW and (
            _INSTITUTION.match(before[end - 1]) or _OF.match(before[end - 1])
        ):
            end -= 1
        issued = [
            j for j in range(max(0, end - 2), len(before))
            if (_ISSUED.match(before[j]) or _PERMIT.match(before[j])) and all(_FROM.match(w) for w in before[j + 1:end])
        ]
        if issued:
            # the body issues what the doctor seeks: "how do I get a permit from the Collège des médecins du
            # Québec" (en-dev26-20), "¿cómo saco la licencia del Colegio de Médicos de Chile?", not where they
            # come from; "my licence from…", "I hold a licence from…" are read as before
            sought = [w for w in before[max(0, issued[0] - 3):issued[0]] if not _ARTICLE.match(w)]
            if sought and (_SYSTEM_CUES.match(sought[-1]) or _GETS.match(sought[-1])):
                return "target", f"{sought[-1]} {before[issued[0]]}"
        before = before[:end]
        if before and _TO_BODY.match(before[-1]) and not (len(before) > 1 and (_CUE_ORIGIN.match(before[-2]) or _PLAIN_VERBS.match(before[-2]))):
            # a body addressed: "las cartas para el Ministerio de Salud de Israel", "une demande auprès
            # de l'Ordre des médecins du Québec" (not "worked for the ministry of health of Peru")
            return "target", before[-1]
    window = before[-_WINDOW:]
    body = False  # a body's name was skipped ("a university hospital in Ohio")
    for k in range(len(window) - 1, -1, -1):
        word = window[k]
        if _PRACTISING.match(word) and k + 1 < len(window) and _LICENCE.match(window[k + 1]):
            return "target", f"{word} {window[k + 1]}"  # "a practising licence in Qatar": a licence wanted there
        if _PLAIN_VERBS.match(word):
            at = len(before) - len(window) + k  # the cue's place in all the words before
            if at > 1 and before[at - 1] in ("de", "d") and _PERMIT.match(before[at - 2]):
                return "target", f"{before[at - 2]} {before[at - 1]} {word}"  # "visa de trabajo para Suiza"
            if at > 0 and _PROCESS.match(before[at - 1]):
                return "unknown", ""  # "how does licensing work in Israel": a process works there, not the doctor
            # a plan after "to", "can I", "cómo": "want to practise in Germany"; a fact or a
            # noun otherwise: "I work in Paris", "30 years of practice in Buenos Aires"
            return ("target", word) if _planned(before, at) else ("origin", word)
        if _DIPLOMA.match(word) and not (k > 0 and _DETERMINER.match(window[k - 1])):
            return "origin", word  # "Diplômé en Belgique", "médecin diplômée de Lyon"; not "mon diplôme en France"
        if _STAY.match(word):
            at = len(before) - len(window) + k
            # "thinking of staying in Romania", "quiere quedarse en España"; not "while staying in Paris"
            planned = at > 0 and (_PLAN_BEFORE.match(before[at - 1]) or before[at - 1] in ("of", "de", "about", "quiere", "quiero", "veut", "veux"))
            return ("target", word) if planned else ("unknown", "")
        if word == "part" and k > 0 and _PART_SUBJECT.match(window[k - 1]):
            return "target", word
        if _CUE_TARGET.match(word):
            if _STATE.match(word) and k > 0 and window[k - 1] in ("a", "an") and not (k > 1 and window[k - 2] in ("become", "becoming", "be")):
                return "origin", f"{window[k - 1]} {word}"  # "I'm a registered doctor in Israel": what the doctor is there
            held = k - 1
            while held > 0 and _ARTICLE.match(window[held]):
                held -= 1  # "sigo con la matrícula argentina"
            if _HELD_NOUN.match(word) and held >= 0 and (_POSSESSIVE.match(window[held]) or _HOLDING.match(window[held])) and not any(
                _CUE_TARGET.match(w) for w in window[max(0, held - 2):held]
            ):
                return "origin", f"{window[held]} {word}"  # "j'ai gardé mon inscription à l'Ordre en France"
            if _OBTAINED_NOUN.match(word) and held >= 0 and _OBTAINED.match(window[held]):
                return "origin", f"{window[held]} {word}"
            return "target", word
        if _CUE_ORIGIN.match(word):
            if body and _FROM.match(word):
                continue  # "a job offer from a university hospital in Ohio": the body's "from"
            if _SPAN.match(word):
                planned = _span_planned(before[: len(before) - len(window) + k])
                if planned:
                    return "target", planned  # "quiero trabajar un par de años en España": years to come there
            return "origin", word
        if _BODY.match(word):
            body = True
        if not (_NEUTRAL.match(word) or _SPECIALIST.match(word) or _BODY.match(word) or _ADJECTIVE.match(word)):
            return "unknown", ""
    return "unknown", ""


# Years spent somewhere are an origin ("10 years in Germany") unless a planned verb comes before
# them: "quiero trabajar un par de años en España", "work two years in Dubai first" (dev14).
_SPAN = re.compile(r"^(?:years|ans|annees|anos)$")
_WORK_GOAL = re.compile(r"^(?:exercer|travailler|pratiquer|bosser|trabajar|ejercer|laburar|practicar)$")
# A span of years weighed, not spent: "we're thinking of a few years in Sydney", "considering two years in Dubai",
# "on envisage quelques années à Montréal" (dev21: an oleh's plan to leave was read as years already spent there).
_WEIGHING = re.compile(r"^(?:thinking|considering|planning|contemplating|weighing|envisage|envisageons|envisagent|envisager)$")
_SPAN_COUNT = re.compile(r"^(?:a|un|une|una|unos|unas|few|couple|of|de|d|par|quelques|some|algunos|two|three|deux|trois|dos|tres|\d+)$")


def _span_planned(before: list[str]) -> str:
    """The verb that plans a span of years ("want to work a couple of years", "exercer quelques
    années"), or "" (a span spent: "ten years of practice", "I have 10 years")."""
    at = len(before)
    while at > 0 and len(before) - at < 4 and _SPAN_COUNT.match(before[at - 1]):
        at -= 1
    if at == len(before) or at == 0:
        return ""
    verb = at - 1
    if _WORK_GOAL.match(before[verb]) or _WEIGHING.match(before[verb]):
        return before[verb]  # "trabajar", "exercer": a goal by itself; "thinking of a few years in Sydney": one weighed
    if not _PLAIN_VERBS.match(before[verb]):
        return ""  # years lived somewhere first ("vivir unos años en Montevideo y la aliá después") are no post sought
    return before[verb] if _planned(before, verb) else ""


def _planned(before: list[str], at: int) -> bool:
    """Whether the verb at ``at`` is planned: after "to", "can", "cómo", or a subject after one ("can I")."""
    return at > 0 and bool(
        _PLAN_BEFORE.match(before[at - 1])
        or (_SUBJECT.match(before[at - 1]) and at > 1 and _PLAN_BEFORE.match(before[at - 2]))
    )


_ISRAEL_ACTS = re.compile(r"^(?:recogni[sz]es?|accepts?|give|gives|grant|grants|reconnait|reconnaitra|accepte|donne|reconoce|reconocen|acepta|da|de|otorga)$")
# "que Israel me dé", "Israel le da": a pronoun may sit between Israel and its verb (no other word
# may: "Jérusalem, diplômé de Nice" is no act of Israel's)
_CLITIC = re.compile(r"^(?:me|te|le|les|nos|lo|la|se|m|l|t|s|ne|n)$")


# Another country's place or body doing the licensing: "does Spain recognise…", "the SCFHS
# recognises…", "how long does Alberta take to license…", "l'Ordre reconnaît-il…": that country is
# the target, as Israel is in "Israel recognises…".
_FOREIGN_ACTS = re.compile(
    r"^(?:recogni[sz]es?|accepts?|grants?|registers|licenses|reconnait|reconnaissent|accepte|acceptent"
    r"|reconoce|reconocen|acepta|aceptan|homologa|convalida"
    # what it asks of doctors: "la Belgique exige-t-elle un examen ?", "¿qué pide el MSP?"
    r"|requires|exige|exigent|exigen|demande|demandent|pide|piden)$"
)
_TAKE_TO = re.compile(r"^(?:take|takes)$")
_TAKEN_STEP = re.compile(
    r"^(?:license|licence|register|recogni[sz]e|process|approve|accept|dar|otorgar|homologar|reconocer|convalidar|revalidar"
    r"|delivrer|accorder|reconnaitre|homologuer)$"
)
# the time a place takes to license, its verb before it: "cuánto demora Canadá en dar la licencia",
# "combien de temps met le Québec pour délivrer un permis"
_TO = re.compile(r"^(?:to|en|pour|para|a)$")


def _acts(folded: str, end: int) -> str:
    """The licensing verb right after a foreign place or body, or ""."""
    after = _TOKEN.findall(folded[end:end + 40])[:3]
    if after and _FOREIGN_ACTS.match(after[0]):
        return after[0]
    if len(after) > 2 and _TAKE_TO.match(after[0]) and after[1] == "to" and _TAKEN_STEP.match(after[2]):
        return " ".join(after)
    if len(after) > 1 and _TO.match(after[0]) and _TAKEN_STEP.match(after[1]):
        return " ".join(after[:2])
    return ""


# The doctor's own: "my MRCGP", "ma spécialité britannique", "mi título chileno" name what the
# doctor holds, an origin, not another country asked about.
_POSSESSIVE = re.compile(r"^(?:my|mon|ma|mes|mi|mis|our|notre|nos|nuestro|nuestra|nuestros|nuestras)$")


# A country or its adjective right before "trained", "educated", "grad" is where the doctor comes from:
# "US trained IM doc", "a UK-qualified GP", "American-educated" (dev11).
_TRAINED_AFTER = re.compile(r"[- ]?(?:trained|educated|qualified|grad|graduate|graduated|born|raised)\b")


def _held_by_doctor(folded: str, start: int) -> bool:
    before = _TOKEN.findall(folded[max(0, start - 40):start])[-2:]
    return bool(before) and any(_POSSESSIVE.match(w) for w in before)


def israeli_file_step(text: str) -> str:
    """Another country's exam or body named that is also a step of the Israeli file ("the USMLE",
    "the GMC letter"), or "": asked about with nothing else named, it is the bot's subject."""
    for match in _SYSTEM_ONLY.finditer(fold(text)):
        if _ISRAELI_FILE.match(match.group(0)):
            return match.group(0)
    return ""


def question_target(text: str) -> Target:
    """Where the doctor wants to practise or move to, read from the words before each place.

    Priority: Israel as the place (a cue word before it, Israel recognising something, or the
    program's own terms) > another named place with a cue word > "in Israel" with no cue word >
    Israel's institutions named by adjective ("the Israeli exam": a foreign target beats it, as in "my
    Israeli licence, is it valid in Cyprus?") > Israel merely named > nothing."""
    folded = fold(text)
    # Israel named only as a later plan ("before we eventually move to Israel", "avant l'alya",
    # "y después hacer aliá") is the context, not the target: another place with a cue word wins
    israel_later = ""
    program = None
    israel_base = ""
    israel_origin = ""  # Israel named as where the doctor trained (not where they are now)
    for term in _PROGRAM_TERMS.finditer(folded):
        if term.group(0) == "stage a" and not _GREEN_TRACK_STAGE_A.search(text):
            continue  # "le stage à Hadassah" is an internship somewhere, not the Green Track's Stage A
        if _aside(folded, term.start()):
            continue  # "sorry, off topic for aliyah, but how hard is PLAB 2?": Israel set aside
        done = _done(folded, term.start()) or _oleh_now(folded, term) or _done_in_year(folded, term.end())
        if done and _someone_elses(folded, term.start()):
            continue  # "my brother made aliyah to Raanana": where the family is, not the doctor
        if _later(folded, term.start(), term.end()):
            israel_later = israel_later or term.group(0)
        elif done:
            # "I made aliyah in 2019", "depuis mon alyah", "ya hice aliá": done, so where the doctor is now
            israel_base = israel_base or f"{done} … {term.group(0)}"
        else:
            program = term
            break
    israel_target = program.group(0) if program else ""  # a cue word, Israel acting, or the program's terms
    israel_in = ""  # "in Israel" with no cue word: weaker than another place with one
    israel_in_asked = ""  # "in Israel" in the question sentence itself
    asked_from = _question_start(folded)
    foreign_at = len(folded)  # where the first place read as the goal abroad is named
    israel_by_cue = False  # Israel is the place by a cue word or by acting, not only by the program's terms
    israel_side = ""  # "the Israeli exam"
    israel_aimed = ""  # "for the Israeli ministry", "take the Israeli exam"
    israel_named = ""
    foreign_target = ""
    # another system's words, another country's adjective, or a place whose role is unclear; a
    # place named only as an origin ("trained in Romania") does not count
    # another system the doctor holds or passed ("my MRCP", "I passed the AMC", "j'ai réussi les EVC",
    # "con el Revalida") is an origin too
    foreign_named = any(
        not _ISRAELI_FILE.match(m.group(0)) and not _held_by_doctor(folded, m.start()) and not _doctor_beside(folded, m)
        and _system_role(folded, m.start())[0] != "origin"
        and not _TRAINED_AFTER.match(folded, m.end())
        for m in _SYSTEM.finditer(folded)
    ) or any(
        not _held_by_doctor(fold(text[:m.start()]), len(fold(text[:m.start()]))) and not _TRAINED_AFTER.match(text.lower(), m.end())
        for m in _US.finditer(text)
    )
    who = _ISRAELI_AS_WHO.search(folded)
    trained = _ISRAELI_TRAINED.search(folded)
    if trained:
        israel_base = israel_base or trained.group(0)
    for match in _PLACE.finditer(folded):
        before = _TOKEN.findall(_sentence(folded[max(0, match.start() - 80):match.start()]).replace("i'm", "im"))
        role, cue = _role(before)
        place = match.group(0)
        if match.group("israel") and place.startswith("israeli"):
            role, cue = "unknown", ""  # an adjective: "exemption from the Israeli exam" names no origin
        if role == "unknown":
            graduate = _GRADUATE_AFTER.match(folded, match.end())
            if graduate and place.startswith("israeli") and not _TRAINED.match(graduate.group(1)):
                graduate = None  # "am I treated as an Israeli graduate?" names a category
            if graduate:  # "Tel Aviv U grad", "Israeli-trained", "a Buenos Aires graduate"
                role, cue = "origin", graduate.group(1)
        if match.group("israel"):
            if who is not None and who.start() <= match.start() <= who.end():
                if role == "origin":  # "I'm an Israeli-trained haematologist"
                    israel_base = israel_base or f"{place} {cue}"
                continue  # "I'm Israeli": who the doctor is
            if role == "origin":
                if _relatives_home(folded, match.start()):
                    # "Mes parents … se sont installés à Ra'anana": the family's home, not the doctor's base;
                    # the doctor's goal when they go to join them ("j'aimerais les rejoindre", dev15)
                    joining = _JOIN.search(folded, match.end(), match.end() + 160)
                    if joining:
                        israel_target = israel_target or f"{joining.group(0)} … {place}"
                        israel_by_cue = True
                    continue
                if _present(before, cue) or _GRADUATE_AFTER.match(folded, match.end()):
                    # living or working there now ("je suis médecin en Israël", "vivo en Israel", "I work in Haifa")
                    israel_base = israel_base or f"{cue} … {place}"
                else:  # trained there: a returning Israeli may be coming back
                    israel_origin = israel_origin or f"{cue} … {place}"
                continue
            if place.startswith("israeli") and _israeli_held(before, _TOKEN.findall(folded[match.end():match.end() + 30])[:1]):
                israel_base = israel_base or f"{' '.join(before[-2:])} {place}"
            next_words = _TOKEN.findall(folded[match.end():match.end() + 40])[:3]
            noun_before = bool(before) and bool(_ISRAELI_SIDE.match(before[-1]))  # "el examen israelí"
            aim = [w for w in before[-4:-1 if noun_before else None] if not _ARTICLE.match(w)][-1:]
            verb = next_words[0:1] if noun_before else next_words[1:2] if next_words and _ISRAELI_SIDE.match(next_words[0]) else []
            if place.startswith("israeli") and verb and _ISRAEL_ACTS.match(verb[0]):
                # "does the Israeli ministry accept…", "el ministerio israelí reconoce…"
                israel_target = israel_target or f"{place} {' '.join(next_words[:2])}"
                israel_by_cue = True
            if place.startswith("israeli") and aim and (_TO_BODY.match(aim[0]) or _SYSTEM_CUES.match(aim[0])) and (
                noun_before or (next_words and _ISRAELI_SIDE.match(next_words[0]))
            ):
                # "for the Israeli MOH", "pour l'examen israélien", "para el ministerio israelí",
                # "take the Israeli exam", "rendir el examen israelí": Israel's side aimed at, which another
                # place with a cue word of its own still outweighs ("while I wait to sit the Israeli exam,
                # would it be easier to get recognised in Poland?")
                israel_aimed = israel_aimed or f"{aim[0]} … {place}"
            if _later(folded, match.start(), match.end()):
                israel_later = israel_later or (f"{cue} … {place}" if cue else place)
                continue
            israel_named = israel_named or place
            after = _TOKEN.findall(folded[match.end():match.end() + 40])[:2]
            if place.startswith("israeli"):
                # "the Israeli exam", "l'examen israélien" are the Israeli side; "an Israeli
                # degree", "médica israelí" say where the doctor comes from
                if (after and _ISRAELI_SIDE.match(after[0])) or (before and _ISRAELI_SIDE.match(before[-1])):
                    israel_side = israel_side or place
            elif role == "target":
                israel_target = israel_target or f"{cue} … {place}"
                israel_by_cue = True
            elif after and (_ISRAEL_ACTS.match(after[0]) or (len(after) > 1 and _CLITIC.match(after[0]) and _ISRAEL_ACTS.match(after[1]))):
                israel_target = israel_target or f"{place} {' '.join(after[:2])}"
                israel_by_cue = True
            elif before and _CUE_PREPOSITION.match(before[-1]) and not _ISRAELI_CITY.match(place):
                israel_in = israel_in or f"{before[-1]} {place}"
                if asked_from is not None and match.start() >= asked_from:
                    israel_in_asked = israel_in_asked or f"{before[-1]} {place}"
        elif role == "target":
            foreign_named = True
            foreign_target = foreign_target or f"{cue} … {place}"
            foreign_at = min(foreign_at, match.start())
        elif role != "origin" and not _held_by_doctor(folded, match.start()):
            # "my Singapore registration", "mi Chile natal": the doctor's own, an origin
            foreign_named = True
            acting = _acts(folded, match.end())
            if acting:
                foreign_target = foreign_target or f"{place} {acting}"
                foreign_at = min(foreign_at, match.start())
    system_aimed = ""  # another system's exam or register the doctor wants to get ("get AHPRA registration")
    for match in _SYSTEM.finditer(folded):
        held = _ISRAELI_FILE.match(match.group(0)) or _held_by_doctor(folded, match.start())
        acting = "" if held else _acts(folded, match.end())
        if acting and not foreign_target:
            foreign_target = f"{match.group(0)} {acting}"
            foreign_at = min(foreign_at, match.start())
        if not held and not system_aimed and not _TRAINED_AFTER.match(folded, match.end()):
            role, cue = _system_role(folded, match.start())
            system_aimed = f"{cue} … {match.group(0)}" if role == "target" else ""
    israel_hinted = israel_target or israel_in or israel_side or israel_named or israel_later or _ISRAEL_HINTS.search(folded)
    leaving = _LEAVING.search(folded)
    if leaving is not None and not foreign_target:
        foreign_target = f"{folded[leaving.start():leaving.start('place')].split()[0]} … {leaving.group('place')}"
        foreign_at = min(foreign_at, leaving.start())
    if not foreign_target and not israel_hinted:
        # Israel is neither named nor hinted at: another system's exam, register or visa is what the
        # question is about ("pass PLAB 2", "avoir la carte verte", "how much does the NAC OSCE
        # cost?"), unless the doctor holds it ("my MRCGP", "hice el MIR", "I'm ECFMG certified")
        systems = [
            (match.group(0), *_system_role(folded, match.start()))
            for match in _SYSTEM_ONLY.finditer(folded)
            if not _ISRAELI_FILE.match(match.group(0)) and not _held_by_doctor(folded, match.start())
        ]
        if systems and all(role != "origin" for _, role, _ in systems):
            name, _, cue = next(((n, r, c) for n, r, c in systems if r == "target"), systems[0])
            foreign_target = f"{cue} … {name}" if cue else f"{name} (Israel not named)"
    # Another place told in the story before a question sentence that names Israel itself is the story's, a plan or a
    # past told before the question, unless that place is asked about too.
    story_only = bool(
        foreign_target and israel_in_asked and asked_from is not None and foreign_at < asked_from
        and not _asks(folded, foreign_at)
    )
    if israel_target:
        # "en poste à Genève … exercer en Israël après notre alya": Israel's own cue word outweighs the other place's
        program_only = program is not None and israel_target == program.group(0) and not israel_by_cue
        # Beside the program's word alone, another system's exam or register the doctor wants to get is a goal
        # abroad too: "spending two years in Australia before aliyah. How do I get AHPRA specialist registration?"
        # (en-dev22-20). It only names the context when the model reads the question as another country's.
        # Nor is another place the story's: "je n'ai jamais obtenu l'autorisation d'exercer en France … est-ce que ça
        # me dispense de l'examen en Israël ?" (fr-dev29-05).
        goal = "" if story_only else foreign_target
        beside = (goal or system_aimed or _system_asked(folded, asked_from, program)) if program_only else ""
        return Target("israel", israel_target, foreign_named, beside, israel_base, israel_origin=israel_origin, program_only=program_only)
    if story_only:
        # "En 2022, pensando en irme a Estados Unidos, presenté el USMLE … ¿Me sirven de algo en Israel?": the
        # other place is the story's, a plan told before the question; the question asks about Israel. Not when
        # the other place is asked about too ("recognised by the Royal College in Canada? Is there a route for Israel?")
        return Target("israel", israel_in_asked, foreign_named, "", israel_base, weak=True, israel_origin=israel_origin)
    if foreign_target:
        return Target("foreign", foreign_target, True, "", israel_base, israel_origin=israel_origin)
    if israel_aimed:
        return Target("israel", israel_aimed, foreign_named, "", israel_base, israel_origin=israel_origin)
    if israel_in:
        return Target("israel", israel_in, foreign_named, "", israel_base, weak=True, israel_origin=israel_origin)
    if israel_side or israel_named or israel_later:
        return Target("israel-named", israel_side or israel_named or israel_later, foreign_named, "", israel_base, israel_origin=israel_origin)
    return Target("none", "", foreign_named, "", israel_base, israel_origin=israel_origin)


def _system_asked(folded: str, asked_from: int | None, program: re.Match[str]) -> str:
    """Another system's exam, register or body named in the question sentence, when the program's word is only in
    the story before it: "Mi primo … dice que después se puede hacer la aliá igual. ¿Qué examen pide la DHA de
    Dubái …?" asks about Dubai's licence; the aliyah is the cousin's claim (es-dev28-20). Not when the question
    sentence names Israel or the program too."""
    if asked_from is None or program.start() >= asked_from:
        return ""
    asked = folded[asked_from:]
    if _PROGRAM_TERMS.search(asked) or any(m.group("israel") for m in _PLACE.finditer(asked)):
        return ""
    for match in _SYSTEM_ONLY.finditer(folded, asked_from):
        if not _ISRAELI_FILE.match(match.group(0)) and not _held_by_doctor(folded, match.start()):
            if _system_role(folded, match.start())[0] != "origin":
                return f"{match.group(0)} (asked; the program's word only in the story)"
    return ""


# Who the doctor is, by an adjective beside the word for a doctor: "comme médecin belge", "a Belgian
# GP", "médico argentino". Not a licence ("the Belgian licence"), which _SYSTEM reads as a system.
_DOCTOR = re.compile(r"^(?:doctor|doctors|physician|physicians|gp|medecin|medecins|medico|medicos|medica|medicas|surgeon|chirurgien|cirujano|cirujana)$")


_ME = re.compile(r"^(?:as|comme|como|siendo|soy|suis|im|am)$")
_INDEFINITE = re.compile(r"^(?:an|a|un|una|une)$")


def _doctor_beside(folded: str, match: re.Match[str]) -> bool:
    """The adjective says who the doctor writing is: "pour moi comme médecin belge", "as a Belgian
    GP", "soy médico argentino" (not "un médecin marocain", someone else)."""
    if " " in match.group(0):
        return False
    before = _TOKEN.findall(folded[max(0, match.start() - 40):match.start()].replace("i'm", "im"))[-4:]
    after = _TOKEN.findall(folded[match.end():match.end() + 20])[:1]
    if before and _DOCTOR.match(before[-1]):  # "médecin belge": the doctor's noun first
        words = before[:-1]
    elif after and _DOCTOR.match(after[0]):  # "a Belgian GP"
        words = before
    else:
        return False
    while words and _INDEFINITE.match(words[-1]):  # "as a", "comme un"
        words = words[:-1]
    return bool(words) and bool(_ME.match(words[-1]))


def _system_role(folded: str, start: int) -> tuple[str, str]:
    """"target" when the nearest word before another system's name (at ``start``), skipping neutral ones,
    is a cue ("pass", "obtenir", "presentarme al"); "origin" when it is the doctor's own ("my", "hice",
    "with", "I'm")."""
    before = _TOKEN.findall(folded[max(0, start - 60):start].replace("i'm", "im"))
    for word in reversed(before[-_WINDOW:]):
        if _SYSTEM_CUES.match(word):
            return "target", word
        if _HELD.match(word) or _CUE_ORIGIN.match(word):
            return "origin", word
        if not _NEUTRAL.match(word):
            return "unknown", ""
    return "unknown", ""


# The doctor's own exam, register or body: "my MRCGP", "avec mon inscription au CMQ", "con el EUNACOM".
_HELD = re.compile(
    r"^(?:my|mon|ma|mes|mi|mis|our|notre|nos|nuestro|nuestra|with|avec|con|passed|aprobe|aprobado|reussi|certified"
    # a member of it: "inscrit à l'INAMI", "membre du CMQ", "colegiado en el CMP"
    r"|inscrit|inscrite|inscrits|membre|member|colegiado|colegiada)$"
)


# Words that make what follows a later plan, after a stay elsewhere ("before", "avant", "antes de",
# "eventually"), or one option among others ("on hésite entre l'alya et le Québec"), not the
# question's target. "Then" / "luego" are left out: "study in Romania and then practise in Israel"
# tells the doctor's whole plan, and the question is usually about its last step.
_LATER_WORDS = re.compile(
    r"^(?:before|prior|until|till|eventually|avant|jusqu|eventuellement"
    r"|antes|hasta|eventualmente|between|entre|hesitating|hesite|hesitons|dudamos|dudando)$"
)
_LATER_REACH = 4  # words looked at before Israel or the program's term
# Words that set the program aside: "off topic for aliyah", "nothing to do with aliyah", "hors sujet
# par rapport à l'alya", "fuera del tema de la aliá", "aparte de la aliá"
_ASIDE_WORDS = re.compile(r"^(?:offtopic|topic|unrelated|aside|apart|nothing|hors|sujet|rien|aparte|fuera|tema|nada)$")


def _aside(folded: str, start: int) -> bool:
    """The program's term at ``start`` is set aside, not asked about."""
    before = _TOKEN.findall(_sentence(folded[max(0, start - 40):start]))[-_LATER_REACH:]
    return any(_ASIDE_WORDS.match(w) for w in before)


# Words that make the program's term a thing done: "made aliyah", "since my aliyah", "depuis notre
# alyah", "j'ai fait mon alyah", "ya hice aliá", "desde que hicimos aliá".
_DONE_WORDS = re.compile(r"^(?:made|did|done|since|depuis|fait|faite|faits|hice|hizo|hicimos|hicieron|hecho|desde)$")
_DONE_REACH = 4
_PRESENT_DONE = re.compile(r"^(?:my|our|mon|ma|notre|son|sa|leur|mi|nuestra|su|l|la|el|the)$")
_FAIT = re.compile(r"^(?:fait|faite|faits|hecho)$")
_AUXILIARY = re.compile(r"^(?:ai|as|a|avons|avez|ont|he|ha|hemos|han|has|deja|ya|depuis|since)$")


def _question_start(folded: str) -> int | None:
    """Where the sentence asking the message's last question begins, or None when nothing is asked with "?"."""
    end = folded.rfind("?")
    if end < 0:
        return None
    body = folded[:end].rstrip("?")
    return max(body.rfind(mark) for mark in (". ", "! ", "? ", "\n")) + 1


def _asks(folded: str, at: int) -> bool:
    """Whether the sentence holding ``at`` ends with a question mark."""
    ends = [i for i in (folded.find(mark, at) for mark in (". ", "!", "?", "\n")) if i >= 0]
    return bool(ends) and folded[min(ends)] == "?"


def _sentence(text: str) -> str:
    """The words before a place, read back to the start of its sentence ("." "?" "!" ";" and a
    space): in "… depuis 2015. Pour Israël", "depuis" says nothing of Israel."""
    cut = max(text.rfind(f"{mark} ") for mark in ".?!;:")
    if text[-1:] in (".", "?", "!", ";", ":"):
        cut = max(cut, len(text) - 1)
    return text[cut + 1:] if cut >= 0 else text


# Whose aliyah is done: "my brother made aliyah to Raanana", "mes enfants ont fait leur alyah", "mi
# hija ya hizo aliá" tell where the family is, not that the doctor is based in Israel. A first-person
# word nearer the verb ("my brother and I made aliyah") keeps it the doctor's.
_SOMEONE_ELSE = re.compile(
    r"^(?:he|she|they|brother|brothers|sister|sisters|son|sons|daughter|daughters|kids|children|parents|mother|father"
    r"|mom|mum|dad|cousin|cousins|friend|friends|colleague|colleagues|family|wife|husband|partner|fiance|fiancee|inlaws"
    r"|il|elle|ils|elles|frere|freres|soeur|soeurs|fils|fille|filles|enfants|mere|pere|cousine|cousines|ami|amie|amis"
    r"|amies|collegue|collegues|famille|femme|mari|conjoint|conjointe"
    r"|hermano|hermanos|hermana|hermanas|hijo|hijos|hija|hijas|padres|madre|padre|mama|papa|primo|primos|prima|primas"
    r"|amigo|amigos|amiga|amigas|colega|colegas|familia|esposa|esposo|marido|mujer|pareja|ella|ellos|ellas)$"
)
_FIRST_PERSON = re.compile(r"^(?:i|we|ive|weve|j|je|nous|on|yo|nosotros|nosotras|hice|hicimos|hemos|avons)$")
_THEIR = re.compile(r"^(?:his|her|their|son|sa|leur|leurs)$")
_SUBJECT_REACH = 6


def _done(folded: str, start: int) -> str:
    """The word that makes the program's term at ``start`` a thing done by the doctor, or ""."""
    before = _TOKEN.findall(_sentence(folded[max(0, start - 40):start]))[-_DONE_REACH:]
    if before and _PRESENT_DONE.match(before[-1]):
        before = before[:-1]
    if not before or not _DONE_WORDS.match(before[-1]):
        return ""  # "la Suisse fait partie des pays dispensés" does no aliyah
    if len(before) > 1 and _FAIT.match(before[-1]) and not _AUXILIARY.match(before[-2]):
        return ""  # "on fait l'alyah cet été" is a plan; "j'ai fait mon alyah" is done
    return before[-1]


# "je suis médecin olé", "I'm an oleh since March", "soy olé hace un año", "we are olim": the doctor is
# a new immigrant already, so Israel is where they are now, not a place they ask to go to. Only the
# doctor's own "I am" right before it, with at most an article or a word for doctor between: "what grants
# are available to an oleh doctor?" says nothing of where the doctor is.
_OLEH = re.compile(r"^(?:oleh|ole|olah|ola|olim)$")
_IS_NOW = re.compile(r"^(?:im|suis|soy|sommes|somos)$")
_IS_NOW_AFTER = {"am": "i", "are": "we", "re": "we"}  # "I am", "we are", "we're"
_OLEH_BETWEEN = re.compile(
    r"^(?:a|an|un|une|una|new|nouvel|nouvelle|nouveau|nuevo|nueva|nuevos|des|medecin|medico|medica|medicos|doctor|doctors|physician|physicians|md|gp|now|maintenant|ahora|deja|ya|already)$"
)


def _oleh_now(folded: str, term: re.Match[str]) -> str:
    """The doctor's "I am" that makes the program's term a status they hold ("je suis … olé"), or ""."""
    if not _OLEH.match(term.group(0)):
        return ""
    before = _TOKEN.findall(_sentence(folded[max(0, term.start() - 40):term.start()]).replace("i'm", "im"))
    while before and _OLEH_BETWEEN.match(before[-1]):
        before.pop()
    if not before:
        return ""
    if _IS_NOW.match(before[-1]) or (len(before) > 1 and _IS_NOW_AFTER.get(before[-1]) == before[-2]):
        return before[-1]
    return ""


# "left Cape Town on aliyah back in 2010", "our aliyah in 2019 went well": a year already past says the
# aliyah is done ("aliyah in 2027" is a plan).
_IN_YEAR = re.compile(r"\s+(?:back |way back )?(?:in|en) (?P<year>(?:19|20)\d\d)\b")


def _done_in_year(folded: str, end: int) -> str:
    """The past year right after the program's term ending at ``end`` ("aliyah back in 2010"), or ""."""
    year = _IN_YEAR.match(folded, end)
    return year.group(0).strip() if year and int(year.group("year")) < date.today().year else ""


def _someone_elses(folded: str, start: int) -> bool:
    """Whether the aliyah done at ``start`` is a relative's or another person's: it names neither the
    doctor's base nor where the doctor wants to practise."""
    sentence = _TOKEN.findall(_sentence(folded[max(0, start - 60):start]))
    if not sentence:
        return False
    if _THEIR.match(sentence[-1]):
        return True  # "depuis son alyah", "after their aliyah"
    done = sentence[:-1] if _PRESENT_DONE.match(sentence[-1]) else sentence
    if done[-2:] == ["he", "hecho"]:
        return False  # Spanish "he hecho (mi) aliá" is the doctor's; English "he made aliyah" is not
    return _nearest_subject(sentence[-_SUBJECT_REACH:-1])[0] == "someone else"


def _nearest_subject(words: list[str]) -> tuple[str, int]:
    """Who the words nearest the end name as the subject: "me" (I, we, je, yo…), "someone else" (a relative,
    he, ella…) or "" for neither, with its position in ``words``."""
    for at in range(len(words) - 1, -1, -1):
        if _FIRST_PERSON.match(words[at]):
            return "me", at
        if _SOMEONE_ELSE.match(words[at]):
            return "someone else", at
    return "", -1


# Where someone else lives: "mi hija vive en Beer Sheva", "my parents live in Karmiel", "la famille de
# mon mari vit à Nahariya". A town there says where the family is, not where the doctor will work.
_LIVES = re.compile(
    r"^(?:live|lives|living|lived|reside|resides|residing|vive|viven|vivia|vivian|viviendo|residen"
    r"|habite|habitent|habitait|vit|vivent|vivait|installe|installes|installee|installees|instalado|instalada"
    r"|instalados|instaladas)$"
)


# The doctor going to join the relatives who live there: "j'aimerais les rejoindre", "we want to join
# them", "quiero reunirme con ellos".
_JOIN = re.compile(
    r"\b(?:les|la|le|l) ?rejoindre\b|\brejoindre (?:mes|ma|mon|nos)\b|\bjoin (?:them|her|him|my|our)\b"
    r"|\b(?:be|live|settle) (?:near|close to) (?:them|her|him)\b|\breunir(?:me|nos|se) con\b|\bestar cerca de (?:ellos|ellas|ella|el)\b"
)


def _relatives_home(folded: str, start: int, reach: int = 160, words: int | None = None) -> bool:
    """Whether the sentence before the place at ``start`` says a relative or another person lives there
    ("mes parents … se sont installés à", "my daughter lives in"), its subject read back up to ``reach``
    characters (the sentence's start) or the last ``words`` words."""
    before = _TOKEN.findall(_sentence(folded[max(0, start - reach):start]))[-words if words else 0:]
    who, at = _nearest_subject(before)
    return who == "someone else" and any(_LIVES.match(word) for word in before[at + 1:])


# "... and I want to work there too", "y quiero ir allá", "on veut s'installer près d'eux": the doctor goes
# where the relative lives.
_THERE = re.compile(r"\b(?:there|alli|alla|ahi|la-bas|la bas|pres d'eux|pres d'elle|near them|cerca de ellos|cerca de ellas)\b")


def someone_else_lives_there(folded: str, start: int) -> bool:
    """Whether the place at ``start`` is named only as where a relative or another person lives: its
    sentence says so with no first-person word nearer the place ("my wife and I live in Haifa" is the
    doctor's), and does not go on to say the doctor goes there too."""
    if _THERE.search(folded, start, start + 120):
        return False
    return _relatives_home(folded, start, reach=60, words=_SUBJECT_REACH)


# A place followed by what the doctor is from it: "Tel Aviv U grad", "Israeli-trained", "a Buenos
# Aires graduate", "Israeli-licensed GP".
_GRADUATE_AFTER = re.compile(
    r"(?:[- ](?:u|uni|university|med|medical|school))?[- ]"
    r"(grad|grads|graduate|graduates|alumnus|alumna|trained|educated|licensed|born|native|egresado|egresada)\b"
)
# An Israeli licence or diploma the doctor holds: "with an Israeli licence", "my Israeli diploma",
# "con licencia israelí", "mon diplôme israélien", "el título israelí que tengo" is not read.
_CREDENTIAL = re.compile(
    r"^(?:licen[cs]e|licencia|licenses|licences|diploma|diplome|degree|title|titre|titulo|specialist|specialty|specialite"
    r"|especialidad|registration|qualification|qualifications)$"
)
_HOLDING = re.compile(
    r"^(?:my|mon|ma|mes|mi|mis|our|notre|nos|nuestro|nuestra|with|avec|con|have|has|hold|holds|holding|titulaire|tengo|tiene|tenemos)$"
)
_ARTICLE = re.compile(r"^(?:a|an|un|une|una|el|la|le|l|the|de|d)$")
_TRAINED = re.compile(r"^(?:trained|educated|licensed)$")
# "I'm an Israeli-trained haematologist", "Israeli-licensed GP here": the doctor's base, the hyphen
# keeps the place pattern from reading "Israeli" alone
_ISRAELI_TRAINED = re.compile(r"(?<![\w-])israeli?[- ](?:trained|licensed|qualified|educated)(?![\w-])")


# Where the doctor is now: "I live", "je suis", "vivo", "trabajando"; "work" or "live" only after
# their subject ("I work in Haifa", not "how does recognition work in Israel")
_PRESENT_CUES = re.compile(
    r"^(?:living|lives|based|residing|currently|actualmente|actuellement|vivo|vivimos|viven|habite|habitons|habitent|vis|vit|vivons|vivent"
    r"|travaille|travaillons|travaillent|working|practising|practicing|exercant|exerce|ejerzo|ejerce|ejerciendo|trabajo|trabaja|trabajamos"
    rf"|trabajando|estoy|estamos|suis|sommes|soy|somos|im|am|{_SETTLED})$"
)
_SUBJECT_BEFORE = re.compile(r"^(?:i|we|je|nous|on|yo|still|now|also|currently|actually)$")


def _present(before: list[str], cue: str) -> bool:
    """The origin cue says where the doctor is now, not where they trained."""
    if _PRESENT_CUES.match(cue):
        return True
    if _PLAIN_VERBS.match(cue) and cue in before:
        at = len(before) - 1 - before[::-1].index(cue)
        return at > 0 and bool(_SUBJECT_BEFORE.match(before[at - 1]))
    return False


def _israeli_held(before: list[str], after: list[str]) -> bool:
    """The Israeli adjective names a licence or diploma the doctor holds."""
    words = list(before[-3:])
    if words and _CREDENTIAL.match(words[-1]):  # "con licencia israelí", "mon diplôme israélien"
        words.pop()
    elif not (after and _CREDENTIAL.match(after[0])):  # "my Israeli licence"
        return False
    while words and _ARTICLE.match(words[-1]):
        words.pop()
    if any(_CUE_TARGET.match(w) or _SYSTEM_CUES.match(w) for w in before[-4:]):
        return False  # "how do I get my Israeli licence" is the aim
    return bool(words) and bool(_HOLDING.match(words[-1]))


# Just after Israel or the program's term: "we'll make aliyah eventually, but first…", "la aliá
# después", "on fera notre alya plus tard". ("But first" further on was left out: "on fait notre alya en
# juin, mais d'abord je dois finir mon internat" still asks about Israel.)
_LATER_AFTER = re.compile(
    r"[^.?!;]{0,12}?\b(?:eventually|later on|someday|one day|despues|mas adelante|algun dia|plus tard|un jour)\b"
)


# A reflexive verb's pronoun counts for nothing in the reach: "avant de nous installer en Israël" is a move
# as near as "before we move to Israel" (fr-dev25-20), while "avant de pouvoir exercer en Israël" stays a
# condition of practising there, as "before I can practise in Israel" does.
_LATER_JOIN = re.compile(r"^(?:nous|vous|me|m|te|t|se|s|nos|os)$")
# "First … then Israel": a then-word before Israel or the program's term, after a first-word in the same
# sentence ("pensaba hacer primero el camino por allá y después la aliá", es-dev24-20). Alone, "then" tells
# the doctor's whole plan ("estudiar en Hungría y luego ejercer en Israel"), whose last step is asked about.
_THEN = re.compile(r"^(?:then|after|afterwards|despues|luego|puis|ensuite|apres)$")
_FIRST_BEFORE = re.compile(r"\b(?:first|firstly|primero|d abord|dabord|d'abord|premierement|en premier)\b[^.?!;]*$")


def _later(folded: str, start: int, end: int) -> bool:
    """Israel (or the program's term) at ``start:end`` is named as a later plan."""
    before = [w for w in _TOKEN.findall(folded[max(0, start - 60):start]) if not _LATER_JOIN.match(w)][-_LATER_REACH:]
    if any(_LATER_WORDS.match(w) for w in before) or _LATER_AFTER.match(folded, end):
        return True
    return any(_THEN.match(w) for w in before) and bool(_FIRST_BEFORE.search(folded[max(0, start - 200):start]))


# Every pattern the target reading runs, for triage's linearity test.
PATTERNS: tuple[re.Pattern[str], ...] = (
    _PROGRAM_TERMS, _GREEN_TRACK_STAGE_A, _STATE, _PLACE, _SYSTEM, _US, _TOKEN, _CUE_TARGET, _CUE_ORIGIN, _CUE_PREPOSITION, _ORIGIN_JUST_BEFORE,
    _INSTITUTION, _NEUTRAL, _SPECIALIST, _PLAIN_VERBS, _PLAN_BEFORE, _SUBJECT, _OF, _PRACTISING, _LICENCE, _ISSUED, _GETS, _LATER_WORDS, _SYSTEM_ONLY, _SYSTEM_CUES, _ISRAEL_HINTS, _HELD, _LEAVING, _ISRAELI_AS_WHO, _ISRAELI_SIDE, _ISRAELI_CITY, _ISRAEL_ACTS, _SPAN, _SPAN_COUNT, _WORK_GOAL,
    _DIPLOMA, _DETERMINER, _FOREIGN_ACTS, _TAKE_TO, _TAKEN_STEP, _TO, _POSSESSIVE, _TO_BODY, _ADJECTIVE, _CLITIC,
    _DONE_WORDS, _GRADUATE_AFTER, _CREDENTIAL, _HOLDING, _ARTICLE, _PRESENT_DONE, _FAIT, _LATER_AFTER, _LATER_JOIN, _THEN, _FIRST_BEFORE, _AUXILIARY, _TRAINED, _ISRAELI_TRAINED, _HELD_NOUN, _FROM, _STAY, _BODY, _PRESENT_CUES, _SUBJECT_BEFORE,
    _ASIDE_WORDS, _DOCTOR, _INDEFINITE, _ME, _PERMIT, _PROCESS, _PART_SUBJECT, _OLEH, _IS_NOW, _OLEH_BETWEEN, _IN_YEAR,
)
