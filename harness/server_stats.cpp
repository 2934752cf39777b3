// A tiny blocking HTTP client for the server's /stats endpoints.
#include "harness/server_stats.hpp"

#include <nlohmann/json.hpp>

#include "harness/transfer.hpp"

namespace inflight::harness {

namespace {

constexpr long stats_timeout_ms = 5000;  // /stats answers at once, or never will

std::size_t append_body(char* data, std::size_t size, std::size_t nmemb, void* user) {
  static_cast<std::string*>(user)->append(data, size * nmemb);
  return size * nmemb;
}

// The body of a 2xx answer, or nullopt for anything else.
std::optional<std::string> request(const std::string& url, bool post) {
  const easy_handle easy = make_easy();
  std::string body;
  set_option(easy.get(), CURLOPT_URL, url.c_str());
  apply_proxy_policy(easy.get(), url);
  set_option(easy.get(), CURLOPT_WRITEFUNCTION, append_body);
  set_option(easy.get(), CURLOPT_WRITEDATA, &body);
  set_option(easy.get(), CURLOPT_TIMEOUT_MS, stats_timeout_ms);
  set_option(easy.get(), CURLOPT_NOSIGNAL, 1L);
  if (post) set_option(easy.get(), CURLOPT_POSTFIELDS, "");
  if (curl_easy_perform(easy.get()) != CURLE_OK) return std::nullopt;
  long status = 0;
  if (curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
      status < 200 || status >= 300) {
    return std::nullopt;
  }
  return body;
}

}  // namespace

bool reset_server_stats(const std::string& base_url) {
  return request(base_url + "/stats/reset", true).has_value();
}

std::optional<nlohmann::json> read_server_stats(const std::string& base_url) {
  const auto body = request(base_url + "/stats", false);
  if (!body) return std::nullopt;
  auto stats = nlohmann::json::parse(*body, nullptr, /*allow_exceptions=*/false);
  if (!stats.is_object()) return std::nullopt;
  return stats;
}

std::optional<std::int64_t> stats_count(const nlohmann::json& stats, const char* name) {
  const auto found = stats.find(name);
  if (found == stats.end() || !found->is_number_integer()) return std::nullopt;
  return found->get<std::int64_t>();
}

std::optional<std::int64_t> read_server_peak(const std::string& base_url) {
  const auto stats = read_server_stats(base_url);
  if (!stats) return std::nullopt;
  return stats_count(*stats, "peak_in_flight");
}

}  // namespace inflight::harness
