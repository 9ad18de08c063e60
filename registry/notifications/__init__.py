"""Notifications: an in-app inbox per person and an email outbox sent over SMTP."""
