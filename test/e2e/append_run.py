#!/usr/bin/env python3
"""Append one run to an existing flujo_ops.db, the way a live Flujo process does.

Used by the live-update e2e test (test/e2e/live-update.e2e.ts) and the demo workspace's README.
Reuses test/fixtures/flujo_store.py's schema statements and row builders (imported, not changed),
so the rows have exactly the shape the fixture writer gives them.

usage: append_run.py DB [--pipeline NAME] [--status completed|failed] [--checkpoint] [--seed S]
       append_run.py DB --finish RUN_ID [--status completed|failed] [--checkpoint]

  DB            an existing Flujo store (WAL mode), e.g. the demo workspace's flujo_ops.db
  --pipeline    pipeline name (default enrich_customers); its steps come from flujo_store.PIPELINES
  --status      completed (default) or failed: a failed enrich_customers run fails in score_risk
                with the KeyError traceback, any other pipeline in its last step
  --checkpoint  close the connection normally afterwards (SQLite checkpoints the -wal into the
                database file and removes it). Default: like a live or crashed Flujo, commit and
                exit with the connection open, so the new run sits only in the -wal.
  --seed        seed for ids and timings (default: from the clock)
  --finish ID   instead of adding a run, finish a running one (e.g. the demo's `running` scenario):
                its open spans end, two more steps are recorded after them, and the run (runs and
                workflow_state) gets --status, as Flujo's record_run_end does

A new run starts now (created_at = the current UTC time), so it is the newest in the store.
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
    ap.add_argument("--finish", metavar="RUN_ID")
    a = ap.parse_args()
    if not os.path.isfile(a.db):
        sys.exit(f"{a.db}: no such store (write one first, e.g. node scripts/demo-workspace.mjs)")

    fs = load_fixture()
    if a.finish:
        finish_run(fs, a)
        return
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

    db = connect(a.db, a.checkpoint)
    fs.write_current(db, [run])

    out = {"id": run.run_id, "pipeline": run.pipeline, "status": a.status, "createdAt": fs.iso(run.created),
           "spans": run.span_count(), "walOnly": not a.checkpoint}
    done(db, out, a.checkpoint)


def connect(db_path: str, checkpoint: bool) -> sqlite3.Connection:
    db = sqlite3.connect(db_path, isolation_level=None, timeout=10)
    db.execute("PRAGMA busy_timeout = 5000")
    if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    if not checkpoint:
        db.execute("PRAGMA wal_autocheckpoint = 0")
    return db


def done(db: sqlite3.Connection, out: dict, checkpoint: bool) -> None:
    print(json.dumps(out))
    sys.stdout.flush()
    if checkpoint:
        db.close()
    else:
        # Leave the -wal as a live (or crashed) Flujo does: committed, not checkpointed, not closed.
        os._exit(0)


def finish_run(fs, a) -> None:
    """Ends a running run: open spans end, two more steps follow, runs/workflow_state get the status."""
    db = connect(a.db, a.checkpoint)
    row = db.execute("SELECT pipeline_name, created_at FROM runs WHERE run_id = ?", (a.finish,)).fetchone()
    if row is None:
        sys.exit(f"{a.db}: no run {a.finish}")
    pipeline, created_at = row
    spans = db.execute("SELECT span_id, parent_span_id, name, start_time, end_time FROM spans WHERE run_id = ? "
                       "ORDER BY start_time", (a.finish,)).fetchall()
    root = next((s for s in spans if s[1] is None), None)
    if root is None:
        sys.exit(f"{a.db}: run {a.finish} has no root span")
    now = datetime.now(timezone.utc)
    failed = a.status == "failed"
    t = max([s[3] for s in spans] + [s[4] for s in spans if s[4] is not None]) + 0.4
    db.execute("BEGIN")
    # The step that was running ends now (successfully: the new failure, if any, is a later step).
    for s in spans:
        if s[4] is None and s[0] != root[0]:
            db.execute("UPDATE spans SET end_time = ?, status = 'completed' WHERE run_id = ? AND span_id = ?",
                       (round(t, 6), a.finish, s[0]))
    names = [n for n in fs.PIPELINES.get(pipeline, ["finish"]) if n not in {s[2] for s in spans}][:2] or ["finish"]
    step_index = len(db.execute("SELECT 1 FROM steps WHERE run_id = ?", (a.finish,)).fetchall())
    for i, name in enumerate(names):
        last = i == len(names) - 1
        status = "failed" if failed and last else "completed"
        attrs = {"flujo.step.type": "Step", "success": status == "completed", "latency_s": 0.25}
        if status == "failed":
            attrs["feedback"] = "ValueError: model returned an empty response"
        t0, t = t + 0.001, t + 0.25
        db.execute(fs.SQL_SPAN, (f"{a.finish[-8:]}-{name}", a.finish, root[0], name, round(t0, 6), round(t, 6),
                                 status, json.dumps(attrs), fs.sqlite_now(now)))
        db.execute(fs.SQL_STEP, (a.finish, name, step_index + i, status, json.dumps({"rows": 3}), None, 0.001, 42,
                                 250, fs.iso(now)))
    db.execute("UPDATE spans SET end_time = ?, status = ? WHERE run_id = ? AND span_id = ?",
               (round(t + 0.001, 6), a.status, a.finish, root[0]))
    started = datetime.fromisoformat(created_at)
    exec_ms = int((now - started).total_seconds() * 1000)
    db.execute(fs.SQL_RUN_END, (a.status, fs.iso(now), None, None, 0,
                                "Step failed" if failed else None, a.finish))
    db.execute("UPDATE workflow_state SET status = ?, updated_at = ?, execution_time_ms = ? WHERE run_id = ?",
               (a.status, fs.iso(now), exec_ms, a.finish))
    db.execute("COMMIT")
    out = {"id": a.finish, "pipeline": pipeline, "status": a.status, "createdAt": created_at,
           "spans": len(spans) + len(names), "walOnly": not a.checkpoint}
    done(db, out, a.checkpoint)


if __name__ == "__main__":
    main()
