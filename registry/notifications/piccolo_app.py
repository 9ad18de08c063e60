import os

from piccolo.conf.apps import AppConfig

from registry.notifications.tables import Notification, NotificationEmail

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="notifications",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[Notification, NotificationEmail],
    migration_dependencies=["tenants.piccolo_app"],
    commands=[],
)
