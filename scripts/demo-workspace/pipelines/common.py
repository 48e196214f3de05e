"""Helpers the pipelines share: batch files, geocoding, and the generic `refine` loop."""
from __future__ import annotations

import json
from pathlib import Path

from flujo import Pipeline, Step, step

DATA = Path(__file__).resolve().parent.parent / "data"


def read_batch(name: str, batch: dict) -> list[dict]:
    """Rows of data/<name> (JSON lines) that belong to `batch` (all rows when it names none)."""
    with open(DATA / name, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    wanted = batch.get("customer_ids") or batch.get("ids")
    return [r for r in rows if not wanted or r.get("id") in wanted]


def write_batch(name: str, rows: list[dict]) -> int:
    out = DATA / "out" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    return len(rows)


async def geocode(rows: list[dict]) -> list[dict]:
    """Latitude/longitude per address; a stub that knows a few postcodes (no network in the demo)."""
    known = {"10115": (52.532, 13.384), "75001": (48.864, 2.335), "94103": (37.772, -122.411)}
    for r in rows:
        if r.get("postcode") in known:
            r["lat"], r["lon"] = known[r["postcode"]]
    return rows


@step
async def refine_body(rows: list) -> list:
    """One refinement pass: drop rows a previous step marked as rejected."""
    return [r for r in rows if not (isinstance(r, dict) and r.get("rejected"))]


def make_refine_loop(max_loops: int = 3) -> Step:
    """The generic `refine` loop every pipeline used before it got its own (Loop 'refine' - Iteration N)."""
    return Step.loop_until(
        name="refine",
        loop_body_pipeline=Pipeline.from_step(refine_body),
        exit_condition_callable=lambda rows, _ctx: not any(isinstance(r, dict) and r.get("rejected") for r in rows),
        max_loops=max_loops,
    )
