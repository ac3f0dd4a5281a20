// A raw HTTP/1.1 client on loopback for the security tests: what a hostile or careless client
// does byte by byte (chunked bodies, a header byte at a time, a chosen source address), which a
// well-behaved client library will not do.
#ifndef TANDEM_TEST_SECURITY_RAW_HTTP_H_
#define TANDEM_TEST_SECURITY_RAW_HTTP_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <string_view>

namespace tandem::server::testing {

class RawConnection {
 public:
  // Connects to 127.0.0.1:port from `source` (any 127.x.y.z address is the loopback).
  explicit RawConnection(int port, const char* source = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &local.sin_addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&remote), sizeof remote) == 0;
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  // Fixes the socket's send buffer (Linux doubles the value and stops autotuning it), so that
  // what `Send` has accepted is bounded by what the server read plus the two buffers, not by
  // the 4 MiB the kernel lets an autotuned loopback buffer grow to while a slow server thinks.
  void FixSendBuffer(int bytes) { ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes); }
  // False once the server has closed or reset the connection.
  bool Send(std::string_view data) {
    size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
  // Whether a byte (or the end of the stream) is there to read within `millis`.
  bool Readable(int millis) {
    pollfd entry{fd_, POLLIN, 0};
    return ::poll(&entry, 1, millis) > 0;
  }
  // One response: the status line's code, or 0 when the connection ended (or `seconds` passed)
  // before one came. `text` receives what was read.
  int ReadStatus(double seconds, std::string* text = nullptr) {
    std::string received;
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(seconds));
    for (;;) {
      const size_t end = received.find("\r\n\r\n");
      if (end != std::string::npos) {
        const size_t length_at = received.find("Content-Length: ");
        const size_t length =
            length_at == std::string::npos ? 0 : std::stoul(received.substr(length_at + 16));
        if (received.size() >= end + 4 + length) break;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !Readable(static_cast<int>(left.count()))) break;
      char buffer[16384];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      received.append(buffer, static_cast<size_t>(n));
    }
    if (text) *text = received;
    if (received.rfind("HTTP/1.1 ", 0) != 0 || received.size() < 12) return 0;
    return std::stoi(received.substr(9, 3));
  }
  // Whether the server closes the connection (end of stream or reset) within `seconds`,
  // dropping whatever it sends first.
  bool ClosedWithin(double seconds) {
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(seconds));
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      if (!Readable(static_cast<int>(left.count()))) return false;
      char buffer[4096];
      if (::recv(fd_, buffer, sizeof buffer, 0) <= 0) return true;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace tandem::server::testing

#endif  // TANDEM_TEST_SECURITY_RAW_HTTP_H_
