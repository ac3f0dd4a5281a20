// The HTTP front end (cpp-httplib): routing by the table in routes.cc, authentication,
// CSRF, limits, metrics, static files.
#include "tandem/server/http_server.h"

#include <httplib.h>
#include <malloc.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <thread>

#include "server/crypto.h"
#include "server/http_limits.h"
#include "server/http_transport.h"
#include "server/scenario_doc.h"
#include "tandem/common/thread_annotations.h"
#include "tandem/io/input_limits.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;

constexpr const char* kCookie = "tandem_session";
constexpr const char* kDeviceCookie = "tandem_device";
constexpr size_t kLargeBodyBytes = size_t{1} << 20;  // bodies above this take a LargeBodySlot
constexpr size_t kIgnoredBodyBytes = 4096;  // routes without a body tolerate this much (ignored)

// Request counts and latencies per route, for /metrics.
class HttpMetrics {
 public:
  void Record(const std::string& method, const std::string& route, int status, double seconds) {
    MutexLock lock(&mutex_);
    ++counts_[{method, route, status}];
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      if (seconds <= kBuckets[i]) ++buckets_[i];
    }
    ++observations_;
    sum_ += seconds;
  }
  std::string Text() const {
    MutexLock lock(&mutex_);
    std::string text =
        "# HELP tandem_http_requests_total HTTP requests by route and status.\n"
        "# TYPE tandem_http_requests_total counter\n";
    for (const auto& [key, count] : counts_) {
      const auto& [method, route, status] = key;
      text += "tandem_http_requests_total{method=\"" + method + "\",route=\"" + route +
              "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
    }
    text +=
        "# HELP tandem_http_request_duration_seconds Time to answer a request.\n"
        "# TYPE tandem_http_request_duration_seconds histogram\n";
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      char le[32];
      std::snprintf(le, sizeof le, "%g", kBuckets[i]);
      text += std::string("tandem_http_request_duration_seconds_bucket{le=\"") + le + "\"} " +
              std::to_string(buckets_[i]) + "\n";
    }
    text += "tandem_http_request_duration_seconds_bucket{le=\"+Inf\"} " +
            std::to_string(observations_) + "\n";
    char sum[64];
    std::snprintf(sum, sizeof sum, "%.6f", sum_);
    text += std::string("tandem_http_request_duration_seconds_sum ") + sum + "\n";
    text += "tandem_http_request_duration_seconds_count " + std::to_string(observations_) + "\n";
    return text;
  }

 private:
  static constexpr std::array<double, 9> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,  0.1,    0.5,   2.5};
  mutable Mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, int64_t> counts_ GUARDED_BY(mutex_);
  std::array<int64_t, 9> buckets_ GUARDED_BY(mutex_){};
  int64_t observations_ GUARDED_BY(mutex_) = 0;
  double sum_ GUARDED_BY(mutex_) = 0;
};

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> segments;
  size_t start = 1;
  while (start <= path.size()) {
    const size_t end = path.find('/', start);
    segments.push_back(
        path.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return segments;
}

bool Match(const std::string& pattern, const std::vector<std::string>& path,
           std::map<std::string, std::string>* params) {
  const std::vector<std::string> parts = Segments(pattern);
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (part.size() > 3 && part.front() == '{' && part.substr(part.size() - 2) == "*}") {
      if (i >= path.size()) return false;
      std::string rest;
      for (size_t j = i; j < path.size(); ++j) rest += (j > i ? "/" : "") + path[j];
      if (rest.empty()) return false;
      (*params)[part.substr(1, part.size() - 3)] = rest;
      return true;
    }
    if (i >= path.size()) return false;
    if (part.size() > 2 && part.front() == '{') {
      if (path[i].empty()) return false;
      (*params)[part.substr(1, part.size() - 2)] = httplib::detail::decode_url(path[i], false);
    } else if (part != path[i]) {
      return false;
    }
  }
  return parts.size() == path.size();
}

std::string CookieValue(const httplib::Request& request, const std::string& name) {
  const std::string header = request.get_header_value("Cookie");
  size_t at = 0;
  while (at < header.size()) {
    while (at < header.size() && (header[at] == ' ' || header[at] == ';')) ++at;
    const size_t end = header.find(';', at);
    const std::string pair =
        header.substr(at, end == std::string::npos ? std::string::npos : end - at);
    const size_t equals = pair.find('=');
    if (equals != std::string::npos && pair.substr(0, equals) == name)
      return pair.substr(equals + 1);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return {};
}

// A whole non-negative decimal number, nothing else (no sign, spaces or suffix).
std::optional<int64_t> StrictInteger(std::string_view text) {
  int64_t value = 0;
  if (text.empty() || text.size() > 18) return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// If-Match: "5" or W/"5". nullopt when absent; error when malformed.
Outcome<std::optional<int64_t>> ParseIfMatch(const std::string& header) {
  if (header.empty()) return std::optional<int64_t>();
  std::string text = header;
  if (text.rfind("W/", 0) == 0) text = text.substr(2);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
    text = text.substr(1, text.size() - 2);
  const std::optional<int64_t> value = StrictInteger(text);
  if (!value) {
    return ApiError::Field("If-Match", "not an ETag this server gave",
                           "the ETag header of a GET, e.g. \"3\"");
  }
  return std::optional<int64_t>(*value);
}

// Whether the request announces a body (Content-Length above zero, or chunked). A request with
// neither has none (RFC 9112 6.3): it is never waited for.
bool BodyAnnounced(const httplib::Request& request) {
  if (request.has_header("Transfer-Encoding")) return true;
  const std::string length = request.get_header_value("Content-Length");
  return !length.empty() && length != "0";
}

// The connection cannot carry another request when a body it announced is left unread.
void CloseIfBodyUnread(const httplib::Request& request) {
  if (BodyAnnounced(request)) {
    if (ConnectionState* connection = CurrentConnection()) connection->CloseAfterResponse();
  }
}

void SendJson(httplib::Response& response, int status, const json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

void SendError(httplib::Response& response, const ApiError& error) {
  SendJson(response, error.status, error.ToJson());
}

bool Unsafe(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

// The request as the handler sees it: httplib's request (headers), the body's reader (null for
// methods without a body), and the client it comes from.
struct Incoming {
  const httplib::Request& request;
  const httplib::ContentReader* reader;
  std::string client;
};

}  // namespace

struct HttpServer::Impl {
  Impl(Service& service_in, HttpOptions options_in)
      : service(service_in),
        options(std::move(options_in)),
        server(Limits(options)),
        limiter(options.requests_per_second, options.burst),
        login_guard(LoginGuard::Options{5, 900, options.logins_per_minute, &service.users(),
                                        DeviceKey(service)}),
        large_bodies(std::max(1, options.large_bodies_at_once)) {}

  // The device cookies' key, the same on every server of the database (empty when it cannot be
  // read: this server then draws its own).
  static std::string DeviceKey(Service& service) {
    Outcome<std::string> key = service.users().SharedSecret("device-cookie-key");
    return key.ok() ? key.value() : std::string();
  }

  static TransportLimits Limits(const HttpOptions& options) {
    TransportLimits limits;
    limits.header_timeout_seconds = options.header_timeout_seconds;
    limits.body_grace_seconds = options.body_timeout_seconds;
    limits.max_connections_per_peer = options.max_connections_per_client > 0
                                          ? options.max_connections_per_client
                                          : std::max(1, options.threads / 2);
    limits.trusted_proxies.insert(options.trusted_proxies.begin(), options.trusted_proxies.end());
    return limits;
  }

  void Handle(const httplib::Request& request, httplib::Response& response,
              const httplib::ContentReader* reader);
  void Serve(Incoming& incoming, httplib::Response& response, std::string* route_name,
             std::string* user, bool* large);
  void Login(Incoming& incoming, httplib::Response& response, std::string* user);
  // GET /api/session (who is logged in) and DELETE /api/session (log out), authenticated.
  void ServeSession(const httplib::Request& request, httplib::Response& response,
                    const ApiRequest& api, const Authenticated& who);
  Outcome<std::optional<Authenticated>> Authenticate(const httplib::Request& request,
                                                     httplib::Response& response);
  size_t BodyLimit(const Route& route) const;
  // Reads the body announced by the request into `out`, at most `limit` bytes. Errors: 413 too
  // large (nothing is read past the limit), 408 too slow, 400 malformed, 503 when large bodies
  // are all in hand; every error closes the connection.
  Outcome<bool> ReadBody(Incoming& incoming, size_t limit, std::string* out, bool* large);

  Service& service;
  HttpOptions options;
  Transport server;
  RateLimiter limiter;
  LoginGuard login_guard;
  LargeBodySlots large_bodies;
  HttpMetrics metrics;
  std::thread thread;
  int bound_port = 0;
  Mutex mutex;
  CondVar stopped_cv;  // signalled when stopped is set
  bool stopped GUARDED_BY(mutex) = false;
};

void HttpServer::Impl::Handle(const httplib::Request& request, httplib::Response& response,
                              const httplib::ContentReader* reader) {
  const auto started = std::chrono::steady_clock::now();
  std::string route_name = "(none)";
  std::string user = "-";
  bool large = false;
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  response.set_header("Referrer-Policy", "no-referrer");
  Incoming incoming{
      request, reader,
      ClientAddress(request.remote_addr, request.get_header_value("X-Forwarded-For"),
                    request.get_header_value("X-Real-IP"),
                    {options.trusted_proxies.begin(), options.trusted_proxies.end()})};
  try {
    Serve(incoming, response, &route_name, &user, &large);
  } catch (const std::exception&) {
    SendError(response, ApiError::Internal("internal error"));
  }
  if (large) {
    large_bodies.Release();
    // A large document's parse trees are freed by now: give the pages back to the system
    // rather than keep the peak for the life of the process.
    malloc_trim(0);
  }
  if (!response.has_header("Cache-Control")) response.set_header("Cache-Control", "no-store");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics.Record(request.method, route_name, response.status, seconds);
  if (options.log) {
    char line[512];
    // Route patterns and ids only: never query strings, headers or bodies (they carry secrets).
    std::snprintf(line, sizeof line, "%s %s %d %.1fms user=%s", request.method.c_str(),
                  route_name.c_str(), response.status, seconds * 1000, user.c_str());
    options.log(line);
  }
}

size_t HttpServer::Impl::BodyLimit(const Route& route) const {
  if (route.path == "/api/session" && route.method == "POST") return options.max_login_body_bytes;
  if (route.request.empty()) return kIgnoredBodyBytes;
  if (route.request == "text") return options.max_body_bytes;
  return options.max_json_body_bytes;
}

Outcome<bool> HttpServer::Impl::ReadBody(Incoming& incoming, size_t limit, std::string* out,
                                         bool* large) {
  const httplib::Request& request = incoming.request;
  if (!incoming.reader || !BodyAnnounced(request)) return true;
  ConnectionState* connection = CurrentConnection();
  const auto fail = [&](ApiError error) -> Outcome<bool> {
    if (connection) connection->CloseAfterResponse();
    return error;
  };
  const auto too_large = [&] {
    return fail(ApiError{413,
                         "too_large",
                         "the request body is larger than " + ByteSize(limit) + " for this route",
                         {{"(body)", "too large", "at most " + ByteSize(limit), ""}}});
  };
  std::optional<int64_t> length;
  if (request.has_header("Content-Length")) {
    length = StrictInteger(request.get_header_value("Content-Length"));
    if (!length) return fail(ApiError::Field("Content-Length", "not a byte count"));
    if (static_cast<uint64_t>(*length) > limit) return too_large();
  }
  const auto take_slot = [&]() -> bool {
    if (*large) return true;
    *large = large_bodies.Acquire(std::chrono::seconds(10));
    return *large;
  };
  if (length && static_cast<size_t>(*length) > kLargeBodyBytes && !take_slot()) {
    ApiError busy{503, "busy", "the server is handling other large requests; retry shortly", {}};
    return fail(busy);
  }
  if (length) out->reserve(static_cast<size_t>(*length));
  if (connection) connection->BeginBody(limit);
  bool over = false;
  bool busy = false;
  const bool read = (*incoming.reader)([&](const char* data, size_t size) {
    if (out->size() + size > limit) {
      over = true;
      return false;
    }
    if (out->size() + size > kLargeBodyBytes && !take_slot()) {
      busy = true;
      return false;
    }
    out->append(data, size);
    return true;
  });
  if (read) return true;
  if (over || (connection && connection->wire_cap_exceeded())) return too_large();
  if (busy) {
    return fail(ApiError{503, "busy", "the server is handling other large requests", {}});
  }
  if (connection && connection->timed_out()) {
    return fail(ApiError{408, "timeout", "the request body came too slowly", {}});
  }
  return fail(ApiError::Field("(body)",
                              "could not be read (malformed chunked encoding, an "
                              "unsupported Content-Encoding, or a broken connection)"));
}

namespace {

// The route for the request's method and path (HEAD is served as GET), with the path's
// parameters; 404 for an unknown path, 405 for a known path with another method.
Outcome<const Route*> FindRoute(const httplib::Request& request,
                                std::map<std::string, std::string>* params) {
  const std::vector<std::string> path = Segments(request.path);
  bool path_known = false;
  for (const Route& candidate : ApiRoutes()) {
    std::map<std::string, std::string> found;
    if (!Match(candidate.path, path, &found)) continue;
    path_known = true;
    if (candidate.method == request.method ||
        (request.method == "HEAD" && candidate.method == "GET")) {
      *params = std::move(found);
      return &candidate;
    }
  }
  return path_known
             ? ApiError{405, "method_not_allowed", request.method + " is not allowed here", {}}
             : ApiError::NotFound("no such endpoint: " + request.path);
}

// A service's reply: the ETag from its version (304 for a GET whose If-None-Match names it),
// then the JSON body or the text with its content type.
void SendReply(const httplib::Request& request, httplib::Response& response, const Reply& reply) {
  if (reply.version) {
    const std::string etag = "\"" + std::to_string(*reply.version) + "\"";
    response.set_header("ETag", etag);
    if (request.method == "GET" && request.get_header_value("If-None-Match") == etag) {
      response.set_header("Cache-Control", "no-cache");
      response.status = 304;
      return;
    }
    if (request.method == "GET") response.set_header("Cache-Control", "no-cache");
  }
  response.status = reply.status;
  if (reply.content_type.rfind("text/html", 0) == 0) {
    // A page of the server's own (the campaign's HTML report): its one inline script and style
    // run; nothing is loaded from anywhere. Its data is JSON with "<" escaped
    // (web::RenderReportHtml), so no text of a user's can end the script it sits in.
    response.headers.erase("Content-Security-Policy");
    response.set_header("Content-Security-Policy",
                        "default-src 'none'; script-src 'unsafe-inline'; style-src "
                        "'unsafe-inline'; img-src data: blob:; frame-ancestors 'none'");
  }
  if (!reply.content_type.empty()) {
    response.set_content(reply.text, reply.content_type);
  } else {
    response.set_content(reply.body.dump(), "application/json");
  }
}

}  // namespace

void HttpServer::Impl::ServeSession(const httplib::Request& request, httplib::Response& response,
                                    const ApiRequest& api, const Authenticated& who) {
  CloseIfBodyUnread(request);
  if (request.method == "DELETE") {
    const std::string cookie = CookieValue(request, kCookie);
    if (!cookie.empty()) service.users().Logout(cookie);
    response.set_header("Set-Cookie",
                        std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    SendJson(response, 200, {{"logged_out", true}});
    return;
  }
  json body = {
      {"user", api.actor.name}, {"role", RoleName(api.actor.role)}, {"session", who.session}};
  if (who.session) body["csrf_token"] = who.csrf;
  SendJson(response, 200, body);
}

void HttpServer::Impl::Serve(Incoming& incoming, httplib::Response& response,
                             std::string* route_name, std::string* user, bool* large) {
  const httplib::Request& request = incoming.request;
  if (!limiter.Allow(incoming.client)) {
    CloseIfBodyUnread(request);
    response.set_header("Retry-After", "1");
    SendError(response, ApiError::TooMany("too many requests; slow down"));
    return;
  }
  std::map<std::string, std::string> params;
  Outcome<const Route*> found = FindRoute(request, &params);
  if (!found.ok()) {
    CloseIfBodyUnread(request);
    SendError(response, found.error());
    return;
  }
  const Route* route = found.value();
  *route_name = route->path;
  ApiRequest api;
  api.params = std::move(params);
  for (const auto& [key, value] : request.params) api.query[key] = value;
  if (route->path == "/api/session" && route->method == "POST") {
    Login(incoming, response, user);
    return;
  }
  if (route->roles.empty()) {  // public: health, metrics, the OpenAPI document
    CloseIfBodyUnread(request);
    if (route->path == "/metrics") {
      response.status = 200;
      response.set_content(service.MetricsText() + metrics.Text(), "text/plain; version=0.0.4");
      return;
    }
    Outcome<Reply> reply = route->handler(service, api);
    if (!reply.ok()) {
      SendError(response, reply.error());
      return;
    }
    SendJson(response, reply.value().status, reply.value().body);
    return;
  }
  Outcome<std::optional<Authenticated>> who = Authenticate(request, response);
  if (!who.ok() || !who.value()) {
    CloseIfBodyUnread(request);
    if (!who.ok()) SendError(response, who.error());
    return;
  }
  api.actor = who.value()->actor;
  *user = api.actor.name;
  if (std::find(route->roles.begin(), route->roles.end(), api.actor.role) == route->roles.end()) {
    CloseIfBodyUnread(request);
    SendError(response, ApiError::Forbidden(std::string(RoleName(api.actor.role)) + " may not " +
                                            route->summary));
    return;
  }
  // Session endpoints need the transport's state.
  if (route->path == "/api/session") {
    ServeSession(request, response, api, *who.value());
    return;
  }
  Outcome<std::optional<int64_t>> if_match = ParseIfMatch(request.get_header_value("If-Match"));
  if (!if_match.ok()) {
    CloseIfBodyUnread(request);
    SendError(response, if_match.error());
    return;
  }
  api.if_match = if_match.value();
  Outcome<bool> read = ReadBody(incoming, BodyLimit(*route), &api.raw_body, large);
  if (!read.ok()) {
    if (read.error().status == 503) response.set_header("Retry-After", "5");
    SendError(response, read.error());
    return;
  }
  if (!route->request.empty() && route->request != "text") {
    if (api.raw_body.empty()) {
      api.body = json::object();
    } else {
      Outcome<json> parsed = ParseJsonBody(api.raw_body);
      if (!parsed.ok()) {
        SendError(response, parsed.error());
        return;
      }
      api.body = std::move(parsed.value());
      std::string().swap(api.raw_body);  // the parsed document is all the handler reads
    }
  }
  Outcome<Reply> outcome = route->handler(service, api);
  if (!outcome.ok()) {
    SendError(response, outcome.error());
    return;
  }
  SendReply(request, response, outcome.value());
}

// Authentication: a bearer token, else the session cookie (with CSRF checks on unsafe methods).
// nullopt with the response filled in when the request is refused.
Outcome<std::optional<Authenticated>> HttpServer::Impl::Authenticate(
    const httplib::Request& request, httplib::Response& response) {
  const std::string authorization = request.get_header_value("Authorization");
  if (authorization.rfind("Bearer ", 0) == 0) {
    Outcome<Authenticated> bearer = service.users().AuthenticateBearer(authorization.substr(7));
    if (!bearer.ok()) {
      response.set_header("WWW-Authenticate", "Bearer");
      return bearer.error();
    }
    return std::optional<Authenticated>(bearer.value());
  }
  if (!authorization.empty()) {
    return ApiError{401,
                    "unauthenticated",
                    "unsupported Authorization scheme",
                    {{"Authorization", "not Bearer", "Bearer <token>", ""}}};
  }
  const std::string cookie = CookieValue(request, kCookie);
  if (cookie.empty()) {
    response.set_header("WWW-Authenticate", "Bearer");
    return ApiError::Unauthenticated(
        "log in (POST /api/session) or send Authorization: Bearer <token>");
  }
  Outcome<Authenticated> session = service.users().AuthenticateSession(cookie);
  if (!session.ok()) return session.error();
  // Browsers: unsafe methods need the session's CSRF token, and a same-origin Origin if sent.
  if (Unsafe(request.method)) {
    const std::string token = request.get_header_value("X-CSRF-Token");
    if (token.empty() || !ConstantTimeEqual(token, session.value().csrf)) {
      return ApiError{
          403,
          "csrf",
          "missing or wrong CSRF token",
          {{"X-CSRF-Token", "missing or wrong", "the csrf_token from POST /api/session", ""}}};
    }
    const std::string origin = request.get_header_value("Origin");
    const std::string host = request.get_header_value("Host");
    if (!origin.empty() && origin != "http://" + host && origin != "https://" + host) {
      return ApiError{
          403, "csrf", "cross-origin request refused", {{"Origin", "not this server", host, ""}}};
    }
  }
  return std::optional<Authenticated>(session.value());
}

// POST /api/session: the body is read with the login limit before anything else is known.
void HttpServer::Impl::Login(Incoming& incoming, httplib::Response& response, std::string* user) {
  const httplib::Request& request = incoming.request;
  std::string text;
  bool large = false;
  Outcome<bool> read = ReadBody(incoming, options.max_login_body_bytes, &text, &large);
  if (large) large_bodies.Release();  // cannot happen below 1 MiB; kept balanced anyway
  if (!read.ok()) {
    SendError(response, read.error());
    return;
  }
  Outcome<json> parsed = ParseJsonBody(text);
  if (!parsed.ok() || !parsed.value().is_object()) {
    SendError(response,
              ApiError::Field("(body)", "not a JSON object", "{\"name\": ..., \"password\": ...}"));
    return;
  }
  const json& body = parsed.value();
  if (!body.contains("name") || !body["name"].is_string()) {
    SendError(response, ApiError::Field("name", "missing", "your user name"));
    return;
  }
  if (!body.contains("password") || !body["password"].is_string()) {
    SendError(response, ApiError::Field("password", "missing", "your password"));
    return;
  }
  const std::string account = body["name"];
  const std::string device = login_guard.DeviceOf(account, CookieValue(request, kDeviceCookie));
  const double wait = login_guard.WaitSeconds(account, incoming.client, device);
  if (wait > 0) {
    response.set_header("Retry-After", std::to_string(static_cast<int64_t>(std::ceil(wait))));
    SendError(response, ApiError::TooMany("too many failed logins from here for this account; "
                                          "wait before trying again"));
    return;
  }
  Outcome<Session> session = service.users().Login(account, body["password"]);
  if (!session.ok()) {
    login_guard.Failed(account, incoming.client, device);
    SendError(response, session.error());
    return;
  }
  login_guard.Succeeded(account, incoming.client, device);
  *user = session.value().actor.name;
  const auto max_age =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::hours(12)).count();
  const std::string secure = options.secure_cookies ? "; Secure" : "";
  response.set_header("Set-Cookie", std::string(kCookie) + "=" + session.value().token +
                                        "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                        std::to_string(max_age) + secure);
  // The device cookie lets this browser keep logging in while others fail at this account.
  response.set_header("Set-Cookie", std::string(kDeviceCookie) + "=" +
                                        login_guard.NewDeviceCookie(account) +
                                        "; Path=/api/session; HttpOnly; SameSite=Strict; "
                                        "Max-Age=15552000" +
                                        secure);
  SendJson(response, 200,
           {{"user", session.value().actor.name},
            {"role", RoleName(session.value().actor.role)},
            {"csrf_token", session.value().csrf},
            {"expires_at", session.value().expires_at}});
}

HttpServer::HttpServer(Service& service, HttpOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options))) {}

HttpServer::~HttpServer() {
  Stop();
}

Status HttpServer::Start() {
  Impl& impl = *impl_;
  const int threads = std::max(2, impl.options.threads);
  impl.server.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  impl.server.set_payload_max_length(
      std::max({impl.options.max_body_bytes, impl.options.max_json_body_bytes,
                impl.options.max_login_body_bytes}));
  const auto handler = [&impl](const httplib::Request& request, httplib::Response& response) {
    impl.Handle(request, response, nullptr);
  };
  // Every method with a body takes it through a reader: routing and authentication come first,
  // then the body is read with the route's limit (or not at all).
  const auto reader_handler = [&impl](const httplib::Request& request, httplib::Response& response,
                                      const httplib::ContentReader& reader) {
    impl.Handle(request, response, &reader);
  };
  for (const char* pattern : {"/api/.*", "/healthz", "/metrics"}) impl.server.Get(pattern, handler);
  impl.server.Post(".*", reader_handler);
  impl.server.Put(".*", reader_handler);
  impl.server.Delete(".*", reader_handler);
  impl.server.Patch(".*", reader_handler);
  // Expect: 100-continue with a body larger than any route takes: 413 before it is sent.
  impl.server.set_expect_100_continue_handler([&impl](const httplib::Request& request,
                                                      httplib::Response&) {
    const std::optional<int64_t> length = StrictInteger(request.get_header_value("Content-Length"));
    const size_t largest = std::max(impl.options.max_body_bytes, impl.options.max_json_body_bytes);
    if (length && static_cast<uint64_t>(*length) > largest) {
      if (ConnectionState* connection = CurrentConnection()) connection->CloseAfterResponse();
      return 413;
    }
    return 100;
  });
  if (!impl.options.web_root.empty()) {
    if (!impl.server.set_mount_point("/", impl.options.web_root)) {
      return Error::Io("--web-root: cannot serve " + impl.options.web_root + " (not a directory)");
    }
    // A single-page app: unknown non-API paths get index.html.
    const std::string index = impl.options.web_root + "/index.html";
    impl.server.Get("/.*", [index](const httplib::Request&, httplib::Response& response) {
      std::FILE* file = std::fopen(index.c_str(), "rb");
      if (!file) {
        SendError(response, ApiError::NotFound("not found"));
        return;
      }
      std::string content;
      char buffer[65536];
      size_t read = 0;
      while ((read = std::fread(buffer, 1, sizeof buffer, file)) > 0) content.append(buffer, read);
      std::fclose(file);
      response.set_content(content, "text/html; charset=utf-8");
    });
  }
  impl.server.set_error_handler([](const httplib::Request&, httplib::Response& response) {
    if (!response.body.empty()) return;
    if (response.status == 413) {
      SendError(response, ApiError{413,
                                   "too_large",
                                   "the request body is too large",
                                   {{"(body)", "too large", "", ""}}});
    } else if (response.status >= 400) {
      SendError(
          response,
          ApiError{response.status, "error", "HTTP error " + std::to_string(response.status), {}});
    }
  });
  if (impl.options.port == 0) {
    impl.bound_port = impl.server.bind_to_any_port(impl.options.host);
    if (impl.bound_port <= 0) return Error::Io("cannot listen on " + impl.options.host);
  } else {
    if (!impl.server.bind_to_port(impl.options.host, impl.options.port)) {
      return Error::Io("cannot listen on " + impl.options.host + ":" +
                       std::to_string(impl.options.port) + " (in use? try --port)");
    }
    impl.bound_port = impl.options.port;
  }
  impl.thread = std::thread([&impl] { impl.server.listen_after_bind(); });
  // httplib's stop() is a no-op until the loop runs: wait for it, so that Stop never hangs.
  for (int i = 0; i < 5000 && !impl.server.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return OkStatus();
}

int HttpServer::port() const {
  return impl_->bound_port;
}

void HttpServer::Stop() {
  if (!impl_) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  MutexLock lock(&impl_->mutex);
  impl_->stopped = true;
  impl_->stopped_cv.SignalAll();
}

void HttpServer::Wait() {
  MutexLock lock(&impl_->mutex);
  while (!impl_->stopped) impl_->stopped_cv.Wait(&impl_->mutex);
}

}  // namespace tandem::server
