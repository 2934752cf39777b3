// libcurl set-up and result reading shared by every chapter.
#include "harness/transfer.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "harness/process_stats.hpp"

namespace inflight::harness {

namespace {

// libcurl calls this for each piece of the body as it arrives. Returning less
// than size * nmemb would abort the transfer, so we always take it all.
std::size_t count_body(char* /*data*/, std::size_t size, std::size_t nmemb, void* user) {
  static_cast<request_record*>(user)->bytes += size * nmemb;
  return size * nmemb;
}

// libcurl calls this just before it sends the request, on a connection that
// is ready for it: the request's clock starts here. Cannot throw.
int request_sent(void* user, char* /*remote_ip*/, char* /*local_ip*/, int /*remote_port*/,
                 int /*local_port*/) {
  auto& t = *static_cast<transfer*>(user);
  t.record.start_s = t.clock->now_s();
  return CURL_PREREQFUNC_OK;
}

long info_long(CURL* easy, CURLINFO info) {
  long value = 0;
  if (const CURLcode code = curl_easy_getinfo(easy, info, &value); code != CURLE_OK) {
    throw_curl_error("curl_easy_getinfo", code);
  }
  return value;
}

}  // namespace

void throw_curl_error(const char* what, CURLcode code) {
  throw std::runtime_error(std::string(what) + ": " + curl_easy_strerror(code));
}

curl_library::curl_library() {
  if (const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
    throw_curl_error("curl_global_init", code);
  }
}

curl_library::~curl_library() {
  curl_global_cleanup();
}

easy_handle make_easy() {
  easy_handle easy{curl_easy_init()};
  if (!easy) throw std::runtime_error("curl_easy_init failed");
  return easy;
}

std::optional<std::string> origin_of(const std::string& url) {
  const std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(),
                                                                   curl_url_cleanup);
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    return std::nullopt;
  std::string origin;
  for (const CURLUPart part : {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT}) {
    char* text = nullptr;
    if (curl_url_get(parsed.get(), part, &text, CURLU_DEFAULT_PORT) != CURLUE_OK)
      return std::nullopt;
    origin += text;
    origin += part == CURLUPART_SCHEME ? "://" : part == CURLUPART_HOST ? ":" : "";
    curl_free(text);
  }
  return origin;
}

bool is_loopback_url(const std::string& url) {
  const std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(),
                                                                   curl_url_cleanup);
  char* host = nullptr;
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK) {
    return false;  // curl will say what is wrong with the URL when it runs it
  }
  std::string name = host;
  curl_free(host);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  in_addr v4{};  // an address in 127.0.0.0/8, not a name that starts with "127."
  return name == "localhost" || name == "[::1]" ||
         (::inet_pton(AF_INET, name.c_str(), &v4) == 1 &&
          (ntohl(v4.s_addr) >> 24) == 127);
}

void apply_proxy_policy(CURL* easy, const std::string& url) {
  // "*": no proxy for any host. nullptr: back to the environment's no_proxy.
  set_option(easy, CURLOPT_NOPROXY,
             is_loopback_url(url) ? "*" : static_cast<const char*>(nullptr));
}

void attach_record(CURL* easy, transfer& t, const run_clock& clock) {
  t.error_buffer[0] = '\0';
  apply_proxy_policy(easy, t.record.url);
  set_option(easy, CURLOPT_WRITEFUNCTION, count_body);
  set_option(easy, CURLOPT_WRITEDATA, &t.record);
  set_option(easy, CURLOPT_ERRORBUFFER, t.error_buffer.data());
  t.clock = &clock;
  set_option(easy, CURLOPT_PREREQFUNCTION, request_sent);
  set_option(easy, CURLOPT_PREREQDATA, static_cast<void*>(&t));
  t.record.start_s = clock.now_s();  // for a request that is never sent
}

request_record end_transfer(CURL* easy, transfer& t, CURLcode result,
                            const run_clock& clock) {
  request_record& r = t.record;
  r.end_s = clock.now_s();
  r.thread = current_thread_id();
  r.status = info_long(easy, CURLINFO_RESPONSE_CODE);
  r.connections = info_long(easy, CURLINFO_NUM_CONNECTS);
  switch (info_long(easy, CURLINFO_HTTP_VERSION)) {
    case CURL_HTTP_VERSION_1_0:
    case CURL_HTTP_VERSION_1_1:
      r.http_major = 1;
      break;
    case CURL_HTTP_VERSION_2_0:
      r.http_major = 2;
      break;
    default:
      r.http_major = 0;  // no answer (or HTTP/3, which we never ask for)
  }
  if (result != CURLE_OK) {
    // The error buffer says more than the code ("Failed to connect to
    // 127.0.0.1 port 9: Connection refused" rather than "Couldn't connect").
    r.error =
        t.error_buffer[0] != '\0' ? t.error_buffer.data() : curl_easy_strerror(result);
  } else if (r.status >= 400) {
    r.error = "HTTP " + std::to_string(r.status);
  }
  // The handle may be reused for another transfer: stop it pointing at ours.
  set_option(easy, CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
  set_option(easy, CURLOPT_PREREQDATA, static_cast<void*>(nullptr));
  set_option(easy, CURLOPT_PREREQFUNCTION, static_cast<curl_prereq_callback>(nullptr));
  return r;
}

request_record failed_before_start(std::size_t index, std::string url, std::string error,
                                   const run_clock& clock) {
  request_record r;
  r.index = index;
  r.url = std::move(url);
  r.start_s = r.end_s = clock.now_s();
  r.thread = current_thread_id();
  r.error = std::move(error);
  return r;
}

curl_http2 curl_http2_support() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  return {(info->features & CURL_VERSION_HTTP2) != 0, info->version};
}

}  // namespace inflight::harness
