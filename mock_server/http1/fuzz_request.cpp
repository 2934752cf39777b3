// A libFuzzer target for the request-handling core: bytes in as a client
// would send them, through the head parser (http_head.cpp), the router and its
// parameters and percent-decoding (routes.cpp, params.cpp), the JSON it builds
// and the answer's head (http_reply.cpp). No engine, no sockets: only what
// turns bytes into an answer. Built with clang only (-fsanitize=fuzzer); see
// mock_server/DETAILS.md, "Fuzzing", for a longer run.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mock_server/core/routes.hpp"
#include "mock_server/http1/http_head.hpp"
#include "mock_server/http1/http_reply.hpp"

namespace {

using namespace inflight::mock;

// An invariant broken: say which, and let libFuzzer keep the input.
void require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz_request: %s\n", what);
  std::abort();
}

bool is_json_error(const std::string& body) {
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  return parsed.is_object() && parsed.contains("error") && parsed["error"].is_string();
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static request_stats stats("fuzz");  // kept across inputs, as a server keeps it
  const server_options options;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  const auto head = parse_head(bytes, options.limits);
  if (head.state == head_result::refused) {
    require(head.status >= 400 && head.status <= 505, "a refusal outside 4xx/5xx");
    require(is_json_error(error_body(head.error)), "a refusal that is not a JSON error");
    return 0;
  }
  if (head.state == head_result::incomplete) return 0;
  require(head.size <= bytes.size(), "a head longer than its bytes");

  const request in{head.head.method, head.head.target, head.head.headers, "127.0.0.1",
                   head.head.version};
  const auto plan = route(in, stats, options);  // must not throw: libFuzzer reports it
  require(plan.status >= 200 && plan.status <= 599, "a status outside 200-599");
  // /status/{code}, /drip?code= and /unstable answer error codes on purpose.
  const bool asked_for = plan.route == "/status" || plan.route == "/drip" ||
                         (plan.route == "/unstable" && plan.status == 500);
  if (plan.status >= 400 && !asked_for)
    require(is_json_error(plan.body), "an error without a JSON error body");
  if (plan.content_type == "application/json" && !plan.body.empty())
    require(!nlohmann::json::parse(plan.body, nullptr, false).is_discarded(),
            "a JSON body that does not parse");
  require(plan.delay.count() >= 0 && plan.drip.count() >= 0, "a negative wait");
  require(has_body(plan.status) || (plan.body.empty() && plan.drip.count() == 0),
          "a body (or a drip) planned for a 204 or 304");
  const auto timing = server_timing(0, plan);
  require(!has_line_break(plan.allow) && !has_line_break(plan.content_type) &&
              !has_line_break(timing),
          "a header value that would split the answer's head");
  const bool head_only = head.head.method == "HEAD";
  require(head_only ? plan.body.empty()
                    : plan.made_at_send || plan.length == plan.body.size(),
          "a body built for a HEAD, or a length that is not the body's");
  const auto answer_head = reply_head({plan.status, plan.content_type, plan.length,
                                       timing, plan.allow, !head.head.keep_alive});
  require(answer_head.find("\r\n\r\n") == answer_head.size() - 4,
          "an answer head that ends before its end");
  return 0;
}
