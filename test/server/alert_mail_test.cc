// E-mail of alerts on both databases: a webhook whose URL is mailto:ADDRESS is delivered through
// the SMTP relay of --smtp (here a small SMTP receiver written in this test, on a free loopback
// port) by the same outbox: a 4xx reply is retried, a 5xx is final, every attempt is logged, and
// the /metrics counters count them per channel. The pure pieces (the address, the date, the
// message) are tested against values written out by hand.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/alert_mail.h"
#include "test_support.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;
using testing::As;
using testing::TestDatabase;

// ---- pure pieces

TEST(AlertMailTest, MailtoTakesOneAddressAndNamesWhatItRefuses) {
  std::string problem;
  EXPECT_EQ(ParseMailto("mailto:ops@example.com", &problem).value_or(""), "ops@example.com");
  EXPECT_EQ(ParseMailto("MAILTO:a.b+c@shop.example.org", &problem).value_or(""),
            "a.b+c@shop.example.org");
  for (const char* bad :
       {"ops@example.com", "mailto:", "mailto:ops", "mailto:@example.com", "mailto:ops@example",
        "mailto:a@b@example.com", "mailto:ops@example.com?subject=x", "mailto:a@x.com,b@x.com",
        "mailto:ops@example.com\r\nBcc: x@y.com", "mailto:<ops@example.com>"}) {
    EXPECT_FALSE(ParseMailto(bad, &problem)) << bad;
  }
}

TEST(AlertMailTest, TheDateIsRfc5322InUtc) {
  // 1805068800 s after the epoch is 2027-03-15 00:00 UTC (test_support's Day2027 anchor); 2027
  // starts on a Friday, so 1 March (31 + 28 = 59 days later, 8 weeks and 3 days) is a Monday and
  // so is the 15th.
  EXPECT_EQ(MailDate(std::chrono::system_clock::from_time_t(1805068800 + 9 * 3600 + 30 * 60 + 5)),
            "Mon, 15 Mar 2027 09:30:05 +0000");
}

TEST(AlertMailTest, TheMessageNamesTheAlertAndWrapsItsText) {
  // 20 words of 9 characters ("abcdefgh1" ...): 7 fit in 78 columns (7 x 9 + 6 spaces = 69; 8
  // would be 80), so 20 words make lines of 7, 7 and 6 words.
  std::string message;
  for (int i = 0; i < 20; ++i) message += std::string(i ? " " : "") + "abcdefgh" + char('a' + i);
  const json body = {{"workspace", "toy"},
                     {"webhook", "ops-mail"},
                     {"alert",
                      {{"id", 7},
                       {"kind", "signoff-waiting"},
                       {"campaign", "spring"},
                       {"message", message},
                       {"audience", {"finance"}},
                       {"at", "2027-03-01T09:00:00Z"}}}};
  const std::string text = AlertMailText(body, "tandem@shop.example", "fin@shop.example",
                                         "Mon, 01 Mar 2027 09:00:00 +0000", 12);
  EXPECT_NE(text.find("From: tandem <tandem@shop.example>\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("To: <fin@shop.example>\r\n"), std::string::npos);
  EXPECT_NE(text.find("Subject: [tandem] signoff-waiting: campaign spring (toy)\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("X-Tandem-Delivery: 12\r\n"), std::string::npos);
  const size_t start = text.find("\r\n\r\n") + 4;
  const std::string first = text.substr(start, text.find("\r\n", start) - start);
  EXPECT_EQ(first, "abcdefgha abcdefghb abcdefghc abcdefghd abcdefghe abcdefghf abcdefghg");
  EXPECT_NE(text.find("\r\nabcdefgho abcdefghp abcdefghq abcdefghr abcdefghs abcdefght\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("For: finance\r\n"), std::string::npos);
  EXPECT_NE(text.find("What to do: read the check"), std::string::npos);  // the table's meaning
  // No bare LF: every line ends in CRLF.
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      EXPECT_EQ(text[i - 1], '\r') << i;
    }
  }
}

// ---- a relay

// A minimal SMTP server on a free loopback port: greets, accepts EHLO/HELO, MAIL, RCPT (answered
// with the codes it is given in turn, then 250), DATA (collected up to the lone dot), RSET, QUIT.
class SmtpReceiver {
 public:
  SmtpReceiver() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    const int yes = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    listen(listener_, 8);
    socklen_t length = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~SmtpReceiver() {
    stop_ = true;
    thread_.join();
    close(listener_);
  }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  void AnswerRcptWith(std::vector<std::string> replies) {
    std::lock_guard<std::mutex> lock(mutex_);
    rcpt_replies_ = std::move(replies);
  }
  struct Mail {
    std::string from, to, data;
  };
  // Waits (at most a minute: a guard, not a measurement) until `count` messages arrived.
  std::vector<Mail> WaitFor(size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    arrived_.wait_for(lock, std::chrono::minutes(1), [&] { return mails_.size() >= count; });
    return mails_;
  }

 private:
  // One line (without CRLF) from `fd`, or false when the peer closed or the receiver stops.
  bool ReadLine(int fd, std::string* buffer, std::string* line) {
    for (;;) {
      const size_t end = buffer->find("\r\n");
      if (end != std::string::npos) {
        *line = buffer->substr(0, end);
        buffer->erase(0, end + 2);
        return true;
      }
      pollfd ready{fd, POLLIN, 0};
      if (stop_) return false;
      if (poll(&ready, 1, 50) <= 0) continue;
      char chunk[4096];
      const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer->append(chunk, static_cast<size_t>(n));
    }
  }
  static void Send(int fd, const std::string& reply) {
    const std::string line = reply + "\r\n";
    (void)send(fd, line.data(), line.size(), MSG_NOSIGNAL);
  }
  void Session(int fd) {
    Send(fd, "220 relay.test ESMTP");
    std::string buffer, line;
    Mail mail;
    while (ReadLine(fd, &buffer, &line)) {
      const std::string verb = line.substr(0, 4);
      if (verb == "EHLO" || verb == "HELO") {
        Send(fd, "250 relay.test");
      } else if (verb == "MAIL") {
        mail = Mail{line.substr(line.find(':') + 1), "", ""};
        Send(fd, "250 sender ok");
      } else if (verb == "RCPT") {
        std::string reply = "250 recipient ok";
        {
          std::lock_guard<std::mutex> lock(mutex_);
          if (!rcpt_replies_.empty()) {
            reply = rcpt_replies_.front();
            rcpt_replies_.erase(rcpt_replies_.begin());
          }
        }
        mail.to = line.substr(line.find(':') + 1);
        Send(fd, reply);
      } else if (verb == "DATA") {
        Send(fd, "354 go ahead");
        while (ReadLine(fd, &buffer, &line) && line != ".") mail.data += line + "\r\n";
        {
          std::lock_guard<std::mutex> lock(mutex_);
          mails_.push_back(mail);
        }
        arrived_.notify_all();
        Send(fd, "250 queued");
      } else if (verb == "QUIT") {
        Send(fd, "221 bye");
        break;
      } else {
        Send(fd, "250 ok");  // RSET, NOOP
      }
    }
    close(fd);
  }
  void Serve() {
    while (!stop_) {
      pollfd ready{listener_, POLLIN, 0};
      if (poll(&ready, 1, 50) <= 0) continue;
      const int fd = accept(listener_, nullptr, nullptr);
      if (fd >= 0) Session(fd);  // one at a time: the dispatcher sends one at a time
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> rcpt_replies_;
  std::vector<Mail> mails_;
};

class AlertMailDelivery : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    Open(relay_.url());
    Outcome<Reply> imported = service_->workspaces().Import(As(Role::kAdmin), "toy",
                                                            testing::kToyScenario, {}, "toy.yaml");
    ASSERT_TRUE(imported.ok()) << imported.error().ToJson().dump();
  }
  void TearDown() override { service_.reset(); }

  void Open(const std::string& smtp) {
    service_.reset();
    ServiceOptions options = testing::TestOptions(database_->url());
    options.webhooks.smtp_url = smtp;
    options.webhooks.mail_from = "tandem@shop.example";
    options.webhooks.backoff_base = std::chrono::milliseconds(20);
    options.webhooks.backoff_max = std::chrono::milliseconds(100);
    options.webhooks.poll = std::chrono::milliseconds(20);
    options.webhooks.max_attempts = 4;
    Outcome<std::unique_ptr<Service>> opened = Service::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    service_ = std::move(opened.value());
  }
  Outcome<Reply> PutMail(const std::string& url) {
    return service_->webhooks().Put(
        As(Role::kAdmin), {"toy", "ops-mail"},
        ParseWebhookRequest({{"url", url}, {"events", {"stronger-promise"}}},
                            service_->webhooks().HasMailRelay()),
        std::nullopt);
  }
  // A claim the toy campaign's window is now covered by: one `stronger-promise` alert.
  void RaiseAlert() {
    Outcome<Reply> changed = service_->workspaces().PutEntity(
        As(Role::kOperations), "toy", "capabilities", "gift-wrap",
        {{"id", "gift-wrap"}, {"claim", "gift wrapping on every order"}, {"from", "2027-03-01"}},
        1);
    ASSERT_TRUE(changed.ok()) << changed.error().ToJson().dump();
  }
  json Log() {
    Outcome<Reply> log = service_->webhooks().Deliveries(As(Role::kAdmin), "toy", "ops-mail", 50);
    EXPECT_TRUE(log.ok()) << log.error().ToJson().dump();
    return log.ok() ? log.value().body : json();
  }
  // Waits (a guard of a minute) until the newest delivery is no longer pending.
  json WaitForFinished() {
    for (int i = 0; i < 3000; ++i) {
      json log = Log();
      if (!log["items"].empty() && log["items"][0]["status"] != "pending") return log;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "the delivery did not finish: " << Log().dump();
    return Log();
  }
  bool HasLine(const std::string& metrics, const std::string& line) {
    return metrics.find(line + "\n") != std::string::npos;
  }

  SmtpReceiver relay_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<Service> service_;
};

TEST_P(AlertMailDelivery, AnAlertIsMailedThroughTheRelayAndA4xxIsRetried) {
  relay_.AnswerRcptWith({"451 4.3.0 try again later"});
  Outcome<Reply> stored = PutMail("mailto:ops@shop.example");
  ASSERT_TRUE(stored.ok()) << stored.error().ToJson().dump();
  EXPECT_EQ(stored.value().body["channel"], "email");
  RaiseAlert();
  // The first transaction is refused at RCPT with 451 (transient), the second is accepted.
  const std::vector<SmtpReceiver::Mail> mails = relay_.WaitFor(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].from, "<tandem@shop.example>");
  EXPECT_EQ(mails[0].to, "<ops@shop.example>");
  EXPECT_NE(mails[0].data.find("Subject: [tandem] stronger-promise: campaign spring (toy)\r\n"),
            std::string::npos)
      << mails[0].data;
  EXPECT_NE(mails[0].data.find("Capability gift-wrap now supports"), std::string::npos);
  const json log = WaitForFinished();
  ASSERT_EQ(log["items"].size(), 1u);
  const json& delivery = log["items"][0];
  EXPECT_EQ(delivery["status"], "delivered");
  ASSERT_EQ(delivery["log"].size(), 2u);
  EXPECT_EQ(delivery["log"][0]["status"], 451);
  EXPECT_NE(delivery["log"][0]["error"].get<std::string>().find("SMTP"), std::string::npos);
  EXPECT_EQ(delivery["log"][1]["status"], 250);
  // Counted per channel: one delivered, one attempt that is retried, none given up; no webhook.
  const std::string metrics = service_->MetricsText();
  EXPECT_TRUE(
      HasLine(metrics, "tandem_alert_deliveries_total{channel=\"email\",outcome=\"delivered\"} 1"))
      << metrics;
  EXPECT_TRUE(
      HasLine(metrics, "tandem_alert_deliveries_total{channel=\"email\",outcome=\"retrying\"} 1"));
  EXPECT_TRUE(
      HasLine(metrics, "tandem_alert_deliveries_total{channel=\"email\",outcome=\"failed\"} 0"));
  EXPECT_TRUE(HasLine(
      metrics, "tandem_alert_deliveries_total{channel=\"webhook\",outcome=\"delivered\"} 0"));
}

TEST_P(AlertMailDelivery, A5xxIsFinalAtOnce) {
  relay_.AnswerRcptWith({"550 5.1.1 no such mailbox"});
  ASSERT_TRUE(PutMail("mailto:nobody@shop.example").ok());
  RaiseAlert();
  const json log = WaitForFinished();
  EXPECT_EQ(log["items"][0]["status"], "failed");
  EXPECT_EQ(log["items"][0]["attempts"], 1);
  EXPECT_EQ(log["items"][0]["last_status"], 550);
  const std::string metrics = service_->MetricsText();
  EXPECT_TRUE(
      HasLine(metrics, "tandem_alert_deliveries_total{channel=\"email\",outcome=\"failed\"} 1"))
      << metrics;
  EXPECT_TRUE(
      HasLine(metrics, "tandem_alert_deliveries_total{channel=\"email\",outcome=\"retrying\"} 0"));
}

TEST_P(AlertMailDelivery, AMailtoWebhookNeedsARelayAndAnAddress) {
  Outcome<Reply> bad = PutMail("mailto:ops");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().status, 422);
  EXPECT_EQ(bad.error().fields.at(0).field, "url");
  Open("");  // no --smtp
  Outcome<Reply> refused = PutMail("mailto:ops@shop.example");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 422);
  EXPECT_EQ(refused.error().fields.at(0).field, "url");
  EXPECT_NE(refused.error().fields.at(0).allowed.find("--smtp"), std::string::npos);
}

TANDEM_INSTANTIATE_BACKENDS(AlertMailDelivery);

}  // namespace
}  // namespace tandem::server
