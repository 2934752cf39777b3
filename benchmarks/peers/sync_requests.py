"""The seed's blocking version: requests.get in a loop, one after another.
usage: sync_requests.py BASE_URL N DELAY_S  ->  one JSON line on stdout"""
import json, resource, sys, time

import requests

base, n, delay = sys.argv[1], int(sys.argv[2]), sys.argv[3]
start, cpu0 = time.perf_counter(), time.process_time()
ok = 0
with requests.Session() as session:  # one connection, like 01_sync's reused handle
    for _ in range(n):
        ok += session.get(f"{base}/delay/{delay}").status_code == 200
print(json.dumps({"model": "Python requests, one after another", "requests": n, "ok": ok,
                  "wall_s": time.perf_counter() - start,
                  "cpu_s": time.process_time() - cpu0,
                  "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
