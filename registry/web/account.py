"""Signing in and out, and choosing an association: the pages outside any tenant."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
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
from registry.web.forms import Form, parse_days
from registry.web.rendering import PAGE_ERRORS, PAGE_HEADERS, page
from tenants import sessions
from tenants.errors import InvalidInput, NotFound, TooManyAttempts, Unauthorized
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
    reset: bool = False,
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
            "reset": reset,
        },
        status_code=status,
    )
    response.cookies.append(_csrf_cookie(SIGN_IN_CSRF_COOKIE, csrf, path="/sign-in"))
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
        reset: FromQuery[bool] = False,
    ) -> Template | Redirect:
        secret = request.cookies.get(SESSION_COOKIE)
        principal = await sessions.authenticate_session(secret) if secret else None
        if principal is not None and not signed_out and not reset:
            target = safe_next(next) or await _landing(principal.person_id)
            return Redirect(target, status_code=303)
        return _sign_in_form(
            new_sign_in_csrf(), next=safe_next(next), signed_out=signed_out, reset=reset
        )

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


# -- forgotten passwords and invitations: public pages with a link's secret ----------

#: Public forms (no session yet) carry a double-submit token like the sign-in form.
FORM_CSRF_COOKIE = "accord_form_csrf"
RESET_ANSWER = (
    "If an account uses this address, an e-mail with a link to choose a new password "
    "is on its way. The link works once, within an hour."
)


def _public_form(template: str, title: str, status: int = 200, **context: Any) -> Template:
    token = new_sign_in_csrf()
    response = Template(
        template_name=template,
        context={"title": title, "form_csrf": token, "errors": {}, **context},
        status_code=status,
    )
    response.cookies.append(_csrf_cookie(FORM_CSRF_COOKIE, token, path="/"))
    return response


def _csrf_cookie(key: str, token: str, *, path: str) -> Cookie:
    """The double-submit half of a form's CSRF token: an hour, this site only."""
    return Cookie(
        key=key,
        value=token,
        httponly=True,
        samesite="strict",
        secure=load_settings().server.secure_cookies,
        path=path,
        max_age=3600,
    )


async def _checked_form(request: Request[Any, Any, Any]) -> tuple[Form, bool]:
    check_same_origin(request)
    form = await Form.read(request)
    expected = request.cookies.get(FORM_CSRF_COOKIE, "")
    return form, sessions.csrf_matches(expected, form.text("form_csrf"))


def _signed_in_redirect(signed: sessions.SignedIn, target: str) -> Redirect:
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
    response.delete_cookie(FORM_CSRF_COOKIE, path="/")
    return response


class PasswordPages(Controller):
    """ "Forgot password", the reset link, and accepting an invitation."""

    include_in_schema = False
    exception_handlers = PAGE_ERRORS
    response_headers = PAGE_HEADERS

    @get("/forgot-password", opt=PUBLIC)
    async def forgot_page(self) -> Template:
        return _public_form("forgot_password.html", "Forgot your password?")

    @post("/forgot-password", opt=PUBLIC, status_code=200)
    async def forgot(self, request: Request[Any, Any, Any]) -> Template:
        from registry.identity.reset import request_reset

        form, fresh = await _checked_form(request)
        email = form.text("email")
        errors: dict[str, str] = {}
        if not fresh:
            errors["email"] = "The form had expired; enter your address again"
        elif not email:
            errors["email"] = "Enter your e-mail address"
        status = 400
        if not errors:
            client = request.client.host if request.client else ""
            try:
                await request_reset(email, client, actor=actor_of(request))
            except InvalidInput as exc:
                errors["email"] = f"Enter a valid e-mail address ({exc.message})"
            except TooManyAttempts as exc:
                errors["email"] = exc.detail[:1].upper() + exc.detail[1:]
                status = 429
            else:
                # The same bytes for every address: no token, no cookie, no name.
                return Template(
                    template_name="forgot_password_sent.html",
                    context={"title": "Check your e-mail", "notice": RESET_ANSWER},
                )
        return _public_form(
            "forgot_password.html", "Forgot your password?", status, email=email, errors=errors
        )

    @get("/reset-password/{secret:str}", opt=PUBLIC)
    async def reset_page(self, secret: FromPath[str]) -> Template:
        from registry.identity.reset import open_reset

        await open_reset(secret)
        return _public_form("reset_password.html", "Choose a new password", secret=secret)

    @post("/reset-password/{secret:str}", opt=PUBLIC, status_code=303)
    async def reset(
        self, request: Request[Any, Any, Any], secret: FromPath[str]
    ) -> Template | Redirect:
        from registry.identity.reset import open_reset, reset_password

        await open_reset(secret)
        form, fresh = await _checked_form(request)
        errors = _new_password_errors(form, fresh)
        if not errors:
            try:
                await reset_password(secret, form.raw("password"), actor=actor_of(request))
            except InvalidInput as exc:
                errors["password"] = _password_message(exc)
            else:
                response = Redirect("/sign-in?reset=true", status_code=303)
                response.delete_cookie(SESSION_COOKIE, path="/")
                return response
        return _public_form(
            "reset_password.html", "Choose a new password", 400, secret=secret, errors=errors
        )

    @get("/invitations/{secret:str}", opt=PUBLIC)
    async def invitation_page(self, secret: FromPath[str]) -> Template:
        from registry.invitations.service import pending

        found = await pending(secret)
        return _public_form("invitation.html", "Accept the invitation", **_invited(found, secret))

    @post("/invitations/{secret:str}", opt=PUBLIC, status_code=303)
    async def accept(
        self, request: Request[Any, Any, Any], secret: FromPath[str]
    ) -> Template | Redirect:
        from registry.invitations.service import accept, pending

        found = await pending(secret)
        form, fresh = await _checked_form(request)
        if found.has_password:
            errors: dict[str, str] = {}
            if not fresh:
                errors["password"] = "The form had expired; enter your password again"  # noqa: S105
            elif not form.raw("password"):
                errors["password"] = "Enter your Accord password"  # noqa: S105
        else:
            errors = _new_password_errors(form, fresh)
        status = 400
        if not errors:
            client = request.client.host if request.client else ""
            try:
                signed = await accept(secret, form.raw("password"), client, actor=actor_of(request))
            except InvalidInput as exc:
                errors["password"] = _password_message(exc)
            except Unauthorized:
                errors["password"] = "The password is wrong"  # noqa: S105
                status = 401
            except TooManyAttempts as exc:
                errors["password"] = exc.detail[:1].upper() + exc.detail[1:]
                status = 429
            else:
                return _signed_in_redirect(signed, f"/t/{found.tenant.slug}/")
        return _public_form(
            "invitation.html",
            "Accept the invitation",
            status,
            errors=errors,
            **_invited(found, secret),
        )


def _invited(found: Any, secret: str) -> dict[str, Any]:
    return {
        "secret": secret,
        "tenant_name": found.tenant.name,
        "role": found.invitation.role,
        "email": found.invitation.email,
        "has_password": found.has_password,
    }


def _new_password_errors(form: Form, fresh: bool) -> dict[str, str]:
    if not fresh:
        return {"password": "The form had expired; enter your new password again"}
    password, again = form.raw("password"), form.raw("password_again")
    if not password:
        return {"password": "Choose a password"}
    if password != again:
        return {"password_again": "The two passwords are not the same"}
    return {}


def _password_message(exc: InvalidInput) -> str:
    return "The password " + exc.message


# -- self-service: the signed-in person's own profile, tokens and data -------------


class SelfServicePages(Controller):
    """A person's own account: profile, memberships, API tokens, their data."""

    path = "/account"
    include_in_schema = False
    exception_handlers = PAGE_ERRORS
    response_headers = PAGE_HEADERS
    middleware = [WebSession]

    async def _render(
        self,
        request: Request[Any, Any, Any],
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        notice: str = "",
        new_token: str = "",
        status: int = 200,
    ) -> Template:
        from registry.identity.me import own_tokens

        person_id = request.user.person_id
        profile = await me(person_id)
        return await page(
            request,
            "account.html",
            title="Your account",
            profile=profile,
            form=form
            or {
                "name": profile.name,
                "languages": profile.languages,
                "time_zone": profile.time_zone,
            },
            tokens=await own_tokens(person_id),
            tenant_choices=[(m.tenant, m.tenant_name) for m in profile.memberships],
            errors=errors or {},
            notice=notice,
            new_token=new_token,
            status=status,
        )

    @get("/", opt=PAGE)
    async def show(
        self, request: Request[Any, Any, Any], saved: FromQuery[bool] = False
    ) -> Template:
        notice = "Your profile is saved." if saved else ""
        return await self._render(request, notice=notice)

    @post("/profile", opt=PAGE, status_code=303)
    async def profile(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        from registry.identity.me import update_profile

        form = await Form.read(request)
        values = {
            "name": form.name("name"),
            "languages": form.text("languages"),
            "time_zone": form.text("time_zone"),
        }
        errors: dict[str, str] = {}
        if not values["name"]:
            errors["name"] = "Enter your name"
        if not errors:
            try:
                await update_profile(request.user.person_id, **values, actor=actor_of(request))
            except InvalidInput as exc:
                errors[exc.field] = exc.message
            else:
                return Redirect("/account?saved=true", status_code=303)
        return await self._render(request, form=values, errors=errors, status=400)

    @post("/tokens", opt=PAGE, status_code=200)
    async def create_token(self, request: Request[Any, Any, Any]) -> Template:
        from registry.identity.me import create_own_token

        form = await Form.read(request)
        tenant, label = form.text("tenant"), form.name("label")
        errors: dict[str, str] = {}
        days = parse_days(form.text("expires_days") or "90", "expires_days", errors, 1, 3650)
        if not errors:
            try:
                issued = await create_own_token(
                    request.user.person_id, tenant, label, days, actor=actor_of(request)
                )
            except (InvalidInput, NotFound) as exc:
                errors["tenant"] = exc.detail
            else:
                return await self._render(
                    request,
                    notice="Your new token is below. Copy it now: it is not shown again.",
                    new_token=issued.secret,
                )
        return await self._render(request, errors=errors, status=400)

    @post("/tokens/{token_id:uuid}/revoke", opt=PAGE, status_code=303)
    async def revoke_token(
        self, request: Request[Any, Any, Any], token_id: FromPath[UUID]
    ) -> Redirect:
        from registry.identity.me import revoke_own_token

        await revoke_own_token(request.user.person_id, token_id, actor=actor_of(request))
        return Redirect("/account", status_code=303)

    @get("/export", opt=PAGE)
    async def export(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        import msgspec

        from registry.identity.me import export

        document = await export(request.user.person_id)
        return Response(
            msgspec.json.format(msgspec.json.encode(document), indent=2),
            media_type="application/json",
            headers={"content-disposition": 'attachment; filename="accord-my-data.json"'},
        )
