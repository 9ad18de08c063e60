"""Certificates of participation: the facts, their verification code, the signed
bytes and the PDF. Pure (signing itself is `tenants.keys.sign`, done by the service).

What is signed is the RFC 8785 canonical JSON of the facts (`registry.audit.canonical`),
code included, so a certificate cannot be moved to another person or code, and a
stored row altered afterwards no longer verifies ("tampered"). Hours are written as
text ("12.5"): canonical JSON admits no fractions.

The PDF is drawn with fpdf2's core Helvetica (Latin-1), uncompressed: the file stays
byte-for-byte reproducible from the facts and its text searchable. A name outside
Latin-1 is transliterated on the PDF only (anyascii); the verification page shows it
exactly as signed.
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from anyascii import anyascii

from policies import Policy
from policies.rules.timing import MilestonesRule
from registry.audit.canonical import canonical_bytes
from tenants import clock

CODE_PREFIX = "ACC"
#: 80 random bits: 16 base32 letters, in four groups after the prefix.
CODE_BYTES = 10
_CODE = re.compile(r"^ACC-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$")
VERIFY_PATH = "/verify/certificates/"


def new_code() -> str:
    letters = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode()
    return "-".join([CODE_PREFIX, *(letters[i : i + 4] for i in range(0, 16, 4))])


def normalise_code(text: str) -> str | None:
    """The code as stored, from what a reader typed (any case, spaces, missing
    hyphens); None when it cannot be a code."""
    letters = re.sub(r"[\s-]", "", text).upper()
    if letters.startswith(CODE_PREFIX):
        letters = letters[len(CODE_PREFIX) :]
    if len(letters) != 16:
        return None
    code = "-".join([CODE_PREFIX, *(letters[i : i + 4] for i in range(0, 16, 4))])
    return code if _CODE.match(code) else None


#: The facts as first signed (the intake's dates as the period); still verified.
KIND_V1 = "accord.certificate.v1"
#: The partnership's actual period, and whether it was completed early.
KIND_V2 = "accord.certificate.v2"


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    """Everything a certificate states, and all that its signature covers.

    `starts_on`..`ends_on` is the partnership's actual period (its first day active
    to the day it completed); `completed_early` whether a coordinator completed it
    before the intake's end. A v1 certificate has no `completed_early` (None) and is
    verified over the bytes it was signed as."""

    code: str
    association: str
    tenant: str
    person_name: str
    person_id: str
    role: str
    scheme: str
    intake: str
    partnership_id: str
    starts_on: str
    ends_on: str
    hours: str
    meetings: int
    cpd: str
    issued_at: str
    completed_early: bool | None = None
    kind: str = KIND_V2

    def payload(self) -> dict[str, Any]:
        fields = asdict(self)
        kind = fields.pop("kind")
        if kind == KIND_V1:
            fields.pop("completed_early")
        return {"kind": kind, **fields}

    def signed_bytes(self) -> bytes:
        return canonical_bytes(self.payload())

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> CertificateFacts:
        return cls(**payload)


def evaluation_required(policy: Policy | None) -> bool:
    """Whether the policy asks for an evaluation by a date (ALIA: within two weeks of
    the end), so a certificate waits for it."""
    return policy is not None and any(
        isinstance(rule, MilestonesRule) and rule.evaluation_within_days is not None
        for rule in policy.rules
    )


def actual_period(
    *,
    active_from: date | None,
    first_meeting: date | None,
    completed_on: date | None,
    starts_on: date,
    ends_on: date,
) -> tuple[date, date]:
    """The days the partnership ran: from its first day active (or its first meeting,
    when one was logged as held earlier) to the day it completed. A row from before
    these days were kept falls back on the intake's dates, bounded by its meetings."""
    began = [day for day in (active_from, first_meeting) if day is not None]
    return (min(began) if began else starts_on), (completed_on or ends_on)


def hours_text(minutes: int) -> str:
    """Hours with at most two decimals and no trailing zeros: 90 -> "1.5", 60 -> "1"."""
    text = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _latin1(text: str) -> str:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return "".join(c if ord(c) < 256 else anyascii(c) for c in text)
    return text


def _day(iso: str) -> str:
    return date.fromisoformat(iso[:10]).strftime("%-d %B %Y")


def _issued_day(iso: str, zone: str) -> str:
    """The day of issue as the association reads it (an instant, stored in UTC)."""
    try:
        at = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return _day(iso)
    return clock.local_day(at, zone).strftime("%-d %B %Y")


def render_pdf(facts: CertificateFacts, verify_url: str, key_id: str, zone: str = "UTC") -> bytes:
    """A one-page A4 landscape certificate naming the verification code and URL; the
    day of issue is the association's (its time `zone`)."""
    from fpdf import FPDF  # loaded when a certificate is drawn, not with the CLI

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_compression(False)
    pdf.set_creation_date(datetime.fromisoformat(facts.issued_at))
    pdf.set_title(_latin1(f"Certificate of participation {facts.code}"))
    pdf.set_author(_latin1(facts.association))
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_draw_color(40, 70, 110)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)

    def line(text: str, size: float, style: str = "", gap: float = 4) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(0, size * 0.5, _latin1(text), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.set_y(28)
    line(facts.association, 16, "B", 6)
    line("Certificate of Participation", 28, "B", 8)
    line("This certifies that", 13)
    line(facts.person_name, 24, "B", 6)
    line(f"took part as {facts.role} in the {facts.scheme}, {facts.intake}", 14, "", 2)
    early = " (completed early)" if facts.completed_early else ""
    line(f"from {_day(facts.starts_on)} to {_day(facts.ends_on)}{early},", 14, "", 6)
    plural = "" if facts.meetings == 1 else "s"
    line(f"logging {facts.hours} hours of mentoring in {facts.meetings} meeting{plural}", 14, "", 2)
    line(f"({facts.cpd}).", 12, "", 10)
    line(f"Issued {_issued_day(facts.issued_at, zone)}", 11, "", 12)
    line(f"Verification code: {facts.code}", 12, "B", 2)
    line(f"Check it at {verify_url}", 10, "", 2)
    line(f"Signed with the association's Ed25519 key {key_id}", 8, "", 0)
    return bytes(pdf.output())


@dataclass(frozen=True, slots=True)
class Verdict:
    status: str  # valid | revoked | tampered
    detail: str

    @property
    def valid(self) -> bool:
        return self.status == "valid"


def verdict(
    *, signature_ok: bool, revoked_at: datetime | None, reason: str, zone: str = "UTC"
) -> Verdict:
    """A certificate is valid when its signature holds over the stored facts and it
    was not revoked; a bad signature wins over a revocation (the facts are not to be
    trusted either way)."""
    if not signature_ok:
        return Verdict(
            "tampered", "the stored facts do not match their signature: do not rely on it"
        )
    if revoked_at is not None:
        why = f": {reason}" if reason else ""
        revoked_on = clock.local_day(revoked_at, zone).isoformat()
        return Verdict("revoked", f"revoked on {revoked_on}{why}")
    return Verdict("valid", "the signature holds and the certificate has not been revoked")
