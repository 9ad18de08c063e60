import os

from piccolo.conf.apps import AppConfig

from registry.mous.tables import Mou, MouParty, MouReview, MouSignatory

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="mous",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[Mou, MouParty, MouSignatory, MouReview],
    migration_dependencies=[
        "tenants.piccolo_app",
        "registry.board.piccolo_app",
        "registry.relationships.piccolo_app",
    ],
    commands=[],
)
