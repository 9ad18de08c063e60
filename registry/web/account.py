"""Signing in and out, and choosing an association: the pages outside any tenant."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from registry.http.actor import actor_of
from registry.http.auth import SESSION_COOKIE
from registry.http.origin import check_same_origin
from registry.identity.service import me
from registry.web.auth import (
    PAGE,
    PUBLIC,
    SIGN_IN_CSRF_COOKIE,
    WebSession,
    new_sign_in_csrf,
    safe_next,
)
from registry.web.forms import Form
from registry.web.rendering import PAGE_ERRORS, PAGE_HEADERS, page
from tenants import sessions
from tenants.errors import InvalidInput, TooManyAttempts, Unauthorized
from tenants.settings import load_settings


async def _landing(person_id: Any) -> str:
    """Where a signed-in person starts: their only association, else the chooser."""
    memberships = (await me(person_id)).memberships
    return f"/t/{memberships[0].tenant}/" if len(memberships) == 1 else "/tenants"


def _sign_in_form(
    csrf: str,
    *,
    email: str = "",
    next: str | None = None,
    errors: dict[str, str] | None = None,
    signed_out: bool = False,
    status: int = 200,
) -> Template:
    response = Template(
        template_name="sign_in.html",
        context={
            "title": "Sign in",
            "sign_in_csrf": csrf,
            "email": email,
            "next": next,
            "errors": errors or {},
            "signed_out": signed_out,
        },
        status_code=status,
    )
    response.cookies.append(
        Cookie(
            key=SIGN_IN_CSRF_COOKIE,
            value=csrf,
            httponly=True,
            samesite="strict",
            secure=load_settings().server.secure_cookies,
            path="/sign-in",
            max_age=3600,
        )
    )
    return response


class AccountPages(Controller):
    """Sign in, sign out, choose an association."""

    include_in_schema = False
    exception_handlers = PAGE_ERRORS
    response_headers = PAGE_HEADERS

    @get("/", opt=PAGE, middleware=[WebSession])
    async def start(self, request: Request[Any, Any, Any]) -> Redirect:
        return Redirect(await _landing(request.user.person_id), status_code=303)

    @get("/sign-in", opt=PUBLIC)
    async def sign_in_page(
        self,
        request: Request[Any, Any, Any],
        next: FromQuery[str | None] = None,
        signed_out: FromQuery[bool] = False,
    ) -> Template | Redirect:
        secret = request.cookies.get(SESSION_COOKIE)
        principal = await sessions.authenticate_session(secret) if secret else None
        if principal is not None and not signed_out:
            target = safe_next(next) or await _landing(principal.person_id)
            return Redirect(target, status_code=303)
        return _sign_in_form(new_sign_in_csrf(), next=safe_next(next), signed_out=signed_out)

    @post("/sign-in", opt=PUBLIC, status_code=303)
    async def sign_in(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        check_same_origin(request)
        form = await Form.read(request)
        email, password = form.text("email"), form.raw("password")
        next_path = safe_next(form.text("next"))
        errors: dict[str, str] = {}
        expected = request.cookies.get(SIGN_IN_CSRF_COOKIE, "")
        if not sessions.csrf_matches(expected, form.text("sign_in_csrf")):
            errors["email"] = "The sign-in form had expired; enter your details again"
        else:
            if not email:
                errors["email"] = "Enter your e-mail address"
            if not password:
                errors["password"] = "Enter your password"  # noqa: S105 - a message
        status = 400
        if not errors:
            client = request.client.host if request.client else ""
            try:
                signed = await sessions.sign_in(email, password, client, actor=actor_of(request))
            except InvalidInput as exc:
                errors[exc.field] = f"Enter a valid e-mail address ({exc.message})"
            except Unauthorized:
                errors["password"] = "The e-mail address or the password is wrong"  # noqa: S105
                status = 401
            except TooManyAttempts as exc:
                errors["email"] = exc.detail[:1].upper() + exc.detail[1:]
                status = 429
            else:
                target = next_path or await _landing(signed.person.id)
                response = Redirect(target, status_code=303)
                response.set_cookie(
                    SESSION_COOKIE,
                    signed.session_secret,
                    max_age=int((signed.expires_at - datetime.now(UTC)).total_seconds()),
                    httponly=True,
                    samesite="lax",
                    secure=load_settings().server.secure_cookies,
                    path="/",
                )
                response.delete_cookie(SIGN_IN_CSRF_COOKIE, path="/sign-in")
                return response
        return _sign_in_form(
            new_sign_in_csrf(), email=email, next=next_path, errors=errors, status=status
        )

    @post("/sign-out", opt=PAGE, middleware=[WebSession], status_code=303)
    async def sign_out(self, request: Request[Any, Any, Any]) -> Redirect:
        if request.user.session_id is not None:
            await sessions.sign_out(request.user.session_id, actor=actor_of(request))
        response = Redirect("/sign-in?signed_out=true", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @get("/tenants", opt=PAGE, middleware=[WebSession])
    async def choose_tenant(self, request: Request[Any, Any, Any]) -> Template:
        return await page(request, "tenants.html", title="Choose an association")
