"""The outcome of verifying a bundle or a proof document, for code and for people."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VerifyResult:
    """`valid` with what was proven, or the first problem found.

    `problem` is a complete sentence for people ("line 17: hash does not match
    content"); `line` is the 1-based line of a bundle it concerns, when there is one.
    """

    valid: bool
    kind: str  # "bundle", "inclusion_proof" or "consistency_proof"
    problem: str | None = None
    line: int | None = None
    tenant: str | None = None
    events: int = 0
    tree_size: int = 0
    root_hash: str | None = None
    key_id: str | None = None
    seq: int | None = None  # the proven event, for inclusion proofs
    first_size: int | None = None  # the older tree, for consistency proofs

    def summary(self) -> str:
        """One line: "valid: ..." or "invalid: <problem>"."""
        if not self.valid:
            return f"invalid: {self.problem}"
        if self.kind == "consistency_proof":
            return (
                f"valid: tree size {self.tree_size} of tenant {self.tenant} extends tree "
                f"size {self.first_size}, root {self.root_hash}, key {self.key_id}"
            )
        if self.kind == "inclusion_proof":
            return (
                f"valid: event seq {self.seq} of tenant {self.tenant} is in the log "
                f"at tree size {self.tree_size}, root {self.root_hash}, key {self.key_id}"
            )
        return (
            f"valid: {self.events} events, tree size {self.tree_size}, "
            f"root {self.root_hash}, tenant {self.tenant}, key {self.key_id}"
        )
