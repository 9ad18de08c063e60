import os

from piccolo.conf.apps import AppConfig

from registry.members.tables import MemberRecord

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="members",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[MemberRecord],
    migration_dependencies=["tenants.piccolo_app"],
    commands=[],
)
