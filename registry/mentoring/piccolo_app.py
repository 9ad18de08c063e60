import os

from piccolo.conf.apps import AppConfig

from registry.mentoring.tables import (
    MentoringApplication,
    MentoringIntake,
    MentoringMatchRun,
    MentoringPartnership,
    MentoringScheme,
)

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="mentoring",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[
        MentoringScheme,
        MentoringIntake,
        MentoringApplication,
        MentoringMatchRun,
        MentoringPartnership,
    ],
    migration_dependencies=["tenants.piccolo_app", "registry.policies.piccolo_app"],
    commands=[],
)
