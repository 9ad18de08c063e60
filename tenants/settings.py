"""Accord's configuration: every knob read from the environment, in one place.

Defaults are safe for a single machine: the embedded SQLite file under `var/`, the
service on loopback only, a master key file created beside the database.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

VAR_DIR = Path(os.environ.get("ACCORD_VAR_DIR", "var"))


class SettingsError(ValueError):
    """A setting in the environment that cannot be used; the message names it."""


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    url: str

    @property
    def engine(self) -> str:
        return "postgres" if self.url.startswith(("postgres://", "postgresql://")) else "sqlite"

    @property
    def sqlite_path(self) -> str:
        """The file behind a `sqlite:///path` URL or a bare path."""
        if self.url.startswith("sqlite:///"):
            return self.url.removeprefix("sqlite:///")
        if self.url.startswith("sqlite://"):
            return self.url.removeprefix("sqlite://")
        return self.url

    def postgres_config(self) -> dict[str, object]:
        parsed = urlparse(self.url)
        return {
            "host": parsed.hostname or "127.0.0.1",
            "port": parsed.port or 5432,
            "user": unquote(parsed.username or "postgres"),
            "password": unquote(parsed.password or ""),
            "database": (parsed.path or "/accord").lstrip("/"),
        }


@dataclass(frozen=True, slots=True)
class ServerSettings:
    host: str
    port: int
    log_level: str
    secure_cookies: bool
    #: Addresses and networks of the reverse proxies whose X-Forwarded-For is believed
    #: (`ACCORD_TRUSTED_PROXIES`); empty: none, the client is whoever connected.
    trusted_proxies: tuple[str, ...] = ()
    #: The site's public origin (`ACCORD_BASE_URL`, e.g. https://accord.example.org);
    #: sign-in refuses a browser's post from any other. Empty: the request's own host.
    site_url: str = ""


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    master_key_file: Path
    session_hours: int
    token_default_days: int
    sign_in_max_failures: int
    sign_in_window_minutes: int


@dataclass(frozen=True, slots=True)
class Settings:
    database: DatabaseSettings
    server: ServerSettings
    security: SecuritySettings
    extra: dict[str, str] = field(default_factory=dict)


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _networks(name: str) -> tuple[str, ...]:
    """A comma-separated list of IP addresses and CIDR networks, each checked."""
    networks = []
    for item in os.environ.get(name, "").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingsError(
                f"{name}: {item!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)"
            ) from None
        single = network.num_addresses == 1
        networks.append(str(network.network_address) if single else str(network))
    return tuple(networks)


def load_settings() -> Settings:
    """Read the environment now (tests and the CLI change it before calling)."""
    default_db = f"sqlite:///{VAR_DIR / 'accord.sqlite3'}"
    return Settings(
        database=DatabaseSettings(url=os.environ.get("ACCORD_DATABASE_URL", default_db)),
        server=ServerSettings(
            host=os.environ.get("ACCORD_HOST", "127.0.0.1"),
            port=_int("ACCORD_PORT", 8000),
            log_level=os.environ.get("ACCORD_LOG_LEVEL", "info").lower(),
            secure_cookies=_bool("ACCORD_SECURE_COOKIES", False),
            trusted_proxies=_networks("ACCORD_TRUSTED_PROXIES"),
            site_url=os.environ.get("ACCORD_BASE_URL", "").strip().rstrip("/"),
        ),
        security=SecuritySettings(
            master_key_file=Path(
                os.environ.get("ACCORD_MASTER_KEY_FILE", str(VAR_DIR / "master.key"))
            ),
            session_hours=_int("ACCORD_SESSION_HOURS", 12),
            token_default_days=_int("ACCORD_TOKEN_DAYS", 90),
            sign_in_max_failures=_int("ACCORD_SIGN_IN_MAX_FAILURES", 5),
            sign_in_window_minutes=_int("ACCORD_SIGN_IN_WINDOW_MINUTES", 15),
        ),
    )
