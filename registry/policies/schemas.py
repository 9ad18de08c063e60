"""What the policy routes accept and answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from tenants import text
from tenants.text import Input

#: A stored policy's name in its tenant: a lowercase slug ("international", "mentoring-alia").
NAME_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
NAME_MAX = 100
DOCUMENT_MAX = 200_000

PolicyName = Annotated[str, msgspec.Meta(min_length=1, max_length=NAME_MAX, pattern=NAME_PATTERN)]
DocumentText = Annotated[str, text.kind(text.PARAGRAPH, max_length=DOCUMENT_MAX)]
PresetName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
DocumentFormat = Literal["toml", "json"]


class PolicyIn(Input):
    """A new version: the document's text (and its format), or a preset to start from."""

    document: DocumentText | None = None
    format: DocumentFormat = "toml"
    preset: PresetName | None = None


class PolicyCreate(Input, kw_only=True):
    """A new policy of the tenant, named, from a document or a preset."""

    name: PolicyName
    document: DocumentText | None = None
    format: DocumentFormat = "toml"
    preset: PresetName | None = None


class PolicySummary(msgspec.Struct, kw_only=True):
    """One stored version: its number and hash, and what the document says it is."""

    name: str
    version: int
    sha256: str
    format: str
    policy_name: str
    policy_version: str
    subject: str
    created_by: UUID | None
    created_at: datetime


class PolicyVersionOut(PolicySummary, kw_only=True):
    """One stored version with its document text, exactly as it was stored."""

    document: str


class PolicySaved(PolicyVersionOut, kw_only=True):
    """The current version after a PUT; `changed` is false when the document was
    identical (same sha256) to the current one and nothing was stored."""

    changed: bool


class EvaluateIn(Input):
    """A dry run: the subject (see `accord policies schema`) and the day to read the
    rules on (today in the association's time zone, when omitted)."""

    subject: dict[str, Any]
    as_of: date | None = None
