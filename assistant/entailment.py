"""Does the cited passage say what a draft sentence says? The configured LLM's yes or no, read as a probability.

The rules of assistant/contradiction.py catch a contradiction that shows in the words: a negation, a limit's
direction, a changed number or unit, an opposite, two parties either side of one verb in the other order. They
miss what a reader sees at once: "the county pays the fee" cited for "the applicant pays the fee", a swap told in
other words, a party that is not a name. LLM mode has a model at hand anyway, so each sentence the rules keep is
shown to it with the sentences that support it. On the verifier's dev pairs (evals/README.md, "Verifying LLM
drafts") Qwen2.5-Coder-1.5B separates contradictions from faithful claims with a ROC AUC of about 0.9 where the
rules alone drop 0.62 of contradictions.
"""

import logging
from collections.abc import Callable

from assistant.llm import ChatModel, LLMUnavailable

log = logging.getLogger(__name__)

# Below this probability of "yes" a sentence is dropped. Chosen on evals/verifier_sets/dev.jsonl and dev2.jsonl
# (180 pairs) as the highest bar that still keeps at least 0.80 of the faithful claims (`peerhelp eval-verifier
# --llm`); each evaluation of LLM mode reports how many sentences it dropped.
ENTAILED_MIN = 0.65
# A sentence the rules dropped only because too few of its words are in the cited sentences (a faithful paraphrase,
# often) is kept when the model reads it as said there at least this surely, and at least this share of its words
# are there. Chosen on the same dev pairs: see evals/README.md, "Verifying LLM drafts".
REWORDED_ENTAILED_MIN = 0.8
RESCUE_MIN_OVERLAP = 0.25

SYSTEM = "You check a sentence against a passage. Reply with one word: yes or no."
ASK = ("Is the sentence true according to the passage, with the same people doing the same things, the same numbers "
       "and limits, and the same yes or no? Reply yes or no.")


def entailment_messages(passage: str, sentence: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Passage:\n{passage}\n\nSentence: {sentence}\n\n{ASK}"}]


Reader = Callable[[str, str], float | None]  # (passage, sentence) -> P(the passage says it); None: not asked


def reader_for(model: ChatModel) -> Reader:
    """The model as a reader; when it cannot be asked the sentence is judged by the rules alone."""

    def read(passage: str, sentence: str) -> float | None:
        try:
            return model.yes_probability(entailment_messages(passage, sentence))
        except LLMUnavailable as err:
            log.warning("the LLM could not read a draft sentence against its passage: %s", err)
            return None

    return read
