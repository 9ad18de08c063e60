"""HTTP routes of this capability; registry.app mounts ROUTES."""

from typing import Any

ROUTES: list[Any] = []
