// Writes the bad-input corpus (bad_input_corpus.hpp) as one file per request
// into a directory: the seeds the fuzzer starts from. Usage: fuzz_seeds DIR
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "mock_server/http1/bad_input_corpus.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds DIRECTORY\n");
    return 2;
  }
  const std::filesystem::path directory = argv[1];
  std::filesystem::create_directories(directory);
  auto seeds = inflight::mock::test::bad_input_corpus();
  // A few requests that succeed, so the fuzzer also starts from every route.
  for (const char* target : {"/get?a=1", "/delay/0", "/delay?ms=1&jitter_ms=2&seed=3",
                             "/status/418", "/bytes/16?seed=1", "/drip?duration=0",
                             "/unstable?failure_rate=0.5&seed=1", "/hang", "/stats"})
    seeds.push_back({target, inflight::mock::test::get_request(target), 200, ""});
  int i = 0;
  for (const auto& seed : seeds)
    std::ofstream(directory / ("seed_" + std::to_string(i++)), std::ios::binary)
        << seed.bytes;
  std::printf("%d seeds in %s\n", i, argv[1]);
}
