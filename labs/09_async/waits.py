"""Lab 09's CPython side of `racelab bench 9`: 1 000 sleeps, three ways.

    python3 labs/09_async/waits.py WAITS MILLISECONDS TRIALS

Prints one JSON object: for each of `asyncio` (WAITS tasks, one event loop),
`threads` (WAITS threading.Thread) and `pool8` (a ThreadPoolExecutor of 8),
the wall time of every trial in ms and the resident memory added while the waits are
pending (VmRSS, KiB: half-way through the first sleeps; for threads, once the
last one has started).
The sleeps are sleeps: they stand in for waiting on a reply and wait on no device.
"""

import asyncio
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def sampled(start, seconds):
    """Waits until `seconds` after `start`, then reads the resident memory."""
    time.sleep(max(0.0, start + seconds - time.perf_counter()))
    return rss_kib()


def with_asyncio(waits, seconds):
    async def main():
        base = rss_kib()
        start = time.perf_counter()

        async def sample():
            await asyncio.sleep(seconds / 2)
            return rss_kib()

        sampler = asyncio.ensure_future(sample())
        await asyncio.gather(*(asyncio.sleep(seconds) for _ in range(waits)))
        return time.perf_counter() - start, (await sampler) - base

    return asyncio.run(main())


def with_threads(waits, seconds):
    base = rss_kib()
    start = time.perf_counter()
    threads = [threading.Thread(target=time.sleep, args=(seconds,)) for _ in range(waits)]
    for t in threads:
        t.start()
    # Right after the last start: every thread still alive (starting 1 000 takes longer than a short sleep).
    peak = rss_kib()
    for t in threads:
        t.join()
    return time.perf_counter() - start, peak - base


def with_pool(waits, seconds):
    base = rss_kib()
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        done = [pool.submit(time.sleep, seconds) for _ in range(waits)]
        peak = sampled(start, seconds / 2)
        for d in done:
            d.result()
    return time.perf_counter() - start, peak - base


def main():
    waits, ms, trials = (int(a) for a in sys.argv[1:4])
    seconds = ms / 1000
    out = {"python": sys.version.split()[0]}
    for name, way in [("asyncio", with_asyncio), ("threads", with_threads), ("pool8", with_pool)]:
        walls, mems = [], []
        for _ in range(trials):
            wall, mem = way(waits, seconds)
            walls.append(round(wall * 1000, 1))
            mems.append(max(mem, 0))
        out[name] = {"wall_ms": walls, "rss_kib": mems}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
