import os, sys, time, signal, multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
ctx = mp.get_context("fork")
def job(x):
    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)   # dies mid-job
    time.sleep(0.01)
    return x * 10
def ppe():
    with ProcessPoolExecutor(2, mp_context=ctx) as ex:
        futs = [ex.submit(job, i) for i in range(6)]
        for i, f in enumerate(futs):
            try:
                print("  PPE job", i, "->", f.result(timeout=5))
            except Exception as e:
                print("  PPE job", i, "->", type(e).__name__, str(e)[:90])
def pool():
    with ctx.Pool(2) as p:
        r = p.map_async(job, range(6))
        try:
            print("  Pool.map ->", r.get(timeout=3))
        except mp.TimeoutError:
            print("  Pool.map -> still waiting after 3 s (the killed worker's task is never re-run or reported)")
        print("  Pool workers alive after:", [c.pid for c in mp.active_children()][:4], "...")
print(sys.version.split()[0]); ppe(); pool()
