// The transport: a keep-alive loop and a socket stream with deadlines and byte caps.
#include "server/http_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tandem::server {
namespace {

thread_local ConnectionState* current_connection = nullptr;

using Clock = ConnectionState::Clock;

std::chrono::milliseconds Until(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

Clock::duration Seconds(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// Waits until `fd` is ready for `events` or `deadline` passes (false). Wakes every 200 ms to
// notice a stopping server (`running` false).
bool WaitFor(int fd, short events, Clock::time_point deadline,
             const std::atomic<socket_t>* listening) {
  for (;;) {
    const auto left = Until(deadline);
    if (left.count() <= 0) return false;
    pollfd entry{fd, events, 0};
    const int slice = static_cast<int>(std::min<int64_t>(left.count(), 200));
    const int ready = ::poll(&entry, 1, slice);
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
    if (listening && *listening == INVALID_SOCKET) return false;
  }
}

std::string AddressText(const sockaddr_storage& address, int* port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    if (port) *port = ntohs(v4->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    if (port) *port = ntohs(v6->sin6_port);
  }
  return text;
}

// Closes after the response has left: stop sending, then read and drop what the client still
// sends for a moment (a body we refused to read), so that the close does not reset the
// connection before the client has read the answer.
// Bounded in time and bytes: a client that keeps sending cannot hold the thread with it.
void LingeringClose(socket_t sock, std::chrono::milliseconds linger) {
  ::shutdown(sock, SHUT_WR);
  const auto deadline = Clock::now() + linger;
  char sink[16384];
  size_t dropped = 0;
  while (dropped < (size_t{1} << 20) && WaitFor(sock, POLLIN, deadline, nullptr)) {
    const ssize_t got = ::recv(sock, sink, sizeof sink, 0);
    if (got <= 0) break;
    dropped += static_cast<size_t>(got);
  }
  ::close(sock);
}

}  // namespace

// The socket as httplib reads and writes it, with the connection's deadlines and caps.
class LimitedStream final : public httplib::Stream {
 public:
  LimitedStream(socket_t sock, ConnectionState& state, const TransportLimits& limits,
                const std::atomic<socket_t>& listening)
      : sock_(sock), state_(state), limits_(limits), listening_(listening) {}

  bool is_readable() const override {
    if (start_ < end_) return true;
    pollfd entry{sock_, POLLIN, 0};
    return ::poll(&entry, 1, 0) > 0;
  }
  bool is_writable() const override {
    return WaitFor(sock_, POLLOUT, Clock::now() + Seconds(limits_.write_timeout_seconds),
                   &listening_);
  }

  ssize_t read(char* ptr, size_t size) override {
    if (start_ == end_) {
      if (!WaitFor(sock_, POLLIN, ReadDeadline(), &listening_)) {
        state_.timed_out_ = true;
        return -1;
      }
      ssize_t got;
      do {
        got = ::recv(sock_, buffer_, sizeof buffer_, 0);
      } while (got < 0 && errno == EINTR);
      if (got <= 0) return got;
      start_ = 0;
      end_ = static_cast<size_t>(got);
    }
    const size_t n = std::min(size, end_ - start_);
    if (!Account(n)) return -1;
    std::memcpy(ptr, buffer_ + start_, n);
    start_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    const auto deadline = Clock::now() + Seconds(limits_.write_timeout_seconds);
    size_t sent = 0;
    while (sent < size) {
      if (!WaitFor(sock_, POLLOUT, deadline, nullptr)) return -1;
      const ssize_t n = ::send(sock_, ptr + sent, size - sent, MSG_NOSIGNAL);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) return -1;
      sent += static_cast<size_t>(n);
    }
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    ::getpeername(sock_, reinterpret_cast<sockaddr*>(&address), &length);
    ip = AddressText(address, &port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    ::getsockname(sock_, reinterpret_cast<sockaddr*>(&address), &length);
    ip = AddressText(address, &port);
  }
  socket_t socket() const override { return sock_; }

  // Waits for the first byte of the next request (or finds it buffered): false when the
  // connection stays idle past the keep-alive time, closes, or the server stops.
  bool WaitForRequest() {
    if (start_ < end_) return true;
    return WaitFor(sock_, POLLIN, Clock::now() + Seconds(limits_.keep_alive_seconds), &listening_);
  }

 private:
  Clock::time_point ReadDeadline() const {
    switch (state_.phase_) {
      case ConnectionState::Phase::kHeaders:
        return state_.phase_start_ + Seconds(limits_.header_timeout_seconds);
      case ConnectionState::Phase::kBody:
        return state_.phase_start_ + Seconds(limits_.body_grace_seconds) +
               Seconds(static_cast<double>(state_.phase_bytes_) /
                       std::max(1.0, limits_.body_min_bytes_per_second));
      default:
        // Reads outside a request's phases (httplib reading a body on its own) get the
        // header deadline: they are never long.
        return state_.phase_start_ + Seconds(limits_.header_timeout_seconds);
    }
  }
  // Counts bytes handed to httplib against the phase's cap; false breaks the read.
  bool Account(size_t n) {
    state_.phase_bytes_ += n;
    const size_t cap = state_.phase_ == ConnectionState::Phase::kBody ? state_.body_wire_cap_
                                                                      : limits_.max_header_bytes;
    if (state_.phase_bytes_ > cap) {
      state_.wire_cap_exceeded_ = true;
      return false;
    }
    return true;
  }

  socket_t sock_;
  ConnectionState& state_;
  const TransportLimits& limits_;
  const std::atomic<socket_t>& listening_;
  char buffer_[16384];
  size_t start_ = 0;
  size_t end_ = 0;
};

void ConnectionState::BeginBody(size_t max_body_bytes) {
  phase_ = Phase::kBody;
  phase_start_ = Clock::now();
  phase_bytes_ = 0;
  // Chunk framing ("1\r\nx\r\n" is 6 bytes for one) is bounded too, but not counted as body.
  body_wire_cap_ = max_body_bytes + max_body_bytes / 2 + 64 * 1024;
}

ConnectionState* CurrentConnection() {
  return current_connection;
}

int Transport::ConnectionsOf(const std::string& peer) {
  MutexLock lock(&mutex_);
  auto found = connections_by_peer_.find(peer);
  return found == connections_by_peer_.end() ? 0 : found->second;
}

bool Transport::Admit(const std::string& peer) {
  MutexLock lock(&mutex_);
  int& count = connections_by_peer_[peer];
  const bool exempt =
      limits_.max_connections_per_peer <= 0 || limits_.trusted_proxies.count(peer) > 0;
  if (!exempt && count >= limits_.max_connections_per_peer) {
    if (count == 0) connections_by_peer_.erase(peer);
    return false;
  }
  ++count;
  return true;
}

void Transport::Leave(const std::string& peer) {
  MutexLock lock(&mutex_);
  auto found = connections_by_peer_.find(peer);
  if (found != connections_by_peer_.end() && --found->second <= 0)
    connections_by_peer_.erase(found);
}

bool Transport::process_and_close_socket(socket_t sock) {
  const int one = 1;
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ConnectionState state;
  LimitedStream stream(sock, state, limits_, svr_sock_);
  int port = 0;
  stream.get_remote_ip_and_port(state.peer_, port);
  if (!Admit(state.peer_)) {
    static const std::string kBody =
        "{\"error\":{\"status\":503,\"code\":\"busy\",\"message\":\"too many connections from "
        "your address; retry shortly\",\"fields\":[]}}";
    const std::string reply =
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: "
        "application/json\r\nConnection: close\r\nContent-Length: " +
        std::to_string(kBody.size()) + "\r\n\r\n" + kBody;
    (void)stream.write(reply.data(), reply.size());
    LingeringClose(sock, std::chrono::milliseconds(50));
    return true;
  }
  current_connection = &state;
  bool ok = true;
  const size_t most = limits_.max_requests_per_connection;
  for (size_t served = 0; most == 0 || served < most; ++served) {
    if (svr_sock_ == INVALID_SOCKET) break;
    state.phase_ = ConnectionState::Phase::kIdle;
    if (!stream.WaitForRequest()) break;
    state.phase_ = ConnectionState::Phase::kHeaders;
    state.phase_start_ = Clock::now();
    state.phase_bytes_ = 0;
    state.timed_out_ = false;
    state.wire_cap_exceeded_ = false;
    bool connection_closed = false;
    const bool last = most != 0 && served + 1 == most;
    ok = process_request(stream, last, connection_closed, nullptr);
    if (!ok || connection_closed || state.close_after_response_) break;
  }
  current_connection = nullptr;
  // Counted out before the linger: a client that opens its next connection as soon as it has
  // read the answer is not refused for the one being closed.
  Leave(state.peer_);
  LingeringClose(sock, std::chrono::milliseconds(500));
  return ok;
}

}  // namespace tandem::server
