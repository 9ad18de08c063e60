"""Reference data shipped with the policy engine (see README.md)."""
