"""approve_refunds: load an order, then wait for a person to approve the refund (HITL pause)."""
from __future__ import annotations

from flujo import Step, step

from pipelines.common import read_batch


@step
async def load_order(batch: dict) -> dict:
    orders = read_batch("orders.jsonl", batch)
    return orders[0] if orders else {}


approve_refund = Step.human_in_the_loop(
    name="approve_refund",
    message_for_user="Approve refund of ${input[amount]} for order {input[id]}?",
)

approve_refunds = load_order >> approve_refund
