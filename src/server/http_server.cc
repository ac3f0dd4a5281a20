// The HTTP front end (cpp-httplib): routing by the table in routes.cc, authentication,
// CSRF, limits, metrics, static files.
#include "tandem/server/http_server.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/crypto.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;

constexpr const char* kCookie = "tandem_session";

// Token buckets per client address.
class RateLimiter {
 public:
  RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}
  // Takes a token when there is one.
  bool Allow(const std::string& key) { return Take(key, /*spend=*/true); }
  // Whether a token is there, without taking it.
  bool Has(const std::string& key) { return Take(key, /*spend=*/false); }
  // Takes a token (down to zero) after the fact, e.g. for a failed login.
  void Spend(const std::string& key) { Take(key, /*spend=*/true); }

 private:
  bool Take(const std::string& key, bool spend) {
    if (per_second_ <= 0) return true;
    const double now = Seconds();
    std::lock_guard<std::mutex> lock(mutex_);
    if (buckets_.size() > 100000) buckets_.clear();  // bounded memory under address churn
    Bucket& bucket = buckets_.try_emplace(key, Bucket{burst_, now}).first->second;
    bucket.tokens = std::min(burst_, bucket.tokens + (now - bucket.at) * per_second_);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    if (spend) bucket.tokens -= 1;
    return true;
  }

  struct Bucket {
    double tokens;
    double at;
  };
  static double Seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  double per_second_;
  double burst_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

// Request counts and latencies per route, for /metrics.
class HttpMetrics {
 public:
  void Record(const std::string& method, const std::string& route, int status, double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++counts_[{method, route, status}];
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      if (seconds <= kBuckets[i]) ++buckets_[i];
    }
    ++observations_;
    sum_ += seconds;
  }
  std::string Text() const {
    std::lock_guard<std::mutex> lock(mutex_);
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
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, int64_t> counts_;
  std::array<int64_t, 9> buckets_{};
  int64_t observations_ = 0;
  double sum_ = 0;
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

// If-Match: "5" or W/"5" (or *). nullopt when absent; error when malformed.
Outcome<std::optional<int64_t>> ParseIfMatch(const std::string& header) {
  if (header.empty()) return std::optional<int64_t>();
  std::string text = header;
  if (text.rfind("W/", 0) == 0) text = text.substr(2);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
    text = text.substr(1, text.size() - 2);
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || !end || *end != '\0' || value < 0) {
    return ApiError::Field("If-Match", "not an ETag this server gave",
                           "the ETag header of a GET, e.g. \"3\"");
  }
  return std::optional<int64_t>(value);
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

}  // namespace

struct HttpServer::Impl {
  Impl(Service& service_in, HttpOptions options_in)
      : service(service_in),
        options(std::move(options_in)),
        limiter(options.requests_per_second, options.burst),
        login_limiter(options.logins_per_minute / 60.0, std::max(1.0, options.logins_per_minute)) {}

  void Handle(const httplib::Request& request, httplib::Response& response);
  void Serve(const httplib::Request& request, httplib::Response& response, std::string* route_name,
             std::string* user);

  Service& service;
  HttpOptions options;
  httplib::Server server;
  RateLimiter limiter;
  RateLimiter login_limiter;
  HttpMetrics metrics;
  std::thread thread;
  int bound_port = 0;
  std::mutex mutex;
  std::condition_variable stopped_cv;
  bool stopped = false;
};

void HttpServer::Impl::Handle(const httplib::Request& request, httplib::Response& response) {
  const auto started = std::chrono::steady_clock::now();
  std::string route_name = "(none)";
  std::string user = "-";
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  response.set_header("Referrer-Policy", "no-referrer");
  try {
    Serve(request, response, &route_name, &user);
  } catch (const std::exception&) {
    SendError(response, ApiError::Internal("internal error"));
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

void HttpServer::Impl::Serve(const httplib::Request& request, httplib::Response& response,
                             std::string* route_name, std::string* user) {
  if (!limiter.Allow(request.remote_addr)) {
    response.set_header("Retry-After", "1");
    SendError(response, ApiError::TooMany("too many requests; slow down"));
    return;
  }
  const std::vector<std::string> path = Segments(request.path);
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
  bool path_known = false;
  for (const Route& candidate : ApiRoutes()) {
    std::map<std::string, std::string> found;
    if (!Match(candidate.path, path, &found)) continue;
    path_known = true;
    if (candidate.method == request.method ||
        (request.method == "HEAD" && candidate.method == "GET")) {
      route = &candidate;
      params = std::move(found);
      break;
    }
  }
  if (!route) {
    SendError(response,
              path_known
                  ? ApiError{405, "method_not_allowed", request.method + " is not allowed here", {}}
                  : ApiError::NotFound("no such endpoint: " + request.path));
    return;
  }
  *route_name = route->path;
  ApiRequest api;
  api.params = std::move(params);
  for (const auto& [key, value] : request.params) api.query[key] = value;
  // Public endpoints.
  if (route->roles.empty()) {
    if (route->path == "/api/session" && route->method == "POST") {
      // Failed attempts spend the address's allowance (against password guessing); a team
      // signing in, even often, does not.
      if (!login_limiter.Has(request.remote_addr)) {
        response.set_header("Retry-After", "60");
        SendError(response, ApiError::TooMany("too many login attempts; wait a minute"));
        return;
      }
      json body = json::parse(request.body, nullptr, false);
      if (body.is_discarded() || !body.is_object()) {
        SendError(response, ApiError::Field("(body)", "not a JSON object",
                                            "{\"name\": ..., \"password\": ...}"));
        return;
      }
      if (!body.contains("name") || !body["name"].is_string()) {
        SendError(response, ApiError::Field("name", "missing", "your user name"));
        return;
      }
      if (!body.contains("password") || !body["password"].is_string()) {
        SendError(response, ApiError::Field("password", "missing", "your password"));
        return;
      }
      Outcome<Session> session = service.Login(body["name"], body["password"]);
      if (!session.ok()) {
        login_limiter.Spend(request.remote_addr);
        SendError(response, session.error());
        return;
      }
      *user = session.value().actor.name;
      const auto max_age =
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::hours(12)).count();
      response.set_header("Set-Cookie", std::string(kCookie) + "=" + session.value().token +
                                            "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                            std::to_string(max_age) +
                                            (options.secure_cookies ? "; Secure" : ""));
      SendJson(response, 200,
               {{"user", session.value().actor.name},
                {"role", RoleName(session.value().actor.role)},
                {"csrf_token", session.value().csrf},
                {"expires_at", session.value().expires_at}});
      return;
    }
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
  // Authentication: a bearer token, else the session cookie.
  std::optional<Authenticated> who;
  const std::string authorization = request.get_header_value("Authorization");
  if (authorization.rfind("Bearer ", 0) == 0) {
    Outcome<Authenticated> bearer = service.AuthenticateBearer(authorization.substr(7));
    if (!bearer.ok()) {
      response.set_header("WWW-Authenticate", "Bearer");
      SendError(response, bearer.error());
      return;
    }
    who = bearer.value();
  } else if (!authorization.empty()) {
    SendError(response, ApiError{401,
                                 "unauthenticated",
                                 "unsupported Authorization scheme",
                                 {{"Authorization", "not Bearer", "Bearer <token>", ""}}});
    return;
  } else {
    const std::string cookie = CookieValue(request, kCookie);
    if (cookie.empty()) {
      response.set_header("WWW-Authenticate", "Bearer");
      SendError(response, ApiError::Unauthenticated(
                              "log in (POST /api/session) or send Authorization: Bearer <token>"));
      return;
    }
    Outcome<Authenticated> session = service.AuthenticateSession(cookie);
    if (!session.ok()) {
      SendError(response, session.error());
      return;
    }
    who = session.value();
    // Browsers: unsafe methods need the session's CSRF token, and a same-origin Origin if sent.
    if (Unsafe(request.method)) {
      const std::string token = request.get_header_value("X-CSRF-Token");
      if (token.empty() || !ConstantTimeEqual(token, who->csrf)) {
        SendError(response, ApiError{403,
                                     "csrf",
                                     "missing or wrong CSRF token",
                                     {{"X-CSRF-Token", "missing or wrong",
                                       "the csrf_token from POST /api/session", ""}}});
        return;
      }
      const std::string origin = request.get_header_value("Origin");
      const std::string host = request.get_header_value("Host");
      if (!origin.empty() && origin != "http://" + host && origin != "https://" + host) {
        SendError(response, ApiError{403,
                                     "csrf",
                                     "cross-origin request refused",
                                     {{"Origin", "not this server", host, ""}}});
        return;
      }
    }
  }
  api.actor = who->actor;
  *user = who->actor.name;
  if (std::find(route->roles.begin(), route->roles.end(), who->actor.role) == route->roles.end()) {
    SendError(response, ApiError::Forbidden(std::string(RoleName(who->actor.role)) + " may not " +
                                            route->summary));
    return;
  }
  // Session endpoints need the transport's state.
  if (route->path == "/api/session") {
    if (route->method == "DELETE") {
      const std::string cookie = CookieValue(request, kCookie);
      if (!cookie.empty()) service.Logout(cookie);
      response.set_header("Set-Cookie",
                          std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
      SendJson(response, 200, {{"logged_out", true}});
      return;
    }
    json body = {
        {"user", who->actor.name}, {"role", RoleName(who->actor.role)}, {"session", who->session}};
    if (who->session) body["csrf_token"] = who->csrf;
    SendJson(response, 200, body);
    return;
  }
  Outcome<std::optional<int64_t>> if_match = ParseIfMatch(request.get_header_value("If-Match"));
  if (!if_match.ok()) {
    SendError(response, if_match.error());
    return;
  }
  api.if_match = if_match.value();
  api.raw_body = request.body;
  if (route->request != "" && route->request != "text" && !request.body.empty()) {
    api.body = json::parse(request.body, nullptr, false);
    if (api.body.is_discarded()) {
      SendError(response, ApiError::Field("(body)", "not valid JSON",
                                          "a JSON document (Content-Type: application/json)"));
      return;
    }
  } else if (route->request != "" && route->request != "text") {
    api.body = json::object();
  }
  Outcome<Reply> outcome = route->handler(service, api);
  if (!outcome.ok()) {
    SendError(response, outcome.error());
    return;
  }
  const Reply& reply = outcome.value();
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
  if (!reply.content_type.empty()) {
    response.set_content(reply.text, reply.content_type);
  } else {
    response.set_content(reply.body.dump(), "application/json");
  }
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
  impl.server.set_payload_max_length(impl.options.max_body_bytes);
  impl.server.set_keep_alive_max_count(10000);
  impl.server.set_keep_alive_timeout(5);
  impl.server.set_read_timeout(30, 0);
  impl.server.set_write_timeout(30, 0);
  const auto handler = [&impl](const httplib::Request& request, httplib::Response& response) {
    impl.Handle(request, response);
  };
  for (const char* pattern : {"/api/.*", "/healthz", "/metrics"}) {
    impl.server.Get(pattern, handler);
    impl.server.Post(pattern, handler);
    impl.server.Put(pattern, handler);
    impl.server.Delete(pattern, handler);
    impl.server.Patch(pattern, handler);
  }
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
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->stopped = true;
  impl_->stopped_cv.notify_all();
}

void HttpServer::Wait() {
  std::unique_lock<std::mutex> lock(impl_->mutex);
  impl_->stopped_cv.wait(lock, [&] { return impl_->stopped; });
}

}  // namespace tandem::server
