"""An open motion in every test tenant, so that routes with `{motion_id}` have an
object to find (tests/api/routes.py). Written straight into the tables: opening one
through the service needs a subject, and these routes' tests are about tenant and role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from registry.board.tables import Ballot, Motion
from tenants.scope import TenantScope


async def seed_motion(scope: TenantScope, board_member: UUID) -> UUID:
    """An open motion (closing in a year) with `board_member` on its roll; its id."""
    motion = await scope.create(
        Motion,
        subject_kind="mou_approval",
        subject_id=uuid4(),
        title="Seeded motion",
        papers="",
        status="open",
        opened_at=datetime.now(UTC),
        closes_at=datetime.now(UTC) + timedelta(days=365),
    )
    await scope.create(Ballot, motion=motion.id, person=board_member)
    return UUID(str(motion.id))
