"""The seed's async version: asyncio + aiohttp, every request created as a task
and awaited together with asyncio.gather.
usage: async_aiohttp.py BASE_URL N DELAY_S  ->  one JSON line on stdout"""
import asyncio, json, resource, sys, time

import aiohttp


async def fetch(session, url):
    async with session.get(url) as response:
        await response.read()
        return response.status


async def main(base, n, delay):
    # limit=0: no cap on connections, so all N are in flight at once.
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        url = f"{base}/delay/{delay}"
        return await asyncio.gather(*(fetch(session, url) for _ in range(n)))


base, n, delay = sys.argv[1], int(sys.argv[2]), sys.argv[3]
start, cpu0 = time.perf_counter(), time.process_time()
statuses = asyncio.run(main(base, n, delay))
print(json.dumps({"model": "Python asyncio + aiohttp, gather", "requests": n,
                  "ok": sum(s == 200 for s in statuses),
                  "wall_s": time.perf_counter() - start,
                  "cpu_s": time.process_time() - cpu0,
                  "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
