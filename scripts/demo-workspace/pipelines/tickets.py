"""summarize_tickets: pull new support tickets, cluster them, summarize each cluster, notify the team."""
from __future__ import annotations

from collections import defaultdict

from flujo import step

from pipelines.common import make_refine_loop, read_batch


@step
async def pull_tickets(batch: dict) -> list[dict]:
    return read_batch("tickets.jsonl", batch)


@step
async def cluster(tickets: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for t in tickets:
        groups[t.get("product", "other")].append(t)
    return dict(groups)


@step
async def summarize(groups: dict[str, list[dict]]) -> dict[str, str]:
    # An LLM agent in production (Flujo retries it: flujo.attempt_number 2 in some runs).
    return {k: f"{len(v)} ticket(s), e.g. {v[0]['subject']!r}" for k, v in groups.items()}


@step
async def notify(summaries: dict[str, str]) -> int:
    for product, text in summaries.items():
        print(f"[{product}] {text}")
    return len(summaries)


summarize_tickets = pull_tickets >> make_refine_loop() >> cluster >> summarize >> notify
