"""Mentoring schemes: intakes, applications, match runs, partnerships and fees."""
