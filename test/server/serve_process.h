// The real `tandem serve` binary as a child process, for the tests that kill it (crash_test.cc,
// replica_test.cc): where the binary is, a free loopback port, starting it with its standard
// error in a log file, and waiting until it answers /healthz.
#ifndef TANDEM_TEST_SERVER_SERVE_PROCESS_H_
#define TANDEM_TEST_SERVER_SERVE_PROCESS_H_

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace tandem::server::testing {

// The binary ctest passes in TANDEM_BINARY; empty when the test runs outside ctest.
inline std::string TandemBinary() {
  const char* binary = std::getenv("TANDEM_BINARY");
  return binary ? binary : "";
}

// A port the kernel has just handed out on 127.0.0.1 (free now; a race with another process
// taking it before the server binds is possible but has not been seen).
inline int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const int port = ntohs(address.sin_port);
  close(fd);
  return port;
}

// Starts `tandem serve --db URL --port PORT --quiet ARGS...` with its standard error appended to
// `log`; returns the child's pid (the caller kills and reaps it).
inline pid_t StartServeProcess(const std::string& url, int port, const std::string& log,
                               const std::vector<std::string>& args) {
  std::vector<std::string> words = {TandemBinary(),       "serve",  "--db", url, "--port",
                                    std::to_string(port), "--quiet"};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(words.size() + 1);
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    FILE* out = std::freopen(log.c_str(), "a", stderr);
    (void)out;
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Waits up to 30 s (a guard, not a measurement) until the server on `port` answers /healthz.
inline bool WaitHealthy(int port) {
  for (int i = 0; i < 600; ++i) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(0, 200000);
    httplib::Result result = client.Get("/healthz");
    if (result && result->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace tandem::server::testing

#endif  // TANDEM_TEST_SERVER_SERVE_PROCESS_H_
