#include "mock_server/http1/http_reply.hpp"

#include <ctime>

namespace inflight::mock {

const char* reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "";
  }
}

std::string http_date() {
  char date[40];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return date;
}

std::string reply_head(const reply_head_fields& fields) {
  // RFC 9110 6.6.1: an origin server with a clock sends Date.
  const auto date = http_date();
  std::string head = "HTTP/1.1 " + std::to_string(fields.status) + " " +
                     reason_phrase(fields.status) + "\r\n";
  head += "Date: " + date + "\r\n";
  head += "Content-Type: " + fields.content_type + "\r\n";
  if (has_body(fields.status))
    head += "Content-Length: " + std::to_string(fields.content_length) + "\r\n";
  if (!fields.server_timing.empty())
    head += "Server-Timing: " + fields.server_timing + "\r\n";
  if (!fields.allow.empty()) head += "Allow: " + fields.allow + "\r\n";
  if (fields.close) head += "Connection: close\r\n";
  return head + "\r\n";
}

std::string reply_head(const reply& plan, double queue_ms, bool close) {
  return reply_head({plan.status, plan.content_type, plan.length,
                     server_timing(queue_ms, plan), plan.allow, close});
}

std::string refusal_answer(int status, const std::string& message) {
  const auto plan = refusal(status, message);
  return reply_head(plan, 0, /*close=*/true) + plan.body;
}

}  // namespace inflight::mock
