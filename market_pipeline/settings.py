"""Configuration read from the environment and an optional `.env` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL, make_url

DEFAULT_SQLITE_PATH = Path("data") / "market_pipeline.sqlite"


class Settings(BaseSettings):
    """Every setting the pipeline reads, with its environment variable name."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH.as_posix()}",
        description="SQLAlchemy URL of the warehouse; PostgreSQL URLs are mapped to psycopg 3.",
    )
    database_echo: bool = Field(default=False, description="Log every SQL statement.")

    yahoo_base_url: str | None = Field(
        default=None,
        description="Send every Yahoo request to this origin instead (the local replay server).",
    )
    saxo_token: SecretStr | None = Field(default=None, description="Saxo OpenAPI bearer token.")
    saxo_base_url: str = Field(default="https://gateway.saxobank.com/sim/openapi")
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible API root.")
    llm_model: str = Field(default="gpt-4o-mini")
    llm_api_key: SecretStr | None = Field(default=None)

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        return normalise_database_url(value)


def normalise_database_url(raw: str) -> str:
    """Return `raw` with any PostgreSQL spelling mapped to the psycopg 3 driver.

    Accepts `postgres://` (as Supabase and Heroku print it), `postgresql://`,
    `postgresql+psycopg2://` and `postgresql+psycopg://`.
    """
    value = raw.strip()
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix) :]
    return value


def absolute_sqlite_url(url: str) -> str:
    """Return `url` with a relative SQLite file path made absolute against the working
    directory, so a child process started elsewhere opens the same file."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        path = url.removeprefix(prefix)
        if path and path != ":memory:":
            return prefix + str(Path(path).resolve())
    return url


def redact_url(url: str | URL) -> str:
    """Render a database URL with its password replaced by `***`."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except Exception:  # an unparsable URL is shown without its userinfo
        text = str(url)
        return text.split("@", 1)[-1] if "@" in text else text
    return parsed.render_as_string(hide_password=True)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return Settings()
