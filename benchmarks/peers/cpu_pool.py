"""Chapter 05's CPU-bound work in Python: the same LCG steps, run one after
another, on a ThreadPoolExecutor and on a ProcessPoolExecutor, so that the GIL
is measured, not asserted.
usage: cpu_pool.py [TASKS [WORK_MS [WORKERS]]]  ->  one line per way
defaults: 8 tasks of 200 ms of CPU each, as many workers as CPUs"""
import os, sys, time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

# Chapter 05's generator (05_cpu_bound/workload.cpp): x = a*x + c modulo 2^64.
MULTIPLIER, INCREMENT, MASK = 6364136223846793005, 1442695040888963407, 2**64 - 1


def lcg_steps(x, steps):
    for _ in range(steps):
        x = (MULTIPLIER * x + INCREMENT) & MASK
    return x


def calibrate(work_ms):
    """Steps that take about work_ms of this process's CPU here."""
    steps = 10_000
    while True:
        start = time.process_time()
        lcg_steps(1, steps)
        took = time.process_time() - start
        if took >= 0.05:  # long enough to time
            return max(1, int(steps * work_ms / 1000 / took))
        steps *= 2


def run(way, tasks, steps, workers):
    """Wall and CPU seconds for `tasks` runs of lcg_steps, and their results."""
    seeds = [i + 1 for i in range(tasks)]
    start = time.perf_counter()
    # CPU of this process and of its finished children (the process pool's).
    cpu0 = sum(os.times()[:4])
    if way == "sequential":
        values = [lcg_steps(s, steps) for s in seeds]
    else:
        pool_type = ThreadPoolExecutor if way == "threads" else ProcessPoolExecutor
        with pool_type(max_workers=workers) as pool:  # the with joins the pool
            values = list(pool.map(lcg_steps, seeds, [steps] * tasks))
    return time.perf_counter() - start, sum(os.times()[:4]) - cpu0, values


def main():
    args = [int(a) for a in sys.argv[1:]]
    tasks = args[0] if len(args) > 0 else 8
    work_ms = args[1] if len(args) > 1 else 200
    workers = args[2] if len(args) > 2 else os.cpu_count()
    steps = calibrate(work_ms)
    print(f"cpu_pool.py: {tasks} tasks of {steps} LCG steps (about {work_ms} ms "
          f"of CPU each), pools of {workers}")
    results = {}
    for way in ("sequential", "threads", "processes"):
        wall, cpu, values = run(way, tasks, steps, workers)
        results[way] = {"wall_s": wall, "cpu_s": cpu, "values": values}
    expected = results["sequential"]["values"]
    base = results["sequential"]["wall_s"]
    for way, r in results.items():
        same = "yes" if r["values"] == expected else "NO"
        # cores: cpu / wall, the cores kept busy, as chapter 05 reports it. Under
        # the GIL, threads stay at one at most; a busy machine lowers every way.
        print(f"  {way:<11} {r['wall_s']:7.3f} s wall {r['cpu_s']:7.3f} s cpu "
              f"{r['cpu_s'] / r['wall_s']:5.2f} cores {base / r['wall_s']:5.2f}x  "
              f"same answers: {same}")
    return 0 if all(r["values"] == expected for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
