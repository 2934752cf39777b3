// Chapter 05's CPU-bound tasks, measured: 8 tasks of about 100 ms each run
// sequentially, as coroutines on one event loop, and on pools of 1, 2 and 4
// threads. Speedup against sequential is the `speedup` counter; on this
// 2-core machine the pool cannot pass 2x however many threads it has.
#include <benchmark/benchmark.h>

#include "05_cpu_bound/cpu_bound.hpp"
#include "benchmarks/support.hpp"

namespace inflight::bench {
namespace {

constexpr std::size_t tasks = 8;

const bool context_recorded = [] {
  benchmark::AddCustomContext("compiler", compiler_version);
  return true;
}();

const ch05::work_spec& spec() {
  static const ch05::work_spec s{tasks, ch05::steps_for_ms(100)};  // calibrated once
  return s;
}

double sequential_s() {  // the baseline every speedup is against
  static const double s = ch05::run_sequential(spec()).wall_s;
  return s;
}

template <typename Run>
void measure_cpu(benchmark::State& state, Run run) {
  for (auto _ : state) {
    const ch05::way_result r = run();
    if (!ch05::verified(r.tasks, spec())) {
      state.SkipWithError("a task's result did not verify");
      break;
    }
    state.counters["speedup"] = sequential_s() / r.wall_s;
    state.counters["threads"] = r.threads();
    state.counters["cpu_s"] = r.cpu_s;
  }
}

void sequential(benchmark::State& state) {
  measure_cpu(state, [] { return ch05::run_sequential(spec()); });
}
void coroutines(benchmark::State& state) {
  measure_cpu(state, [] { return ch05::run_coroutines(spec()); });
}
void pool(benchmark::State& state) {
  const auto threads = static_cast<std::size_t>(state.range(0));
  measure_cpu(state, [threads] { return ch05::run_on_pool(spec(), threads); });
}

BENCHMARK(sequential)->UseRealTime()->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(coroutines)->UseRealTime()->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(pool)->Arg(1)->Arg(2)->Arg(4)->UseRealTime()->Iterations(1)->Unit(
    benchmark::kMillisecond);

}  // namespace
}  // namespace inflight::bench

BENCHMARK_MAIN();
