"""Native SQLite (python3's sqlite3 module) timings for `npm run bench`.

Runs, on the same file, the same queries Spanlens' Flujo reader runs, and does the
same post-processing in Python (JSON attributes per span, percentiles per name),
so the ratio compares engines, not amounts of work. Prints one JSON object.
Opened read-only (mode=ro) on a copy: sqlite3 would otherwise checkpoint the -wal
into the store on close, and Spanlens must keep seeing the store as Flujo left it.
"""
import json
import sqlite3
import sys
import time
from collections import defaultdict

db, run_id, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])


# `native.py DB RUN REPS --search QUERIES.json`: search's native twin. QUERIES.json is a list of
# {"name", "where", "params"}: each a full scan of `spans` with LIKE (what a SQLite app would run),
# counting the matches and fetching the first 50, timed as the median of REPS. Prints {name: ms}.
if len(sys.argv) > 5 and sys.argv[4] == "--search":
    with open(sys.argv[5]) as f:
        queries = json.load(f)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out = {}
    for q in queries:
        def run(q=q):
            con.execute(f"SELECT COUNT(*) FROM spans s WHERE {q['where']}", q["params"]).fetchone()
            con.execute(
                f"SELECT s.span_id, s.run_id, s.name, s.status, s.end_time - s.start_time FROM spans s "
                f"WHERE {q['where']} LIMIT 50", q["params"]).fetchall()
        ts = []
        for _ in range(reps):
            t0 = time.perf_counter()
            run()
            ts.append((time.perf_counter() - t0) * 1000)
        ts.sort()
        out[q["name"]] = ts[len(ts) // 2]
    print(json.dumps(out))
    sys.exit(0)
fast_reps = int(sys.argv[4]) if len(sys.argv) > 4 else reps  # for the sub-10 ms operations


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def timed(fn, n=None):
    out = []
    for _ in range(n or reps):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return median(out)


def connect():
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def read_file():
    with open(db, "rb") as f:
        f.read()


def open_and_list():
    con = connect()
    rows = con.execute(
        "SELECT r.run_id, r.pipeline_name, COALESCE(ws.status, r.status), r.created_at, "
        "r.updated_at, ws.execution_time_ms, ws.error_message "
        "FROM runs r LEFT JOIN workflow_state ws ON ws.run_id = r.run_id "
        "ORDER BY r.created_at DESC LIMIT 200"
    ).fetchall()
    ids = [r[0] for r in rows]
    marks = ",".join("?" * len(ids))
    con.execute(
        f"SELECT run_id, COUNT(*), MIN(start_time), MAX(end_time) FROM spans "
        f"WHERE run_id IN ({marks}) GROUP BY run_id",
        ids,
    ).fetchall()
    con.close()


con = connect()


def one_run():
    rows = con.execute(
        "SELECT span_id, parent_span_id, name, start_time, end_time, status, attributes "
        "FROM spans WHERE run_id = ? ORDER BY start_time, id",
        (run_id,),
    ).fetchall()
    for r in rows:
        json.loads(r[6] or "{}")


def stats():
    groups = defaultdict(list)
    by_status = defaultdict(int)
    for name, status, dur in con.execute(
        "SELECT s.name, s.status, s.end_time - s.start_time FROM spans s"
    ):
        by_status[status] += 1
        if dur is not None:
            groups[name].append(dur)
    for durs in groups.values():
        durs.sort()
        n = len(durs)
        (sum(durs) / n, durs[max(0, -(-n * 50 // 100) - 1)], durs[max(0, -(-n * 95 // 100) - 1)])


print(json.dumps({
    "readFile": timed(read_file),
    "openList": timed(open_and_list),
    "oneRun": timed(one_run, fast_reps),
    "stats": timed(stats),
}))
