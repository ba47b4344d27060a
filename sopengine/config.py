"""Settings, read once from ``SOPENGINE_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_ROOT = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_ROOT.parent


def _default_templates_dir() -> Path:
    # The templates travel inside the package, so an installed wheel finds them anywhere.
    return PACKAGE_ROOT / "sop_templates"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOPENGINE_", extra="ignore")

    mode: Literal["development", "production"] = Field(
        default="development",
        description="production refuses to start without SOPENGINE_SECRET_KEY and never uses "
        "the development key",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Comma-separated keys sealing stored secrets (webhook signing secrets); the "
        "first seals, every one opens (see sopengine/sealing.py)",
    )
    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{Path.cwd() / 'sopengine.db'}",
        description="SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host/db",
    )
    db_pool_size: int = Field(
        default=30,
        ge=1,
        le=500,
        description="PostgreSQL connections each worker process keeps open: requests run on "
        "up to 40 threads, and a connection opened for one request only is costly",
    )
    db_max_overflow: int = Field(
        default=10,
        ge=0,
        le=500,
        description="Connections a worker process may open beyond the pool while busy "
        "(closed when given back). Keep workers x (pool + overflow), plus the worker's and "
        "the CLI's, under PostgreSQL's max_connections (100 by default)",
    )
    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    templates_dir: Path = Field(default_factory=_default_templates_dir)
    export_cache_dir: Path = Field(
        default_factory=lambda: Path.cwd() / "export-cache",
        description="where rendered Word files are cached (shared by the workers of one host)",
    )
    export_cache_mb: int = Field(
        default=256, ge=0, description="the export cache's size on disk; 0 turns it off"
    )
    version_cache_mb: int = Field(
        default=64,
        ge=0,
        description="Versions' JSON kept in memory by each worker process, per caller, "
        "until anything changes; 0 turns it off",
    )
    page_size_default: int = Field(default=50, ge=1, le=500)
    page_size_max: int = Field(default=200, ge=1, le=1000)
    token_touch_seconds: int = Field(
        default=60,
        ge=0,
        description="How stale a token's last-used time may get before it is rewritten",
    )
    statement_timeout: float = Field(
        default=5.0,
        ge=0,
        description="Seconds a request's SQL statement may run on PostgreSQL before it is "
        "cancelled and the request answers 503 (0: no limit)",
    )
    search_window: int = Field(
        default=1000,
        ge=10,
        le=100_000,
        description="Full-text hits ranked per search at most (the first found by the index)",
    )
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    review_working_days: int = Field(
        default=15,
        ge=1,
        le=365,
        description="Consultation deadline after submit (Sunday–Thursday days)",
    )
    review_period_months: int = Field(
        default=12,
        ge=1,
        le=120,
        description="Periodic review is due this long after the effective date",
    )
    idempotency_ttl_hours: int = Field(default=24, ge=1)

    webhook_allowed_hosts: str = Field(
        default="",
        description="Comma-separated host names or CIDR networks a webhook may point at even "
        "though they are loopback, private or link-local",
    )
    webhook_max_attempts: int = Field(default=8, ge=1, le=50)
    webhook_backoff_seconds: float = Field(default=10.0, gt=0)
    webhook_backoff_max_seconds: float = Field(default=3600.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_lease_seconds: float = Field(
        default=60.0, gt=0, description="How long a claimed delivery is reserved for one worker"
    )
    webhook_batch_size: int = Field(default=20, ge=1, le=500)
    worker_interval_seconds: float = Field(default=2.0, gt=0)
    review_notice_days: int = Field(
        default=30, ge=0, description="review.due is announced this many days before the date"
    )

    smtp_host: str = Field(
        default="",
        description="The mail server e-mail notices are sent through; empty: notices are kept "
        "and listed but not sent",
    )
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str = Field(default="", description="Empty: no SMTP authentication")
    smtp_password: str = ""
    smtp_starttls: bool = Field(default=False, description="Upgrade the connection with STARTTLS")
    smtp_from: str = Field(default="sopengine@localhost", description="The notices' From address")
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    notice_timezone: str = Field(
        default="Asia/Baghdad", description="The time zone whose days the daily digests gather"
    )
    notice_digest_hour: int = Field(
        default=7, ge=0, le=23, description="A day's digest is sent at this hour of the next day"
    )
    notice_deadline_working_days: int = Field(
        default=3,
        ge=1,
        le=30,
        description="Pending ministries are reminded this many working days before respond_by",
    )

    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where people reach the service; invitation links start with it, and "
        "session cookies are Secure when it is https",
    )
    invitation_hours: int = Field(default=72, ge=1, le=24 * 30)
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_max_hours: int = Field(default=12, ge=1, le=24 * 7)
    signin_max_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins of one account that lock it for a while"
    )
    signin_lock_minutes: int = Field(default=15, ge=1)
    signin_address_max_failures: int = Field(
        default=30, ge=1, description="Failed sign-ins from one address before it must wait"
    )
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)

    @property
    def production(self) -> bool:
        return self.mode == "production"

    @model_validator(mode="after")
    def _production_needs_a_key(self) -> Settings:
        if self.production and not (self.secret_key and self.secret_key.get_secret_value()):
            raise ValueError(
                "SOPENGINE_MODE=production needs SOPENGINE_SECRET_KEY (make one with: "
                "sopengine secrets new-key)"
            )
        return self

    log_format: Literal["auto", "json", "human"] = Field(
        default="auto",
        description="auto: human-readable on a terminal, one JSON object per line otherwise",
    )
    metrics_token: str = Field(
        default="",
        description="When set, /metrics answers only 'Authorization: Bearer <token>'; when "
        "empty, only clients on the loopback address",
    )
    shutdown_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="On SIGTERM, how long in-flight requests (and the worker's sends) may take",
    )

    @field_validator("metrics_token")
    @classmethod
    def _token_long_enough(cls, value: str) -> str:
        if value and len(value) < 16:
            raise ValueError("SOPENGINE_METRICS_TOKEN must be at least 16 characters (or empty)")
        return value

    audit_signing_key: str = Field(
        default="",
        description="The Ed25519 private key (PEM) that signs audit checkpoints, or the path of "
        "a file holding it; empty: no checkpoints are made (sopengine audit keygen makes one)",
    )
    audit_public_key: str = Field(
        default="",
        description="The matching public key (PEM or a file path) for processes that verify "
        "but do not sign; default: derived from the signing key",
    )
    audit_checkpoint_events: int = Field(
        default=1000, ge=1, description="Sign the chain head after this many new events"
    )
    audit_checkpoint_hours: float = Field(
        default=24.0, gt=0, description="... and at least this often while there are events"
    )

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @field_validator("database_url")
    @classmethod
    def _psycopg3_only(cls, value: str) -> str:
        if value.startswith(("postgres://", "postgresql://")):
            # Bare postgresql:// would make SQLAlchemy look for psycopg2, which is not installed.
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
