"""Records of one table share pydantic's set of "fields given" (728 bytes a record): a
million-transaction ledger no longer carries 700 MB of identical sets, and nothing a set is
used for changes."""

from __future__ import annotations

import datetime as dt

from xl_engage.inputs.reconcile import ledger_entries, load_ledger
from xl_engage.models.reconcile import Transaction
from xl_engage.templates import SAMPLE_MSP

LEDGER = SAMPLE_MSP / "reconcile" / "harbor-logistics-ledger.csv"


def test_a_ledger_s_transactions_share_one_set_of_fields_given() -> None:
    ledger = load_ledger(LEDGER, today=dt.date(2026, 11, 22))
    sets = {id(t.__pydantic_fields_set__) for t in ledger.transactions}
    assert len(ledger.transactions) > 100
    assert len(sets) <= 3  # one per shape of row (with or without a reference, say)
    entries = ledger_entries(ledger.transactions)
    assert len({id(e.__pydantic_fields_set__) for e in entries}) == 1


def test_a_shared_set_changes_nothing_a_set_is_for() -> None:
    ledger = load_ledger(LEDGER, today=dt.date(2026, 11, 22))
    first, second = ledger.transactions[:2]
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    before = set(second.__pydantic_fields_set__)
    changed = first.model_copy(update={"assigned_category": "Hardware"})
    assert "assigned_category" in changed.__pydantic_fields_set__
    assert second.__pydantic_fields_set__ == before  # the copy did not change the shared set
    fresh = Transaction.model_validate(first.model_dump(exclude_unset=True))
    assert fresh == first
    assert fresh.model_dump(exclude_unset=True) == first.model_dump(exclude_unset=True)
