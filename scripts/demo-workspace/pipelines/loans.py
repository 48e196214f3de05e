"""score_loans: fetch applications, extract features, ask the scoring model, apply policy, publish."""
from __future__ import annotations

import asyncio

from flujo import Pipeline, Step, step

from pipelines.common import make_refine_loop, read_batch

MODEL_TIMEOUT_S = 30.0


@step
async def fetch_applications(batch: dict) -> list[dict]:
    return read_batch("applications.jsonl", batch)


@step
async def extract_features(apps: list[dict]) -> list[dict]:
    return [{"id": a["id"], "amount": a["amount"], "term_months": a.get("term_months", 36)} for a in apps]


async def _ask_model(features: list[dict]) -> list[dict]:
    # The scoring service; stubbed in the demo. Real runs sometimes get an empty body back.
    return [{"id": f["id"], "score": 0.5} for f in features]


@step
async def call_model(features: list[dict]) -> list[dict]:
    scores = await asyncio.wait_for(_ask_model(features), timeout=MODEL_TIMEOUT_S)
    if not scores:
        raise ValueError("model returned an empty response")
    return scores


@step
async def apply_policy(scores: list[dict]) -> list[dict]:
    return [dict(s, approved=s["score"] >= 0.6) for s in scores]


@step
async def publish_scores(decisions: list[dict]) -> int:
    return len(decisions)


# Retries the model when it answers with nothing (Loop 'retry_scoring' - Iteration N).
retry_scoring = Step.loop_until(
    name="retry_scoring",
    loop_body_pipeline=Pipeline.from_step(call_model),
    exit_condition_callable=lambda scores, _ctx: bool(scores),
    max_loops=2,
)

score_loans = fetch_applications >> extract_features >> call_model >> apply_policy >> publish_scores
score_loans_with_retry = fetch_applications >> retry_scoring
score_loans_refined = fetch_applications >> make_refine_loop() >> extract_features >> call_model
