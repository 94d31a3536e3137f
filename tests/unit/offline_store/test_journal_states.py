"""The transaction state machine: every step the table allows works, every other is refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from journal_helpers import make_breakdown, make_identity

from kernel.states import CANCELLABLE, FINAL_STATES, TX_TRANSITIONS, TxKind, TxState
from offline_store.errors import IllegalTransitionError
from offline_store.journal import Journal

S = TxState

# each public step, and the state it leads to from a given state (None: no such step there)
STEPS: dict[str, Callable[[Journal, str], object]] = {
    "identify": lambda j, t: j.identify(t, make_identity()),
    "bill": lambda j, t: j.bill(t, [{"item": "1"}]),
    "presettle": lambda j, t: j.presettle(t, make_breakdown()),
    "estimate": lambda j, t: j.estimate(t, make_breakdown()),
    "collect": lambda j, t: j.collect(t),
    "settle": lambda j, t: j.settle(t, make_breakdown()),
    "complete": lambda j, t: j.complete(t),
    "mark_forwarded": lambda j, t: j.mark_forwarded(t),
    "reconcile": lambda j, t: j.reconcile(t, make_breakdown()),
    "cancel": lambda j, t: j.cancel(t, "test"),
}
TARGET = {
    "identify": lambda s: S.IDENTIFIED,
    "bill": lambda s: S.BILLED,
    "presettle": lambda s: S.PRESETTLED,
    "estimate": lambda s: S.ESTIMATED,
    "collect": lambda s: S.COLLECTING_OFFLINE if s == S.ESTIMATED else S.COLLECTING,
    "settle": lambda s: S.SETTLED,
    "complete": lambda s: S.COMPLETED_OFFLINE if s == S.COLLECTING_OFFLINE else S.COMPLETED,
    "mark_forwarded": lambda s: S.FORWARDED,
    "reconcile": lambda s: S.RECONCILED,
    "cancel": lambda s: S.CANCELLED,
}


def test_final_states_are_exactly_the_four_ends() -> None:
    assert {S.COMPLETED, S.RECONCILED, S.CANCELLED, S.RETURNED} == FINAL_STATES


def test_cancel_is_allowed_exactly_before_settlement() -> None:
    cancellable = {s for s, targets in TX_TRANSITIONS.items() if S.CANCELLED in targets}
    assert cancellable == CANCELLABLE
    for late in (S.SETTLED, S.COMPLETED, S.COMPLETED_OFFLINE, S.FORWARDED, S.RECONCILED):
        assert late not in cancellable


def test_online_and_offline_collecting_cannot_cross_branches() -> None:
    assert S.COMPLETED_OFFLINE not in TX_TRANSITIONS[S.COLLECTING]
    assert S.SETTLED not in TX_TRANSITIONS[S.COLLECTING_OFFLINE]


@pytest.mark.parametrize("state", list(S))
def test_every_state_is_reachable_from_created(state: TxState) -> None:
    seen, frontier = {S.CREATED}, [S.CREATED]
    while frontier:
        for nxt in TX_TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert state in seen


@settings(max_examples=40)
@given(st.lists(st.sampled_from(sorted(STEPS)), min_size=1, max_size=12))
def test_random_step_sequences_follow_the_table(
    tmp_path_factory: pytest.TempPathFactory, steps: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("states")
    journal = Journal.open(folder / "j.db", folder / "k")
    try:
        tx_id = journal.create(TxKind.OUTPATIENT).tx_id
        state = S.CREATED
        for step in steps:
            target = TARGET[step](state)
            if target in TX_TRANSITIONS[state]:
                assert STEPS[step](journal, tx_id).state == target  # type: ignore[attr-defined]
                state = target
            else:
                with pytest.raises(IllegalTransitionError):
                    STEPS[step](journal, tx_id)
            assert journal.get(tx_id).state == state
        events = [
            r["event"]
            for r in journal.database.query(
                "SELECT event FROM audit_log WHERE tx_id = ? ORDER BY seq", (tx_id,)
            )
        ]
        assert events[-1] == f"tx.{state.value}"
    finally:
        journal.close()
