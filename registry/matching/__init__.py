"""The matching engine: optimal mentor-mentee assignment and peer matching (pure code).

`match_mentoring` and `match_peers` take profiles, the scheme's weights
(`weights_for_scheme(preset)`) and the run's constraints, and return a MatchResult:
pairs with score and breakdown, and everyone unmatched with the reason.
"""

from registry.matching.mentoring import match_mentoring
from registry.matching.model import (
    Constraints,
    MatchResult,
    Pair,
    Profile,
    Unmatched,
    Weights,
)
from registry.matching.peers import match_peers
from registry.matching.scoring import weights_for_scheme

__all__ = [
    "Constraints",
    "MatchResult",
    "Pair",
    "Profile",
    "Unmatched",
    "Weights",
    "match_mentoring",
    "match_peers",
    "weights_for_scheme",
]
