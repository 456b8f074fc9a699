"""The one output contract shared by the CLI, the HTTP API, the widget, the console and the evals."""

from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["answered", "abstained", "crisis"]
Language = Literal["en", "es"]
Mode = Literal["extractive", "llm"]
SafetyLevel = Literal["none", "concern", "crisis", "emergency"]


class Citation(BaseModel):
    n: int = Field(description="The marker used in the answer text: [n]")
    document: str = Field(description="Document id (see GET /v1/documents)")
    title: str
    section: str | None = None
    url: str | None = None
    date: str | None = Field(None, description="The document's as-of date ('about 2024' when approximate)")
    quote: str = Field(description="Exact text of the cited passage, a substring of the cleaned document")
    issuer: str | None = None
    chunk: int | None = Field(None, description="Chunk number: GET /v1/documents/{document}/chunks/{chunk}")
    start: int | None = Field(None, description="Character offset of the quote in the cleaned document")


class Answer(BaseModel):
    status: Status
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    language: Language = "en"
    conversation_id: str | None = None
    message_id: str | None = Field(None, description="Id of this answer within its conversation, for POST /v1/feedback")
    safety: SafetyLevel = Field("none", description="What the crisis check read: emergency (911 first) and crisis "
                                "(988 first) come with status crisis; concern adds a line about 988 to the answer")
    mode: Mode = Field("extractive", description="extractive: quoted passages; llm: a model's sentences, each verified "
                       "against the passages it cites")
