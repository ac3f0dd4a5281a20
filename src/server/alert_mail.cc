// E-mail of alerts: the mailto: address, the message and one SMTP transaction through libcurl.
// Contract: alert_mail.h.
#include "server/alert_mail.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <mutex>
#include <vector>

#include "tandem/common/format.h"
#include "tandem/process/alerts.h"

namespace tandem::server {

using json = nlohmann::json;

namespace {

// Text that goes into a header: no line breaks (no header injection), at most `limit` bytes.
std::string HeaderSafe(const std::string& text, size_t limit = 200) {
  std::string out;
  for (char c : text) {
    if (out.size() >= limit) break;
    out += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
  }
  return out;
}

// Word wrap at `width` columns (bytes); a word longer than a line is cut at 900 bytes, well
// inside SMTP's 998. Lines end in CRLF; existing line breaks are kept.
std::string Wrap(const std::string& text, size_t width = 78) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string paragraph = text.substr(start, end - start);
    if (!paragraph.empty() && paragraph.back() == '\r') paragraph.pop_back();
    std::vector<std::string> lines = WrapWords(paragraph, width, 900);
    if (lines.empty()) lines.emplace_back();  // an empty paragraph stays an empty line
    for (const std::string& line : lines) out += line + "\r\n";
    start = end + 1;
  }
  return out;
}

struct Upload {
  const std::string* text;
  size_t at = 0;
};

size_t ReadMessage(char* buffer, size_t size, size_t count, void* data) {
  Upload* upload = static_cast<Upload*>(data);
  const size_t room = size * count;
  const size_t left = upload->text->size() - upload->at;
  const size_t n = std::min(room, left);
  std::memcpy(buffer, upload->text->data() + upload->at, n);
  upload->at += n;
  return n;
}

int Progress(void* data, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* abort = static_cast<const std::function<bool()>*>(data);
  return (*abort)() ? 1 : 0;  // non-zero aborts the transfer
}

}  // namespace

std::optional<std::string> ParseMailto(const std::string& url, std::string* problem) {
  const auto fail = [&](const std::string& why) -> std::optional<std::string> {
    *problem = why;
    return std::nullopt;
  };
  if (url.size() < 7 || !std::equal(url.begin(), url.begin() + 7, "mailto:", [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
      }))
    return fail("not a mailto: URL");
  const std::string address = url.substr(7);
  if (address.empty() || address.size() > 254) return fail("the address is empty or too long");
  for (char c : address) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f || c == '<' || c == '>' || c == ',' || c == '"' || c == '?' ||
        c == '(' || c == ')' || c == ';' || c == '\\')
      return fail("the address has a character an address cannot have");
  }
  const size_t at = address.find('@');
  if (at == std::string::npos || at == 0 || address.find('@', at + 1) != std::string::npos)
    return fail("the address needs one '@' between a local part and a domain");
  const std::string domain = address.substr(at + 1);
  if (domain.find('.') == std::string::npos || domain.front() == '.' || domain.back() == '.')
    return fail("the address's domain needs a dot");
  return address;
}

std::string MailDate(std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return text;
}

std::string AlertMailText(const json& body, const std::string& from, const std::string& to,
                          const std::string& date, int64_t delivery) {
  const json& alert = body.contains("alert") ? body["alert"] : json::object();
  const std::string kind = HeaderSafe(alert.value("kind", ""), 64);
  const std::string campaign = HeaderSafe(alert.value("campaign", ""), 64);
  const std::string workspace = HeaderSafe(body.value("workspace", ""), 64);
  std::string audience;
  if (alert.contains("audience") && alert["audience"].is_array()) {
    for (const json& role : alert["audience"])
      audience +=
          (audience.empty() ? "" : ", ") + (role.is_string() ? role.get<std::string>() : "");
  }
  const process::AlertKind* row = process::FindAlertKind(kind);
  std::string text = "From: tandem <" + HeaderSafe(from) + ">\r\n";
  text += "To: <" + HeaderSafe(to) + ">\r\n";
  text += "Subject: [tandem] " + kind + (campaign.empty() ? "" : ": campaign " + campaign) + " (" +
          workspace + ")\r\n";
  text += "Date: " + HeaderSafe(date) + "\r\n";
  text += "Message-ID: <tandem-delivery-" + std::to_string(delivery) + "@tandem>\r\n";
  text += "X-Tandem-Event: " + kind + "\r\n";
  text += "X-Tandem-Delivery: " + std::to_string(delivery) + "\r\n";
  text += "MIME-Version: 1.0\r\n";
  text += "Content-Type: text/plain; charset=utf-8\r\n";
  text += "Content-Transfer-Encoding: 8bit\r\n\r\n";
  text += Wrap(alert.value("message", ""));
  text += "\r\n";
  if (row) text += Wrap(std::string("What to do: ") + row->meaning);
  text += "Workspace: " + workspace + "\r\n";
  if (!campaign.empty()) text += "Campaign: " + campaign + "\r\n";
  if (!audience.empty()) text += "For: " + HeaderSafe(audience) + "\r\n";
  text += "Raised: " + HeaderSafe(alert.value("at", "")) + "\r\n";
  return text;
}

MailOutcome SendAlertMail(const std::string& smtp_url, const std::string& from,
                          const std::string& to, const std::string& text,
                          std::chrono::milliseconds connect_timeout,
                          std::chrono::milliseconds total_timeout,
                          const std::function<bool()>& abort) {
  // Once per process, before any transfer (curl_global_init is not reentrant before 7.84).
  static std::once_flag initialised;
  std::call_once(initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* curl = curl_easy_init();
  if (!curl) return {0, "libcurl could not start a transfer", true};
  const std::string mail_from = "<" + from + ">";
  curl_slist* recipients = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  Upload upload{&text, 0};
  char error_text[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, smtp_url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadMessage);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, Progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &abort);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  const CURLcode result = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  MailOutcome outcome;
  outcome.code = static_cast<int>(code);
  if (result == CURLE_OK) return outcome;
  outcome.error = "SMTP: " + std::string(error_text[0] ? error_text : curl_easy_strerror(result));
  // 5xx is the relay refusing for good (unknown recipient, policy); 4xx and no answer may pass
  // later.
  outcome.retry = !(code >= 500 && code < 600);
  return outcome;
}

}  // namespace tandem::server
