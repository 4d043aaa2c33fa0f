#!/usr/bin/env python3
"""Measures Litestream's replication lag under four writers, by hand (never in `cargo test`).

Sets up a real team database (`keywork init`, one fictional client imported), has
`keywork replicate init` configure a file replica, runs `litestream replicate` with that
configuration, and a follower (`litestream restore -f`, polling the replica every 100 ms) that
rebuilds the database from the replica alone. Four writers loop `keywork session add` for the
given time, each noting when its command returned; a poller reads the follower's copy every
50 ms and notes when each session first appears there. The lag of a session is the difference:
how long after a colleague saw "Recorded" the session could be restored from the replica
(within ~150 ms of the follower's and poller's own polling).

    scripts/replication-lag.py [--keywork target/release/keywork] [--seconds 30]
"""

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keywork", default="target/release/keywork")
    ap.add_argument("--litestream", default=shutil.which("litestream") or "litestream")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--writers", type=int, default=4)
    args = ap.parse_args()
    keywork = os.path.abspath(args.keywork)
    env = dict(os.environ, KEYWORK_LITESTREAM=args.litestream)
    env.pop("KEYWORK_DB", None)

    work = tempfile.mkdtemp(prefix="keywork-lag-")
    db = os.path.join(work, "team", "team.db")
    clients = os.path.join(work, "clients.csv")
    with open(clients, "w") as f:  # one fictional client, in the columns `import` reads
        f.write("reference,given_name,family_name,date_of_birth,modality,primary_substance\n"
                "KW-00001,Testy,Demoperson,1980-01-01,psychosocial,alcohol\n")
    me = run(["id", "-un"]).stdout.strip()
    group = run(["id", "-gn"]).stdout.strip()
    run([keywork, "init", "--db", db, "--group", group, "--lead", me, "--name", "Lag Test"], env=env)
    run([keywork, "import", "--db", db, clients], env=env)
    replica = os.path.join(work, "replica")
    run([keywork, "replicate", "init", "--db", db, "--to", "file://" + replica], env=env)
    version = run([args.litestream, "version"]).stdout.strip()

    log = open(os.path.join(work, "litestream.log"), "w")
    server = subprocess.Popen(
        [args.litestream, "replicate", "-config", db + ".litestream.yml"], stdout=log, stderr=log
    )
    while not os.path.isdir(os.path.join(replica, "ltx")):
        time.sleep(0.1)
    follower_db = os.path.join(work, "follower.db")
    follower = subprocess.Popen(
        [args.litestream, "restore", "-f", "-follow-interval", "100ms", "-o", follower_db,
         "file://" + replica],
        stdout=log, stderr=log,
    )

    returned = {}  # session id -> when `session add` returned
    seen = {}  # session id -> when the follower's copy first held it
    lock = threading.Lock()
    stop = threading.Event()

    def writer(n):
        i = 0
        while not stop.is_set():
            out = run([keywork, "session", "add", "--db", db, "--client", "KW-00001",
                       "--note", f"Writer {n}, {i}."], env=env).stdout
            at = time.monotonic()
            session = int(out.split()[2])
            with lock:
                returned[session] = at
            i += 1

    def poller():
        while not stop.is_set() or len(seen) < len(returned):
            try:
                conn = sqlite3.connect(f"file:{follower_db}?mode=ro", uri=True, timeout=1)
                ids = [r[0] for r in conn.execute("SELECT id FROM sessions")]
                conn.close()
            except sqlite3.Error:
                ids = []
            now = time.monotonic()
            for session in ids:
                seen.setdefault(session, now)
            if stop.is_set() and time.monotonic() > stopped_at + 30:
                break
            time.sleep(0.05)

    stopped_at = 0.0
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(args.writers)]
    watch = threading.Thread(target=poller)
    for t in threads:
        t.start()
    watch.start()
    time.sleep(args.seconds)
    stopped_at = time.monotonic()
    stop.set()
    for t in threads:
        t.join()
    watch.join()
    follower.terminate()
    server.terminate()
    follower.wait()
    server.wait()

    lags = sorted(seen[s] - returned[s] for s in returned if s in seen)
    missing = [s for s in returned if s not in seen]
    print(f"litestream {version}; {args.writers} writers for {args.seconds:.0f} s; "
          f"{len(returned)} sessions recorded, {len(missing)} never seen in the replica")
    if lags:
        p95 = lags[int(0.95 * (len(lags) - 1))]
        print(f"lag from 'Recorded' to restorable from the replica: median {statistics.median(lags):.2f} s, "
              f"95th percentile {p95:.2f} s, worst {lags[-1]:.2f} s, best {lags[0]:.2f} s")
    shutil.rmtree(work)
    return 1 if missing or not lags else 0


if __name__ == "__main__":
    sys.exit(main())
