"""Composite indexes for the reads the room makes on every request: the executive's
queue (tenant, state, priority), a partner's cases by status, a request's cases and
attestations, and a subject's latest screening result.

Piccolo has no composite index, so this is raw SQL that both engines accept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T13:37:21:000000"
VERSION = "1.38.0"
DESCRIPTION = "Composite indexes of the relationships room"

INDEXES = {
    "relationship_request_by_queue": "relationship_request (tenant, state, priority_score)",
    "screening_case_by_partner_status": "screening_case (tenant, partner, status)",
    "screening_case_by_request": "screening_case (tenant, request)",
    "screening_case_by_subject_hit": "screening_case (tenant, partner, list_source, entity_ref)",
    "relationship_attestation_by_request_kind": "relationship_attestation (tenant, request, kind)",
    "relationship_screening_result_by_partner_time": (
        "relationship_screening_result (tenant, partner, created_at)"
    ),
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="relationships", description=DESCRIPTION)

    async def create_indexes() -> None:
        engine = engine_finder()
        assert engine is not None
        for name, target in INDEXES.items():
            await engine.run_ddl(f"CREATE INDEX {name} ON {target}")

    async def drop_indexes() -> None:
        engine = engine_finder()
        assert engine is not None
        for name in INDEXES:
            await engine.run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
