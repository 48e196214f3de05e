#!/usr/bin/env python3
"""Append one run to an existing flujo_ops.db, the way a live Flujo process does.

Used by the live-update e2e test (test/e2e/live-update.e2e.ts) and the demo workspace's README.
Reuses test/fixtures/flujo_store.py's schema statements and row builders (imported, not changed),
so the rows have exactly the shape the fixture writer gives them.

usage: append_run.py DB [--pipeline NAME] [--status completed|failed] [--checkpoint] [--seed S]

  DB            an existing Flujo store (WAL mode), e.g. the demo workspace's flujo_ops.db
  --pipeline    pipeline name (default enrich_customers); its steps come from flujo_store.PIPELINES
  --status      completed (default) or failed: a failed enrich_customers run fails in score_risk
                with the KeyError traceback, any other pipeline in its last step
  --checkpoint  close the connection normally afterwards (SQLite checkpoints the -wal into the
                database file and removes it). Default: like a live or crashed Flujo, commit and
                exit with the connection open, so the new run sits only in the -wal.
  --seed        seed for ids and timings (default: from the clock)

The run starts now (created_at = the current UTC time), so it is the newest in the store.
Prints {"id", "pipeline", "status", "createdAt", "spans", "walOnly"} as JSON.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sqlite3
import sys
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "fixtures", "flujo_store.py")


def load_fixture():
    spec = importlib.util.spec_from_file_location("flujo_store", FIXTURE)
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db")
    ap.add_argument("--pipeline", default="enrich_customers")
    ap.add_argument("--status", choices=["completed", "failed"], default="completed")
    ap.add_argument("--checkpoint", action="store_true")
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    if not os.path.isfile(a.db):
        sys.exit(f"{a.db}: no such store (write one first, e.g. node scripts/demo-workspace.mjs)")

    fs = load_fixture()
    now = datetime.now(timezone.utc)
    g = fs.Gen(a.seed if a.seed is not None else time.time_ns() % (2**31), now)
    g.next_start = lambda: now  # the run starts now, not a few minutes after the generator's clock

    names = fs.PIPELINES.get(a.pipeline, ["load", "transform", "write"])
    failed = a.status == "failed"
    if failed and a.pipeline == "enrich_customers":
        steps = [g.step("load_customers"), g.step("normalize_names"),
                 g.step("score_risk", status="failed", feedback=fs.KEYERROR_TRACEBACK,
                        step_input="{'customer_id': 4411}")]
    elif failed:
        steps = [g.step(n) for n in names[:-1]] + [
            g.step(names[-1], status="failed", feedback="ValueError: model returned an empty response")]
    else:
        steps = [g.step(n) for n in names]
    root = g.root("", a.pipeline, a.status, steps)
    run = fs.build_run(g, a.pipeline, root, runs_status=a.status, ws_status=a.status)

    db = sqlite3.connect(a.db, isolation_level=None, timeout=10)
    db.execute("PRAGMA busy_timeout = 5000")
    mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    if mode.lower() != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    if not a.checkpoint:
        db.execute("PRAGMA wal_autocheckpoint = 0")
    fs.write_current(db, [run])

    out = {"id": run.run_id, "pipeline": run.pipeline, "status": a.status, "createdAt": fs.iso(run.created),
           "spans": run.span_count(), "walOnly": not a.checkpoint}
    print(json.dumps(out))
    sys.stdout.flush()
    if a.checkpoint:
        db.close()
    else:
        # Leave the -wal as a live (or crashed) Flujo does: committed, not checkpointed, not closed.
        os._exit(0)


if __name__ == "__main__":
    main()
