"""The MOU register's daily job inside the server: MOUs in force past their expiry
become expired, and reviews that have fallen due are opened (of MOUs, and of approved
relationships no MOU in force governs, such as in-kind support). It runs every hour so
that a restart never skips a day; each pass only acts on what is due, under each
MOU's row lock, so running it again (or in several processes, or beside the cron
commands `accord mous expire` and `accord mous reviews-due`) changes nothing twice.
"""

from __future__ import annotations

from registry.board.jobs import SCHEDULER, Periodic

MOU_PASS_SECONDS = 3600.0


async def mou_pass() -> None:
    from registry.mous.service import expire_due, open_due_reviews
    from registry.relationships import reviews

    await expire_due(actor=SCHEDULER)
    await open_due_reviews(actor=SCHEDULER)
    # Approved relationships without an MOU in force (in-kind support) are reviewed too.
    await reviews.open_due_reviews(actor=SCHEDULER)


_mous = Periodic("accord-mous", MOU_PASS_SECONDS, mou_pass)


async def start_mou_jobs() -> None:
    """Litestar on_startup."""
    _mous.start()


async def stop_mou_jobs() -> None:
    """Litestar on_shutdown."""
    await _mous.stop()
