"""The MOU register as a table, written by `registry.spreadsheet`. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from registry.mous.schemas import MouOut, PartyOut, SignatoryOut
from registry.spreadsheet import MEDIA_TYPES, Format, write_table

__all__ = ["HEADER", "MEDIA_TYPES", "Format", "register_rows", "render"]
HEADER = (
    "reference",
    "title",
    "kind",
    "state",
    "parties",
    "countries",
    "clearance of the parties",
    "relationship request",
    "working relationships",
    "shared interests",
    "common understanding",
    "assistance",
    "SDGs",
    "non-endorsement clause",
    "effective date",
    "review interval (months)",
    "next review due",
    "expires on",
    "signatories",
    "signed document sha256",
    "approving motion",
)


def register_rows(mous: Sequence[MouOut]) -> list[list[str | int]]:
    rows: list[list[str | int]] = []
    for mou in mous:
        rows.append(
            [
                mou.reference,
                mou.title,
                mou.kind,
                mou.state,
                "; ".join(p.name for p in mou.parties),
                "; ".join(p.country for p in mou.parties),
                "; ".join(_clearance(p) for p in mou.parties),
                str(mou.request_id or ""),
                mou.working_relationships,
                mou.shared_interests,
                mou.common_understanding,
                "; ".join(mou.assistance),
                "; ".join(str(goal) for goal in mou.sdgs),
                mou.non_endorsement,
                str(mou.effective_date or ""),
                mou.review_interval_months,
                str(mou.next_review_due or ""),  # none once terminated or expired
                str(mou.expires_on or ""),
                "; ".join(_signatory(s) for s in mou.signatories),
                mou.document_sha256 or "",
                str(mou.approved_motion_id or ""),
            ]
        )
    return rows


def _clearance(party: PartyOut) -> str:
    """`Fiji Library Association: clear (as of 2026-12-03)`, with the reasons when not."""
    found = party.clearance
    if found is None:
        return f"{party.name}: not read"
    why = f" - {', '.join(found.reasons)}" if found.reasons else ""
    return f"{party.name}: {found.status.replace('_', ' ')} (as of {found.as_of}){why}"


def _signatory(s: SignatoryOut) -> str:
    position = f" ({s.position})" if s.position else ""
    return f"{s.name}{position} for {s.party}, {s.signed_on}"


def render(mous: Sequence[MouOut], format: Format, title: str) -> bytes:
    rows = register_rows(mous)
    return write_table(HEADER, rows, format, sheet_name="MOU register", title=title)
