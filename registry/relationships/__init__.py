"""Partner organisations, relationship requests, due diligence and screening cases."""
