// The HTTP transport under the API: cpp-httplib's request parsing and routing on connections
// that tandem serves itself, so that slow, oversized and numerous connections are bounded
// whatever the request (docs/server.md, "Limits"). Internal to tandem_server.
//
// Per connection: TCP_NODELAY (no 40 ms Nagle/delayed-ACK stall per keep-alive request), a cap on
// the connections one peer address holds at once (over it: 503 with Retry-After, then close;
// trusted proxies are exempt), and a keep-alive loop of its own. Per request: the request line
// and headers must arrive within `header_timeout` and hold at most `max_header_bytes`; a body,
// once the handler starts reading it (ConnectionState::BeginBody), must keep up a minimum rate
// after a grace period, and its bytes on the wire (chunk framing included) are capped. A read
// that breaks a limit fails, the request fails and the connection is closed; the handler tells
// which limit it was (ConnectionState) to answer 408 or 413.
//
// Thread safety: a ConnectionState belongs to the thread serving its connection
// (CurrentConnection() is that thread's); Transport is used as httplib::Server is.
#ifndef TANDEM_SRC_SERVER_HTTP_TRANSPORT_H_
#define TANDEM_SRC_SERVER_HTTP_TRANSPORT_H_

#include <httplib.h>

#include <chrono>
#include <map>
#include <set>
#include <string>

#include "tandem/common/thread_annotations.h"

namespace tandem::server {

struct TransportLimits {
  double header_timeout_seconds = 10;        // request line and headers, from their first byte
  size_t max_header_bytes = 64 * 1024;       // request line and headers together
  double body_grace_seconds = 10;            // a body may start slowly ...
  double body_min_bytes_per_second = 16384;  // ... then must keep up this rate on average
  double keep_alive_seconds = 5;             // idle time between requests on one connection
  double write_timeout_seconds = 30;         // to send one response
  int max_connections_per_peer = 32;         // 0: no cap
  size_t max_requests_per_connection = 0;    // 0: no limit (idle connections end by keep_alive)
  std::set<std::string> trusted_proxies;     // peers exempt from the per-peer cap
};

// What the handler of the current request needs to know about its connection.
class ConnectionState {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Phase { kIdle, kHeaders, kBody, kResponse };

  // The handler starts reading the body (the body's deadline and byte cap start now).
  // `max_body_bytes`: the route's limit; the wire cap allows chunk framing on top.
  void BeginBody(size_t max_body_bytes);
  // After the response: close instead of keeping the connection alive (a body left unread, an
  // error that leaves the stream in an unknown state).
  void CloseAfterResponse() { close_after_response_ = true; }

  bool timed_out() const { return timed_out_; }
  bool wire_cap_exceeded() const { return wire_cap_exceeded_; }
  bool close_after_response() const { return close_after_response_; }
  const std::string& peer() const { return peer_; }

 private:
  friend class Transport;
  friend class LimitedStream;
  Phase phase_ = Phase::kIdle;
  Clock::time_point phase_start_;
  size_t phase_bytes_ = 0;
  size_t body_wire_cap_ = 0;
  bool timed_out_ = false;
  bool wire_cap_exceeded_ = false;
  bool close_after_response_ = false;
  std::string peer_;
};

// The state of the connection the calling thread serves; nullptr outside a request.
ConnectionState* CurrentConnection();

class Transport final : public httplib::Server {
 public:
  explicit Transport(TransportLimits limits) : limits_(std::move(limits)) {}
  // Connections held now by `peer` (tests and metrics).
  int ConnectionsOf(const std::string& peer);

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool Admit(const std::string& peer);
  void Leave(const std::string& peer);

  TransportLimits limits_;
  Mutex mutex_;
  std::map<std::string, int> connections_by_peer_ GUARDED_BY(mutex_);
};

}  // namespace tandem::server

#endif  // TANDEM_SRC_SERVER_HTTP_TRANSPORT_H_
