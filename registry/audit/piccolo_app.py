import os

from piccolo.conf.apps import AppConfig

from registry.audit.tables import AuditChain, AuditEvent, AuditNode, AuditTreeHead

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="audit",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[AuditEvent, AuditChain, AuditNode, AuditTreeHead],
    migration_dependencies=["tenants.piccolo_app"],
    commands=[],
)
