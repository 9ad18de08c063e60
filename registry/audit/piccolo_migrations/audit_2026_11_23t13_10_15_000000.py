"""Audit ledger: indexes, and the triggers that make the ledger append-only.

Hand-written (Piccolo runs `add_raw` before `add_table` within one migration, so
these need a migration of their own). Both engines get the same guarantees: UPDATE
and DELETE of an event, a tree head or a Merkle node are rejected by the database.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T13:10:15:000000"
VERSION = "1.38.0"
DESCRIPTION = "Audit ledger indexes and append-only triggers"

APPEND_ONLY = ("audit_event", "audit_node", "audit_tree_head")

INDEXES = [
    "CREATE UNIQUE INDEX audit_event_tenant_seq ON audit_event (tenant, seq)",
    "CREATE INDEX audit_event_tenant_time ON audit_event (tenant, time)",
    "CREATE UNIQUE INDEX audit_node_tenant_level_idx ON audit_node (tenant, level, idx)",
]
DROP_INDEXES = [
    "DROP INDEX audit_event_tenant_seq",
    "DROP INDEX audit_event_tenant_time",
    "DROP INDEX audit_node_tenant_level_idx",
]

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
"""


def _postgres_trigger(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
    )


def _sqlite_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'audit records are append-only: {op} on {table} refused'); "
        "END"
        for op in ("UPDATE", "DELETE")
    ]


def forwards_statements(engine_type: str) -> list[str]:
    statements = list(INDEXES)
    if engine_type == "postgres":
        statements.append(POSTGRES_FUNCTION)
        statements.extend(_postgres_trigger(table) for table in APPEND_ONLY)
    else:
        for table in APPEND_ONLY:
            statements.extend(_sqlite_triggers(table))
    return statements


def backwards_statements(engine_type: str) -> list[str]:
    statements: list[str] = []
    if engine_type == "postgres":
        statements.extend(f"DROP TRIGGER {table}_append_only ON {table}" for table in APPEND_ONLY)
        statements.append("DROP FUNCTION audit_append_only()")
    else:
        for table in APPEND_ONLY:
            statements.extend(f"DROP TRIGGER {table}_no_{op}" for op in ("update", "delete"))
    return statements + DROP_INDEXES


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def create() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in forwards_statements(engine.engine_type):
            await engine.run_ddl(statement)

    async def drop() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in backwards_statements(engine.engine_type):
            await engine.run_ddl(statement)

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
