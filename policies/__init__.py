"""Accord's policy engine: rules as data in, explained Decisions out.

Pure Python: no database, no web framework, no I/O while evaluating, no eval. The
rest of Accord hands it a policy and a subject and stores the Decision it returns.

    policy = load_preset("aasw-mentoring")            # or load_policy(toml_text)
    decision = evaluate(policy, subject_dict, as_of=date(2025, 2, 1))
    decision.outcome        # "eligible" | "ineligible" | "refer"
    decision.to_dict()      # JSON-ready, names policy.sha256
"""

from policies.decision import Decision, RuleResult, decision_from_dict
from policies.document import Policy, load_policy, policy_from_data
from policies.engine import evaluate
from policies.errors import PolicyError, SubjectError
from policies.presets import list_presets, load_preset, preset_text
from policies.subjects import parse_subject, subject_schema

__all__ = [
    "Decision",
    "Policy",
    "PolicyError",
    "RuleResult",
    "SubjectError",
    "decision_from_dict",
    "evaluate",
    "list_presets",
    "load_policy",
    "load_preset",
    "parse_subject",
    "policy_from_data",
    "preset_text",
    "subject_schema",
]
