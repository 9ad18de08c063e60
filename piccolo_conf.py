"""Piccolo's configuration: the engine from ACCORD_DATABASE_URL and every app's registry."""

from piccolo.conf.apps import AppRegistry

from tenants.database import make_engine
from tenants.settings import load_settings

DB = make_engine(load_settings().database)

APP_REGISTRY = AppRegistry(
    apps=[
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
)
