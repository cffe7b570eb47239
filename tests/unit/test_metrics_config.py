"""`[metrics] listen` moves /metrics to a port of its own; a bad value is one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestor.config import settings_from_dict
from ingestor.errors import ConfigError


def settings(metrics: dict[str, object]):  # type: ignore[no-untyped-def]
    return settings_from_dict({"store": {"url": "sqlite://"}, "metrics": metrics}, "t", Path("."))


def test_listen_is_host_and_port() -> None:
    assert settings({}).metrics.listen is None
    assert settings({"listen": "127.0.0.1:9108"}).metrics.listen == ("127.0.0.1", 9108)
    assert settings({"listen": "[::1]:9108"}).metrics.listen == ("::1", 9108)


@pytest.mark.parametrize("bad", ["9108", "localhost:", "host:99999", ":9108"])
def test_a_bad_listen_says_what_and_where(bad: str) -> None:
    with pytest.raises(ConfigError) as e:
        settings({"listen": bad})
    (problem,) = e.value.problems
    assert problem.startswith('metrics.listen: expected "host:port" like "127.0.0.1:9108"')


def test_unknown_metrics_keys_are_refused() -> None:
    with pytest.raises(ConfigError) as e:
        settings({"port": 9108})
    assert any(p.startswith("metrics.port") for p in e.value.problems)
