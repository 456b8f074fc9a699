"""Does the passage state the answer? An optional LLM's yes or no, read as a probability.

Similarity tells whether a passage is about a question, not whether it answers it. The answer policy
built on similarity separates answerable from unanswerable questions well on the documents it was
fitted on and near chance on documents nobody tuned it for (evals/README.md, "Corpus 3"). Reading
the passage is what a person does; a small instruction-tuned model reading the units the answer
would quote does it better on all three corpora ("The LLM judge"). When a deployment runs an LLM,
the answer decision (assistant/policy.py) takes this probability as one more feature.

A follow-up ("when was that one released?") is not judged: read alone it does not say what it asks,
and on dev the judge got follow-ups wrong more often than the policy did (0.62 of decisions right
against 0.69, 45 questions; 0.79 against 0.73 on the other questions).
"""

import logging

from assistant.compose import unit_sentence
from assistant.evidence import Unit
from assistant.fitted import Fitted
from assistant.llm import ChatModel, LLMUnavailable

log = logging.getLogger(__name__)

MAX_UNITS = 4  # what the answer would quote: the lead, the neighbours that complete it, the runners-up

SYSTEM = "You check whether a passage answers a question. Reply with one word: yes or no."
ASK = "Does the passage state the answer to this question? Reply yes or no."


def judge_messages(question: str, units: list[Unit]) -> list[dict[str, str]]:
    """The units as the passage, one per line, as the answer would quote them."""
    passage = "\n".join(f"- {unit_sentence(u)}" for u in units[:MAX_UNITS])
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Passage:\n{passage}\n\nQuestion: {question}\n\n{ASK}"}]


class Judge:
    """Usage: `Judge(model).probability(question, units)`: None when the model could not be asked."""

    def __init__(self, model: ChatModel):
        self.model = model

    def probability(self, question: str, units: list[Unit]) -> float | None:
        if not units:
            return None
        try:
            return self.model.yes_probability(judge_messages(question, units))
        except LLMUnavailable as err:  # the decision is then made as without an LLM
            log.warning("the LLM judge was unavailable: %s", err)
            return None


def judge_for(model: ChatModel | None, enabled: bool, fitted: Fitted) -> Judge | None:
    """The judge, when there is a model, it is wanted, and the answer decision was fitted with that model's opinions
    (another model's probabilities sit on another scale)."""
    if model is None or not enabled:
        return None
    fitted_with = fitted.judged.provenance.get("llm") if fitted.judged else None
    if fitted_with != model.name:
        log.warning("the LLM judge is off: the answer decision was fitted with %s, not %s. Fix: run `peerhelp fit "
                    "--judge` with this model configured.", fitted_with or "no judge", model.name)
        return None
    return Judge(model)
