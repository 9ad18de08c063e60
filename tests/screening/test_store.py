"""Stored list versions: atomic import, supersession, read-back, the live index."""

from __future__ import annotations

import pytest

from screening import store
from screening.live import LiveIndex
from screening.model import ListFormatError
from screening.parsers import parse_list
from screening.tables import ScreeningEntity, ScreeningListVersion

from .conftest import FTM_T1, FTM_ZALA

pytestmark = pytest.mark.usefixtures("clean_lists")


async def _counts() -> tuple[int, int]:
    return await ScreeningListVersion.count(), await ScreeningEntity.count()


async def test_import_round_trips_entities(un_2024):
    result = await store.import_version(un_2024)
    assert result.created and result.superseded == []
    stored = result.version
    assert stored.source == "un" and stored.status == store.ACTIVE
    assert stored.version == un_2024.version_id
    assert stored.published == un_2024.published
    assert stored.sha256 == un_2024.sha256
    assert stored.entity_count == len(un_2024.entities)
    assert stored.counts == un_2024.counts()
    loaded = await store.load_version(stored.id)
    assert loaded.version_id == un_2024.version_id
    assert loaded.entities == un_2024.entities


async def test_newer_import_supersedes_and_same_publication_is_a_no_op():
    t1, zala = parse_list("ftm", FTM_T1), parse_list("ftm", FTM_ZALA)
    first = await store.import_version(t1)
    second = await store.import_version(zala)
    assert second.superseded == [first.version.id]
    again = await store.import_version(zala)
    assert not again.created and again.version.id == second.version.id
    versions = await store.list_versions()
    assert [(v.id, v.status) for v in versions] == [
        (second.version.id, store.ACTIVE),
        (first.version.id, store.SUPERSEDED),
    ]
    signature, active = await store.load_active()
    assert signature == ((second.version.id, zala.sha256),)
    assert [v.version_id for v in active] == [zala.version_id]


async def test_failed_import_stores_nothing_and_keeps_the_active_version(monkeypatch):
    t1 = parse_list("ftm", FTM_T1)
    kept = (await store.import_version(t1)).version
    before = await _counts()
    zala = parse_list("ftm", FTM_ZALA)
    calls = 0

    def fail_half_way(n: int) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "CHUNK", 5)
    with pytest.raises(RuntimeError, match="disk full"):
        await store.import_version(zala, progress=fail_half_way)
    assert calls == 1  # the first chunk of entities had been written, then rolled back
    assert await _counts() == before
    assert [(v.id, v.status) for v in await store.list_versions()] == [(kept.id, store.ACTIVE)]


def test_malformed_file_is_refused_before_anything_is_stored(tmp_path):
    bad = tmp_path / "bad.ftm.json"
    bad.write_text(FTM_T1.read_text().splitlines()[0] + "\n{not json\n")
    with pytest.raises(ListFormatError) as error:
        parse_list("ftm", bad)
    assert str(bad) in str(error.value)


async def test_live_index_fails_closed_then_follows_imports():
    live = LiveIndex(refresh_s=0)
    await live.load()
    assert live.screener.screen("Vitaly Yurievich Kuzmenko").status == "not_cleared"
    await store.import_version(parse_list("ftm", FTM_T1))
    # Requests keep the old index until the rebuild in the background is done.
    await live.refresh_if_due()
    await live.wait()
    result = live.screener.screen("Vitaly Yurievich Kuzmenko")
    assert result.status == "block", result
    await store.delete_all()
    await live.refresh_if_due()
    await live.wait()
    assert live.screener.screen("Vitaly Yurievich Kuzmenko").status == "not_cleared"


async def test_live_index_checks_the_database_at_most_every_refresh_interval(monkeypatch):
    live = LiveIndex(refresh_s=3600)
    await live.load()
    calls = 0
    original = store.active_signature

    async def counting() -> store.Signature:
        nonlocal calls
        calls += 1
        return await original()

    monkeypatch.setattr(store, "active_signature", counting)
    for _ in range(20):
        await live.refresh_if_due()
    assert calls == 0
