// The Asio twin against the bundled server, as 04's tests do it: the server's
// own peak in flight proves the concurrency and the bound, and every failure
// is one failed record that names its cause.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "04_coroutines/asio/fetch.hpp"
#include "harness/process_stats.hpp"
#include "harness/test_support/command.hpp"
#include "harness/test_support/result_schema.hpp"
#include "harness/test_support/server_fixture.hpp"
#include "harness/test_support/trace_runs.hpp"

namespace inflight::ch04_asio {
namespace {

using test_support::run_command;

// A server that resets each connection: it accepts, reads what the client
// sent, and closes with SO_LINGER 0, which sends a RST instead of a FIN. The
// bundled server has no such route; this is all it takes on a loopback socket.
class resetting_server {
 public:
  resetting_server() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    auto* any = reinterpret_cast<sockaddr*>(&address);
    if (bind(listener_, any, size) != 0 || listen(listener_, 16) != 0 ||
        getsockname(listener_, any, &size) != 0)
      throw std::runtime_error("resetting_server: cannot listen");
    url_ = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/get";
    accepting_ = std::thread([this] {
      for (int client; (client = accept(listener_, nullptr, nullptr)) >= 0;) {
        char request[512];
        (void)recv(client, request, sizeof request, 0);
        const linger reset{1, 0};
        setsockopt(client, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        close(client);
      }
    });
  }
  ~resetting_server() {
    shutdown(listener_, SHUT_RDWR);  // ends the accept() the thread waits in
    accepting_.join();
    close(listener_);
  }
  resetting_server(const resetting_server&) = delete;
  resetting_server& operator=(const resetting_server&) = delete;

  [[nodiscard]] const std::string& url() const { return url_; }

 private:
  int listener_ = socket(AF_INET, SOCK_STREAM, 0);
  std::string url_;
  std::thread accepting_;  // last: it uses listener_, so it goes first
};

class asio_twin : public test_support::with_server {
 protected:
  harness::run_clock clock;

  std::vector<harness::request_record> fetch(std::vector<std::string> urls,
                                             settings how = {}) {
    auto records = fetch_all(urls, how, clock);
    EXPECT_EQ(records.size(), urls.size()) << "one record per URL, none lost";
    for (std::size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i].index, i);
      EXPECT_EQ(records[i].url, urls[i]);
      EXPECT_LE(records[i].start_s, records[i].end_s);
    }
    return records;
  }
};

TEST_F(asio_twin, every_request_is_in_flight_at_once_on_one_thread) {
  const std::size_t n = 200;
  const auto records = fetch(delay_urls(n, 0.3));

  EXPECT_EQ(server.stats().peak_in_flight, static_cast<std::int64_t>(n))
      << "the server never held every request at once";
  std::set<long> threads;
  for (const auto& r : records) {
    EXPECT_TRUE(r.ok()) << r.index << ": " << r.error;
    EXPECT_EQ(r.status, 200);
    EXPECT_GT(r.bytes, 0U);
    EXPECT_EQ(r.connections, 1);
    threads.insert(r.thread);
  }
  EXPECT_EQ(threads, std::set<long>{harness::current_thread_id()});
}

TEST_F(asio_twin, max_in_flight_k_holds_the_servers_peak_at_k) {
  settings how;
  how.max_in_flight = 4;
  const auto records = fetch(delay_urls(10, 0.1), how);

  EXPECT_EQ(server.stats().peak_in_flight, 4);
  for (const auto& r : records) EXPECT_TRUE(r.ok()) << r.index << ": " << r.error;
}

TEST_F(asio_twin, a_failed_request_is_one_failed_record_and_the_others_go_on) {
  const auto records =
      fetch({delay_url(0.05), server.url() + "/status/500", delay_url(0.05)});
  EXPECT_TRUE(records[0].ok()) << records[0].error;
  EXPECT_EQ(records[1].error, "HTTP 500");
  EXPECT_EQ(records[1].status, 500);
  EXPECT_TRUE(records[2].ok()) << records[2].error;
}

TEST_F(asio_twin, a_closed_port_and_bad_urls_are_clean_errors) {
  const std::string closed = test_support::closed_port_url();
  const auto records = fetch({closed, "https://127.0.0.1:1/get", "http://127.0.0.1:0/",
                              "http://:80/", delay_url(0)});
  const std::string port = closed.substr(closed.rfind(':') + 1);
  EXPECT_EQ(records[0].error, "connect to 127.0.0.1:" + port.substr(0, port.find('/')) +
                                  ": Connection refused");
  EXPECT_EQ(records[0].status, 0);
  EXPECT_EQ(records[0].connections, 0);
  EXPECT_EQ(records[1].error,
            "bad URL 'https://127.0.0.1:1/get': https is not supported by this client "
            "(Beast without TLS): use http://");
  EXPECT_EQ(records[2].error,
            "bad URL 'http://127.0.0.1:0/': the port must be 1 to 65535, got '0'");
  EXPECT_EQ(records[3].error, "bad URL 'http://:80/': no host");
  EXPECT_TRUE(records[4].ok()) << records[4].error;
}

TEST_F(asio_twin, the_timeout_fires_and_the_connections_are_gone) {
  settings how;
  how.timeout_s = 0.2;
  const double start_s = clock.now_s();
  const auto records =
      fetch({delay_url(2), server.url() + "/hang", delay_url(2), delay_url(0)}, how);
  const double took_s = clock.now_s() - start_s;

  for (const std::size_t i : {0, 1, 2}) {
    EXPECT_EQ(records[i].error, "timed out after 0.2 s") << i;
    EXPECT_EQ(records[i].status, 0) << i;
    EXPECT_EQ(records[i].connections, 1) << i << ": it connected before it timed out";
  }
  EXPECT_TRUE(records[3].ok()) << records[3].error;
  EXPECT_LT(took_s, 2.0) << "the run waited for a request it had given up on";
  EXPECT_EQ(settled_in_flight(), 0) << "the server saw every timed-out client leave";
}

TEST_F(asio_twin, ok_plus_failed_is_n_under_a_bound_with_failures) {
  settings how;
  how.max_in_flight = 3;
  how.timeout_s = 0.3;
  std::vector<std::string> urls;
  for (int i = 0; i < 4; ++i) {
    urls.push_back(delay_url(0.05));
    urls.push_back(server.url() + "/status/404");
    urls.push_back(server.url() + "/hang");
  }
  const auto records = fetch(urls, how);
  std::size_t ok = 0;
  std::size_t failed = 0;
  for (const auto& r : records) (r.ok() ? ok : failed) += 1;
  EXPECT_EQ(records.size(), 12U) << "one record per URL given";
  EXPECT_EQ(ok, 4U);
  EXPECT_EQ(failed, 8U);
  // From 0.1 s on, three /hang requests hold the three workers until they time
  // out: at most 3 at once is the bound, exactly 3 shows the workers overlap.
  EXPECT_EQ(server.stats().peak_in_flight, 3);
}

TEST_F(asio_twin, a_body_of_any_size_is_counted_not_kept) {
  // Over the 8 MB that Beast's parser allows a body it keeps: counted, it passes.
  const auto records = fetch({server.url() + "/bytes/9000000"});
  EXPECT_TRUE(records[0].ok()) << records[0].error;
  EXPECT_EQ(records[0].bytes, 9'000'000U);
}

TEST_F(asio_twin, a_reset_connection_is_a_failed_record_that_counts_its_connection) {
  const resetting_server resetting;
  const auto records = fetch({resetting.url(), delay_url(0)});
  EXPECT_EQ(records[0].error, "read the response: Connection reset by peer");
  EXPECT_EQ(records[0].status, 0);
  EXPECT_EQ(records[0].connections, 1);
  EXPECT_TRUE(records[1].ok()) << records[1].error;
}

TEST_F(asio_twin, the_fragment_stays_here_and_a_space_is_a_bad_url) {
  const auto records = fetch({delay_url(0) + "#section", delay_url(0) + " x"});
  // Sent, "/delay/0#section" would be refused by the server.
  EXPECT_TRUE(records[0].ok()) << records[0].error;
  EXPECT_EQ(records[1].error, "bad URL '" + delay_url(0) +
                                  " x': a space or a control character "
                                  "(percent-encode it: %20)");
}

TEST_F(asio_twin, an_ipv6_address_is_named_in_brackets) {
  const std::string closed = test_support::closed_port_url();  // http://127.0.0.1:P/get
  const std::string port = closed.substr(closed.rfind(':') + 1);
  const auto records = fetch({"http://[::1]:" + port});
  // Refused, or no IPv6 loopback in this container: either way, the step names
  // the address as a URL writes it.
  EXPECT_EQ(records[0].error.rfind(
                "connect to [::1]:" + port.substr(0, port.find('/')) + ": ", 0),
            0U)
      << records[0].error;
}

// The executable, run the way a reader runs it.

TEST(asio_main, json_shows_all_in_flight_on_one_thread) {
  const auto run =
      run_command(ASIO_EXECUTABLE, {"--requests", "20", "--delay", "0.1", "--json"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  test_support::expect_result_schema(result, "04_asio");
  EXPECT_EQ(result["ok"], 20);
  EXPECT_EQ(result["threads"], 1);
  EXPECT_EQ(result["server_peak_in_flight"], 20);
}

TEST(asio_main, max_in_flight_is_the_servers_peak) {
  const auto run = run_command(ASIO_EXECUTABLE, {"--requests", "9", "--delay", "0.05",
                                                 "--max-in-flight", "3", "--json"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  EXPECT_EQ(result["server_peak_in_flight"], 3);
  EXPECT_NEAR(result["expected_s"].get<double>(), 0.15, 1e-9);  // ceil(9/3) x 0.05
}

TEST(asio_main, failures_fail_the_run_one_record_each_with_its_cause) {
  mock::server server{};
  const auto urls = test_support::write_temp_file(
      "asio_urls", server.url() + "/hang\n" + server.url() + "/status/503\n" +
                       "https://127.0.0.1:1/\n" + server.url() + "/delay/0.05\n");
  const auto run =
      run_command(ASIO_EXECUTABLE, {"--urls", urls.path(), "--timeout", "0.2", "--json"});
  EXPECT_EQ(run.exit_status, 1) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  test_support::expect_result_schema(result, "04_asio");
  EXPECT_EQ(result["ok"], 1);
  ASSERT_EQ(result["errors"].size(), 3U);
  EXPECT_EQ(result["errors"][0]["error"], "timed out after 0.2 s");
  EXPECT_EQ(result["errors"][1]["error"], "HTTP 503");
  EXPECT_NE(
      result["errors"][2]["error"].get<std::string>().find("https is not supported"),
      std::string::npos);
}

TEST(asio_main, a_closed_port_fails_every_request_cleanly) {
  const auto run = run_command(ASIO_EXECUTABLE, {"--url", test_support::closed_port_url(),
                                                 "--requests", "3", "--json"});
  EXPECT_EQ(run.exit_status, 1) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  test_support::expect_result_schema(result, "04_asio");
  EXPECT_EQ(result["failed"], 3);
  for (const auto& error : result["errors"]) {
    const std::string message = error["error"];
    EXPECT_EQ(message.rfind("connect to 127.0.0.1:", 0), 0U) << message;
    EXPECT_NE(message.find(": Connection refused"), std::string::npos) << message;
  }
}

TEST(asio_main, bad_arguments_exit_2_naming_the_option) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--max-in-flight", "0"}, {"--requests", "x"}, {"--timeout", "-1"}}) {
    const auto run = run_command(ASIO_EXECUTABLE, args);
    EXPECT_EQ(run.exit_status, 2) << args[0];
    EXPECT_NE(run.err.find("04_asio: " + args[0] + ":"), std::string::npos) << run.err;
  }
}

TEST(asio_main, a_trace_of_a_concurrent_run_nests_on_every_track) {
  test_support::expect_concurrent_trace_nests(ASIO_EXECUTABLE);
}

}  // namespace
}  // namespace inflight::ch04_asio
