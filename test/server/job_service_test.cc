// JobService without HTTP, on both databases: the check cached by content and what changed since
// the previous one; counter-proposals (run in transfer, adopted in one write, cached, resumed after
// a shutdown).
#include "service_fixture.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;
using testing::As;
using testing::Contains;
using testing::NoFiles;
using testing::ServiceFixture;

class JobServiceTest : public ServiceFixture {};

TEST_P(JobServiceTest, TheCheckIsCachedByContent) {
  ImportToy();
  Outcome<Reply> first = service_->jobs().RequestCheck(As(Role::kService), {"toy", "spring"});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.value().status, 202);
  const std::string key = WaitForCheck();
  Outcome<Reply> second = service_->jobs().RequestCheck(As(Role::kFinance), {"toy", "spring"});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.value().status, 200);
  EXPECT_EQ(second.value().body["check"]["key"], key);
  EXPECT_EQ(second.value().body["check"]["job"], first.value().body["check"]["job"]);
  // A different content is a different key; going back to the old content is answered from
  // the cache by a new job without simulating again.
  ASSERT_TRUE(EditCampaign([](json& body) { body["spend"] = 6000; }).ok());
  ASSERT_TRUE(service_->jobs().RequestCheck(As(Role::kService), {"toy", "spring"}).ok());
  const std::string other = WaitForCheck();
  EXPECT_NE(other, key);
  ASSERT_TRUE(EditCampaign([](json& body) { body["spend"] = 5000; }).ok());
  ASSERT_TRUE(service_->jobs().RequestCheck(As(Role::kService), {"toy", "spring"}).ok());
  EXPECT_EQ(WaitForCheck(), key);
  const std::string metrics = service_->MetricsText();
  EXPECT_NE(metrics.find("tandem_checks_run_total 2\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("tandem_checks_cached_total 1\n"), std::string::npos) << metrics;
  Outcome<Reply> result = service_->jobs().GetCheck(As(Role::kService), {"toy", "spring"}, true);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().body["result"]["verdict"], "go");
  bool series = false;  // chart series included
  for (const json& check : result.value().body["result"]["checks"]) {
    if (check["type"] == "throughput" && check["resource"] == "packing")
      series = !check["days"].empty();
  }
  EXPECT_TRUE(series);
}

TEST_P(JobServiceTest, ACheckSaysWhatChangedSinceThePreviousOne) {
  ImportToy();
  ASSERT_TRUE(service_->jobs().RequestCheck(As(Role::kService), {"toy", "spring"}).ok());
  const std::string first = WaitForCheck();
  Outcome<Reply> read = service_->jobs().GetCheck(As(Role::kService), {"toy", "spring"}, true);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read.value().body["since_previous"].is_null());  // the first check
  // Packing 1,000 -> 1 order an hour: 24 a day against a baseline of 100 a day from the
  // horizon's start (1 Mar), so by the window (15 Mar) some 14 x 76 = 1,064 orders wait, about
  // 44 days of capacity: no order of the window is delivered within 72h (p_kept 1 -> 0, kept ->
  // broken, go -> no-go). Before, 150 orders a day met 24,000 a day of capacity.
  json packing = EntityBody("resources", "packing");
  packing["capacity"] = 1;
  ASSERT_TRUE(service_->workspaces()
                  .PutEntity(As(Role::kOperations), "toy", "resources", "packing", packing, 1)
                  .ok());
  ASSERT_TRUE(service_->jobs().RequestCheck(As(Role::kService), {"toy", "spring"}).ok());
  const std::string second = WaitForCheck();
  ASSERT_NE(second, first);
  read = service_->jobs().GetCheck(As(Role::kService), {"toy", "spring"}, true);
  ASSERT_TRUE(read.ok());
  const json& delta = read.value().body["since_previous"];
  ASSERT_TRUE(delta.is_object()) << read.value().body.dump();
  EXPECT_EQ(delta["previous_key"], first);
  EXPECT_TRUE(delta["changed"].get<bool>());
  // The inputs: exactly one key changed.
  ASSERT_EQ(delta["inputs"].size(), 1u) << delta["inputs"].dump();
  EXPECT_EQ(delta["inputs"][0]["key"], "resources[packing].capacity");
  EXPECT_EQ(delta["inputs"][0]["before"], 1000);
  EXPECT_EQ(delta["inputs"][0]["after"], 1);
  EXPECT_EQ(delta["outcomes"]["verdict"], json({{"before", "go"}, {"after", "no-go"}}));
  ASSERT_EQ(delta["outcomes"]["promises"].size(), 1u);
  const json& promise = delta["outcomes"]["promises"][0];
  EXPECT_EQ(promise["status_before"], "kept");
  EXPECT_EQ(promise["status"], "broken");
  EXPECT_DOUBLE_EQ(promise["p_kept_before"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(promise["p_kept"].get<double>(), 0.0);
}

// The 1-based number of the first option whose lever does (or does not) book capacity.
int64_t OptionNumber(const json& options, bool expand) {
  for (size_t i = 0; i < options.size(); ++i) {
    const bool books = options[i]["lever"].get<std::string>().find("expand") != std::string::npos;
    if (books == expand) return static_cast<int64_t>(i + 1);
  }
  return 0;
}

TEST_P(JobServiceTest, CounterProposalsRunInTransferAndAdoptingOneIsOneWrite) {
  Outcome<Reply> imported = service_->workspaces().Import(
      As(Role::kAdmin), "toy", testing::NoGoToyScenario(), {}, "toy.yaml");
  ASSERT_TRUE(imported.ok()) << imported.error().ToJson().dump();
  ToTransfer();
  // The check says no-go, which queues the counter-proposals by itself.
  const std::string check_key = WaitForCheck();
  json process = Process();
  EXPECT_EQ(process["check"]["verdict"], "no-go");
  ASSERT_TRUE(process["recommend"].is_object()) << process.dump();
  EXPECT_EQ(process["recommend"]["status"], "done");
  EXPECT_EQ(process["recommend"]["cause"], "check");
  EXPECT_TRUE(Contains(AuditActions(), "recommend-queued recommend"));
  EXPECT_TRUE(Contains(AuditActions(), "recommend-done recommend"));
  Outcome<Reply> read = service_->jobs().GetRecommendations(As(Role::kFinance), {"toy", "spring"});
  ASSERT_TRUE(read.ok()) << read.error().ToJson().dump();
  const json got = read.value().body;
  EXPECT_EQ(got["status"], "done");
  EXPECT_EQ(got["progress"], 1.0);
  const std::string key = got["key"];
  EXPECT_EQ(key, process["recommend"]["key"]);
  const json& result = got["result"];
  ASSERT_EQ(result["campaigns"].size(), 1u) << got.dump();
  EXPECT_EQ(result["campaigns"][0]["id"], "spring");
  EXPECT_EQ(result["campaigns"][0]["verdict"], "no-go");
  const json options = result["campaigns"][0]["options"];
  ASSERT_GE(options.size(), 2u) << result.dump();

  // It is `tandem recommend --json` on the campaign's check scenario (here the whole workspace),
  // byte for byte, and every option's verdict is what a check of the option applied gives.
  Outcome<Reply> exported = service_->workspaces().Export(As(Role::kFinance), "toy", false);
  ASSERT_TRUE(exported.ok());
  Result<Scenario> scenario = ParseScenario(exported.value().text, "export", NoFiles());
  ASSERT_TRUE(scenario.ok());
  RecommendOptions recommend;
  recommend.campaign = "spring";
  recommend.scenarios = 40;
  recommend.threads = 2;
  Result<Recommendations> library = Recommend(scenario.value(), recommend);
  ASSERT_TRUE(library.ok());
  std::string text = RecommendationsToJson(library.value(), scenario.value().currency);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  EXPECT_NE(read.value().text.find("\"result\":" + text + "}"), std::string::npos)
      << read.value().text;
  ASSERT_EQ(library.value().campaigns.size(), 1u);
  ASSERT_EQ(library.value().campaigns[0].options.size(), options.size());
  for (size_t i = 0; i < options.size(); ++i) {
    CheckOptions check;
    check.scenarios = 40;
    check.threads = 2;
    Result<CheckResult> applied = RunCheck(library.value().campaigns[0].options[i].applied, check);
    ASSERT_TRUE(applied.ok());
    EXPECT_EQ(options[i]["verdict"], VerdictName(applied.value().campaigns[0].verdict))
        << options[i]["summary"];
  }

  SignAll(check_key);
  const int64_t expand = OptionNumber(options, true);
  const int64_t other = OptionNumber(options, false);
  ASSERT_GT(expand, 0) << options.dump();
  ASSERT_GT(other, 0) << options.dump();
  // Booking capacity is operations' (and admin's); changing the campaign marketing's.
  Outcome<Reply> marketing_books = service_->jobs().AdoptOption(
      As(Role::kMarketing), {"toy", "spring"}, AdoptRequest{.option = expand, .key = key});
  ASSERT_FALSE(marketing_books.ok());
  EXPECT_EQ(marketing_books.error().status, 403);
  EXPECT_EQ(marketing_books.error().fields.at(0).field, "bookings");
  Outcome<Reply> operations_caps = service_->jobs().AdoptOption(
      As(Role::kOperations), {"toy", "spring"}, AdoptRequest{.option = other, .key = key});
  ASSERT_FALSE(operations_caps.ok());
  EXPECT_EQ(operations_caps.error().status, 403);
  Outcome<Reply> finance = service_->jobs().AdoptOption(As(Role::kFinance), {"toy", "spring"},
                                                        AdoptRequest{.option = other, .key = key});
  ASSERT_FALSE(finance.ok());
  EXPECT_EQ(finance.error().status, 403);
  Outcome<Reply> beyond = service_->jobs().AdoptOption(As(Role::kAdmin), {"toy", "spring"},
                                                       AdoptRequest{.option = 99, .key = key});
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.error().status, 400);
  EXPECT_EQ(beyond.error().fields.at(0).field, "option");
  EXPECT_EQ(beyond.error().fields.at(0).allowed, "1 to " + std::to_string(options.size()));
  EXPECT_EQ(EntityVersion("campaigns", "spring"), 1);  // nothing refused changed anything

  // Operations books the capacity: one write changes the campaign's bookings, withdraws
  // operations' sign-off (bookings are its part, not marketing's) and queues the check.
  const json chosen = options[static_cast<size_t>(expand - 1)];
  Outcome<Reply> adopted =
      service_->jobs().AdoptOption(As(Role::kOperations, "oscar"), {"toy", "spring"},
                                   AdoptRequest{.option = expand, .key = key});
  ASSERT_TRUE(adopted.ok()) << adopted.error().ToJson().dump();
  const json after = adopted.value().body;
  EXPECT_EQ(after["state"], "transfer");
  EXPECT_NE(after["check"]["key"], check_key);
  EXPECT_TRUE(after["check"]["job"].is_number_integer());
  EXPECT_EQ(after["recommend"]["adopted"]["option"], expand);
  EXPECT_EQ(after["recommend"]["adopted"]["by"], "oscar");
  std::set<std::string> missing;
  for (const json& name : after["missing_signoffs"]) missing.insert(name);
  EXPECT_TRUE(missing.count("operations"));
  EXPECT_FALSE(missing.count("marketing"));
  EXPECT_EQ(EntityVersion("campaigns", "spring"), 2);
  const json bookings = EntityBody("campaigns", "spring")["bookings"];
  ASSERT_EQ(bookings.size(), 1u) << bookings.dump();
  EXPECT_EQ(bookings[0]["resource"], chosen["params"]["resource"]);
  EXPECT_EQ(bookings[0]["extra"], chosen["params"]["extra"]);
  EXPECT_EQ(bookings[0]["from"], chosen["params"]["from"]);
  EXPECT_EQ(bookings[0]["until"], chosen["params"]["until"]);
  bool audited = false;
  Outcome<Reply> audit = service_->alerts().Audit(As(Role::kService), "toy", "spring");
  ASSERT_TRUE(audit.ok());
  for (const json& item : audit.value().body["items"]) {
    if (item["action"] != "adopt-option") continue;
    audited = true;
    EXPECT_EQ(item["actor"], "oscar");
    EXPECT_EQ(item["target"], "campaigns/spring");
    EXPECT_EQ(item["detail"]["option"], expand);
    EXPECT_EQ(item["detail"]["summary"], chosen["summary"]);
    EXPECT_EQ(item["detail"]["after"]["bookings"], bookings);
  }
  EXPECT_TRUE(audited);
  EXPECT_TRUE(Contains(AuditActions(), "withdraw-signoff operations"));
  // The key read before the change is stale now.
  Outcome<Reply> stale = service_->jobs().AdoptOption(As(Role::kMarketing), {"toy", "spring"},
                                                      AdoptRequest{.option = other, .key = key});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().status, 409);
  EXPECT_EQ(stale.error().fields.at(0).field, "key");
  // The re-check gives the verdict the option claimed (go: the sign-offs given on no-go go too,
  // and a go campaign gets no counter-proposals of its own).
  WaitForCheck();
  process = Process();
  EXPECT_EQ(process["check"]["verdict"], chosen["verdict"]);
  EXPECT_EQ(process["check"]["key"], after["check"]["key"]);
  EXPECT_EQ(process["missing_signoffs"].size(), 4u);
  Outcome<Reply> now = service_->jobs().GetRecommendations(As(Role::kMarketing), {"toy", "spring"});
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now.value().body["status"], "superseded");
  EXPECT_NE(now.value().body["key"], key);
  EXPECT_FALSE(now.value().body.contains("result"));
  // Asked for explicitly, a go campaign's counter-proposals are empty.
  Outcome<Reply> requested =
      service_->jobs().RequestRecommendations(As(Role::kService), {"toy", "spring"});
  ASSERT_TRUE(requested.ok());
  EXPECT_EQ(requested.value().status, 202);
  EXPECT_EQ(requested.value().body["status"], "queued");
  ASSERT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
  now = service_->jobs().GetRecommendations(As(Role::kMarketing), {"toy", "spring"});
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now.value().body["status"], "done");
  EXPECT_TRUE(now.value().body["result"]["campaigns"].empty());
}

TEST_P(JobServiceTest, CounterProposalsAreCachedByContentAndSupersededByAChange) {
  Outcome<Reply> imported = service_->workspaces().Import(
      As(Role::kAdmin), "toy", testing::NoGoToyScenario(), {}, "toy.yaml");
  ASSERT_TRUE(imported.ok());
  Outcome<Reply> none = service_->jobs().GetRecommendations(As(Role::kService), {"toy", "spring"});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.value().body["status"], "none");
  EXPECT_EQ(none.value().body["progress"], 0.0);
  const std::string first_key = none.value().body["key"];
  Outcome<Reply> requested =
      service_->jobs().RequestRecommendations(As(Role::kService), {"toy", "spring"});
  ASSERT_TRUE(requested.ok());
  EXPECT_EQ(requested.value().status, 202);
  EXPECT_EQ(requested.value().body["key"], first_key);
  ASSERT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
  Outcome<Reply> again =
      service_->jobs().RequestRecommendations(As(Role::kFinance), {"toy", "spring"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value().status, 200);
  EXPECT_EQ(again.value().body["status"], "done");
  // A change supersedes them; changing it back finds them in the cache without a search.
  ASSERT_TRUE(EditCampaign([](json& body) { body["spend"] = 6000; }).ok());
  Outcome<Reply> changed =
      service_->jobs().GetRecommendations(As(Role::kService), {"toy", "spring"});
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed.value().body["status"], "superseded");
  EXPECT_NE(changed.value().body["key"], first_key);
  ASSERT_TRUE(EditCampaign([](json& body) { body["spend"] = 5000; }).ok());
  Outcome<Reply> cached =
      service_->jobs().RequestRecommendations(As(Role::kService), {"toy", "spring"});
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(cached.value().status, 200);
  EXPECT_EQ(cached.value().body["key"], first_key);
  EXPECT_EQ(cached.value().body["result"], again.value().body["result"]);
  EXPECT_NE(service_->MetricsText().find("tandem_recommendations_run_total 1\n"), std::string::npos)
      << service_->MetricsText();
}

TEST_P(JobServiceTest, ASearchCutShortByAShutdownRunsAgainAtTheNextStart) {
  const std::string greenleaf = testing::ReadSourceFile("examples/greenleaf.yaml");
  ASSERT_TRUE(service_->workspaces()
                  .Import(As(Role::kAdmin), "greenleaf", greenleaf, {}, "greenleaf.yaml")
                  .ok());
  Outcome<Reply> requested =
      service_->jobs().RequestRecommendations(As(Role::kMarketing), {"greenleaf", "spring-40"});
  ASSERT_TRUE(requested.ok()) << requested.error().ToJson().dump();
  ASSERT_EQ(requested.value().status, 202);
  const int64_t job = requested.value().body["job"];
  // Stop the service once the search runs: it gives up at its next stage, and is neither
  // failed nor lost. (Should it finish first, the rest holds all the same.)
  for (int i = 0; i < 4000; ++i) {
    Outcome<Reply> read =
        service_->jobs().GetRecommendations(As(Role::kMarketing), {"greenleaf", "spring-40"});
    ASSERT_TRUE(read.ok());
    if (read.value().body["status"] != "queued") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  service_.reset();
  Outcome<std::unique_ptr<Service>> reopened =
      Service::Open(testing::TestOptions(database_->url()));
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  service_ = std::move(reopened.value());
  ASSERT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
  Outcome<Reply> finished = service_->jobs().GetJob(As(Role::kService), job);
  ASSERT_TRUE(finished.ok());
  EXPECT_EQ(finished.value().body["status"], "done") << finished.value().body.dump();
  EXPECT_EQ(finished.value().body["kind"], "recommend");
  Outcome<Reply> read =
      service_->jobs().GetRecommendations(As(Role::kService), {"greenleaf", "spring-40"});
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.value().body["status"], "done");
  EXPECT_EQ(read.value().body["result"]["campaigns"][0]["id"], "spring-40");
}

TANDEM_INSTANTIATE_BACKENDS(JobServiceTest);

}  // namespace
}  // namespace tandem::server
