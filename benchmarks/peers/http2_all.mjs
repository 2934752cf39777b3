// Node's HTTP/2 client: one session (one connection, prior knowledge over
// cleartext), every request a stream of it, awaited with Promise.all.
// usage: node http2_all.mjs BASE_URL N DELAY_S  ->  one JSON line on stdout
import http2 from "node:http2";

const [base, nText, delay] = process.argv.slice(2);
const n = Number(nText);
const start = performance.now();
const cpu0 = process.cpuUsage();
// Node caps what one session may buffer at 10 MB by default; 10,000 streams
// of headers and state need more, and past the cap Node refuses new streams.
const session = http2.connect(base, { maxSessionMemory: 256 });
session.on("error", () => {}); // each stream reports its own failure
const path = `/delay/${delay}`;
const statuses = await Promise.all(
  Array.from({ length: n }, () => new Promise((resolve) => {
    const stream = session.request({ ":path": path });
    let status = 0;
    stream.on("response", (headers) => { status = headers[":status"]; });
    stream.on("data", () => {}); // read and drop the body
    stream.on("end", () => resolve(status));
    stream.on("error", () => resolve(0));
  })),
);
session.close();
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({
  model: "Node http2, one session, Promise.all", requests: n,
  ok: statuses.filter((s) => s === 200).length,
  wall_s: (performance.now() - start) / 1000,
  cpu_s: (cpu.user + cpu.system) / 1e6,
  peak_rss_kb: Math.round(process.resourceUsage().maxRSS),
}));
