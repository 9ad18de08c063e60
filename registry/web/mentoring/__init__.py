"""Web pages of mentoring: schemes and intakes, applications with the policy's
reasons, match runs under review, partnerships with their meetings, hours, surveys
and certificates, and the public certificate check."""
