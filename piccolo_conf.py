"""Piccolo's configuration: the engine from ACCORD_DATABASE_URL and every app's registry.

The registry is built when first asked for (by migrations and Piccolo's own CLI), not
on import: building it imports Piccolo's migration machinery (and black) and every
app's tables, which a command that only reads or writes a few rows does not need.
"""

from typing import Any

from tenants.database import make_engine
from tenants.settings import load_settings

DB = make_engine(load_settings().database)

APPS = [
    "tenants.piccolo_app",
    "registry.audit.piccolo_app",
    "screening.piccolo_app",
    "registry.policies.piccolo_app",
    "registry.relationships.piccolo_app",
    "registry.board.piccolo_app",
    "registry.mous.piccolo_app",
    "registry.mentoring.piccolo_app",
    "registry.participation.piccolo_app",
    "registry.notifications.piccolo_app",
    "registry.members.piccolo_app",
]


def __getattr__(name: str) -> Any:
    if name != "APP_REGISTRY":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from piccolo.conf.apps import AppRegistry

    registry = AppRegistry(apps=APPS)
    globals()["APP_REGISTRY"] = registry
    return registry
