"""The deployment profile: what this document set is about, whom to refer to, in the deployment's own words.

`corpus/profile.toml` sits beside `manifest.json`. It names the program, describes its scope, lists
the referral contacts (each written exactly as a corpus document writes it, so the answer can quote
and cite that passage) and the words that mark a county-participation list. No engine code names a
program, an agency or a contact: a county deploys its own documents and profile with no code change.

The profile is read and checked at ingest and stored with the index version, so the answers and the
profile they use always come from the same build. A corpus without a profile gets a neutral one
(no referral contacts, scope from the documents alone) and ingest says how to write one.
"""

import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from ingest.lexical import strip_accents, tokenize
from core.errors import PeerhelpError

PROFILE_FILE = "profile.toml"
LANGUAGES = ("en", "es")


class Localized(BaseModel):
    """One text in English and Spanish."""

    en: str = Field(min_length=1)
    es: str = Field(min_length=1)

    def __call__(self, language: str) -> str:
        return self.es if language == "es" else self.en


class LocalizedList(BaseModel):
    """A list of short texts in English and Spanish."""

    en: list[str] = Field(default_factory=list)
    es: list[str] = Field(default_factory=list)


class Widget(BaseModel):
    """What the chat widget on a county page shows before anyone asks (GET /v1/profile serves it)."""

    title: Localized | None = Field(None, description="The panel's title")
    open: Localized | None = Field(None, description="The launcher button's text")
    starters: LocalizedList = Field(LocalizedList(), description="Questions to ask with one click; one holding "
                                    "{county} is shown only on a page that names its county")


class Referral(BaseModel):
    """Who answers what the documents don't, for questions on some topics."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    topics: list[str] = Field(default_factory=list, description="Words or phrases that send a question here")
    contact: str | None = Field(None, description="The contact exactly as a corpus document writes it")
    prefer_issuer: str | None = Field(None, description="Quote the contact from a document this issuer wrote")
    sentence: Localized = Field(description="The referral, cited to the passage holding the contact; {contact} shows it")
    sentence_plain: Localized = Field(description="The referral when no document holds the contact")
    default: bool = False

    @field_validator("sentence")
    @classmethod
    def _only_the_contact_slot(cls, value: Localized) -> Localized:
        for text in (value.en, value.es):
            try:
                text.format(contact="")
            except (KeyError, IndexError, ValueError):
                raise ValueError(f"{text!r}: the only slot a referral has is {{contact}} (a brace of its own is "
                                 "written {{ or }})") from None
        return value

    @field_validator("sentence_plain")
    @classmethod
    def _no_slot(cls, value: Localized) -> Localized:
        for text in (value.en, value.es):
            if re.search(r"\{\w*\}|@|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}", text):
                raise ValueError(f"{text!r}: a plain referral names no email, phone or slot "
                                 "(contacts come only from a cited document)")
        return value

    def names_topic(self, question: str, question_terms: set[str]) -> int:
        """How many of the topics the question names: a one-word topic by its stem ('renewal' names 'renew'),
        a phrase word for word ('my county' is not named by 'Kern County')."""
        plain = f" {_plain(question)} "
        return sum(1 for t in self.topics
                   if (f" {_plain(t)} " in plain if len(t.split()) > 1 else bool(set(tokenize(t)) & question_terms)))


class AnchorRule(BaseModel):
    """A question using these words is about the program's own sense of them: its evidence must name one of
    `evidence` ('certification' means the program's certification, so the passage names the program)."""

    question: list[str] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list, description="…unless the question uses one of these")
    evidence: list[str] = Field(min_length=1)

    def applies(self, question_terms: set[str]) -> bool:
        def named(words: list[str]) -> bool:
            return any(set(tokenize(w)) and set(tokenize(w)) <= question_terms for w in words)

        return named(self.question) and not named(self.unless)


class Participation(BaseModel):
    """How the documents report which counties take part."""

    words: list[str] = Field(default_factory=list, description="A list or table of counties counts when its section "
                             "or first lines use one of these (e.g. 'participating')")
    negative: list[str] = Field(default_factory=list, description="A county's table record holding one of these "
                                "says it does not take part (e.g. 'no services')")


class Profile(BaseModel):
    program: Localized = Field(description="The program's name, as a sentence would use it")
    scope: str = Field("", description="What questions are in scope, in plain words (its terms mark a question as "
                       "being about the program)")
    examples: Localized | None = Field(None, description="What a reader could ask, for the out-of-scope reply")
    referrals: list[Referral] = Field(default_factory=list)
    participation: Participation = Participation()
    anchors: list[AnchorRule] = Field(default_factory=list, description="The first rule a question matches applies")
    widget: Widget = Widget()

    @model_validator(mode="after")
    def _one_default(self):
        ids = [r.id for r in self.referrals]
        if len(ids) != len(set(ids)):
            raise ValueError(f"referral ids repeat: {ids}. Fix: give each referral its own id")
        if self.referrals and sum(r.default for r in self.referrals) != 1:
            raise ValueError("exactly one referral needs `default = true` (where questions on no listed topic go)")
        return self

    def referral(self, referral_id: str) -> Referral | None:
        return next((r for r in self.referrals if r.id == referral_id), None)

    def scope_terms(self) -> set[str]:
        """The stemmed terms of the program's name (both languages), scope and referral topics."""
        text = " ".join([self.program.en, self.program.es, self.scope] + [t for r in self.referrals for t in r.topics])
        return set(tokenize(text))

    def route(self, question: str) -> Referral | None:
        """The referral whose topics the question names most (ties: the first listed); else the default."""
        tokens = set(tokenize(question))
        best, best_hits = None, 0
        for r in self.referrals:
            hits = r.names_topic(question, tokens)
            if hits > best_hits:
                best, best_hits = r, hits
        return best or self.default_referral()

    def default_referral(self) -> Referral | None:
        """Where questions on no listed topic go (None when the profile names no referral)."""
        return next((r for r in self.referrals if r.default), None)


def _plain(text: str) -> str:
    """Lower case, accents and punctuation dropped, single spaces: how topic phrases are matched."""
    return " ".join(re.findall(r"[a-z0-9]+", strip_accents(text.lower())))


NEUTRAL = Profile(program=Localized(en="the program these documents describe", es="el programa que describen estos "
                                    "documentos"))


def read_profile(corpus_dir: Path) -> Profile | None:
    """The corpus's profile, or None when it has none; a profile that does not parse is refused with the fix."""
    path = corpus_dir / PROFILE_FILE
    if not path.exists():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise PeerhelpError(f"{path}: not valid TOML ({err}). Fix: compare it with docs/profile.md") from None
    try:
        return Profile.model_validate(data)
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'profile'}: {e['msg']}" for e in err.errors())
        raise PeerhelpError(f"{path}: {problems}. Fix: see docs/profile.md") from None
