"""Every setting of the service, read from the environment by one pydantic-settings object.

Built by ``python -m app`` (or by a test with its own values) and handed to ``create_app``: nothing reads
the environment at import time. Validators refuse values that would be unsafe or meaningless at start
rather than failing later on the first request: a non-loopback bind without tokens, rates outside 0..1,
duplicate token names or values, limits below 1.
"""

from __future__ import annotations

import enum
import ipaddress
import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from flags.policy import DEFAULT_MISMATCH_THRESHOLD

DEFAULT_REDACT = (
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "private_key",
    "ssn",
    "card",
    "cvv",
    "iban",
    "authorization",
    "cookie",
)


class DefaultState(enum.StrEnum):
    """The state a module gets when its first pair registers it (never one where the ORM serves);
    ``/v1/config`` names it as ``default_state`` for modules clients find there unlisted."""

    SHADOW = "shadow"
    LEGACY = "legacy"


class Role(enum.StrEnum):
    INGEST = "ingest"
    OPERATOR = "operator"
    READ = "read"


class TokenConfig(BaseModel):
    """One bearer token; ``name`` is the actor written into the flag history."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:@-]+$")
    token: SecretStr
    roles: frozenset[Role] = Field(min_length=1)

    @field_validator("token")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if len(secret) < 8 or secret != secret.strip():
            raise ValueError("a token needs at least 8 characters and no surrounding whitespace")
        return value


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHADOWDIFF_", frozen=True, extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    data_dir: Path = Path("./data")
    database_url: str | None = Field(None, validation_alias=AliasChoices("DATABASE_URL", "database_url"))
    tokens: Annotated[tuple[TokenConfig, ...], NoDecode] = ()
    tokens_file: Path | None = None  # the tokens JSON in a file (a Docker secret); read at start
    default_sample_rate: float = Field(1.0, ge=0.0, le=1.0)
    default_state: DefaultState = DefaultState.SHADOW
    specs_file: Path | None = None
    store_values: bool = True
    redact: Annotated[tuple[str, ...], NoDecode] = DEFAULT_REDACT
    flag_poll_seconds: float = Field(1.0, gt=0.0, le=300.0)
    spec_reload_seconds: float = Field(5.0, gt=0.0, le=3600.0)  # PostgreSQL: specs other replicas stored
    guard_enabled: bool = True
    guard_window_seconds: float = Field(300.0, gt=0.0)
    guard_threshold: float = Field(DEFAULT_MISMATCH_THRESHOLD, ge=0.0, le=1.0)
    guard_min_comparisons: int = Field(100, ge=1)
    guard_consecutive_windows: int = Field(1, ge=1, le=100)
    replica_name: str | None = None  # labels this replica's answers (the guard's view); default host:port
    # Per-minute rollups in the store (issue 14): flush interval and how long minutes are kept.
    rollup_flush_seconds: float = Field(1.0, gt=0.0, le=1.0)
    rollup_retention_hours: float = Field(72.0, ge=1.0)

    # Limits of the ingest path; the defaults fit the reference deployment.
    max_header_bytes: int = Field(32 * 1024, ge=1024, le=1024 * 1024)  # request line + headers; 431 past it
    read_timeout_seconds: float = Field(10.0, gt=0.0, le=600.0)  # a stalled head or body gets 408
    shutdown_seconds: float = Field(10.0, gt=0.0, le=600.0)  # graceful shutdown bound (SIGTERM)
    store_timeout_seconds: float = Field(2.0, gt=0.0, le=60.0)  # every store call; 503 past it
    offload_bytes: int = Field(64 * 1024, ge=0)  # pairs larger than this are compared in a worker process
    compare_processes: int = Field(2, ge=1, le=64)  # the worker processes for large pairs
    sample_wait: bool = True  # a mismatch answer waits for its sample's group commit (bounded by the above)
    max_body_bytes: int = Field(4 * 1024 * 1024, ge=1024)
    max_depth: int = Field(64, ge=2, le=1000)
    max_batch: int = Field(1000, ge=1)
    max_differences: int = Field(50, ge=1)
    # pair_id answers remembered for 24 h (in memory, ~200 bytes each): the count bounds the memory.
    pair_id_cache: int = Field(100_000, ge=1)
    # Metric label caps: past them, new queryName / field / errorType values fold into "__other__".
    max_query_names: int = Field(500, ge=1)
    max_fields: int = Field(200, ge=1)
    max_error_types: int = Field(50, ge=1)
    max_label_length: int = Field(128, ge=8, le=4096)  # longer label values fold into "__other__"
    # Mismatch samples: the background writer's queue, batch size and retention per module/query/field.
    mismatch_queue: int = Field(10_000, ge=1)
    mismatch_batch: int = Field(200, ge=1)
    mismatch_keep: int = Field(20, ge=1)
    # Rows kept in one sample (both sides, redacted): the whole results up to this size, else the rows
    # the differences name, else none.
    sample_max_bytes: int = Field(64 * 1024, ge=1024)
    # Keys the masked-value hashes of samples and signs console sessions; shared by every replica.
    # Unset: a random key per process (hashes still compare within a sample; sessions end at restart).
    secret_key: SecretStr | None = None
    # How often expired triage rules are taken out of their specs (app.spec_rules).
    rule_expiry_seconds: float = Field(30.0, gt=0.0, le=3600.0)
    log_level: str = "info"

    @model_validator(mode="before")
    @classmethod
    def _tokens_from_file(cls, data: Any) -> Any:
        """SHADOWDIFF_TOKENS_FILE: the service reads the file itself (not only the Docker entrypoint),
        so every way of starting it treats a secret file the same."""
        if not isinstance(data, dict):
            return data
        path = data.get("tokens_file")
        if not path:
            return data
        if data.get("tokens"):
            raise ValueError("set SHADOWDIFF_TOKENS or SHADOWDIFF_TOKENS_FILE, not both")
        try:
            text = Path(path).read_text()
        except OSError as exc:
            raise ValueError(f"SHADOWDIFF_TOKENS_FILE {str(path)!r} cannot be read: {exc.strerror}") from exc
        return {**data, "tokens": text}

    @field_validator("tokens", mode="before")
    @classmethod
    def _tokens_json(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                return ()
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(
                    f'SHADOWDIFF_TOKENS must be a JSON list of {{"name", "token", "roles"}}: {exc}'
                ) from exc
        return value

    @field_validator("redact", mode="before")
    @classmethod
    def _redact_list(cls, value: Any) -> Any:
        """Accept a JSON list or a comma-separated string; an empty string turns redaction off."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return tuple(part.strip() for part in text.split(",") if part.strip())
        return value

    @field_validator("redact")
    @classmethod
    def _redact_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            if not pattern or len(pattern) > 128:
                raise ValueError(f"redaction pattern {pattern!r} must be 1 to 128 characters")
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            return None
        if value is not None and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError(
                "DATABASE_URL must be a postgresql:// URL (unset it for the embedded SQLite store)"
            )
        return value

    @model_validator(mode="after")
    def _safe(self) -> Settings:
        names = [t.name for t in self.tokens]
        if len(set(names)) != len(names):
            raise ValueError("SHADOWDIFF_TOKENS: token names must be unique (they name the actor in history)")
        secrets = [t.token.get_secret_value() for t in self.tokens]
        if len(set(secrets)) != len(secrets):
            raise ValueError("SHADOWDIFF_TOKENS: two entries share one token value")
        if not self.tokens and not is_loopback(self.host):
            raise ValueError(
                f"refusing to listen on {self.host!r} without SHADOWDIFF_TOKENS: with no tokens every "
                "caller gets every role, which is only safe on a loopback address (127.0.0.1, ::1)"
            )
        return self

    @property
    def auth_enabled(self) -> bool:
        return bool(self.tokens)
