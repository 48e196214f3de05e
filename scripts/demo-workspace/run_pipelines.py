"""Runs one of the demo pipelines with Flujo, recording the run in flujo_ops.db.

    pip install flujo
    python run_pipelines.py enrich_customers '{"customer_ids": [4410, 4411]}'

Spanlens (the VS Code extension) shows each run in its Runs view as soon as Flujo writes it.
The flujo_ops.db that comes with this workspace was written by Spanlens' fixture generator
(test/fixtures/flujo_store.py) the way Flujo writes it, so the demo works without Flujo installed.
"""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from flujo import Flujo
from flujo.state.backends.sqlite import SQLiteBackend

from pipelines.enrich import enrich_customers
from pipelines.invoices import sync_invoices
from pipelines.loans import score_loans
from pipelines.refunds import approve_refunds
from pipelines.tickets import summarize_tickets

PIPELINES = {
    "enrich_customers": enrich_customers,
    "score_loans": score_loans,
    "sync_invoices": sync_invoices,
    "summarize_tickets": summarize_tickets,
    "approve_refunds": approve_refunds,
}


async def main(name: str, data: dict) -> None:
    backend = SQLiteBackend(Path(__file__).resolve().parent / "flujo_ops.db")
    runner = Flujo(PIPELINES[name], pipeline_name=name, state_backend=backend)
    async for _ in runner.run_async(data):
        pass


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in PIPELINES:
        sys.exit(f"usage: python run_pipelines.py {{{'|'.join(PIPELINES)}}} [JSON input]")
    asyncio.run(main(sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}))
