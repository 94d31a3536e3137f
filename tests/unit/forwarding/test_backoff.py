"""Full-jitter back-off: uniform over [0, min(cap, base * 2**(attempt-1))]."""

from __future__ import annotations

import random
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offline_store.forwarder import full_jitter_delay


@given(attempt=st.integers(1, 200), seed=st.integers(0, 2**32))
def test_delay_stays_within_zero_and_the_capped_exponential(attempt: int, seed: int) -> None:
    delay = full_jitter_delay(attempt, base=1.0, cap=300.0, rng=random.Random(seed))
    assert 0.0 <= delay <= min(300.0, 2.0 ** (attempt - 1))


@pytest.mark.parametrize(("attempt", "ceiling"), [(1, 1.0), (4, 8.0), (9, 256.0), (12, 300.0)])
def test_delays_are_spread_uniformly_up_to_the_ceiling(attempt: int, ceiling: float) -> None:
    rng = random.Random(7)
    draws = [full_jitter_delay(attempt, base=1.0, cap=300.0, rng=rng) for _ in range(20_000)]
    # a uniform [0, c] has mean c/2 and standard deviation c/sqrt(12); each decile holds ~10 %
    assert statistics.fmean(draws) == pytest.approx(ceiling / 2, rel=0.03)
    assert statistics.pstdev(draws) == pytest.approx(ceiling / 12**0.5, rel=0.03)
    deciles = [
        sum(1 for d in draws if k * ceiling / 10 <= d < (k + 1) * ceiling / 10) for k in range(10)
    ]
    assert all(1_700 < n < 2_300 for n in deciles)
    assert max(draws) > 0.99 * ceiling


def test_attempts_count_from_one() -> None:
    with pytest.raises(ValueError):
        full_jitter_delay(0, base=1.0, cap=300.0)
