"""An optional OpenAI-compatible chat model (vLLM, Ollama, llama.cpp server, a hosted model).

The assistant depends on the `ChatModel` protocol only. Every failure (refused connection, HTTP
error, timeout, a stream cut short) surfaces as `LLMUnavailable`, which the assistant answers by
falling back to its extractive answer: a user never sees an LLM error.
"""

import math
import time
from collections.abc import Callable, Iterator
from typing import Protocol

from core.errors import PeerhelpError
from core.settings import Settings


class LLMUnavailable(PeerhelpError):
    """The model did not produce a complete reply in time."""


class ChatModel(Protocol):
    name: str

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        """Text deltas of one reply; raises LLMUnavailable."""
        ...

    def yes_probability(self, messages: list[dict[str, str]]) -> float:
        """P(the reply's first word is yes rather than no); raises LLMUnavailable."""
        ...


class OpenAICompatible:
    """Chat completions over the OpenAI wire protocol, streamed, with one deadline for the whole reply."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout_s: float = 20.0,
                 max_tokens: int = 400):
        from openai import OpenAI

        self.name = model
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens
        # The key is sent only to the configured server; local servers ignore it but the client requires one.
        self._client = OpenAI(base_url=base_url, api_key=api_key or "unused", timeout=timeout_s, max_retries=0)

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        import openai

        deadline = time.monotonic() + self.timeout_s
        try:
            response = self._client.chat.completions.create(model=self.name, messages=messages, stream=True,
                                                            temperature=0, max_tokens=self.max_tokens)
            with response:
                finished = False
                for event in response:
                    if time.monotonic() > deadline:
                        raise LLMUnavailable(f"no complete reply within {self.timeout_s:g} s")
                    if not event.choices:
                        continue
                    choice = event.choices[0]
                    if choice.delta and choice.delta.content:
                        yield choice.delta.content
                    finished = finished or choice.finish_reason is not None
                if not finished:
                    raise LLMUnavailable("the reply stream ended without a finish reason")
        except openai.OpenAIError as err:
            raise LLMUnavailable(f"{type(err).__name__}: {str(err)[:200]}") from err
        except (OSError, ValueError) as err:  # sockets reset mid-stream, malformed events
            raise LLMUnavailable(f"{type(err).__name__}: {str(err)[:200]}") from err

    def yes_probability(self, messages: list[dict[str, str]]) -> float:
        """Read from the first token's log-probabilities (one generated token, no sampling); a server that sends
        none is read from the word it wrote (1.0 or 0.0)."""
        import openai

        try:
            response = self._client.chat.completions.create(model=self.name, messages=messages, temperature=0,
                                                            max_tokens=1, logprobs=True, top_logprobs=10)
        except (openai.OpenAIError, OSError, ValueError) as err:
            raise LLMUnavailable(f"{type(err).__name__}: {str(err)[:200]}") from err
        choice = response.choices[0] if response.choices else None
        if choice is None:
            raise LLMUnavailable("the reply held no choice")
        first = choice.logprobs.content[0] if choice.logprobs and choice.logprobs.content else None
        alternatives = [(t.token, t.logprob) for t in first.top_logprobs] if first and first.top_logprobs else []
        if first is not None and not alternatives:
            alternatives = [(first.token, first.logprob)]
        if not alternatives:
            alternatives = [(choice.message.content or "", 0.0)]
        mass = {"yes": 0.0, "no": 0.0}
        for token, logprob in alternatives:
            word = YES_NO.get(token.strip().strip(".").lower())
            if word:
                mass[word] += math.exp(logprob)
        if mass["yes"] + mass["no"] == 0.0:
            raise LLMUnavailable("the model answered neither yes nor no")
        return mass["yes"] / (mass["yes"] + mass["no"])


YES_NO = {"yes": "yes", "sí": "yes", "si": "yes", "no": "no"}


def complete(model: ChatModel, messages: list[dict[str, str]], on_delta: Callable[[str], None] | None = None) -> str:
    """The whole reply, passing each delta on as it arrives (the draft a streaming client shows)."""
    parts: list[str] = []
    for delta in model.stream(messages):
        parts.append(delta)
        if on_delta is not None:
            on_delta(delta)
    return "".join(parts)


def from_settings(settings: Settings) -> ChatModel | None:
    if not settings.llm_base_url:
        return None
    return OpenAICompatible(settings.llm_base_url, settings.llm_model, settings.llm_api_key.get_secret_value()
                            if settings.llm_api_key else None, settings.llm_timeout_s, settings.llm_max_tokens)
