"""The sender started with the app: `accord serve` delivers the outbox by itself, and
`accord notifications send` delivers it in one pass."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import httpx
import pytest

from registry.notifications.service import notify
from tenants.database import write_transaction
from tenants.roles import Role
from tenants.scope import TenantScope
from tests.notifications.smtp import (
    MailServer,
    assert_each_received_once,
    free_port,
    notify_everyone,
)


@pytest.fixture
def mail_server():
    server = MailServer()
    server.start()
    yield server
    server.stop()


def smtp_env(server: MailServer) -> dict[str, str]:
    return {
        **os.environ,
        "ACCORD_SMTP_HOST": "127.0.0.1",
        "ACCORD_SMTP_PORT": str(server.port),
        "ACCORD_SMTP_FROM": "accord@example.org",
        "ACCORD_SMTP_POLL_MS": "200",
    }


async def wait_for(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.1)
    return False


async def test_serve_delivers_the_outbox_in_the_background(factory, mail_server, run_dir):
    world = await factory.tenant("mail-serve")
    port = free_port()
    log = open(run_dir / "server-smtp.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "registry.cli", "serve", "--port", str(port)],
        env={**smtp_env(mail_server), "ACCORD_HOST": "127.0.0.1"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(300):
                try:
                    if (await client.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        scope = TenantScope(world.tenant.id, world.slug)
        async with write_transaction():
            await notify(
                scope,
                [world[Role.BOARD].person_id],
                kind="motion.closing_soon",
                subject="Motion closes tomorrow",
                body="Two votes are missing.",
            )
        email = world[Role.BOARD].email

        def arrived() -> list:
            mails = mail_server.collector.to(email)
            return [m for m in mails if m["Subject"] == "Motion closes tomorrow"]

        assert await wait_for(arrived), (run_dir / "server-smtp.log").read_text()
        assert len(arrived()) == 1
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_cli_send_reports_and_fails_while_the_server_is_down(factory, run_dir):
    down = MailServer()  # nothing listens on its port
    result = subprocess.run(
        [sys.executable, "-m", "registry.cli", "notifications", "send"],
        env=smtp_env(down),
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Whatever was due (welcome notifications of earlier tests) is kept for later.
    assert result.returncode in (0, 1), result.stderr
    if result.returncode == 1:
        assert "will be retried" in result.stderr


def test_cli_send_without_a_host_says_so():
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_SMTP")}
    result = subprocess.run(
        [sys.executable, "-m", "registry.cli", "notifications", "send"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "ACCORD_SMTP_HOST is not set" in result.stderr


async def test_cli_send_delivers_and_status_counts(factory, mail_server):
    world = await factory.tenant("mail-cli")
    result = subprocess.run(
        [sys.executable, "-m", "registry.cli", "notifications", "send"],
        env=smtp_env(mail_server),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert '"sent":' in result.stdout
    welcome = [
        m
        for m in mail_server.collector.to(world[Role.MEMBER].email)
        if m["Subject"] == f"Welcome to {world.slug}"
    ]
    assert len(welcome) == 1
    status = subprocess.run(
        [sys.executable, "-m", "registry.cli", "notifications", "status"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert status.returncode == 0 and '"sent":' in status.stdout


async def test_two_sender_processes_send_each_mail_once(factory, mail_server):
    world = await factory.tenant("mail-procs")
    subjects = [f"Review {n}" for n in range(10)]
    await notify_everyone(world, "review.due", subjects)
    command = [sys.executable, "-m", "registry.cli", "notifications", "send"]
    senders = [
        subprocess.Popen(command, env=smtp_env(mail_server), stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [sender.communicate(timeout=120)[0] for sender in senders]
    assert all(sender.returncode == 0 for sender in senders), outputs
    assert_each_received_once(mail_server, world, subjects)
