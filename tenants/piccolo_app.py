import os

from piccolo.conf.apps import AppConfig

from tenants.tables import (
    ApiToken,
    IdempotencyKey,
    Invitation,
    Membership,
    PasswordReset,
    Person,
    SignInAttempt,
    Tenant,
    TenantKey,
    WebSession,
)

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="tenants",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[
        Tenant,
        Person,
        Membership,
        ApiToken,
        TenantKey,
        WebSession,
        SignInAttempt,
        IdempotencyKey,
        Invitation,
        PasswordReset,
    ],
    migration_dependencies=[],
    commands=[],
)
