// Webhooks: the pure pieces (addresses, URLs, signature, backoff), the outbox writer and the
// admin API. The dispatcher is in webhook_delivery.cc. Contract: tandem/server/webhooks.h.
#include "tandem/server/webhooks.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "server/alert_mail.h"
#include "server/crypto.h"
#include "server/service_core.h"
#include "tandem/process/alerts.h"

namespace tandem::server {

using json = nlohmann::json;
using store::Connection;
using store::Rows;

namespace {

// Why an IPv4 address (host byte order) is not public; nullopt when it is.
std::optional<std::string> NonPublicV4(uint32_t a) {
  struct Block {
    uint32_t base;
    int bits;
    const char* why;
  };
  static const Block kBlocks[] = {
      {0x00000000, 8, "unspecified"},        {0x0A000000, 8, "private"},
      {0x64400000, 10, "carrier-grade NAT"}, {0x7F000000, 8, "loopback"},
      {0xA9FE0000, 16, "link-local"},        {0xAC100000, 12, "private"},
      {0xC0000000, 24, "reserved"},          {0xC0000200, 24, "documentation"},
      {0xC0A80000, 16, "private"},           {0xC6120000, 15, "benchmarking"},
      {0xC6336400, 24, "documentation"},     {0xCB007100, 24, "documentation"},
      {0xE0000000, 4, "multicast"},          {0xF0000000, 4, "reserved"},
  };
  for (const Block& block : kBlocks) {
    const uint32_t mask = block.bits == 0 ? 0 : ~uint32_t{0} << (32 - block.bits);
    if ((a & mask) == block.base) return block.why;
  }
  return std::nullopt;
}

uint32_t V4At(const unsigned char* bytes) {
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
         uint32_t{bytes[3]};
}

std::optional<std::string> NonPublicV6(const std::array<unsigned char, 16>& b) {
  const auto zeros = [&](int from, int to) {
    return std::all_of(b.begin() + from, b.begin() + to, [](unsigned char x) { return x == 0; });
  };
  // Addresses that carry an IPv4 address: judged by it.
  const auto embedded = [&](const char* form,
                            const unsigned char* v4) -> std::optional<std::string> {
    std::optional<std::string> why = NonPublicV4(V4At(v4));
    if (why) return std::string(form) + " " + *why;
    return std::nullopt;
  };
  if (zeros(0, 10) && b[10] == 0xff && b[11] == 0xff) return embedded("IPv4-mapped", &b[12]);
  if (zeros(0, 15) && b[15] == 1) return std::string("loopback");
  if (zeros(0, 16)) return std::string("unspecified");
  if (zeros(0, 12)) return std::string("reserved (IPv4-compatible)");
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && zeros(4, 12))
    return embedded("NAT64", &b[12]);
  if (b[0] == 0x20 && b[1] == 0x02) return embedded("6to4", &b[2]);
  if ((b[0] & 0xfe) == 0xfc) return std::string("unique-local");
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return std::string("link-local");
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return std::string("site-local");
  if (b[0] == 0xff) return std::string("multicast");
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
    return std::string("documentation");
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00)
    return std::string("Teredo");  // carries an obfuscated IPv4 address
  if (b[0] == 0x01 && zeros(1, 8)) return std::string("reserved (discard)");
  if ((b[0] & 0xe0) != 0x20) return std::string("reserved");  // only 2000::/3 is global unicast
  return std::nullopt;
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

Outcome<bool> WorkspaceExists(Connection& c, const std::string& ws) {
  Result<Rows> rows = c.Query("SELECT 1 FROM workspaces WHERE id = $1", {ws});
  if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
  if (rows.value().empty()) return ApiError::NotFound("no workspace '" + ws + "'");
  return true;
}

ApiError OnlyAdmin() {
  return ApiError::Forbidden(
      "only admin manages webhooks (their URLs and secrets reach outside the app)");
}

// A webhook id: 1-64 of [a-z0-9-_].
bool ValidId(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

// The URL's host must resolve, and only to public addresses (unless allowed).
std::optional<FieldError> CheckDestination(const WebhookUrl& url, bool allow_private) {
  Outcome<std::vector<std::string>> addresses = ResolveHost(url.host);
  if (!addresses.ok())
    return FieldError{"url", addresses.error().message, "a host that resolves", ""};
  if (allow_private) return std::nullopt;
  if (std::optional<std::string> internal = InternalAddress(url.host, addresses.value())) {
    return FieldError{"url", *internal + ": requests to internal addresses are refused",
                      "a public address (or tandem serve --allow-private-webhooks)", ""};
  }
  return std::nullopt;
}

json WebhookJson(const store::Row& row) {
  return {{"id", row.Text(0)},
          {"url", row.Text(1)},
          {"events", json::parse(row.Text(2), nullptr, false)},
          {"version", row.Int(3)},
          {"updated_at", row.Text(4)},
          {"updated_by", row.Text(5)},
          {"channel", DeliveryChannel(row.Text(1))},
          {"secret_set", !row.Text(6).empty()}};
}

}  // namespace

const char* DeliveryChannel(std::string_view url) {
  constexpr std::string_view kMailto = "mailto:";
  const bool mail = url.size() >= kMailto.size() &&
                    std::equal(kMailto.begin(), kMailto.end(), url.begin(), [](char a, char b) {
                      return a == std::tolower(static_cast<unsigned char>(b));
                    });
  return mail ? "email" : "webhook";
}

std::optional<std::string> NonPublicAddress(const std::string& ip) {
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) return NonPublicV4(ntohl(v4.s_addr));
  std::array<unsigned char, 16> v6{};
  if (inet_pton(AF_INET6, ip.c_str(), v6.data()) == 1) return NonPublicV6(v6);
  return std::string("not an address");
}

std::optional<std::string> InternalAddress(const std::string& host,
                                           const std::vector<std::string>& addresses) {
  for (const std::string& address : addresses) {
    if (std::optional<std::string> why = NonPublicAddress(address))
      return "'" + host + "' resolves to " + address + " (" + *why + ")";
  }
  return std::nullopt;
}

std::string WebhookSignature(std::string_view secret, std::string_view body) {
  return "sha256=" + HmacSha256Hex(secret, body);
}

std::chrono::milliseconds RetryDelay(int failed_attempts, const WebhookOptions& options,
                                     double jitter) {
  const double base = static_cast<double>(options.backoff_base.count());
  const double cap = static_cast<double>(options.backoff_max.count());
  const double full = std::min(cap, base * std::pow(2.0, std::max(0, failed_attempts - 1)));
  const double share = 0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(full * share)));
}

std::optional<WebhookUrl> ParseWebhookUrl(const std::string& text, std::string* problem) {
  const auto fail = [&](const std::string& why) -> std::optional<WebhookUrl> {
    *problem = why;
    return std::nullopt;
  };
  if (text.size() > 2048) return fail("longer than 2048 characters");
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return fail("contains a space or a control character");
  }
  WebhookUrl url;
  const size_t colon = text.find("://");
  if (colon == std::string::npos) return fail("not an absolute URL");
  url.scheme = Lower(text.substr(0, colon));
  if (url.scheme != "http" && url.scheme != "https")
    return fail("the scheme must be http or https");
  const size_t start = colon + 3;
  const size_t end = text.find_first_of("/?#", start);
  const std::string authority = text.substr(start, end == std::string::npos ? end : end - start);
  url.path = end == std::string::npos ? "/" : text.substr(end);
  if (const size_t hash = url.path.find('#'); hash != std::string::npos) url.path.resize(hash);
  if (url.path.empty() || url.path[0] != '/') url.path = "/" + url.path;
  if (authority.find('@') != std::string::npos)
    return fail("user information (user@) is not allowed");
  std::string port_text;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string::npos) return fail("an IPv6 address without ']'");
    url.host = authority.substr(1, close - 1);
    const std::string rest = authority.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return fail("text after the IPv6 address");
    if (!rest.empty()) port_text = rest.substr(1);
    in6_addr ignored{};
    if (inet_pton(AF_INET6, url.host.c_str(), &ignored) != 1)
      return fail("not an IPv6 address in []");
  } else {
    const size_t port_at = authority.rfind(':');
    url.host = Lower(authority.substr(0, port_at));
    if (port_at != std::string::npos) port_text = authority.substr(port_at + 1);
  }
  if (url.host.empty()) return fail("no host");
  url.port = url.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    int port = 0;
    const auto [at, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || at != port_text.data() + port_text.size() || port < 1 ||
        port > 65535)
      return fail("the port must be 1-65535");
    url.port = port;
  }
  return url;
}

Outcome<std::vector<std::string>> ResolveHost(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int error = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (error != 0)
    return ApiError::Invalid("'" + host + "' does not resolve: " + gai_strerror(error));
  std::vector<std::string> addresses;
  for (addrinfo* at = found; at; at = at->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw =
        at->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(at->ai_addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(at->ai_addr)->sin6_addr);
    if ((at->ai_family == AF_INET || at->ai_family == AF_INET6) &&
        inet_ntop(at->ai_family, raw, text, sizeof text)) {
      if (std::find(addresses.begin(), addresses.end(), text) == addresses.end())
        addresses.emplace_back(text);
    }
  }
  freeaddrinfo(found);
  if (addresses.empty()) return ApiError::Invalid("'" + host + "' has no IPv4 or IPv6 address");
  return addresses;
}

Outcome<bool> QueueWebhookDeliveries(Connection& c, const std::string& ws, const json& alert,
                                     const std::string& now) {
  Result<Rows> hooks =
      c.Query("SELECT id, events FROM webhooks WHERE workspace_id = $1 ORDER BY id", {ws});
  if (!hooks.ok()) return ApiError::Internal(hooks.error().ToString());
  const std::string kind = alert.value("kind", "");
  for (const store::Row& hook : hooks.value().rows) {
    const json events = json::parse(hook.Text(1), nullptr, false);
    if (!events.is_array()) continue;
    const bool wanted = std::any_of(events.begin(), events.end(), [&](const json& event) {
      return event.is_string() && (event == "*" || event == kind);
    });
    if (!wanted) continue;
    const json body = {{"workspace", ws}, {"webhook", hook.Text(0)}, {"alert", alert}};
    Result<Rows> queued = c.Query(
        "INSERT INTO outbox (workspace_id, webhook, alert_id, kind, body, status, attempts, "
        "next_at, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', 0, 0, $6)",
        {ws, hook.Text(0), alert.value("id", int64_t{0}), kind, body.dump(), now});
    if (!queued.ok()) return ApiError::Internal(queued.error().ToString());
  }
  return true;
}

Outcome<Reply> Webhooks::List(const Actor& actor, const std::string& ws) {
  if (actor.role != Role::kAdmin) return OnlyAdmin();
  Reply reply;
  reply.body = {{"items", json::array()}};
  std::optional<ApiError> failure;
  Status status = database_.Read([&](Connection& c) -> Status {
    reply.body["items"] = json::array();
    Outcome<bool> exists = WorkspaceExists(c, ws);
    if (!exists.ok()) {
      failure = exists.error();
      return OkStatus();
    }
    Result<Rows> rows = c.Query(
        "SELECT id, url, events, version, updated_at, updated_by, secret FROM webhooks WHERE "
        "workspace_id = $1 ORDER BY id",
        {ws});
    if (!rows.ok()) return rows.error();
    for (const store::Row& row : rows.value().rows) reply.body["items"].push_back(WebhookJson(row));
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  if (failure) return *failure;
  return reply;
}

Outcome<Reply> Webhooks::Put(const Actor& actor, const WebhookRef& ref,
                             const Parsed<WebhookRequest>& request,
                             std::optional<int64_t> if_match) {
  const std::string& ws = ref.ws;
  const std::string& id = ref.id;
  if (actor.role != Role::kAdmin) return OnlyAdmin();
  if (!ValidId(id))
    return ApiError::Field("id", "'" + id + "' is not a webhook id", "1-64 of a-z 0-9 - _");
  if (!request.ok()) return request.error();
  const std::string& url = request.value().url;
  const json events = request.value().events;
  // Named references, not a structured binding: clang 14 (the fuzz build) cannot capture those.
  const std::optional<std::string>& secret = request.value().secret;
  const bool mail = std::string_view(DeliveryChannel(url)) == "email";
  if (!mail) {  // the parse checked the URL's form; where it leads is checked here
    std::string problem;
    const std::optional<WebhookUrl> parsed = ParseWebhookUrl(url, &problem);
    if (!parsed) {
      return ApiError::Invalid("the webhook is not valid",
                               {{"url", problem, "http(s)://host[:port]/path", ""}});
    }
    if (std::optional<FieldError> refused = CheckDestination(*parsed, options_.allow_private))
      return ApiError::Invalid("the webhook is not valid", {*refused});
  }
  Reply reply;
  Outcome<bool> written =
      ApiTransaction(database_, [&](Connection& c, const AbortWith& abort) -> Status {
        reply = Reply();
        Outcome<bool> exists = WorkspaceExists(c, ws);
        if (!exists.ok()) return abort(exists.error());
        Result<Rows> current =
            c.Query("SELECT version FROM webhooks WHERE workspace_id = $1 AND id = $2", {ws, id});
        if (!current.ok()) return current.error();
        int64_t version = 1;
        if (current.value().empty()) {
          if (if_match)
            return abort(ApiError::PreconditionFailed("no webhook '" + id + "' to replace"));
          // An e-mail is not signed: a mailto: webhook needs no secret.
          if (!secret && !mail)
            return abort(ApiError::Invalid("a new webhook needs a secret",
                                           {{"secret", "missing", "16 to 256 characters", ""}}));
          Result<Rows> inserted = c.Query(
              "INSERT INTO webhooks (workspace_id, id, url, events, secret, version, updated_at, "
              "updated_by) VALUES ($1, $2, $3, $4, $5, 1, $6, $7)",
              {ws, id, url, events.dump(), secret.value_or(""), now_text_(), actor.name});
          if (!inserted.ok()) return inserted.error();
          reply.status = 201;
        } else {
          Outcome<int64_t> matched =
              RequireMatch(if_match, current.value().rows[0].Int(0), "webhooks/" + id);
          if (!matched.ok()) return abort(matched.error());
          version = matched.value() + 1;
          Result<Rows> updated = c.Query(
              "UPDATE webhooks SET url = $3, events = $4, secret = COALESCE($5, secret), version = "
              "$6, "
              "updated_at = $7, updated_by = $8 WHERE workspace_id = $1 AND id = $2",
              {ws, id, url, events.dump(), secret ? store::Value(*secret) : store::Value(nullptr),
               version, now_text_(), actor.name});
          if (!updated.ok()) return updated.error();
        }
        Outcome<bool> audited =
            AppendAudit(c, ws,
                        {{.campaign = "",
                          .actor = actor.name,
                          .action = reply.status == 201 ? "webhook-create" : "webhook-update",
                          .target = "webhooks/" + id,
                          .detail = {{"url", url},
                                     {"events", events},
                                     {"secret_changed", secret.has_value()}}}},
                        now_text_());
        if (!audited.ok()) return abort(audited.error());
        reply.version = version;
        reply.body = {{"id", id},
                      {"url", url},
                      {"events", events},
                      {"version", version},
                      {"channel", mail ? "email" : "webhook"},
                      {"secret_set", secret.has_value() || (reply.status != 201 && !mail)}};
        return OkStatus();
      });
  if (!written.ok()) return written.error();
  return reply;
}

Outcome<Reply> Webhooks::Delete(const Actor& actor, const std::string& ws, const std::string& id,
                                std::optional<int64_t> if_match) {
  if (actor.role != Role::kAdmin) return OnlyAdmin();
  Outcome<bool> deleted =
      ApiTransaction(database_, [&](Connection& c, const AbortWith& abort) -> Status {
        Outcome<bool> exists = WorkspaceExists(c, ws);
        if (!exists.ok()) return abort(exists.error());
        Result<Rows> current =
            c.Query("SELECT version FROM webhooks WHERE workspace_id = $1 AND id = $2", {ws, id});
        if (!current.ok()) return current.error();
        if (current.value().empty())
          return abort(ApiError::NotFound("no webhook '" + id + "' in " + ws));
        Outcome<int64_t> matched =
            RequireMatch(if_match, current.value().rows[0].Int(0), "webhooks/" + id);
        if (!matched.ok()) return abort(matched.error());
        // Its queued deliveries and their log go with it.
        for (const char* sql :
             {"DELETE FROM outbox_attempts WHERE outbox_id IN (SELECT id FROM outbox "
              "WHERE workspace_id = $1 AND webhook = $2)",
              "DELETE FROM outbox WHERE workspace_id = $1 AND webhook = $2",
              "DELETE FROM webhooks WHERE workspace_id = $1 AND id = $2"}) {
          Result<Rows> removed = c.Query(sql, {ws, id});
          if (!removed.ok()) return removed.error();
        }
        Outcome<bool> audited = AppendAudit(c, ws,
                                            {{.campaign = "",
                                              .actor = actor.name,
                                              .action = "webhook-delete",
                                              .target = "webhooks/" + id,
                                              .detail = json::object()}},
                                            now_text_());
        return audited.ok() ? OkStatus() : abort(audited.error());
      });
  if (!deleted.ok()) return deleted.error();
  Reply reply;
  reply.body = {{"deleted", id}};
  return reply;
}

Outcome<Reply> Webhooks::Deliveries(const Actor& actor, const std::string& ws,
                                    const std::string& id, int64_t limit) {
  if (actor.role != Role::kAdmin) return OnlyAdmin();
  limit = std::clamp<int64_t>(limit, 1, 500);
  std::optional<ApiError> failure;
  Reply reply;
  Status status = database_.Read([&](Connection& c) -> Status {
    reply.body = {{"webhook", id}, {"items", json::array()}};
    Result<Rows> hook =
        c.Query("SELECT 1 FROM webhooks WHERE workspace_id = $1 AND id = $2", {ws, id});
    if (!hook.ok()) return hook.error();
    if (hook.value().empty()) {
      failure = ApiError::NotFound("no webhook '" + id + "' in " + ws);
      return OkStatus();
    }
    Result<Rows> rows = c.Query(
        "SELECT id, alert_id, kind, status, attempts, last_status, last_error, created_at, "
        "finished_at, next_at FROM outbox WHERE workspace_id = $1 AND webhook = $2 ORDER BY id "
        "DESC LIMIT $3",
        {ws, id, limit});
    if (!rows.ok()) return rows.error();
    // Every attempt of the deliveries listed, in one query (not one per delivery).
    Result<Rows> attempts = c.Query(
        "SELECT outbox_id, attempt, at, status, error, millis FROM outbox_attempts WHERE outbox_id "
        "IN (SELECT id FROM outbox WHERE workspace_id = $1 AND webhook = $2 ORDER BY id DESC "
        "LIMIT $3) ORDER BY outbox_id, attempt",
        {ws, id, limit});
    if (!attempts.ok()) return attempts.error();
    std::map<int64_t, json> logs;  // by delivery
    for (const store::Row& a : attempts.value().rows) {
      logs[a.Int(0)].push_back({{"attempt", a.Int(1)},
                                {"at", a.Text(2)},
                                {"status", a.IsNull(3) ? json() : json(a.Int(3))},
                                {"error", a.IsNull(4) ? json() : json(a.Text(4))},
                                {"millis", a.Int(5)}});
    }
    for (const store::Row& row : rows.value().rows) {
      const auto log = logs.find(row.Int(0));
      json item = {{"delivery", row.Int(0)},
                   {"alert", row.Int(1)},
                   {"kind", row.Text(2)},
                   {"status", row.Text(3)},
                   {"attempts", row.Int(4)},
                   {"last_status", row.IsNull(5) ? json() : json(row.Int(5))},
                   {"last_error", row.IsNull(6) ? json() : json(row.Text(6))},
                   {"created_at", row.Text(7)},
                   {"finished_at", row.IsNull(8) ? json() : json(row.Text(8))},
                   {"log", log == logs.end() ? json::array() : log->second}};
      if (row.Text(3) == "pending") item["next_attempt_ms"] = row.Int(9);
      reply.body["items"].push_back(std::move(item));
    }
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  if (failure) return *failure;
  return reply;
}

}  // namespace tandem::server
