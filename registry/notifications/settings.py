"""Mail delivery settings, read from the environment (in the style of tenants/settings.py).

With no `ACCORD_SMTP_HOST` delivery is off: notifications still land in the inbox
and the outbox keeps every e-mail until a mail server is configured.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from tenants.settings import _bool, _int


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str = ""
    sender: str = "accord@localhost"
    starttls: bool = False
    #: Prefixed to a notification's link (a path) in the e-mail, when set.
    base_url: str = ""
    #: Seconds between two passes of the background sender.
    poll_seconds: float = 5.0
    #: Seconds to wait for the mail server before the attempt counts as failed.
    timeout_seconds: float = 10.0

    @property
    def enabled(self) -> bool:
        return bool(self.host)


def load_smtp_settings() -> SmtpSettings:
    """Read the environment now (tests change it before calling)."""
    starttls_default = _int("ACCORD_SMTP_PORT", 25) == 587
    return SmtpSettings(
        host=os.environ.get("ACCORD_SMTP_HOST", "").strip(),
        port=_int("ACCORD_SMTP_PORT", 25),
        user=os.environ.get("ACCORD_SMTP_USER", ""),
        password=os.environ.get("ACCORD_SMTP_PASSWORD", ""),
        sender=os.environ.get("ACCORD_SMTP_FROM", "accord@localhost"),
        starttls=_bool("ACCORD_SMTP_STARTTLS", starttls_default),
        base_url=os.environ.get("ACCORD_BASE_URL", "").rstrip("/"),
        poll_seconds=max(0.2, _int("ACCORD_SMTP_POLL_MS", 5000) / 1000),
        timeout_seconds=max(1.0, float(_int("ACCORD_SMTP_TIMEOUT_SECONDS", 10))),
    )
