"""`accord notifications ...`: deliver the e-mail outbox once, or show its state.

The app delivers continuously in the background; `send` is for a host where the app
runs without a sender (cron), and for trying a mail server's settings by hand.
"""

from __future__ import annotations

import json
from typing import TypeVar

import click

from registry.console import run
from registry.notifications.sender import PassResult, outbox_status, send_pass
from registry.notifications.settings import load_smtp_settings

T = TypeVar("T")


notifications_group = click.Group(
    "notifications", help="The e-mail outbox of notifications (delivered over SMTP)."
)


@notifications_group.command("send")
def send_command() -> None:
    """Deliver every e-mail that is due, once (ACCORD_SMTP_HOST, ...); exit 1 if some
    must be retried."""
    settings = load_smtp_settings()
    if not settings.enabled:
        raise click.ClickException("ACCORD_SMTP_HOST is not set: delivery is off")

    async def drain() -> list[PassResult]:
        passes = []
        while True:
            result = await send_pass(settings)
            passes.append(result)
            if result.claimed == 0 or result.retried:
                return passes

    passes = run(drain())
    total_sent = sum(p.sent for p in passes)
    total_retried = sum(p.retried for p in passes)
    total_failed = sum(p.failed for p in passes)
    for error in dict.fromkeys(e for p in passes for e in p.errors):
        click.echo(f"error: {error}", err=True)
    click.echo(json.dumps({"sent": total_sent, "to_retry": total_retried, "refused": total_failed}))
    if total_retried:
        raise click.ClickException(
            f"{total_retried} e-mails could not be sent; they will be retried"
        )


@notifications_group.command("status")
def status_command() -> None:
    """Counts of the outbox: waiting, sent, refused, and the oldest waiting e-mail."""
    click.echo(json.dumps(run(outbox_status())))
