"""The public page that checks a certificate of participation: anyone with the code
(printed on the PDF) sees who, what, the hours and when, and whether the association's
signature still holds, without signing in.

Participation answers the same question as JSON at `/verify/certificates/{code}`;
this page is its human form at `/verify/{code}`, from the same service function.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import FromPath, Parameter
from litestar.response import Redirect, Template

from registry.participation import service as participation
from registry.participation.certificates import normalise_code
from registry.web.auth import PUBLIC
from registry.web.rendering import PAGE_ERRORS, page
from tenants.errors import NotFound

#: Longer than any code; a longer text is not looked up.
CODE_MAX = 64


class VerifyPages(Controller):
    path = "/verify"
    include_in_schema = False
    exception_handlers = PAGE_ERRORS
    opt = PUBLIC

    @get("/")
    async def form(
        self,
        request: Request[Any, Any, Any],
        code: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> Template | Redirect:
        if code is None:
            return await page(
                request,
                "mentoring/verify.html",
                title="Check a certificate",
                code="",
                result=None,
                errors={},
            )
        normal = normalise_code(code)
        if not code.strip():
            errors = {"code": "Enter the code printed on the certificate"}
        elif normal is None:
            errors = {"code": "This is not a certificate code: check it against the certificate"}
        else:
            return Redirect(f"/verify/{normal}", status_code=303)
        return await page(
            request,
            "mentoring/verify.html",
            title="Check a certificate",
            code=code,
            result=None,
            errors=errors,
            status=400,
        )

    @get("/{code:str}")
    async def result(self, request: Request[Any, Any, Any], code: FromPath[str]) -> Template:
        if len(code) > CODE_MAX:
            raise NotFound("no certificate has this code")
        try:
            found = await participation.verify_certificate(code)
        except NotFound:
            return await page(
                request,
                "mentoring/verify.html",
                title="No certificate has this code",
                code=code,
                result=None,
                errors={"code": "No certificate has this code: check it against the certificate"},
                status=404,
            )
        return await page(
            request,
            "mentoring/verify.html",
            title="Certificate check",
            code=found.code,
            result=found,
            errors={},
        )
