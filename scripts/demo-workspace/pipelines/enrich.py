"""enrich_customers: read a CRM batch, clean names, score risk, geocode, write it out."""
from flujo import Pipeline, Step, step

from pipelines.common import geocode, make_refine_loop, read_batch, write_batch


@step
async def load_customers(batch: dict) -> list[dict]:
    return read_batch("customers.jsonl", batch)  # as the CRM exports them


@step
async def normalize_names(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["name"] = " ".join(part.capitalize() for part in row["name"].split())
    return rows


@step
async def score_risk(rows: list[dict]) -> list[dict]:
    """Debt-to-income ratio per customer; above 0.4 counts as high risk."""
    for row in rows:
        # The CRM leaves `income` out when a customer never declared it.
        ratio = row["debt"] / row["income"]
        row["risk"] = "high" if ratio > 0.4 else "low"
    return rows


@step
async def normalize_eu(rows: list[dict]) -> list[dict]:
    """EU customers: postcodes without spaces, country codes upper-case."""
    for row in rows:
        row["postcode"] = row.get("postcode", "").replace(" ", "")
        row["country"] = row.get("country", "").upper()
    return rows


@step
async def write_output(rows: list[dict]) -> int:
    return write_batch("customers_enriched.jsonl", rows)


route_by_region = Step.branch_on(
    name="route_by_region",
    condition_callable=lambda rows, _ctx: "eu" if any(r.get("region") == "eu" for r in rows) else "other",
    branches={
        "eu": Pipeline.from_step(normalize_eu),
        "other": Pipeline.from_step(Step.from_callable(lambda rows: rows, name="keep_as_is")),
    },
)

refine_addresses = Step.loop_until(
    name="refine_addresses",
    loop_body_pipeline=Pipeline.from_step(Step.from_callable(geocode, name="geocode")),
    exit_condition_callable=lambda rows, _ctx: all("lat" in r for r in rows),
    max_loops=3,
)

# What the nightly job runs: load_customers >> normalize_names >> score_risk >> geocode >> write_output
# (older runs in flujo_ops.db also went through a generic `refine` loop, see pipelines/common.py).
enrich_customers = (
    load_customers
    >> normalize_names
    >> score_risk
    >> Step.from_callable(geocode, name="geocode")
    >> write_output
)

# The reworked variant: regional clean-up and a geocoding loop that retries unmatched addresses.
enrich_customers_v2 = load_customers >> route_by_region >> refine_addresses >> write_output

__all__ = ["enrich_customers", "enrich_customers_v2", "make_refine_loop"]
