"""sync_invoices: list open invoices, match them to payments, reconcile, post to the ledger."""
from __future__ import annotations

from flujo import step

from pipelines.common import make_refine_loop, read_batch


@step
async def list_invoices(batch: dict) -> list[dict]:
    return read_batch("invoices.jsonl", batch)


@step
async def match_payments(invoices: list[dict]) -> list[dict]:
    payments = {p["invoice"]: p for p in read_batch("payments.jsonl", {})}
    return [dict(inv, payment=payments.get(inv["id"])) for inv in invoices]


@step
async def reconcile(matched: list[dict]) -> list[dict]:
    for inv in matched:
        paid = (inv["payment"] or {}).get("amount", 0)
        if paid and abs(paid - inv["amount"]) > 0.01:
            raise ValueError(f"invoice {inv['id']}: paid {paid} but {inv['amount']} is due")
    return matched


@step
async def post_ledger(reconciled: list[dict]) -> int:
    return sum(1 for inv in reconciled if inv["payment"])


sync_invoices = list_invoices >> make_refine_loop() >> match_payments >> reconcile >> post_ledger
