import os

from piccolo.conf.apps import AppConfig

from registry.board.tables import Ballot, Motion

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="board",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[Motion, Ballot],
    migration_dependencies=["tenants.piccolo_app"],
    commands=[],
)
