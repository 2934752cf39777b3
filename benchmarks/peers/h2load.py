"""nghttp2's load generator as the HTTP/2 client floor: every request a stream
of one connection (-c 1 -m N), no HTTP library of ours on the client side.
usage: h2load.py BASE_URL N DELAY_S  ->  one JSON line on stdout
The wall time is h2load's own ("finished in"); CPU and peak RSS are the
child process's, from getrusage."""
import json, re, resource, subprocess, sys

base, n, delay = sys.argv[1], int(sys.argv[2]), sys.argv[3]
run = subprocess.run(["h2load", "-n", str(n), "-c", "1", "-m", str(n),
                      f"{base}/delay/{delay}"], capture_output=True, text=True)
used = resource.getrusage(resource.RUSAGE_CHILDREN)
finished = re.search(r"finished in ([0-9.]+)(ms|s)", run.stdout)
succeeded = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded",
                      run.stdout)
if run.returncode != 0 or not finished or not succeeded:
    print(json.dumps({"model": "h2load (nghttp2), one connection",
                      "error": (run.stderr or run.stdout).strip()[-200:]}))
    sys.exit(0)
wall = float(finished.group(1)) / (1000 if finished.group(2) == "ms" else 1)
print(json.dumps({"model": "h2load (nghttp2), one connection", "requests": n,
                  "ok": int(succeeded.group(1)), "wall_s": wall,
                  "cpu_s": used.ru_utime + used.ru_stime,
                  "peak_rss_kb": used.ru_maxrss}))
