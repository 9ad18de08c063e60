"""Which passwords a person may choose: long enough, and not a common one.

The list of common passwords (`tenants/data/common-passwords.txt.gz`, about 20,000
entries, lowercased) is the one Django ships (BSD licence), made by Royce Williams from
leaked-password corpora. It is read once, on the first password chosen, not at
import: the CLI's short commands must start fast.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

from tenants.errors import InvalidInput

MIN_PASSWORD = 12
MAX_PASSWORD = 1024


@cache
def common_passwords() -> frozenset[str]:
    data = resources.files("tenants.data").joinpath("common-passwords.txt.gz").read_bytes()
    lines = gzip.decompress(data).decode("utf-8", errors="replace").splitlines()
    return frozenset(line.strip() for line in lines if line.strip())


def check_password(password: str, field: str = "password") -> str:
    """The password, if a person may choose it; else InvalidInput naming the field."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(field, f"must be at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(field, f"must be at most {MAX_PASSWORD} characters")
    if password.strip().lower() in common_passwords():
        raise InvalidInput(
            field, "is on the list of commonly used passwords; choose one that is not"
        )
    return password
