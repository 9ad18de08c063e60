"""The matching engine: optimal mentor-mentee assignment and peer matching (pure code)."""

from registry.matching.model import (
    Constraints,
    MatchResult,
    Pair,
    Profile,
    Unmatched,
    Weights,
)

__all__ = ["Constraints", "MatchResult", "Pair", "Profile", "Unmatched", "Weights"]
