"""The device flow's polling: the server's interval, slow_down, and giving up at expires_in."""

from __future__ import annotations

import pytest

from ingestor.oauth.client import DeviceAuthorization, OAuthError, TokenResponse
from ingestor.oauth.flows import device_flow


class FakeDevice:
    def __init__(self, answers: list[str | None], interval: float = 5, expires_in: float = 60):
        self.answers = answers
        self.interval = interval
        self.expires_in = expires_in
        self.polls = 0

    def device_start(self) -> DeviceAuthorization:
        return DeviceAuthorization(
            "dc-secret", "BCDF-GHJK", "https://idp/device", None, self.interval, self.expires_in
        )

    def device_poll(self, device: DeviceAuthorization) -> TokenResponse:
        self.polls += 1
        answer = self.answers.pop(0) if self.answers else "authorization_pending"
        if answer is not None:
            raise OAuthError(answer, "not yet")
        return TokenResponse("at-1", 3600, "rt-1", ("imap",))


class Time:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def run(fake: FakeDevice, t: Time, said: list[str]) -> TokenResponse:
    return device_flow(fake, said.append, t.sleep, lambda: t.now)  # type: ignore[arg-type]


def test_polls_at_the_interval_and_slows_down_when_told() -> None:
    fake, t, said = (
        FakeDevice(["authorization_pending", "slow_down", "slow_down", None]),
        Time(),
        [],
    )
    tokens = run(fake, t, said)
    assert tokens.refresh_token == "rt-1"
    assert t.sleeps == [5, 5, 10, 15]
    assert said == ["To sign in, open https://idp/device and enter the code BCDF-GHJK"]
    assert not any("dc-secret" in line for line in said)


def test_gives_up_when_the_code_expires() -> None:
    fake, t = FakeDevice([], interval=5, expires_in=30), Time()
    with pytest.raises(OAuthError, match="expired_token"):
        run(fake, t, [])
    assert fake.polls == 5 and t.now == 30


@pytest.mark.parametrize("error", ["access_denied", "expired_token", "invalid_client"])
def test_other_answers_end_the_flow(error: str) -> None:
    with pytest.raises(OAuthError, match=error):
        run(FakeDevice([error]), Time(), [])
