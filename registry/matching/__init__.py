"""The matching engine: optimal mentor-mentee assignment and peer matching (pure code).

`match_mentoring` and `match_peers` take profiles, the scheme's weights
(`weights_for_scheme(preset)`) and the run's constraints, and return a MatchResult:
pairs with score and breakdown, and everyone unmatched with the reason.

The solvers (numpy, scipy) load on first use, so importing the types, or starting the
`accord` CLI, does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from registry.matching.model import (
    Constraints,
    MatchingInputError,
    MatchResult,
    Pair,
    Profile,
    Unmatched,
    Weights,
)

if TYPE_CHECKING:
    from registry.matching.mentoring import match_mentoring
    from registry.matching.peers import match_peers
    from registry.matching.scoring import weights_for_scheme

_SOLVERS = {
    "match_mentoring": "registry.matching.mentoring",
    "match_peers": "registry.matching.peers",
    "weights_for_scheme": "registry.matching.scoring",
}


def __getattr__(name: str) -> object:
    if name in _SOLVERS:
        return getattr(importlib.import_module(_SOLVERS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Constraints",
    "MatchResult",
    "MatchingInputError",
    "Pair",
    "Profile",
    "Unmatched",
    "Weights",
    "match_mentoring",
    "match_peers",
    "weights_for_scheme",
]
