// Chapter 03 in one file, the way curl's own examples read: N transfers of one
// URL, every one in flight at once on this one thread, with curl_multi_poll.
// It needs only libcurl:
//
//   g++ -std=c++20 -O2 in_one_file.cpp -lcurl -o in_one_file
//   ./in_one_file http://127.0.0.1:8080/delay/1 10
//
// The chapter's modular version (batch.cpp, poll_driver.cpp) does the same
// with a refill, a timeline and the run report; this file is the loop alone.
#include <curl/curl.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {

// Owners for libcurl's handles, so that every path out of main frees them.
struct easy_cleanup {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct multi_cleanup {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
using easy_ptr = std::unique_ptr<CURL, easy_cleanup>;
using multi_ptr = std::unique_ptr<CURLM, multi_cleanup>;

// The body is not the lesson: count its bytes and drop them.
size_t discard(char*, size_t size, size_t count, void* bytes) {
  *static_cast<size_t*>(bytes) += size * count;
  return size * count;
}

struct transfer {
  easy_ptr easy;
  size_t bytes = 0;
  bool added = false;  // to the multi handle, so it must be removed from it
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s URL [N]   (N: 1 to 10000, default 10)\n", argv[0]);
    return 2;
  }
  const std::string url = argv[1];
  char* end = nullptr;
  const long n = argc == 3 ? std::strtol(argv[2], &end, 10) : 10;
  if ((argc == 3 && *end != '\0') || n < 1 || n > 10000) {
    std::fprintf(stderr, "%s: N must be a whole number from 1 to 10000\n", argv[0]);
    return 2;
  }

  // Each transfer in flight holds a socket, a file descriptor, and the soft
  // limit on those is often 1024: past it, connections fail. A process may
  // raise its soft limit up to its hard limit, so take all of it.
  const rlim_t wanted = static_cast<rlim_t>(n) + 64;  // the sockets, and a margin
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < wanted) {
    files.rlim_cur = files.rlim_max;
    if (files.rlim_max < wanted || setrlimit(RLIMIT_NOFILE, &files) != 0) {
      std::fprintf(stderr,
                   "%s: %ld transfers need about %ld file descriptors, but this shell "
                   "allows %ld: raise it with `ulimit -n %ld` (or ask for fewer)\n",
                   argv[0], n, static_cast<long>(wanted),
                   static_cast<long>(files.rlim_max), static_cast<long>(wanted));
      return 2;
    }
  }

  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return 1;
  int failed = static_cast<int>(n);  // until a transfer proves otherwise
  {                                  // the handles go before curl_global_cleanup
    // Destroyed in reverse: the easy handles (transfers), then the multi.
    multi_ptr multi(curl_multi_init());
    std::vector<transfer> transfers(static_cast<size_t>(n));
    bool set_up = multi != nullptr;
    for (auto& t : transfers) {
      if (!set_up) break;
      t.easy.reset(curl_easy_init());
      CURL* easy = t.easy.get();
      if (easy == nullptr ||
          curl_easy_setopt(easy, CURLOPT_URL, url.c_str()) != CURLE_OK) {
        std::fprintf(stderr, "%s: cannot set up a transfer of '%s'\n", argv[0],
                     url.c_str());
        set_up = false;
        break;
      }
      curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
      curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t.bytes);
      curl_easy_setopt(easy, CURLOPT_PRIVATE, &t);  // a finished handle -> its transfer
      curl_easy_setopt(easy, CURLOPT_TIMEOUT, 30L);
      // A local test server is never behind the environment's http_proxy.
      curl_easy_setopt(easy, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
      t.added = curl_multi_add_handle(multi.get(), easy) == CURLM_OK;
      set_up = t.added;
    }

    const auto start = std::chrono::steady_clock::now();
    int running = set_up ? 1 : 0;
    while (running > 0) {
      // Move every transfer on as far as it goes without blocking...
      if (curl_multi_perform(multi.get(), &running) != CURLM_OK) break;
      // ...then sleep until one of their sockets is ready (or 1 s passes).
      if (running > 0 &&
          curl_multi_poll(multi.get(), nullptr, 0, 1000, nullptr) != CURLM_OK)
        break;
    }

    // Each finished transfer is reported once, as a CURLMSG_DONE message.
    int ok = 0;
    int done = 0;
    CURLMsg* message = nullptr;
    int left = 0;
    while ((message = curl_multi_info_read(multi.get(), &left)) != nullptr) {
      if (message->msg != CURLMSG_DONE) continue;
      ++done;
      transfer* t = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &t);
      long status = 0;
      curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      const CURLcode result = message->data.result;
      if (result == CURLE_OK && status == 200) {
        ++ok;
      } else {
        std::fprintf(stderr, "request %td: %s (HTTP %ld)\n", t - transfers.data(),
                     curl_easy_strerror(result), status);
      }
    }
    // A transfer that never finished (the loop broke off) is a failure too:
    // ok + failed == N, always.
    failed = static_cast<int>(n) - ok;
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
    std::printf("%ld requests: %d ok, %d failed (%d finished) in %.2f s on one thread\n",
                n, ok, failed, done, wall.count());

    // An easy handle leaves its multi handle before either is freed.
    for (auto& t : transfers)
      if (t.added) curl_multi_remove_handle(multi.get(), t.easy.get());
  }
  curl_global_cleanup();
  return failed == 0 ? 0 : 1;
}
