// The bad-input corpus (bad_input_corpus.hpp), sent as raw bytes to each
// engine: every request gets its status and a JSON error that says what was
// wrong, discloses nothing internal, and leaves the server as it found it:
// still answering, nothing in flight, no descriptor left open.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>

#include "mock_server/http1/bad_input_corpus.hpp"
#include "mock_server/server.hpp"
#include "mock_server/testing/suite.hpp"
#include "mock_server/testing/test_client.hpp"

namespace {

using inflight::mock::engine_kind;
using inflight::mock::server;
using inflight::mock::server_options;
using inflight::mock::test::corpus_case;
using json = nlohmann::json;
namespace client = inflight::mock::test;

class corpus_test
    : public ::testing::TestWithParam<std::tuple<engine_kind, corpus_case>> {};

TEST_P(corpus_test, gets_its_json_error_and_leaves_the_server_as_it_was) {
  const auto& [engine, bad] = GetParam();
  server s(server_options{.engine = engine});
  const int fds_before = client::count_open_fds();

  const auto reply = client::raw_exchange(s.port(), bad.bytes);
  EXPECT_FALSE(reply.timed_out) << reply.bytes.substr(0, 300);
  EXPECT_EQ(reply.status, bad.status) << reply.bytes.substr(0, 300);
  const auto headers = reply.bytes.substr(0, reply.bytes.find("\r\n\r\n"));
  EXPECT_NE(headers.find("Content-Type: application/json"), std::string::npos) << headers;
  const auto body = json::parse(reply.body(), nullptr, false);
  ASSERT_TRUE(body.is_object() && body.contains("error") && body["error"].is_string())
      << reply.bytes.substr(0, 300);
  const auto error = body["error"].get<std::string>();
  EXPECT_NE(error.find(bad.mentions), std::string::npos)
      << error << "\nshould mention: " << bad.mentions;
  for (const char* internal : {"what()", "nlohmann", "type_error", "exception", "json."})
    EXPECT_EQ(reply.bytes.find(internal), std::string::npos) << reply.bytes;

  client::expect_settled(s, fds_before);
}

std::string name_of(const ::testing::TestParamInfo<corpus_test::ParamType>& info) {
  return to_string(std::get<0>(info.param)) + "_" + std::get<1>(info.param).name;
}

const auto corpus = ::testing::ValuesIn(client::bad_input_corpus());

INSTANTIATE_TEST_SUITE_P(events, corpus_test,
                         ::testing::Combine(::testing::Values(engine_kind::events),
                                            corpus),
                         name_of);
INSTANTIATE_TEST_SUITE_P(threads, corpus_test,
                         ::testing::Combine(::testing::Values(engine_kind::threads),
                                            corpus),
                         name_of);

TEST(corpus, has_at_least_150_distinct_requests) {
  const auto all = client::bad_input_corpus();
  std::set<std::string> bytes, names;
  for (const auto& c : all) {
    bytes.insert(c.bytes);
    names.insert(c.name);
  }
  EXPECT_GE(bytes.size(), 150U);
  EXPECT_EQ(names.size(), all.size()) << "two cases share a name";
  EXPECT_EQ(bytes.size(), all.size()) << "two cases send the same bytes";
}

}  // namespace
