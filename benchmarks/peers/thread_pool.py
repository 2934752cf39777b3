"""The seed's threaded version: the same blocking requests.get, run by a
ThreadPoolExecutor, one thread per request in flight (chapter 02's pool).
usage: thread_pool.py BASE_URL N DELAY_S [WORKERS]  ->  one JSON line on stdout
WORKERS defaults to N: every request in flight at once."""
import json, resource, sys, threading, time
from concurrent.futures import ThreadPoolExecutor

import requests

base, n, delay = sys.argv[1], int(sys.argv[2]), sys.argv[3]
workers = int(sys.argv[4]) if len(sys.argv) > 4 else n
local = threading.local()  # one Session (and connection) per worker thread


def fetch_one(url):
    if not hasattr(local, "session"):
        local.session = requests.Session()
    return local.session.get(url, timeout=60).status_code


start, cpu0 = time.perf_counter(), time.process_time()
with ThreadPoolExecutor(max_workers=workers) as pool:
    statuses = list(pool.map(fetch_one, [f"{base}/delay/{delay}"] * n))
print(json.dumps({"model": f"Python ThreadPoolExecutor({workers}) + requests",
                  "requests": n, "ok": sum(s == 200 for s in statuses),
                  "wall_s": time.perf_counter() - start,
                  "cpu_s": time.process_time() - cpu0,
                  "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
