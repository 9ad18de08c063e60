"""The policy documents shipped with Accord, one per scheme in the seed documents.

The TOML files beside this module are the presets; a tenant starts from one and edits it.
"""

from __future__ import annotations

from importlib import resources

from policies.document import Policy, load_policy
from policies.errors import PolicyError

_PACKAGE = "policies.presets"


def list_presets() -> list[str]:
    """Names of the shipped presets, e.g. ["aasw-mentoring", "alia-international", ...]."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in resources.files(_PACKAGE).iterdir()
        if entry.name.endswith(".toml")
    )


def preset_text(name: str) -> str:
    """The preset's TOML text, comments and all, for a tenant to start from."""
    if name not in list_presets():
        raise PolicyError("", None, f"no preset named '{name}'; presets: "
                          f"{', '.join(list_presets())}")
    entry = resources.files(_PACKAGE).joinpath(f"{name}.toml")
    return entry.read_text(encoding="utf-8")


def load_preset(name: str) -> Policy:
    """The preset, validated."""
    return load_policy(preset_text(name), format="toml")
