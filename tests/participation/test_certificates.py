"""Certificate codes, the signed bytes and the PDF."""

from __future__ import annotations

from datetime import UTC, datetime

from registry.participation.certificates import (
    CertificateFacts,
    hours_text,
    new_code,
    normalise_code,
    render_pdf,
    verdict,
)


def _facts(**changes: object) -> CertificateFacts:
    values = {
        "code": new_code(),
        "association": "Australian Association of Social Workers",
        "tenant": "aasw",
        "person_name": "Zoë Ngô 王",
        "person_id": "p1",
        "role": "mentee",
        "scheme": "AASW Mentoring Program",
        "intake": "2025",
        "partnership_id": "x1",
        "starts_on": "2025-03-01",
        "ends_on": "2025-09-30",
        "hours": "12.5",
        "meetings": 9,
        "cpd": "AASW CPD Policy, Category 1",
        "issued_at": "2025-10-02T01:02:03+00:00",
    }
    values.update(changes)
    return CertificateFacts(**values)  # type: ignore[arg-type]


def test_codes_are_random_and_read_back_however_typed():
    code = new_code()
    assert code != new_code()
    assert normalise_code(code) == code
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert normalise_code(code[4:].replace("-", "")) == code
    assert normalise_code("ACC-1111-2222-3333-4444") is None  # 0, 1, 8, 9 are not base32
    assert normalise_code("nonsense") is None


def test_signed_bytes_cover_every_fact():
    facts = _facts()
    assert CertificateFacts.from_payload(facts.payload()) == facts
    assert _facts(code=facts.code, hours="99").signed_bytes() != facts.signed_bytes()


def test_hours_text():
    assert [hours_text(m) for m in (0, 60, 90, 125)] == ["0", "1", "1.5", "2.08"]


def test_pdf_names_the_person_hours_and_code():
    facts = _facts()
    pdf = render_pdf(facts, f"https://accord.example/verify/certificates/{facts.code}", "ab12")
    assert pdf.startswith(b"%PDF-")
    assert facts.code.encode() in pdf
    assert "Zoë Ngô Wang".encode("latin-1") in pdf  # transliterated beyond Latin-1
    assert b"12.5 hours" in pdf and b"Category 1" in pdf
    assert render_pdf(facts, "u", "ab12") == render_pdf(facts, "u", "ab12")


def test_verdicts():
    when = datetime(2025, 11, 1, tzinfo=UTC)
    assert verdict(signature_ok=True, revoked_at=None, reason="").valid
    revoked = verdict(signature_ok=True, revoked_at=when, reason="issued in error")
    assert revoked.status == "revoked" and "issued in error" in revoked.detail
    assert verdict(signature_ok=False, revoked_at=when, reason="").status == "tampered"
