"""HTTP routes of relationships: thin handlers over the room's service."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
