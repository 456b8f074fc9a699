"""Crisis detection, before anything else: a person at risk gets 988 first, always.

Two signals, both on a normalised message (case, accents, leetspeak, repeated letters, emoji):
a lexicon of first-person risk phrasing in English and Spanish (explicit, indirect, method
and means, self-harm, harm to others, slang), and similarity to curated crisis examples
versus curated near misses ("the exam was killer", "kill a stuck process"). A peer asking
how to help someone else is offered the resources without a crisis takeover.

The reply is a fixed template (assistant/crisis_replies.py), never text from the corpus or a model.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from assistant.safety_model import CrisisModel

_EMOJI = {"🔫": " gun ", "💊": " pills ", "🪢": " rope ", "⚰": " coffin ", "🔪": " knife ", "🩸": " blood ",
          "☠": " dead ", "💀": " dead ", "😵": " ", "🪦": " grave ", "🌉": " bridge "}
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s", "5": "s", "7": "t"})

_SELF = r"(?:i|im|i am|ive|i have|i'?ll|i will|i keep|i wanna|i want to|i need to|i'?m going to|im gonna|i'?m gonna|gonna|going to|want to|wanna|thinking (?:about|of)|planning (?:to|on))"
_RISK_PATTERNS = [
    # explicit intent
    r"\b(kill|killing|end|ending|take|taking|off)\s+(my ?self|myself|my own life|my life)\b",
    r"\b(want|wish|hope) (someone|somebody|something) (would|could|to) kill me\b",
    r"\bk\s*m\s*s\b", r"\bkys\b", r"\bunalive\w*\b",
    r"\b(i|im|i am|i'm|feel|feeling|felt|been|getting|so|very|really|kinda|pretty)\s+(so\s+|really\s+)?su[i1]c[i1]?dal\b",
    r"\b(thinking|thought|think|thoughts) (about|of) (suicide|killing myself|ending it)\b",
    r"\b(i|im|i'm|i am|i will|i'?ll|gonna|going to) (commit|attempt|try) (suicide)\b",
    r"^\W*su[i1]c[i1]?d(e|al)\W*$",
    r"\b(want|wanna|wish|going|ready|trying)\s+(to\s+)?(die|be dead|not (be here|exist|wake up))\b",
    r"\bwish (i|id) (was|were|could be) (dead|gone|never born)\b",
    r"\b(don'?t|do not|dont) want to (live|be alive|be here|exist|wake up|go on)( anymore)?\b",
    r"\b(no|dont see the|don'?t see the|don'?t see any|can'?t see the) (point|reason) (in|of|to)? ?(living|life|going on|being alive|anything anymore)\b",
    r"\b(better off|be better) (without me|if i (was|were) (dead|gone))\b",
    r"\b(can'?t|cannot|cant) (go on|do this anymore|take (it|this) anymore|keep going)\b",
    r"\b(tired|sick) of (living|being alive|life)\b", r"\blife (isn'?t|is not|aint) worth\b",
    r"\b(end it all|end everything|this is (my )?goodbye|say(ing)? goodbye (to everyone|forever))\b",
    r"\bgoodbye (cruel )?world\b", r"\bno way out\b", r"\bdisappear forever\b",
    r"\bdone with (everything|life|it all|living|being alive)\b",
    r"\b(gun|rope|pills|knife|coffin|grave)\b.*\b(done|goodbye|bye|end it|tonight|over it|forever)\b",
    r"\b(sleep|go to sleep|close my eyes) and (never|not) wake up\b", r"\bnever wake up\b",
    r"\b(i'?m|i am|feel like) (just )?a burden\b", r"\b(being|bein) a burden\b", r"\b(no ?one|nobody) (would|will) (even )?(care|miss me|notice)( if i)?\b",
    r"\bnothing (left )?to live for\b", r"\b(want|need) (it|the pain|everything) to (stop|end) (forever|for good|permanently)\b",
    r"\bwhats the point of (living|life|going on|being alive|anything)\b", r"\b(end|ending) it (all )?(tonight|today|soon|now)\b",
    r"\bi'?m (going|gonna) (to )?end it\b", r"\b(planning|planned|writing|wrote) my (funeral|suicide note|goodbye|note)\b",
    r"\bgiving away (all )?my (stuff|things|belongings)\b", r"\bdon'?t want to exist\b", r"\bsewer ?slide\b",
    r"\bwant (out of|to leave) this (life|world)\b", r"\bfinal (exit|goodbye)\b",
    # method and means
    r"\b(saving|saved|stockpil\w*|hoard\w*|collect\w*) (up )?(my |all my )?(pills|meds|medication|medicine)\b",
    r"\bhow (many|much) (of )?(my )?(pills|meds|tylenol|xanax|insulin|medication)\b.*\b(die|kill|take|lethal|enough|od|overdose)\b",
    r"\b(overdose|od) on purpose\b",
    r"\b(i )?(just )?(took|swallowed|downed) (a (bunch|handful|lot) of|all (of )?my|too many|the whole bottle of) (pills|meds|xanax|tylenol|oxys?|percs?)\b",
    r"\b(use|shoot up|take|do) (fentanyl|heroin|dope|enough)\b.*\b(not wake up|never wake|die|be done|end it|od)\b",
    r"\b(relapse|use|using) (again )?(until|till) i (die|od|am dead)\b", r"\b" + _SELF + r"\s+(overdose|od)\b", r"\blethal dose\b",
    r"\b(hang|hanging|shoot|shooting|drown|drowning|poison|poisoning) (my ?self|myself)\b",
    r"\b(jump|jumping) (off|from) (a |the )?(bridge|building|roof|overpass)\b",
    r"\b(slit|slitting|cut|cutting) (my )?(wrists?|throat)\b", r"\bgun (to|in) my (head|mouth)\b",
    r"\brope\b.*\b(neck|hang)\b", r"\bpills\b.*\b(die|dead|end it|sleep forever)\b",
    # self-harm
    r"\b" + _SELF + r"\s+(cut|cutting|burn|burning|hurt|hurting|harm|harming)\s+(my ?self|myself)\b",
    r"\b(cutting|cut|hurting|harming) (my ?self|myself) again\b",
    r"\b(i|im|i am|i'm|keep|kept|started|been|am)\s+(cutting|burning|harming|hurting)( myself)?( again)?\b(?! (the|a|an|back|down|corners|costs|class|it|out|off|ties))",
    r"\bcutting again\b",
    r"\bi (relapsed|started) (cutting|self[- ]?harming)\b",
    # harm to others
    r"\b" + _SELF + r"\s+(kill|hurt|shoot|stab|murder)\s+(him|her|them|someone|somebody|people|my (boss|wife|husband|family|kids|coworker|supervisor|ex))\b",
    r"\b(shoot|shooting) up (the|my) (office|school|work|clinic)\b",
    r"\b(i'?m|i am|im) (going|gonna) (to )?(kill|hurt|shoot|stab) (him|her|them|my)\b",
    r"\bi (want|wanna|need) to (kill|hurt|shoot|stab) (him|her|them|someone|somebody|my)\b",
    r"\b(bring|bringing|take|taking|carry|carrying|get|got|buy|bought) (my |a |the )?(gun|knife|weapon|rifle|pistol)\b.*"
    r"\b(work|school|office|clinic|house|him|her|them|pay|tomorrow|tonight)\b",
    r"\b(make|making) (him|her|them|everyone|you all) pay\b",
    # vehicles, trains, heights as means
    r"\b(drive|driving|drove|crash|crashing|swerve|swerving|steer|steering) (my car |the car |my truck )?"
    r"(off|into|in front of|over) (the |a |an )?(overpass|bridge|cliff|wall|tree|traffic|train|truck|freeway|edge|pole)\b",
    r"\bcrash(ing)? (my|the) (car|truck) on purpose\b",
    r"\b(step|stepping|jump|jumping|walk|walking|lie|lying) (out )?in front of (a |the |an )?(train|bus|car|truck|traffic)\b",
    # Spanish
    r"\b(me )?quiero morir\b", r"\bquiero morirme\b", r"\bquitarme la vida\b", r"\bsuicidarme\b",
    r"\b(estoy|me siento|soy|ando|me pongo) (muy )?suicida\b", r"\b(pienso|pensando|pense) en el suicidio\b",
    r"\bmatarme\b", r"\bme voy a matar\b", r"\b(ya )?no quiero (vivir|seguir viviendo|estar aqui|despertar)\b",
    r"\bacabar con (todo|mi vida)\b", r"\bno (le )?veo (sentido|razon) (a|para) (la vida|vivir|seguir)\b",
    r"\b(cortarme|hacerme dano|lastimarme|cortandome)\b",
    r"\b(me estoy|sigo|volvi a|vuelvo a) (cortando|cortar|lastimando|lastimar|haciendo dano)\b", r"\bno aguanto mas\b.*\b(morir|desaparecer|vivir|matar|acabar)\b",
    r"\bmejor (sin mi|muerto|muerta)\b", r"\bestarian mejor sin mi\b", r"\bdesaparecer para siempre\b",
    r"\b(juntando|guardando) (mis )?(pastillas|medicinas)\b", r"\bvoy a matar a\b",
    r"\bme (quiero|voy a) (matar|morir|suicidar)\b",
    r"\b(lo|la|los|las) (mato|voy a matar|matare)\b", r"\bya tengo con (que|que hacerlo)\b",
    r"\b(tirarme|aventarme|estrellarme|chocar (el carro|mi carro|el coche))\b", r"\b(pensando|pienso) en (suicidarme|matarme|morir|quitarme la vida)\b",
    r"\bno vale la pena (vivir|seguir)\b", r"\b(me )?tome (todas|muchas) (las |mis )?(pastillas|medicinas)\b",
    r"\bdormir y no despertar\b", r"\b(soy|me siento) una carga\b", r"\bnadie me (extranaria|va a extranar)\b",
    r"\bme voy a (tirar|aventar) (de|del|desde)\b", r"\bya no puedo mas\b.*\b(vivir|morir|matar|acabar)\b",
    r"\bquiero (desaparecer|dejar de existir)\b",
    r"\b(ya )?me despedi de (mis|mi|todos|todo el mundo)\b", r"\b(les )?(regale|regalando|regalo) (todas )?mis cosas\b",
    r"\b(said|saying) (my )?goodbyes? to (my|everyone|everybody)\b", r"\b(lastimar|matar|hacerle dano) a (alguien|el|ella|mi)\b",
]
_RISK = re.compile("|".join(f"(?:{p})" for p in _RISK_PATTERNS))
_HELPING_OTHERS = re.compile(
    r"\b(how (do|can|should) (i|we|peers?)|as a peer|what should i do|what do i do|help|support|respond to|talk to|training|"
    r"work with|serve|advocacy)\b.*"
    r"\b(someone|somebody|a client|my client|clients|a peer|a participant|participants|consumers|a friend|my friend|"
    r"a person|people|members?|my (son|daughter|brother|sister|mom|dad|partner)|the people i (work with|serve|support))\b"
    r"|\b(my|a|his|her) (son|daughter|brother|sister|mom|mother|dad|father|partner|friend|client|cousin|uncle|aunt) "
    r"(attempted|tried|died by|lost .* to|struggled with) suicide\b"
    r"|\b(peer[- ]?vention|suicide prevention|prevencion del suicidio)\b"
    r"|\b(como (apoyo|ayudo|acompano|hablo con)|apoyar|ayudar|acompanar) a (alguien|un cliente|una persona|otra persona|"
    r"un companero|una companera|mi (hijo|hija|amigo|amiga|cliente|hermano|hermana|pareja))\b")

# Concepts, combined: ideation + a person; lethal means + intent or possession; harm to others.
_IDIOMS = re.compile(
    r"\b(killing it|killed it|killer|dying to|dying of|to die for|death of me|kill(ed)? for|dead tired|dead serious|"
    r"shot my shot|kill(ing)? (a|the|this|that|my) (process|task|app|job|session|tab|bug|program|script|server)|"
    r"(my )?(phone|battery|laptop|computer|car|portal|session|link) (is |was )?(dead|dying|died)|"
    r"me muero (de|por)|me (esta|estan) matando|matador[a]?|muert[oa] de (risa|hambre|cansancio|sueno|ganas))\b")
_DEATH = re.compile(
    r"\b(die|suicid\w*|kill(ing)? ?my ?self|end(ing)? (it|it all|my life|everything|things)|(not|never) (to )?wake up|"
    r"sleep forever|(wasn'?t|weren'?t|not be|not being) (here|around|alive)( anymore)?|unalive\w*|kms|sewer ?slide|"
    r"(better|rather be|be|was|were) dead|won'?t be (a problem|around|here) (for anyone )?(much )?long\w*|"
    r"morir(me)?|muert[oa]|suicidarme|matarme|quitar(me)? la vida|(no|nunca) (volver a )?despertar|"
    r"acabar con (todo|esto|mi vida|la vida)|dejar de existir|stop existing|not exist(ing)?|"
    r"(sleep|rest|gone|go away|leave) (for good|forever|permanently)|(didn'?t|don'?t|never|not) wake up|"
    r"(care|matter) if i (wake up|live|make it)|(no|ya no tengo|don'?t have a|there'?s no) reason (anymore|to stay|para seguir)|"
    r"la ultima vez de verdad|que sea la ultima vez|not enough anymore|do more damage|(last|final) (time|night|day) (ever|for real)|"
    r"make it look like an accident|life insurance|know exactly how (i'?m|im) (gonna|going to) do it|"
    r"letters (are )?(already )?written|trying to decide|nunca aprendi a nadar|no va a volver a despertar|"
    r"(won'?t|will not|don'?t think i'?ll|might not|may not|not going to) be (around|here|alive)( anymore| by| for| when| much| to see)?|"
    r"(made|i'?ve made|already made) (my|the) (decision|choice|peace)|ya (tome|decidi) (la|mi) decision|"
    r"done with (all of )?(it|everything|life)|whatever happens happens|don'?t care what happens|lo que pase pase|"
    r"let (it|the water|the river) take me|(walk|walking|go) (in|into) the (river|ocean|lake|sea|water)|"
    r"(drink|drinking|use|using) (till|until) (my liver|i die|i'?m dead|i drop)|"
    r"(no le encuentro|no (le )?veo|sin) sentido a (la vida|vivir)|ya no quiero nada|lo vuelvo a intentar|"
    r"cuerda al cuello|(wrote|writing|written|left) (my |the )?(goodbye|farewell|suicide) (letters?|notes?|messages?)|"
    r"cartas? de despedida|(hold|held) my weight|around my neck|"
    r"(ya )?no tengo (razon|motivo|ganas|por que) (para |de )?vivir|ya no (van|vas) a tener que preocupar\w* por mi)\b")
_SELF = re.compile(r"\b(i|im|id|ive|ill|me|my|myself|mine|yo|mi|mis|conmigo|voy|estoy|tengo|quiero|siento|llevo|sigo|ando|"
                   r"saque|compre|puedo)\b")
_INTENT = re.compile(
    r"\b(want|wanna|wants|wish|going to|gonna|plan|planning|planned|thinking (about|of)|thought (about|of)|think about|"
    r"will|tonight|rn|right now|ready|part of me|decided|don'?t (really )?care what happens|quiero|quisiera|voy a|"
    r"pienso|pensado|pensando|esta noche|de una vez|listo|lista)\b")
_MEANS_STRONG = re.compile(r"\b(rope|noose|gun|shotgun|pistol|firearm|rifle|fentanyl|fenty|fetty|fent|heroin|dope|blues|chiva|"
                           r"pistola|escopeta|soga|fentanilo|navaja|bate|bat|poison|pesticide|bleach|antifreeze|veneno|"
                           r"raticida|cloro|belt|cinturon)\b")
_MEANS_ACT = re.compile(
    r"\b(jump(ing)?( off)?|hang(ing)? my ?self|swerv\w*|drive (off|into)|step(ping)? in front|lie on the tracks|"
    r"overdos\w*|od|slit|cut(ting)? (my ?self|my (wrist|arm|leg|thigh)s?)|cut (again|deeper)|tirarme|aventarme|colgarme|"
    r"cortarme|sobredosis|echar el carro|barranco|median|divider|me lo tomo|"
    r"usarla contra mi|usarlo contra mi|contra mi misma?)\b")
_DRUGS = r"(pills|meds|medication|pastillas|medicinas|seroquel|klonopin|xanax|xans|bars|ambien|oxys?|percs?|tylenol|insulin|sleeping pills)"
_PILLS = re.compile(
    r"\b(all|enough|whole bottle|bottle of|bunch|handful|on purpose|stockpil\w*|saving|saved|count|todas|suficientes|\d{2,})\b.{0,40}"
    rf"\b{_DRUGS}\b|\b{_DRUGS}\b.{{0,50}}\b(all|enough|on purpose|at once|de una vez|todas|mix|vodka|alcohol|drinking|"
    r"for good|trying to decide|in a sock|count them)\b")
_POSSESS = re.compile(r"\b(have|got|bought|tied|loaded|saved|keep|tengo|compre|guardo|tiene)\b")
_VEILED_THREAT = re.compile(
    r"\b(i'?m|im|i am|i'?ll|ill) (gonna |going to )?(stab|shoot|strangle|murder)\b|"
    r"(llevo|llevar|traigo|traer|voy a llevar) (el|la|un|una|mi) (arma|pistola|cuchillo|escopeta) (al|a la|a mi) "
    r"(trabajo|escuela|casa|jale)|se acaba esto para (el|ella)|"
    r"\b(know where (she|he|they) (parks|lives|works|sleeps)|(she|he|they)('?s| is| are)? (gonna|going to) find out what it feels"
    r"|won'?t (ever )?(wake|bother|yell at|hurt) (up )?(anyone|anybody|me) again|voy para alla|se va a arrepentir)\b")
_HARM_OTHERS = re.compile(
    r"\b(hurt|kill|stab|shoot|murder|beat up|strangle)\b.{0,25}\b(him|her|them|my (boss|supervisor|coworker|wife|"
    r"husband|ex|partner|kids|children|mom|dad|family|mother-in-law|roommate|neighbor))\b"
    r"|\b(hacer(le|les)? dano|le voy a hacer dano|lastimar(lo|la|los)|matar(lo|la|los)|(lo|la|los|las) (mato|voy a matar))\b")
_WEAPON = re.compile(r"\b(gun|knife|pistol|rifle|weapon|cuchillo|pistola|navaja|arma)\b")
_PAST = re.compile(r"\b(years ago|a few years (back|ago)|in the past|back then|back in \d{4}|in \d{4}|used to|when i was (younger|a teen|using)|"
                   r"survived|hace (\w+ )?(anos|meses|tiempo)|hace mucho|cuando era|de joven|sobrevivi|intente .{0,20} hace)\b")
_WELL = re.compile(r"\b(now i|i'?m (doing )?(well|better|good|ok|okay|stable)|(i'?ve|have) been (well|sober|clean|stable|in recovery)|"
                   r"well for|sober|clean for|in recovery|want to help|lived experience|en recuperacion|llevo \w+ (anos|meses)|"
                   r"limpi[oa]|sobri[oa]|want to (become|be) a (peer|certified)|quiero certificarme|"
                   r"help others|ayudar a otr[oa]s|llevo .{0,20} bien|estoy (bien|mejor)|ya estoy)\b")
_JOKING = re.compile(r"(lol|lmao|haha\w*|jaja\w*|jeje\w*|xd|\U0001F602|\U0001F923)")
_GRIEF = re.compile(r"\b(my|mi) (\w+ ){0,2}(died|passed|falleci\w*|murio|se quito la vida|lost)\b.{0,30}\b(suicid\w*|overdos\w*|sobredosis)\b"
                    r"|\b(lost|perdi) (my|mi|a) \w+ (to|por) (suicid\w*|overdos\w*|sobredosis)\b")
_FIRST_PERSON_NOW = re.compile(
    r"\b(i won'?t be|i will not be|i'?m not going to be)\b|"
    r"\b(i'?m|im|i am|i'?ve|ive|i have|i want|i wanna|i'?ll|i will|i don'?t think|myself|i just)\b.{0,40}"
    r"\b(now|tonight|rn|right now|today|trying|sitting|going|gonna|decide|decision|want|around|anyway)\b")
_NOW = re.compile(r"\b(again|tonight|today|right now|rn|lately|these days|this week|otra vez|esta noche|hoy|ahora)\b")

CRISIS_EXAMPLES = [
    "I want to end my life", "I'm thinking about killing myself tonight", "I don't want to be alive anymore",
    "everyone would be better off if I was gone", "I have a plan to die", "I can't keep living like this",
    "I've been collecting my pills so I can take them all at once", "I'm going to jump off a bridge",
    "I keep hurting myself when things get bad", "I feel hopeless and want it all to stop forever",
    "I wrote goodbye letters to my family", "nothing matters, I just want to sleep and never wake up",
    "I relapsed and I want to die", "I'm going to hurt someone at work", "I bought a gun to use on myself",
    "no one would miss me if I disappeared for good", "I'm tired of fighting, I'm ready to let go for good",
    "I gave my dog to my sister because I won't need to take care of him anymore",
    "the voices are telling me to hurt myself", "I'm sitting in my car with the engine running in the garage",
    "I used again and I hope I don't wake up this time", "I just want the pain to stop permanently",
    "I'm so angry I could really hurt my wife tonight", "I'm standing at the edge of the cliff",
    "I don't think I'll make it through the night", "I've been looking up how many pills it takes",
    "I can't see any future for myself, it would be easier to just be gone", "my family would be better without me around",
    "it would honestly be a relief if I never woke up", "I keep wishing I could just stop existing",
    "tonight I'm going to the bridge after work, I've made up my mind", "I know exactly when and how I'm going to do it",
    "I've been hiding my medication for weeks and counting it every night", "I'm going to mix the pills with the whole bottle",
    "I'm going to use everything I have tonight and I don't care what happens", "I'm going to pick up and take it all at once",
    "cutting isn't enough anymore, I want to go further", "I lost the only thing keeping me going, I don't have a reason now",
    "I'm a peer specialist and right now I'm the one holding the pills", "I'm walking into the ocean tonight",
    "she's going to regret humiliating me, I know where she lives", "I'm going over there with a bat tonight",
    "everyone will be fine after I'm gone, I already gave my things away", "I won't be a problem for anyone much longer",
]
BENIGN_EXAMPLES = [
    "the exam was killer", "how do I kill a stuck process", "this paperwork is killing me", "I'm dying to know",
    "how do I help a client who talks about suicide", "what is suicide peer-vention training",
    "is crisis care a required specialization", "I'm dead tired after training", "that webinar killed it",
    "I almost died laughing", "can I retake the exam if I fail", "where can I find crisis services training",
    "my client relapsed, how do I support them as a peer", "I lost my brother to an overdose and now I do advocacy",
    "I survived a hard time years ago and now I want to become a certified peer",
    "what should a peer do when someone mentions self harm", "how do I bring up safety planning with a participant",
    "I'd kill for a study guide right now", "my phone died during the online exam", "the portal keeps crashing",
    "our supervisor wants us trained in crisis response", "I'm stressed about the exam but doing ok",
    "I attempted suicide ten years ago and I have been well for a long time, can I still become a peer",
    "I overdosed back in 2016 and I've been clean since, does that count as lived experience",
    "if I fail this exam again I'm going to die lol", "my coworker talks about wanting to die, how do I support her",
    "what training do peers get for suicide risk", "I'm so tired of all these forms haha",
]
SIMILARITY_THRESHOLD = 0.58
SIMILARITY_MARGIN = 0.06
_TYPO_VOCABULARY = ["anymore", "problem", "longer", "suicidal", "suicide", "myself", "killing", "overdose", "overdosing",
                    "jumping", "hanging", "goodbye", "fentanyl", "burden", "tonight", "unalive", "despertar", "suicidarme",
                    "matarme", "pastillas", "desaparecer", "morirme", "forever", "alive", "living"]


@dataclass
class SafetyDecision:
    crisis: bool
    helping_others: bool
    reason: str


def normalize(text: str) -> str:
    for emoji, word in _EMOJI.items():
        text = text.replace(emoji, word)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"(?<=[a-z])[0-9@$](?=[a-z])|(?<=\s)[0-9@$](?=[a-z]{2})", lambda m: m.group(0).translate(_LEET), text)
    text = re.sub(r"([a-z])\1{2,}", r"\1", text)
    text = text.replace("’", "'")
    return " ".join(re.sub(r"[^a-z0-9'\s]", " ", text).split())


def repair_typos(text: str) -> str:
    """'anymroe', 'problme', 'longr' → the crisis vocabulary, so misspelled distress is still read."""
    words = text.split()
    for i, w in enumerate(words):
        if len(w) >= 6 and w not in _TYPO_VOCABULARY:
            match = difflib.get_close_matches(w, _TYPO_VOCABULARY, n=1, cutoff=0.84)
            if match and not match[0].startswith(w) and not w.startswith(match[0]) and len(match[0]) - len(w) <= 1:
                words[i] = match[0]
    return " ".join(words)


class CrisisDetector:
    """`CrisisDetector(embed).assess(message)`; `embed` maps texts to normalised vectors (or None: rules only)."""

    def __init__(self, embed=None, model: "CrisisModel | None" = None):
        self.embed = embed
        self.model = model

    @cached_property
    def _examples(self) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(self.embed(CRISIS_EXAMPLES)), np.asarray(self.embed(BENIGN_EXAMPLES))

    def assess(self, message: str) -> SafetyDecision:
        text = repair_typos(_IDIOMS.sub(" ", normalize(message)))
        if _joking_hyperbole(normalize(message) + " " + message):
            return SafetyDecision(False, False, "joking hyperbole about something mundane")
        helping = bool(_HELPING_OTHERS.search(text))
        acute = re.search(r"\b(tonight|right now|rn|esta noche|ahorita|again|otra vez|going to|gonna|voy a)\b", text)
        recovered = bool((_PAST.search(text) or _GRIEF.search(text)) and (_WELL.search(text) or _GRIEF.search(text))
                         and not acute)
        m = _RISK.search(text)
        if not m and re.fullmatch(r"((gun|rope|pills|knife|coffin|grave|dead|blood)\s*)+", text):
            return SafetyDecision(True, helping, "weapon or means emoji only")
        if m and not recovered and not (helping and not _first_person_risk(text, m)):
            return SafetyDecision(True, helping, f"lexicon: {m.group(0)!r}")
        reason = None if recovered else _concept_risk(text)
        if reason and helping and not _FIRST_PERSON_NOW.search(text):
            reason = None  # the risk belongs to the person they are asking about
        if reason:
            return SafetyDecision(True, helping, reason)
        vector = None
        if self.embed is not None and self.model is not None and not recovered and _DISTRESS_GATE.search(text):
            vector = np.asarray(self.embed([message]))[0]
            p = self.model.probability(vector)
            if p >= self.model.threshold and not (helping and not _FIRST_PERSON_NOW.search(text)):
                return SafetyDecision(True, helping, f"model probability {p:.2f}")
        if self.embed is not None and _SELF.search(text) and not helping and not recovered:
            crisis, benign = self._examples
            v = vector if vector is not None else np.asarray(self.embed([message]))[0]
            top_crisis, top_benign = float(np.max(crisis @ v)), float(np.max(benign @ v))
            if top_crisis >= SIMILARITY_THRESHOLD and top_crisis >= top_benign + SIMILARITY_MARGIN:
                return SafetyDecision(True, helping, f"similarity {top_crisis:.2f} (benign {top_benign:.2f})")
        if helping and (m or re.search(r"\b(suicid\w*|suicidio|kill (him|her|them)sel(f|ves)|self[- ]?harm|crisis|"
                                        r"overdos\w*|die|(end|take) (their|his|her) (own )?(life|lives)|"
                                        r"hurt(ing)? (them|him|her)sel(f|ves))\b", text)):
            return SafetyDecision(False, True, "asks how to help someone else")
        return SafetyDecision(False, False, "")


# The learned model only decides when the message holds at least one word of distress or means: far from
# its training data (a weather question) logistic regression extrapolates, and this gate keeps it honest.
_DISTRESS_GATE = re.compile(
    r"\b(die|dying|dead|death|suicid\w*|kill\w*|murder\w*|end(ing)?|hurt\w*|harm\w*|cut\w*|burn\w*|blood|bleed\w*|"
    r"pills?|overdos\w*|od|rope|noose|gun|pistol|rifle|shotgun|knife|blade|razor|lighter|bridge|river|ocean|lake|water|"
    r"roof|ledge|overpass|freeway|cliff|train|tracks|garage|engine|swerv\w*|jump\w*|hang\w*|goodbye|letters?|farewell|"
    r"burden|hopeless\w*|worthless|pointless|tired|exhausted|done|give up|giving up|can'?t|alone|nobody|no one|relaps\w*|"
    r"using|drink\w*|drunk|vodka|fentanyl|fent|fetty|heroin|meth|cristal|chiva|urges?|scars?|wake|sleep|disappear\w*|"
    r"gone|anymore|forever|worth|reason|safe|unsafe|threat\w*|scared|afraid|morir\w*|muert\w*|matar\w*|mata|vivir|"
    r"cuerda|pastillas|pistola|cuchillo|navaja|puente|rio|mar|techo|azotea|sangre|cortar\w*|quemar\w*|adios|"
    r"despedid\w*|cartas?|carga|nadie|nada|reca\w*|sobredosis|harte|cansad\w*|aguant\w*|segur[oa]|miedo|peligro)\b")

_FAREWELL_CUES = [
    r"\b(gave|given|giving|give|regale|regalando) (away )?(most of |all of |all )?(my|mis) (stuff|things|belongings|cosas)",
    r"\b(wrote|written|writing|left) (\w+ )?(letters?|notes?|cartas?) (to|for|para) (my|mis|everyone|todos)",
    r"\bbefore i go\b", r"\b(just )?wanted (someone|somebody|you) to know\b", r"\bantes de irme\b",
    r"\b(so )?nobody has to deal with\b", r"\b(paperwork|affairs|papers) in order\b",
]


def _attributed_to_other(text: str, match: re.Match) -> bool:
    """'one of my clients ... she's been having suicidal thoughts', 'my brother died of an overdose'."""
    before = text[max(0, match.start() - 45): match.start()]
    other = re.search(r"\b(she|he(?! \w+(ado|ido)\b)|they|her|him|client|clients|friend|son|daughter|brother|sister|mom|mother|dad|father|"
                      r"partner|husband|wife|someone|somebody|participant|cousin|uncle|aunt|hermano|hermana|hijo|hija|"
                      r"amigo|amiga|cliente|esposo|esposa)('?s)?\b", before)
    mine = re.search(r"\b(i|i'?m|im|i'?ve|ive|myself|yo|me)\s+(\w+\s+){0,2}$", before)
    return bool(other) and not mine


def _concept_risk(text: str) -> str | None:
    person = bool(_SELF.search(text))
    if sum(bool(re.search(c, text)) for c in _FAREWELL_CUES) >= 2:
        return "farewell behaviour"
    if re.search(r"\b(going to|gonna|voy a) (join|be with|see) (him|her|them|my \w+|el|ella)\b", text) and \
            re.search(r"\b(death|died|passed|anniversary|funeral|grave|murio|muerte|aniversario)\b", text):
        return "joining someone who died"
    if len(_VEILED_THREAT.findall(text)) >= 2 or len({m.group(0) for m in _VEILED_THREAT.finditer(text)}) >= 2:
        return "threat: several cues"
    death = _DEATH.search(text)
    if death and _attributed_to_other(text, death) and not _FIRST_PERSON_NOW.search(text):
        death = None
    method = _MEANS_ACT.search(text)
    if method and _attributed_to_other(text, method) and not _FIRST_PERSON_NOW.search(text):
        method = None
    intent = bool(_INTENT.search(text))
    if death and (person or intent):
        return f"ideation: {death.group(0)!r}"
    if method and person and (intent or _NOW.search(text)):
        return f"method: {method.group(0)!r}"
    if _MEANS_STRONG.search(text) and person and (intent or _POSSESS.search(text) or _NOW.search(text)) and \
            re.search(r"\b(use|using|it|end|done|myself|mi|contra|tied|loaded|wake|todo|left|burden|tired|hopeless|"
                      r"alone|worthless|nothing|nobody|no one|tomo|tonight|nada|closet|down from|weight)\b", text):
        return f"means: {_MEANS_STRONG.search(text).group(0)!r}"
    if _PILLS.search(text) and person:
        return "means: pills in quantity"
    if re.search(rf"\b{_DRUGS}\b", text) and re.search(r"\b(fifth|vodka|whiskey|tequila|liquor|drinking|alcohol|beer|"
                                                         r"pisto|cerveza|alcohol)\b", text) and person:
        return "means: pills with alcohol"
    if _HARM_OTHERS.search(text) and person and (intent or _WEAPON.search(text) or _POSSESS.search(text)):
        return f"harm to others: {_HARM_OTHERS.search(text).group(0)!r}"
    if re.search(r"\b(gave|giving|given|regale|regalando) (away )?(my|all my|mis) \w+( \w+)? (away )?(to|a)\b", text) and \
            re.search(r"\b(last (shot|chance|time)|screw ?up|failure|worthless|no point|nothing left|done|burden|"
                      r"ultima (vez|oportunidad)|fracaso|no sirvo)\b", text):
        return "giving belongings away with hopelessness"
    if _VEILED_THREAT.search(text) and (_WEAPON.search(text) or _NOW.search(text) or
                                        re.search(r"\b(tomorrow|manana|not joking|no es broma|next one)\b", text)):
        return f"threat: {_VEILED_THREAT.search(text).group(0)!r}"
    if re.search(r"\b(roof|rooftop|bridge|overpass|ledge|edge|pier|muelle|puente|techo|azotea|tracks|vias)\b", text) and person \
            and re.search(r"\b(tonight|rn|right now|ahorita|esta noche|if something happens to me|going up|voy caminando|standing)\b", text):
        return "place of danger with immediacy"
    return None


def _joking_hyperbole(text: str) -> bool:
    """'if i fail the exam again i'm gonna die 😂': hyperbole about something mundane, said laughing."""
    if re.search(r"\bnot really\b|\bjk\b.{0,15}\bnot\b|\bfor real\b|\bde verdad\b|\ben serio\b", text):
        return False
    hyperbole = re.search(r"\b(gonna die|i'?ll die|i'?m dead|me muero|me quiero morir|kill me now|matenme|"
                          r"(me|nos) (va|van) a matar|gonna kill me|will be the death of me)\b", text)
    mundane = re.search(r"\b(exam|test|paperwork|forms?|formularios|papeleo|traffic|class|homework|application|solicitud|"
                        r"tramites|training|webinar)\b", text)
    return bool(hyperbole and mundane and _JOKING.search(text))


def _first_person_risk(text: str, match: re.Match) -> bool:
    """In a message about helping others, is the risk phrase still about the writer?"""
    window = text[max(0, match.start() - 25): match.end() + 10]
    return bool(re.search(r"\b(i|im|i'm|me|my|myself)\b", window)) and not re.search(r"\b(they|he|she|client|friend)\b", window)
