// How an events-engine connection answers (events_answer.cpp), for the
// reading side (events_connection.cpp): internal to events/. Loop thread only.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "mock_server/events/engine_events.hpp"

namespace inflight::mock {

// The connection's timer fires `after` from now; what it means depends on
// the connection's state (on_timer()).
void arm(connection& c, std::chrono::microseconds after);
void write(connection& c, std::string_view bytes);

// The plan is due: its head, then its body whole or /drip's first piece.
void answer(connection& c);
// /drip's next piece; the last one finishes the answer.
void drip_next(connection& c);
// Refused before routing: a JSON error, counted in /stats, and the connection
// closes (after a malformed head, where the next request starts is unknown).
void refuse(connection& c, int status, const std::string& message);

// The last answer is queued: flush it, shut down writing, linger.
void start_closing(connection& c);
// Written and shut: read and drop what the client still sends, then close.
void linger(connection& c);

}  // namespace inflight::mock
