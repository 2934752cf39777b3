// What the process costs, as the kernel counts it (Linux): CPU time, peak
// memory, threads. The report reads these instead of trusting the model.
#pragma once

namespace inflight::harness {

// User + system CPU seconds of the whole process so far (getrusage). With the
// bundled server in-process, that includes the server's own work.
double process_cpu_s();

// The most resident memory the process has used so far, in KiB (ru_maxrss).
long peak_rss_kb();

// Threads alive in the process right now (the "Threads:" line of
// /proc/self/status); 0 where that file does not exist.
int live_thread_count();

// The kernel's id of the calling thread (gettid): what `top -H` and a trace
// viewer show, unlike std::thread::id which is opaque.
long current_thread_id();

}  // namespace inflight::harness
