#!/usr/bin/env python3
"""Lab 08's CPython side: pools and a prefetching pipeline, measured (`racelab bench 8` runs it).

  python3 pools.py            # tables (about 40-60 s on a 2-core machine)
  python3 pools.py --json     # one JSON object (what `racelab bench 8` would embed)
  python3 pools.py --quick    # fewer trials and sizes (~15 s), for a smoke test
  python3 pools.py --trials 3 # 3 trials per point (and 3 epochs per pipeline point)
  python3 pools.py --from run.json   # the tables of a saved --json run

Two kinds of job, said as such:
  cpu : a pure-Python loop (sum of squares), ~10 ms per job here; it holds the GIL.
  io  : time.sleep(...) standing in for a blocking read; it releases the GIL.
        (A sleep is not a disk or a network: it waits without using any device.)

Executors: concurrent.futures.ThreadPoolExecutor, ProcessPoolExecutor and
multiprocessing.Pool, at workers 1, 2, cores, 2 x cores (IO-bound also one worker
per job). Process pools use the "fork" start method explicitly
(the Linux default up to 3.13; 3.14 defaults to forkserver, which starts slower).
"e2e" times pool creation + the jobs + shutdown; "warm" times only the jobs on a
pool that is already started (one warm-up round first) -- the start-up a pool
amortises is the difference.

Pipeline (a data loader): K worker processes, each with its own index queue
(round robin, as PyTorch's DataLoader), load numbered batches and put them on
one result queue; the consumer keeps at most `depth` batches outstanding
(requested and not yet trained on -- PyTorch's prefetch_factor x num_workers),
reorders them, and "trains" on each in order. Training is a sleep (a GPU step
the CPU waits for). One batch in six loads 3x slower (uneven batches), which is
what a prefetch depth is for.

Every figure is the median of the trials with the min-max spread (5 trials;
the pipeline, 3 epochs per point on workers started once).
"""
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

QUICK = "--quick" in sys.argv
TRIALS = 3 if QUICK else 5
if "--trials" in sys.argv:                        # `racelab bench 8 --trials N` passes its N on
    TRIALS = max(1, int(sys.argv[sys.argv.index("--trials") + 1]))
PIPE_TRIALS = 2 if QUICK else max(2, min(3, TRIALS))   # epochs per pipeline point
CORES = os.cpu_count() or 1
CTX = mp.get_context("fork")

# --- the jobs -----------------------------------------------------------------

CPU_N = 200_000          # loop iterations per CPU-bound job (~10 ms on a 2020s x86 core)
JOBS = 16                # IO-bound jobs per run
CPU_JOBS = 8             # CPU-bound jobs per run (each trial also runs them sequentially)
IO_S = 0.010             # seconds each IO-bound job sleeps


def squares(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def cpu_job(_):
    return squares(CPU_N)


def io_job(_):
    time.sleep(IO_S)
    return 0


def noop(_=None):
    return 0


JOB = {"cpu": cpu_job, "io": io_job}


def trials(f, n=TRIALS):
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return ts


def spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


# --- executors ----------------------------------------------------------------

def make(kind, k):
    if kind == "ThreadPoolExecutor":
        return ThreadPoolExecutor(k)
    if kind == "ProcessPoolExecutor":
        return ProcessPoolExecutor(k, mp_context=CTX)
    return CTX.Pool(k)


def run_on(pool, kind, job, jobs):
    if kind == "multiprocessing.Pool":
        return pool.map(job, range(jobs))          # chunksize: ceil(jobs / (4 k))
    return list(pool.map(job, range(jobs)))        # chunksize 1


def close(pool, kind):
    if kind == "multiprocessing.Pool":
        pool.close()
        pool.join()
    else:
        pool.shutdown(wait=True)


def executors(work):
    """CPU-bound: each trial of a pool is paired with a sequential trial run just before it, and the
    speedup is the ratio within the pair, so a neighbour's build starting or stopping between trials
    moves both sides of the ratio (a shared machine drifts by 2x within a minute). IO-bound: one
    sequential baseline (a sleep does not slow down when the cores are busy)."""
    job = JOB[work]
    jobs = CPU_JOBS if work == "cpu" else JOBS
    counts = sorted({1, 2, CORES, 2 * CORES} | ({JOBS} if work == "io" else set()))
    if QUICK:
        counts = sorted({1, CORES, 2 * CORES})
    seq_once = lambda: [job(i) for i in range(jobs)]
    seq = trials(seq_once)
    base = statistics.median(seq)
    out = {"jobs": jobs, "sequential_s": spread(seq), "paired": work == "cpu", "rows": []}
    for kind in ("ThreadPoolExecutor", "ProcessPoolExecutor", "multiprocessing.Pool"):
        for k in counts:
            def e2e():
                p = make(kind, k)
                run_on(p, kind, job, jobs)
                close(p, kind)
            p = make(kind, k)
            run_on(p, kind, job, jobs)             # warm-up: every worker started
            warm = lambda: run_on(p, kind, job, jobs)
            t_e2e, t_warm, s_e2e, s_warm = [], [], [], []
            for _ in range(TRIALS):
                for f, ts, ss in ((e2e, t_e2e, s_e2e), (warm, t_warm, s_warm)):
                    b = trials(seq_once, 1)[0] if work == "cpu" else base
                    t = trials(f, 1)[0]
                    ts.append(t)
                    ss.append(b / t)
            close(p, kind)
            out["rows"].append({
                "executor": kind, "workers": k,
                "e2e_jobs_per_s": spread([jobs / t for t in t_e2e]),
                "warm_jobs_per_s": spread([jobs / t for t in t_warm]),
                "e2e_speedup": spread(s_e2e),
                "warm_speedup": spread(s_warm),
            })
    return out


def startup():
    def one(kind, k):
        def f():
            p = make(kind, k)
            if kind == "multiprocessing.Pool":
                p.apply(noop)
            else:
                p.submit(noop).result()
            close(p, kind)
        return f
    rows = {}
    for kind in ("ThreadPoolExecutor", "ProcessPoolExecutor", "multiprocessing.Pool"):
        for k in sorted({1, CORES, 2 * CORES}):
            rows["%s(%d) + 1 no-op" % (kind, k)] = spread([t * 1e3 for t in trials(one(kind, k))])
    return rows


# --- the pipeline ---------------------------------------------------------------

BATCHES = 18
LOAD_S = 0.012           # a batch's load time (x3 for one batch in six)
TRAIN_S = 0.004          # the consumer's step per batch (a sleep: the GPU works, the CPU waits)


def load(i, work):
    slow = 3 if i % 6 == 5 else 1
    if work == "io":
        time.sleep(LOAD_S * slow)
    else:
        # CPU-bound load: the loop sized like LOAD_S on this machine (calibrated below).
        squares(LOAD_N * slow)
    return i


LOAD_N = 0  # set by calibrate()


def calibrate():
    """The loop sized to LOAD_S on a free core: the fastest of five timings (a busy core only slows one)."""
    global LOAD_N
    per = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        squares(100_000)
        per = min(per, (time.perf_counter() - t0) / 100_000)
    LOAD_N = max(1, int(LOAD_S / per))


def loader(idx_q, out_q, work, load_n):
    global LOAD_N
    LOAD_N = load_n
    while True:
        i = idx_q.get()
        if i is None:
            return
        out_q.put((i, load(i, work)))


def epoch(procs, idx_qs, out_q, depth):
    """One epoch through started workers; returns the trained order and the most batches held."""
    k = len(idx_qs)
    sent = 0
    while sent < min(depth, BATCHES):
        idx_qs[sent % k].put(sent)
        sent += 1
    stash, nxt, order, held = {}, 0, [], 0
    while nxt < BATCHES:
        while nxt not in stash:
            i, b = out_q.get()
            stash[i] = b
            held = max(held, len(stash))
        order.append(stash.pop(nxt))
        time.sleep(TRAIN_S)                        # train on batch nxt
        nxt += 1
        if sent < BATCHES:
            idx_qs[sent % k].put(sent)
            sent += 1
    return order, held


def pipeline(work, k, depth):
    idx_qs = [CTX.Queue() for _ in range(k)]
    out_q = CTX.Queue(maxsize=depth)               # bounded; outstanding <= depth keeps puts from blocking
    procs = [CTX.Process(target=loader, args=(idx_qs[w], out_q, work, LOAD_N)) for w in range(k)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    started = time.perf_counter() - t0
    ts = []
    for _ in range(PIPE_TRIALS):
        t1 = time.perf_counter()
        order, held = epoch(procs, idx_qs, out_q, depth)
        ts.append(time.perf_counter() - t1)
        assert order == list(range(BATCHES)), order
        assert held <= depth, (held, depth)
    for q in idx_qs:
        q.put(None)
    for p in procs:
        p.join(5)
        if p.is_alive():
            p.kill()
    return {"workers": k, "depth": depth, "start_ms": started * 1e3,
            "batches_per_s": spread([BATCHES / t for t in ts])}


def pipelines(work):
    seq = trials(lambda: [(load(i, work), time.sleep(TRAIN_S)) for i in range(BATCHES)], 3)
    rows = []
    ks = sorted({1, 2, CORES, 2 * CORES})
    # CPU-bound loads are capped by cores whatever the depth: two depths say so, in half the time.
    depths = ((1, 2, 4, 8) if work == "io" else (1, 4)) if not QUICK else (1, 4)
    for k in ks:
        for d in depths:
            rows.append(pipeline(work, k, d))
    return {"sequential_batches_per_s": spread([BATCHES / t for t in seq]), "rows": rows}


# --- output ---------------------------------------------------------------------

def fmt(s, d=1):
    return "%.*f (%.*f-%.*f)" % (d, s["median"], d, s["min"], d, s["max"])


def main():
    if "--from" in sys.argv:                      # render a saved --json run
        with open(sys.argv[sys.argv.index("--from") + 1]) as f:
            render(json.load(f))
        return
    t_all = time.perf_counter()
    calibrate()
    out = {
        "python": platform.python_version(), "cores": CORES, "trials": TRIALS, "pipeline_trials": PIPE_TRIALS,
        "loadavg_before": os.getloadavg(),
        "sizes": {"jobs": JOBS, "cpu_jobs": CPU_JOBS, "cpu_n": CPU_N, "io_s": IO_S, "batches": BATCHES,
                  "load_s": LOAD_S, "train_s": TRAIN_S, "load_n": LOAD_N},
    }
    out["section_s"] = {}
    for key, f in (("startup_ms", startup), ("cpu", lambda: executors("cpu")), ("io", lambda: executors("io")),
                   ("pipeline_cpu", lambda: pipelines("cpu")), ("pipeline_io", lambda: pipelines("io"))):
        t0 = time.perf_counter()
        out[key] = f()
        out["section_s"][key] = round(time.perf_counter() - t0, 1)
    out["loadavg_after"] = os.getloadavg()
    out["seconds"] = time.perf_counter() - t_all
    if "--json" in sys.argv:
        print(json.dumps(out))
        return
    render(out)


def render(out):
    CORES, TRIALS, PIPE_TRIALS = out["cores"], out["trials"], out.get("pipeline_trials", 3)
    JOBS, IO_S = out["sizes"]["jobs"], out["sizes"]["io_s"]
    BATCHES, LOAD_S, TRAIN_S = out["sizes"]["batches"], out["sizes"]["load_s"], out["sizes"]["train_s"]
    print("CPython %s, %d cores, %d trials (pipeline: %d epochs), load average %.2f before, %.2f after, %.0f s in all"
          % (out["python"], CORES, TRIALS, PIPE_TRIALS, out["loadavg_before"][0], out["loadavg_after"][0], out["seconds"]))
    if "section_s" in out:
        print("seconds per part: " + ", ".join("%s %.0f" % kv for kv in out["section_s"].items()))
    print("\nstart-up: create, one no-op job, shut down (ms, median (min-max))")
    for name, s in out["startup_ms"].items():
        print("  %-40s %s" % (name, fmt(s, 2)))
    paired = " (speedups paired with a sequential run each)" if out["cpu"].get("paired") else ""
    for work, label in (("cpu", "CPU-bound: %d jobs of a pure-Python loop%s" % (out["sizes"].get("cpu_jobs", JOBS), paired)),
                        ("io", "IO-bound: %d jobs, each time.sleep(%.0f ms)" % (JOBS, IO_S * 1e3))):
        r = out[work]
        print("\n%s; sequential %s s" % (label, fmt(r["sequential_s"], 3)))
        print("  %-22s %7s  %-24s %-24s" % ("executor", "workers", "speedup e2e", "speedup warm"))
        for row in r["rows"]:
            print("  %-22s %7d  %-24s %-24s" % (row["executor"], row["workers"],
                                              fmt(row["e2e_speedup"], 2), fmt(row["warm_speedup"], 2)))
    for work in ("cpu", "io"):
        r = out["pipeline_" + work]
        print("\npipeline, %s-bound loads (%d batches, load %.0f ms, x3 every 6th; train %.0f ms sleep); "
              "sequential %s batches/s" % (work.upper(), BATCHES, LOAD_S * 1e3, TRAIN_S * 1e3,
                                           fmt(r["sequential_batches_per_s"])))
        print("  %7s  %5s  %-24s %s" % ("workers", "depth", "batches/s", "start ms"))
        for row in r["rows"]:
            print("  %7d  %5d  %-24s %.1f" % (row["workers"], row["depth"], fmt(row["batches_per_s"]),
                                             row["start_ms"]))


if __name__ == "__main__":
    main()
