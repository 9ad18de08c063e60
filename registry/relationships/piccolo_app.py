import os

from piccolo.conf.apps import AppConfig

from registry.relationships.tables import (
    PartnerAttachment,
    PartnerOfficer,
    PartnerOrganisation,
    RelationshipAttestation,
    RelationshipRequest,
    RelationshipReview,
    RelationshipScreeningResult,
    RelationshipScreeningRun,
    ScreeningCase,
)

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="relationships",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[
        PartnerOrganisation,
        PartnerOfficer,
        PartnerAttachment,
        RelationshipRequest,
        RelationshipAttestation,
        RelationshipReview,
        RelationshipScreeningRun,
        RelationshipScreeningResult,
        ScreeningCase,
    ],
    migration_dependencies=[
        "tenants.piccolo_app",
        "screening.piccolo_app",
        "registry.policies.piccolo_app",
    ],
    commands=[],
)
