"""Invitations: an association asks a person to take a role; the person accepts."""
