"""A real SMTP server for the tests (aiosmtpd in a thread), that can go down and up."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Collector:
    """aiosmtpd handler keeping every accepted message; refuses addresses on demand."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]


class MailServer:
    """With `login`, the server requires AUTH with that (user, password)."""

    def __init__(self, port: int | None = None, login: tuple[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.collector = Collector()
        self.controller: Controller | None = None
        self.login = login

    def _authenticate(self, server, session, envelope, mechanism, data) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and self.login is not None
            and (data.login.decode(), data.password.decode()) == self.login
        )
        return AuthResult(success=ok, handled=False)

    def start(self) -> None:
        extra = {}
        if self.login is not None:
            # Plain-text AUTH on loopback only: the tests have no certificate.
            extra = {
                "authenticator": self._authenticate,
                "auth_required": True,
                "auth_require_tls": False,
            }
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port, **extra)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


async def notify_everyone(world, kind: str, subjects: list[str]) -> None:
    """One notification per subject to every person of the world's tenant."""
    from registry.notifications.service import notify
    from tenants.database import write_transaction
    from tenants.scope import TenantScope

    scope = TenantScope(world.tenant.id, world.slug)
    people = [party.person_id for party in world.parties.values()]
    for subject in subjects:
        async with write_transaction():
            await notify(scope, people, kind=kind, subject=subject, body="")


def assert_each_received_once(server: MailServer, world, subjects: list[str]) -> None:
    """Every person of the world got each of `subjects` exactly once."""
    wanted = set(subjects)
    for party in world.parties.values():
        got = sorted(
            m["Subject"] for m in server.collector.to(party.email) if m["Subject"] in wanted
        )
        assert got == sorted(subjects), party.email
