"""Source leases on a real PostgreSQL: claim, renew, release, fencing, fair shares.

The multi-process behaviour (kill -9, SIGSTOP, PgBouncer) is in test_instances.py; this
module drives the same functions in one process, with short lease periods.
"""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import text

from ingestor.errors import StoreError
from ingestor.leasekeeper import LeaseKeeper, one_off_lease
from ingestor.pipeline import sync_source
from ingestor.store.database import open_store
from ingestor.store.leases import (
    DaemonLock,
    LeaseLost,
    claim,
    fair_share,
    fence,
    holders,
    release,
    renew,
)
from tests.factories import defaults, make_message, source_config, write_maildir

pytestmark = pytest.mark.integration
PERIOD = 1.0


@pytest.fixture
def pg(empty_postgres_url):
    return open_store(empty_postgres_url)


def test_a_lease_is_claimed_once_renewed_and_released(pg):
    mine = claim(pg, "mail", "a", PERIOD)
    assert mine is not None and mine.epoch == 1
    assert claim(pg, "mail", "b", PERIOD) is None  # held
    assert renew(pg, mine, PERIOD)
    release(pg, mine)
    theirs = claim(pg, "mail", "b", PERIOD)
    assert theirs is not None and theirs.epoch == 2  # each new owner raises the epoch
    assert not renew(pg, mine, PERIOD)  # the old holder cannot renew it back
    with pg() as s:
        assert holders(s) == {"mail": "b"}


def test_an_expired_lease_is_taken_over_and_the_old_holder_is_fenced_off(pg):
    old = claim(pg, "mail", "a", 0.3)
    assert old is not None
    time.sleep(0.5)  # a pause past the lease (a stopped process, a cut network)
    new = claim(pg, "mail", "b", PERIOD)
    assert new is not None and new.epoch == old.epoch + 1
    with pg.begin() as s, pytest.raises(LeaseLost, match="no longer held"):
        fence(s, old)
    with pg.begin() as s:
        fence(s, new)  # the holder's own commits go through


def test_a_batch_whose_lease_lapsed_commits_nothing(pg, tmp_path: Path):
    root = write_maildir(tmp_path / "mail", {"INBOX": [make_message()]})
    lease = claim(pg, "mail", "a", 0.2)
    assert lease is not None
    time.sleep(0.4)
    assert claim(pg, "mail", "b", PERIOD) is not None
    summary = sync_source(source_config(path=str(root)), defaults(), pg, lease=lease)
    assert summary.lease_lost and summary.ok  # not a failure of the source
    with pg() as s:
        assert s.execute(text("SELECT count(*) FROM ledger")).scalar() == 0
        assert s.execute(text("SELECT count(*) FROM source_cursor")).scalar() == 0


def test_fencing_holds_the_lease_row_until_the_commit(pg):
    """A claim that arrives while a batch commits waits for it: no batch commits after a
    takeover, and none is cut off half-way."""
    lease = claim(pg, "mail", "a", 0.3)
    assert lease is not None
    got: list[object] = []
    with pg.begin() as s:
        fence(s, lease)
        time.sleep(0.5)  # the lease lapses while this batch is still committing
        claimer = threading.Thread(target=lambda: got.append(claim(pg, "mail", "b", PERIOD)))
        claimer.start()
        claimer.join(0.5)
        assert claimer.is_alive(), "the claim did not wait for the batch holding the lease"
    claimer.join(5)
    assert got and got[0] is not None  # and then it takes the lapsed lease


def test_a_one_off_sync_claims_renews_and_gives_back(pg):
    with one_off_lease(pg, "mail", 0.6) as lease:
        assert lease is not None
        with one_off_lease(pg, "mail", 0.6) as other:
            assert other is None  # a second `sync --once` of the same source skips it
        time.sleep(1.0)  # longer than the period: the renewer kept it
        with pg.begin() as s:
            fence(s, lease)
    assert claim(pg, "mail", "b", PERIOD) is not None  # given back at the end


def test_keepers_share_the_sources_fairly_and_a_newcomer_gets_its_share(pg):
    names = [f"box{i}" for i in range(7)]
    first = LeaseKeeper(pg, names, PERIOD, owner="first")
    first.beat()
    assert len(first.held()) == 7
    second = LeaseKeeper(pg, names, PERIOD, owner="second")
    deadline = time.monotonic() + 3 * PERIOD
    while time.monotonic() < deadline:
        second.beat()
        first.beat()
        if len(first.held()) + len(second.held()) == 7 and len(second.held()) >= 3:
            break
        time.sleep(first.interval)
    share = fair_share(7, 2)
    assert sorted(first.held() + second.held()) == names  # every source held, once
    assert max(len(first.held()), len(second.held())) <= share + 1
    first.close()  # a clean shutdown gives everything back at once
    second.beat()
    second.beat()
    assert second.held() == names


def test_fair_share():
    assert [fair_share(12, n) for n in (1, 2, 3, 5, 12, 20)] == [12, 6, 4, 3, 1, 1]


def test_a_second_daemon_on_one_sqlite_store_is_refused(tmp_path: Path):
    first = DaemonLock(str(tmp_path / "store.db"))
    first.acquire()
    try:
        with pytest.raises(StoreError, match="another ingestor daemon .* already runs") as e:
            DaemonLock(str(tmp_path / "store.db")).acquire()
        assert "\n" not in str(e.value)
    finally:
        first.release()
    DaemonLock(str(tmp_path / "store.db")).acquire()  # free again once the first has gone


def test_busy_sources_over_the_share_are_asked_to_stop_for_a_newcomer(pg):
    """Every source of the first keeper is mid-poll (a long first sync): none is idle to give
    back, so the ones over its share are asked to yield, and go once their polls end."""
    names = [f"box{i}" for i in range(6)]
    first = LeaseKeeper(pg, names, PERIOD, owner="first")
    first.beat()
    with ExitStack() as polls:
        for name in names:
            polls.enter_context(first.polling(name))
        assert not any(first.yielding(n) for n in names)
        second = LeaseKeeper(pg, names, PERIOD, owner="second")
        second.beat()  # it says it is alive; nothing is free yet
        first.beat()
        asked = [n for n in names if first.yielding(n)]
        assert len(asked) == len(names) - fair_share(6, 2)
    first.beat()  # the polls ended: the asked-for leases go
    second.beat()
    assert len(first.held()) == fair_share(6, 2) and len(second.held()) == 3
    assert not any(first.yielding(n) for n in names)
    first.close()
    second.close()
