import os

from piccolo.conf.apps import AppConfig

from screening.tables import ScreeningEntity, ScreeningListVersion

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="screening",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[ScreeningListVersion, ScreeningEntity],
    migration_dependencies=["tenants.piccolo_app"],
    commands=[],
)
