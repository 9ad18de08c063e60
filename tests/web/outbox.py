"""Reading links out of the e-mail outbox (registry/notifications tables), as the
person who receives the mail would follow them."""

from __future__ import annotations

import re

import httpx

from registry.notifications.tables import NotificationEmail

_FORM_CSRF = re.compile(r'name="form_csrf" value="([^"]+)"')


async def last_mail(address: str, kind: str) -> NotificationEmail:
    mail = (
        await NotificationEmail.objects()
        .where((NotificationEmail.to_address == address) & (NotificationEmail.kind == kind))
        .order_by(NotificationEmail.created_at, ascending=False)
        .first()
    )
    assert mail is not None, f"no {kind} mail to {address} in the outbox"
    return mail


async def mails_to(address: str, kind: str) -> int:
    return await NotificationEmail.count().where(
        (NotificationEmail.to_address == address) & (NotificationEmail.kind == kind)
    )


async def link_in_mail(address: str, kind: str) -> str:
    mail = await last_mail(address, kind)
    assert mail.link, mail.body
    return str(mail.link)


async def submit_public_form(
    client: httpx.AsyncClient, path: str, data: dict[str, str]
) -> httpx.Response:
    """Open a public page (forgot password, a link's page) and post its form."""
    shown = await client.get(path)
    assert shown.status_code == 200, shown.text
    token = _FORM_CSRF.search(shown.text)
    assert token, shown.text
    return await client.post(path, data={**data, "form_csrf": token.group(1)})
