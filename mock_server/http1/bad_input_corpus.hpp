// The bad-input corpus: requests as raw bytes, each with the status and a piece
// of the JSON error it must get. The corpus test sends every one to every
// engine; the fuzzer (fuzz_request.cpp) starts from them. What the fuzzer finds
// is added here, under "found by the fuzzer".
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace inflight::mock::test {

struct corpus_case {
  std::string name;   // the test's name: letters, digits, underscores
  std::string bytes;  // everything the client sends
  int status;
  std::string mentions;  // the JSON "error" must contain this
};

// GoogleTest prints a case as its name, not its bytes (which the test names
// when it fails): a test's listed name says which input it sends.
inline void PrintTo(const corpus_case& c, std::ostream* out) {
  *out << c.name;
}

inline std::string get_request(const std::string& target, const std::string& more = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + more + "\r\n";
}

inline std::vector<corpus_case> bad_input_corpus() {
  std::vector<corpus_case> all;
  const auto add = [&](std::string name, std::string bytes, int status,
                       std::string mentions) {
    all.push_back({std::move(name), std::move(bytes), status, std::move(mentions)});
  };
  // Bytes that are not UTF-8 once decoded, everywhere a client can put them:
  // the JSON library throws on them, so each is a test of the catch-alls.
  const std::pair<const char*, const char*> not_utf8[] = {{"ff", "%ff"},
                                                          {"lone_c3", "%c3"},
                                                          {"overlong_slash", "%c0%af"},
                                                          {"continuation", "%80"},
                                                          {"surrogate", "%ed%a0%80"},
                                                          {"past_10ffff", "%f4%90%80%80"},
                                                          {"fe", "%fe"},
                                                          {"overlong_e0", "%e0%80%af"},
                                                          {"truncated_4", "%f0%9f%98"}};
  for (const auto& [name, escape] : not_utf8) {
    const std::string e = escape, n = name;
    add("path_" + n, get_request("/" + e), 400, "UTF-8");
    add("get_query_key_" + n, get_request("/get?" + e + "=1"), 400, "UTF-8");
    add("get_query_value_" + n, get_request("/get?a=" + e), 400, "UTF-8");
    add("delay_parameter_" + n, get_request("/delay/" + e), 400, "UTF-8");
    add("status_query_" + n, get_request("/status/200?" + e + "=1"), 400, "UTF-8");
  }
  add("path_etc_passwd", get_request("/%c0%afetc/passwd"), 400, "UTF-8");
  for (const auto& [name, raw] :
       {std::pair{"ff", "\xff"}, {"c3", "\xc3"}, {"c0af", "\xc0\xaf"}, {"80", "\x80"}})
    add(std::string("header_value_") + name,
        get_request("/get", std::string("X-A: ") + raw + "\r\n"), 400, "UTF-8");
  // Malformed escapes: from_chars takes a sign, so %-1 once decoded as 0xFF.
  const std::pair<const char*, const char*> malformed[] = {
      {"minus_1", "%-1"}, {"plus_f", "%+f"},   {"zz", "%zz"}, {"g0", "%g0"},
      {"0g", "%0g"},      {"one_digit", "%a"}, {"bare", "%"}, {"double", "%%41"}};
  for (const auto& [name, escape] : malformed) {
    const std::string e = escape, n = name;
    add("path_malformed_" + n, get_request("/get" + e), 400, "percent");
    add("query_key_malformed_" + n, get_request("/get?" + e + "=1"), 400, "percent");
    add("query_value_malformed_" + n, get_request("/get?a=" + e), 400, "percent");
  }
  add("space_in_escape", get_request("/get?a=% f"), 400, "request line");
  // Parameters: numbers, caps, names.
  const std::pair<const char*, const char*> parameter_errors[] = {
      {"/delay/abc", "abc"},
      {"/delay/-1", "-1"},
      {"/delay/nan", "nan"},
      {"/delay/inf", "inf"},
      {"/delay/1e309", "1e309"},
      {"/delay/", "delay"},
      {"/delay/11", "cap of 10"},
      {"/delay/1?sceonds=2", "sceonds"},
      {"/delay?ms=abc", "abc"},
      {"/delay?ms=", "ms"},
      {"/delay", "ms"},
      {"/delay?ms=-5", "-5"},
      {"/delay?ms=10001", "cap of 10"},
      {"/delay?ms=1&jitter_ms=-1", "jitter_ms"},
      {"/delay?ms=1&jitter_ms=1&seed=x", "seed"},
      {"/delay/0x10", "0x10"},
      {"/delay/+1", "+1"},
      {"/delay/1%20", "1 "},
      {"/status/99", "99"},
      {"/status/100", "100"},
      {"/status/199", "199"},
      {"/status/600", "600"},
      {"/status/-200", "-200"},
      {"/status/abc", "abc"},
      {"/status/", "status"},
      {"/status/200?x=1", "x"},
      {"/status/99999999999999999999", "status"},
      {"/bytes/10485761", "10485760"},
      {"/bytes/-1", "-1"},
      {"/bytes/8?seed=x", "seed"},
      {"/bytes/1e3", "1e3"},
      {"/drip?duration=-1", "duration"},
      {"/drip?duration=6&delay=6", "cap of 10"},
      {"/drip?numbytes=10485761", "numbytes"},
      {"/drip?duration=0&code=99", "99"},
      {"/drip?foo=1", "foo"},
      {"/unstable?failure_rate=-0.1", "failure_rate"},
      {"/unstable?failure_rate=1.5", "failure_rate"},
      {"/unstable?failure_rate=nan", "failure_rate"},
      {"/unstable?seed=-1", "seed"},
      {"/hang?x=1", "x"}};
  int i = 0;
  for (const auto& [target, mentions] : parameter_errors)
    add("parameter_" + std::to_string(i++), get_request(target), 400, mentions);
  for (const auto& [target, mentions] : {std::pair{"/", "/"},
                                         {"/nope", "/nope"},
                                         {"/delays/1", "/delays/1"},
                                         {"/status", "/status"},
                                         {"/bytes", "/bytes"},
                                         {"/%00", "no route"},
                                         {"/get/", "/get/"},
                                         {"/GET", "/GET"},
                                         {"/%2e%2e/etc/passwd", "../etc"}})
    add("not_found_" + std::to_string(i++), get_request(target), 404, mentions);
  // Methods: anything but GET and HEAD is 405 JSON, case-sensitive.
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO",
                             "get", "Get", "PROPFIND", "M-SEARCH", "BREW"})
    add(std::string("method_") + (method[0] == 'M' ? "M_SEARCH" : method),
        std::string(method) + " /get HTTP/1.1\r\nHost: x\r\n\r\n", 405, "not allowed");
  add("post_stats", "POST /stats HTTP/1.1\r\nHost: x\r\n\r\n", 405, "POST");
  add("get_stats_reset", get_request("/stats/reset"), 405, "POST");
  add("connect_authority", "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: x\r\n\r\n", 400,
      "start with '/'");
  add("options_asterisk", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 400, "start with '/'");
  add("get_relative", get_request("get"), 400, "start with '/'");
  add("absolute_ftp", get_request("ftp://127.0.0.1/get"), 400, "start with '/'");
  // The request line and the version.
  add("http_2_0", "GET /get HTTP/2.0\r\nHost: x\r\n\r\n", 505, "HTTP/2.0");
  add("http_3_0", "GET /get HTTP/3.0\r\nHost: x\r\n\r\n", 505, "HTTP/3.0");
  // The whole HTTP/2 preface is h2c to the events engine (h2_test.cpp); one
  // that leaves it part-way is HTTP/1.1 to both engines.
  add("http2_preface_diverging", "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n", 505, "HTTP/2.0");
  add("version_lower_case", "GET /get http/1.1\r\nHost: x\r\n\r\n", 400, "request line");
  add("version_missing", "GET /get\r\nHost: x\r\n\r\n", 400, "request line");
  add("version_short", "GET /get HTTP/1\r\nHost: x\r\n\r\n", 400, "request line");
  add("version_long", "GET /get HTTP/1.10\r\nHost: x\r\n\r\n", 400, "request line");
  add("two_spaces", "GET  /get HTTP/1.1\r\nHost: x\r\n\r\n", 400, "request line");
  add("tab_separator", "GET\t/get HTTP/1.1\r\nHost: x\r\n\r\n", 400, "token");
  add("trailing_space", "GET /get HTTP/1.1 \r\nHost: x\r\n\r\n", 400, "request line");
  add("raw_byte_in_target", get_request("/get?a=\xff"), 400, "visible ASCII");
  add("control_in_target", get_request("/get?a=\x01"), 400, "visible ASCII");
  add("del_in_target", get_request("/get?a=\x7f"), 400, "visible ASCII");
  add("method_with_paren", "G(T /get HTTP/1.1\r\nHost: x\r\n\r\n", 400, "token");
  add("tls_client_hello", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
      400, "not an HTTP request");
  add("binary_nul", std::string("\0\0\0\0GET / HTTP/1.1\r\n\r\n", 22), 400,
      "not an HTTP request");
  add("hello", "HELLO\r\n\r\n", 400, "request line");
  add("get_alone", "GET\r\n\r\n", 400, "request line");
  add("bare_cr_in_line", "GET /get\rHTTP/1.1\r\nHost: x\r\n\r\n", 400, "request line");
  // Header fields (RFC 9112 5).
  add("space_before_colon", get_request("/get", "X-A : 1\r\n"), 400, "whitespace");
  add("host_space_before_colon", "GET /get HTTP/1.1\r\nHost : x\r\n\r\n", 400,
      "whitespace");
  add("obs_fold", get_request("/get", "X-A: 1\r\n 2\r\n"), 400, "folding");
  add("header_without_colon", get_request("/get", "X-A 1\r\n"), 400, "malformed header");
  add("header_no_colon_at_all", get_request("/get", "XA\r\n"), 400, "malformed header");
  add("empty_header_name", get_request("/get", ": 1\r\n"), 400, "malformed header");
  add("header_name_paren", get_request("/get", "X(A): 1\r\n"), 400, "invalid byte");
  add("header_name_non_ascii", get_request("/get", "X\xc3\xa9: 1\r\n"), 400,
      "invalid byte");
  add("nul_in_value", get_request("/get", std::string("X-A: a\0b\r\n", 10)), 400,
      "control character");
  add("bare_cr_in_value", get_request("/get", "X-A: a\rb\r\n"), 400, "control character");
  add("del_in_value", get_request("/get", "X-A: a\x7f\r\n"), 400, "control character");
  add("escape_in_value", get_request("/get", "X-A: \x1b[31m\r\n"), 400,
      "control character");
  add("host_missing", "GET /get HTTP/1.1\r\n\r\n", 400, "Host");
  add("host_twice", get_request("/get", "Host: y\r\n"), 400, "Host");
  add("host_twice_other_case", get_request("/get", "HOST: y\r\n"), 400, "Host");
  // Bodies and their framing.
  add("content_length_twice_different",
      get_request("/get", "Content-Length: 1\r\nContent-Length: 2\r\n") + "ab", 400,
      "Content-Length");
  add("content_length_list_different",
      get_request("/get", "Content-Length: 1, 2\r\n") + "ab", 400, "Content-Length");
  add("content_length_abc", get_request("/get", "Content-Length: abc\r\n"), 400,
      "Content-Length");
  add("content_length_negative", get_request("/get", "Content-Length: -1\r\n"), 400,
      "Content-Length");
  add("content_length_plus", get_request("/get", "Content-Length: +1\r\n"), 400,
      "Content-Length");
  add("content_length_hex", get_request("/get", "Content-Length: 0x10\r\n"), 400,
      "Content-Length");
  add("content_length_empty", get_request("/get", "Content-Length:\r\n"), 400,
      "Content-Length");
  add("content_length_overflow",
      get_request("/get", "Content-Length: 99999999999999999999999\r\n"), 400,
      "Content-Length");
  add("content_length_too_big", get_request("/get", "Content-Length: 1048577\r\n"), 413,
      "1048576");
  add("content_length_huge", get_request("/get", "Content-Length: 268435456\r\n"), 413,
      "limit");
  add("post_too_big",
      "POST /delay/0 HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n", 413,
      "limit");
  add("chunked", get_request("/get", "Transfer-Encoding: chunked\r\n") + "0\r\n\r\n", 411,
      "Content-Length");
  add("chunked_and_length",
      get_request("/get", "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n") + "abc",
      400, "Transfer-Encoding");
  add("gzip_coding", get_request("/get", "Transfer-Encoding: gzip\r\n"), 411,
      "Content-Length");
  // Limits: head size, header count, request line.
  add("uri_too_long", get_request("/get?x=" + std::string(20 * 1024, 'a')), 414, "limit");
  add("header_too_long",
      get_request("/get", "X-Big: " + std::string(20 * 1024, 'a') + "\r\n"), 431,
      "limit");
  std::string many;
  for (int h = 0; h < 101; ++h) many += "X-" + std::to_string(h) + ": 1\r\n";
  add("too_many_headers", get_request("/get", many), 431, "100 header");
  std::string very_many;
  for (int h = 0; h < 2000; ++h) very_many += "X: 1\r\n";
  add("very_many_headers", get_request("/get", very_many), 431, "header");
  add("blank_lines_flood", std::string(20 * 1024, '\n') + get_request("/get"), 414,
      "limit");
  // Found by the fuzzer (fuzz_request.cpp):
  return all;
}

}  // namespace inflight::mock::test
