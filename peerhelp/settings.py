"""One typed settings object, read from PEERHELP_* environment variables or `.env`."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERHELP_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(PROJECT_ROOT / "corpus", description="Documents and manifest.json")
    index_dir: Path = Field(PROJECT_ROOT / ".index", description="Versioned index builds")
    max_file_mb: float = Field(25.0, gt=0, description="Larger corpus files are skipped")
    keep_versions: int = Field(3, ge=2, description="Index builds kept on disk, current included")
    chunk_target_tokens: int = Field(180, ge=32, le=254)
    embed_batch_size: int = Field(32, ge=1)
    state_db: Path = Field(PROJECT_ROOT / ".data" / "peerhelp.sqlite", description="Conversations (redacted)")
    retention_days: float = Field(30, gt=0, description="Stored conversation turns are purged after this many days")
    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Sites allowed to embed the widget, comma-separated: https://www.county.gov,https://…")
    demo_county: str = Field("Sonoma", description="County shown on the /demo page")
    production: bool = Field(False, description="Refuse insecure defaults (the console needs a password)")
    console: bool = Field(True, description="Serve the staff console at /console")
    console_user: str = "staff"
    console_password: SecretStr | None = Field(None, description="Staff login; unset in development: a one-run password is logged")
    eval_results_dir: Path = Field(PROJECT_ROOT / "evals" / "results", description="Evaluation reports")
    staff_gold_file: Path = Field(PROJECT_ROOT / "evals" / "gold" / "staff-added.jsonl",
                                  description="Questions staff add to the evaluation set (dev split)")

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
