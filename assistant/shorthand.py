"""Texting shorthand read as the words it stands for: "wat does X stand 4" asks what "what does X stand for" asks.

People type on phones: "u", "ur", "ppl", "thru", "w/", "n" for "and", "4" for "for". Left as typed, these words
match nothing in the documents and hide what kind of question it is (a definition, a list), so a question that
the documents answer looks half-covered. The table is general English texting usage, not program vocabulary; a
digit is read as a word only where a number cannot be meant (never before a noun it could count).
"""

import re

SHORTHAND = {
    "u": "you", "ur": "your", "r": "are", "ppl": "people", "thru": "through", "abt": "about", "bout": "about",
    "b4": "before", "bc": "because", "cuz": "because", "coz": "because", "wat": "what", "wut": "what",
    "wats": "what's", "whats": "what's", "pls": "please", "plz": "please", "thx": "thanks",
    "yr": "year", "yrs": "years", "hr": "hour", "hrs": "hours", "tho": "though", "rn": "now",
    "gonna": "going to", "wanna": "want to", "gotta": "have to", "dont": "don't", "cant": "can't", "im": "I'm",
    "ive": "I've", "doesnt": "doesn't", "isnt": "isn't", "didnt": "didn't", "prolly": "probably", "w/": "with",
    "w/o": "without", "ppls": "people's", "msg": "message", "txt": "text", "govt": "government", "dept": "department",
    # asides that ask nothing: dropped, like the fillers of assistant/query.py
    "idk": "", "tbh": "", "imo": "", "fyi": "", "btw": "", "ngl": "", "lol": "", "lmao": "", "smh": "",
}
# "4", "n" and "w" stand for words only between words; "4" only before a word it could not count ("4 the exam",
# not "4 years"), or after "stand" ("what does X stand 4").
_BEFORE_FOR = {"the", "a", "an", "me", "my", "you", "u", "us", "them", "it", "this", "that", "these", "those", "him",
               "her", "our", "your", "ur", "their", "peers", "people", "ppl", "free", "real", "sure"}
_TOKEN = re.compile(r"\S+")


def plain(text: str) -> str:
    """`text` with texting shorthand spelled out; everything else, spacing and punctuation included, untouched."""
    tokens = list(_TOKEN.finditer(text))
    out, last = [], 0
    for i, m in enumerate(tokens):
        raw = m.group()
        core = raw.rstrip("?!.,;:")
        tail = raw[len(core):]
        word = core.lower()
        nxt = tokens[i + 1].group().lower().rstrip("?!.,;:") if i + 1 < len(tokens) else ""
        between = i > 0 and nxt.isalpha()
        if word in SHORTHAND and not (len(core) == 1 and core.isupper()):  # "Form R", "Plan U" are letters
            new = SHORTHAND[word]
        elif word == "4" and i > 0 and tokens[i - 1].group().isalpha() and (
                nxt in _BEFORE_FOR or tokens[i - 1].group().lower() == "stand"):  # "page 4." stays a number
            new = "for"
        elif word == "n" and between and tokens[i - 1].group().isalpha():
            new = "and"
        elif word == "w" and between:
            new = "with"
        else:
            continue
        if new:
            out.append(text[last:m.start()] + new + tail)
        else:  # an aside: the word goes, with the space after it
            out.append(text[last:m.start()] + tail)
            if not tail and m.end() < len(text) and text[m.end()] == " ":
                last = m.end() + 1
                continue
        last = m.end()
    return "".join(out) + text[last:]
