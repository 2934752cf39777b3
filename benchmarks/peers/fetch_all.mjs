// Node's version: fetch for every URL at once, awaited with Promise.all.
// usage: node fetch_all.mjs BASE_URL N DELAY_S  ->  one JSON line on stdout
const [base, nText, delay] = process.argv.slice(2);
const n = Number(nText);
const start = performance.now();
const cpu0 = process.cpuUsage();
const statuses = await Promise.all(
  Array.from({ length: n }, async () => {
    const response = await fetch(`${base}/delay/${delay}`);
    await response.arrayBuffer();
    return response.status;
  }),
);
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({
  model: "Node fetch, Promise.all", requests: n,
  ok: statuses.filter((s) => s === 200).length,
  wall_s: (performance.now() - start) / 1000,
  cpu_s: (cpu.user + cpu.system) / 1e6,
  peak_rss_kb: Math.round(process.resourceUsage().maxRSS),
}));
