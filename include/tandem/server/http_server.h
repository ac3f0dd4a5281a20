// The HTTP front end of `tandem serve`: a JSON API over the service layer (service.h), the
// OpenAPI document of that API, /healthz, /metrics, and static files (the web UI).
//
// Per request: the transport's limits (http_transport.h: header and body deadlines, connections
// per peer), rate limit (per client address), route, authenticate (bearer token, or the
// session cookie plus X-CSRF-Token on unsafe methods), role check from the route table (the
// service checks again, per field), the body read with the route's limit (only then, so that
// nobody unknown can make the server read or store a large body), JSON parsing with a depth
// limit, If-Match / If-None-Match,
// the service call, a JSON reply (errors: {"error": {status, code, message, fields}}) and a log
// line that never contains headers, bodies or query strings.
//
// Thread safety: Start/Stop from one thread; requests are served by a pool of threads.
#ifndef TANDEM_SERVER_HTTP_SERVER_H_
#define TANDEM_SERVER_HTTP_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tandem/common/result.h"
#include "tandem/server/api.h"
#include "tandem/server/service.h"

namespace tandem::server {

// The limits are documented in docs/server.md ("Limits") with the flags of `tandem serve`.
struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                       // 0: any free port (see HttpServer::port)
  std::string web_root;                  // static files served at /; empty: none
  size_t max_body_bytes = 8 << 20;       // text bodies (history files, imports); larger: 413
  size_t max_json_body_bytes = 1 << 20;  // JSON documents (entries, settings, actions): 413
  size_t max_login_body_bytes = 4096;    // POST /api/session, read before anyone is known
  double requests_per_second = 50;       // per client address, sustained; 0: no limit
  double burst = 200;                    // per client address
  double logins_per_minute = 10;         // failed logins per client address over all accounts
  bool secure_cookies = false;           // add `Secure` to the session cookie (behind TLS)
  int threads = 64;                      // connections served at once (keep-alive holds one each)
  int max_connections_per_client = 0;    // per peer address; 0: threads / 2
  double header_timeout_seconds = 10;    // request line and headers, from their first byte
  double body_timeout_seconds = 10;      // a body's grace period, then >= 16 KiB/s on average
  int large_bodies_at_once = 2;          // bodies over 1 MiB read and handled at once
  // Peers whose X-Forwarded-For / X-Real-IP name the client (a reverse proxy); they are exempt
  // from the per-peer connection cap.
  std::vector<std::string> trusted_proxies;
  // One line per request (method, route, status, milliseconds, user); empty: no log.
  std::function<void(const std::string&)> log;
};

// A parsed request as handlers see it.
struct ApiRequest {
  Actor actor;
  std::map<std::string, std::string> params;  // path parameters by name
  std::map<std::string, std::string> query;
  nlohmann::json body;  // parsed JSON (null when none)
  std::string raw_body;
  std::optional<int64_t> if_match;
};

// One route of the API: the table drives routing, authorisation, the OpenAPI document and the
// authorisation test.
struct Route {
  std::string method;  // GET, POST, PUT, DELETE
  std::string path;    // "/api/workspaces/{ws}/resources/{id}"; a last "{path*}" takes the rest
  std::string tag;     // OpenAPI grouping
  std::string summary;
  std::vector<Role> roles;  // who may call it; empty: public (no authentication)
  std::string request;      // OpenAPI schema of the body ("" none, "text" raw text)
  std::string response;     // OpenAPI schema of the 2xx body
  std::function<Outcome<Reply>(Service&, const ApiRequest&)> handler;
};

// Every route of the API, in matching order.
const std::vector<Route>& ApiRoutes();
// The OpenAPI 3.0 document of the whole API (also served at /api/openapi.json).
nlohmann::json OpenApiDocument();

class HttpServer {
 public:
  HttpServer(Service& service, HttpOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving on a background thread. Errors: kIo when the address is taken.
  Status Start();
  // The bound port (after Start).
  int port() const;
  // Stops accepting, finishes requests in flight, joins the thread.
  void Stop();
  // Blocks until Stop is called from another thread (or a signal handler's helper).
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tandem::server

#endif  // TANDEM_SERVER_HTTP_SERVER_H_
