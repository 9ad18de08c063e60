import os

from piccolo.conf.apps import AppConfig

from registry.participation.tables import (
    Certificate,
    Flag,
    Meeting,
    MeetingNote,
    Survey,
    SurveyResponse,
)

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="participation",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[Meeting, MeetingNote, Survey, SurveyResponse, Flag, Certificate],
    migration_dependencies=["tenants.piccolo_app", "registry.mentoring.piccolo_app"],
    commands=[],
)
