// ProcessService without HTTP, on both databases: confirmations, sign-offs on the current check,
// approval and its override, refusals and requests for changes, the clock's moves, the
// post-campaign review and the report.
#include "service_fixture.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;
using process::ProcessState;
using testing::As;
using testing::Contains;
using testing::Day2027;
using testing::Moves;
using testing::ReopenWithClock;
using testing::ServiceFixture;

class ProcessServiceTest : public ServiceFixture {};

TEST_P(ProcessServiceTest, GroundworkNeedsEveryConfirmation) {
  ImportToy();
  ASSERT_TRUE(Move(ProcessState::kGroundwork).ok());
  EXPECT_EQ(Move(ProcessState::kTransfer, Role::kOperations).error().status, 403);
  ASSERT_TRUE(service_->process()
                  .Confirm(As(Role::kMarketing), {"toy", "spring", "marketing"}, ConfirmRequest{})
                  .ok());
  // No one confirms for another function, not even admin.
  EXPECT_EQ(service_->process()
                .Confirm(As(Role::kMarketing), {"toy", "spring", "finance"}, ConfirmRequest{})
                .error()
                .status,
            403);
  EXPECT_EQ(service_->process()
                .Confirm(As(Role::kAdmin), {"toy", "spring", "finance"}, ConfirmRequest{})
                .error()
                .status,
            403);
  EXPECT_EQ(Process()["missing_confirmations"], json({"operations", "finance", "service"}));
  Outcome<Reply> early = Move(ProcessState::kTransfer);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().status, 409);
  EXPECT_EQ(early.error().fields.size(), 3u);
  ConfirmAll();
  EXPECT_TRUE(Process()["missing_confirmations"].empty());
  EXPECT_TRUE(Move(ProcessState::kTransfer).ok());
}

// The order of refusals does not depend on where the body is parsed (requests.h): the
// service's own authorisation checks come first (403; 404 for a function that does not exist),
// then the parse's 400, then the write's refusals (404 campaign, 409 state); a note that is not a
// text is refused (400 "note") where the note is stored, after the process's own refusals.
TEST_P(ProcessServiceTest, AuthorisationIsRefusedBeforeTheBodyAndTheBodyBeforeTheWrite) {
  ImportToy();
  const json not_object = json::array();
  auto error = [](const Outcome<Reply>& reply) {
    return reply.ok() ? std::string("(ok)") : reply.error().ToJson().dump();
  };
  EXPECT_EQ(error(service_->process().Confirm(As(Role::kMarketing), {"toy", "spring", "finance"},
                                              ParseConfirmRequest(not_object))),
            R"j({"error":{"code":"forbidden","fields":[],"message":"marketing cannot confirm )j"
            R"j(for finance","status":403}})j");
  EXPECT_EQ(error(service_->process().Confirm(As(Role::kMarketing), {"toy", "spring", "nobody"},
                                              ParseConfirmRequest(not_object))),
            R"j({"error":{"code":"not_found","fields":[],"message":"no function 'nobody'; )j"
            R"j(functions: marketing, operations, finance, service","status":404}})j");
  const std::string bad_body =
      R"j({"error":{"code":"bad_request","fields":[{"allowed":"{note}","field":"(body)",)j"
      R"j("problem":"must be an object"}],"message":"(body): must be an object","status":400}})j";
  EXPECT_EQ(error(service_->process().Confirm(As(Role::kMarketing), {"toy", "nope", "marketing"},
                                              ParseConfirmRequest(not_object))),
            bad_body);
  // The note: in draft the process refuses first (409); in groundwork it is the note (400).
  const json odd_note = {{"note", 5}};
  Outcome<Reply> in_draft = service_->process().Confirm(
      As(Role::kMarketing), {"toy", "spring", "marketing"}, ParseConfirmRequest(odd_note));
  ASSERT_FALSE(in_draft.ok());
  EXPECT_EQ(in_draft.error().status, 409) << error(in_draft);
  ASSERT_TRUE(Move(ProcessState::kGroundwork).ok());
  EXPECT_EQ(error(service_->process().Confirm(As(Role::kMarketing), {"toy", "spring", "marketing"},
                                              ParseConfirmRequest(odd_note))),
            R"j({"error":{"code":"bad_request","fields":[{"allowed":"a text, or leave it out",)j"
            R"j("field":"note","problem":"must be a text"}],"message":"note: must be a text",)j"
            R"j("status":400}})j");
  // The other methods: 403 before a body they cannot read.
  EXPECT_EQ(service_->process()
                .SignOff(As(Role::kService), {"toy", "spring", "finance"},
                         ParseSignOffRequest(json::object()))
                .error()
                .message,
            "service cannot sign off for finance");
  EXPECT_EQ(service_->process()
                .Review(As(Role::kService), {"toy", "spring", "finance"},
                        process::SignOffKind::kRefuse, ParseObjectionRequest(json::object()))
                .error()
                .status,
            403);
  EXPECT_EQ(service_->process()
                .Approve(As(Role::kOperations), {"toy", "spring"}, ParseApproveRequest(not_object))
                .error()
                .status,
            403);
  EXPECT_EQ(service_->process()
                .Transition(As(Role::kFinance), {"toy", "spring"},
                            ParseTransitionRequest(not_object), std::nullopt)
                .error()
                .status,
            403);
  EXPECT_EQ(service_->process()
                .PutReview(As(Role::kFinance), {"toy", "spring"}, ParsePutReviewRequest(not_object))
                .error()
                .status,
            403);
  // Approval is not a transition, whoever asks it: 400 after the role's check.
  EXPECT_EQ(error(Move(ProcessState::kApproved)),
            R"j({"error":{"code":"bad_request","fields":[{"allowed":"POST .../approve",)j"
            R"j("field":"to","problem":"approval has its own action"}],"message":"to: approval )j"
            R"j(has its own action","status":400}})j");
  EXPECT_EQ(Move(ProcessState::kApproved, Role::kFinance).error().status, 403);
}

TEST_P(ProcessServiceTest, ApprovalOfAGoCampaignProducesTheHandover) {
  ApproveToy();
  json process = Process();
  EXPECT_EQ(process["state"], "approved");
  EXPECT_EQ(process["check"]["verdict"], "go");  // derived by hand in test_support.h
  EXPECT_TRUE(process["override"].is_null());
  Outcome<Reply> operations =
      service_->process().Handover(As(Role::kOperations), {"toy", "spring"});
  ASSERT_TRUE(operations.ok());
  const json& plan = operations.value().body["handover"]["operations"]["capacity_plan"];
  ASSERT_FALSE(plan.empty());
  const json* packing = nullptr;
  for (const json& item : plan) {
    if (item["resource"] == "packing") packing = &item;
  }
  ASSERT_NE(packing, nullptr) << plan.dump();
  // Weeks 2027-W11 (15-21 Mar) and W12 (22-28 Mar) are inside the window: open 24h a day at
  // 1,000 orders an hour, 168,000 a week; demand is 150 orders a day, 1,050 a week.
  bool found = false;
  for (const json& week : (*packing)["weeks"]) {
    if (week["week"] != "2027-W11") continue;
    found = true;
    EXPECT_DOUBLE_EQ(week["capacity"].get<double>(), 168000.0);
    EXPECT_NEAR(week["work_p50"].get<double>(), 1050.0, 1.0);
    EXPECT_NEAR(week["work_without"].get<double>(), 700.0, 1.0);
    EXPECT_EQ(week["extra_needed_p95"], 0.0);
  }
  EXPECT_TRUE(found) << packing->dump();
  // Marketing and service get the approved wording, and only their parts.
  Outcome<Reply> marketing = service_->process().Handover(As(Role::kMarketing), {"toy", "spring"});
  ASSERT_TRUE(marketing.ok());
  EXPECT_FALSE(marketing.value().body["handover"].contains("operations"));
  EXPECT_EQ(marketing.value().body["handover"]["marketing"]["promises"][0]["text"],
            "delivered within 3d for 95% of orders");
  Outcome<Reply> service = service_->process().Handover(As(Role::kService), {"toy", "spring"});
  ASSERT_TRUE(service.ok());
  EXPECT_EQ(service.value().body["handover"]["service"]["promises"][0]["status"], "kept");
  const std::vector<std::string> audit = AuditActions();
  for (const char* entry :
       {"confirm operations", "signoff finance", "approve state", "check-done check"}) {
    EXPECT_TRUE(Contains(audit, entry)) << entry;
  }
}

TEST_P(ProcessServiceTest, SignOffsAreOnTheCurrentCheckOnly) {
  ImportToy();
  ToTransfer();
  const std::string key = WaitForCheck();
  Outcome<Reply> wrong = service_->process().SignOff(
      As(Role::kFinance), {"toy", "spring", "finance"}, SignOffRequest{.check = "0000"});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().status, 409);
  EXPECT_EQ(wrong.error().fields.at(0).field, "check");
  ASSERT_TRUE(
      service_->process()
          .SignOff(As(Role::kFinance), {"toy", "spring", "finance"}, SignOffRequest{.check = key})
          .ok());
  Outcome<Reply> early = service_->process().Approve(As(Role::kMarketing), {"toy", "spring"},
                                                     ApproveRequest{.check = key});
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().status, 409);
  EXPECT_EQ(early.error().fields.size(), 3u);  // marketing, operations, service missing
  EXPECT_EQ(service_->process()
                .Approve(As(Role::kOperations), {"toy", "spring"}, ApproveRequest{.check = key})
                .error()
                .status,
            403);
}

TEST_P(ProcessServiceTest, AResourceChangeWithdrawsOnlyTheSignOffsItInvalidates) {
  ApproveToy();
  json packing = EntityBody("resources", "packing");
  packing["capacity"] = 900;  // still far above demand: the verdict stays go
  ASSERT_TRUE(service_->workspaces()
                  .PutEntity(As(Role::kOperations), "toy", "resources", "packing", packing, 1)
                  .ok());
  ASSERT_TRUE(service_->WaitForJobs(std::chrono::minutes(2)));
  json process = Process();
  // Operations signed off on the old capacity; marketing, finance and service on parts that
  // did not change. Approval needs all four again.
  EXPECT_EQ(process["missing_signoffs"], json({"operations"}));
  EXPECT_EQ(process["state"], "transfer");
  EXPECT_EQ(process["check"]["status"], "done");
  EXPECT_EQ(process["check"]["verdict"], "go");
  const std::vector<std::string> audit = AuditActions();
  EXPECT_TRUE(Contains(audit, "withdraw-signoff operations"));
  EXPECT_FALSE(Contains(audit, "withdraw-signoff finance"));
  EXPECT_TRUE(Contains(audit, "recheck resources/packing"));
}

TEST_P(ProcessServiceTest, ANoGoIsApprovedOnlyByARecordedOverride) {
  ImportToy();
  // Spend twice the budget: the budget check breaks, the verdict is no-go.
  ASSERT_TRUE(EditCampaign([](json& body) { body["spend"] = 200000; }).ok());
  ToTransfer();
  const std::string key = WaitForCheck();
  EXPECT_EQ(Process()["check"]["verdict"], "no-go");
  SignAll(key);
  Outcome<Reply> plain = service_->process().Approve(As(Role::kMarketing), {"toy", "spring"},
                                                     ApproveRequest{.check = key});
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error().status, 409);
  EXPECT_EQ(plain.error().fields.at(0).field, "override.reason");
  const std::string reason = "the board funds the overrun from the Q2 reserve";
  // The campaign's owner cannot override its own no-go (issue 13): 403 naming the override.
  Outcome<Reply> own = service_->process().Approve(
      As(Role::kMarketing, "maria"), {"toy", "spring"},
      ApproveRequest{.check = key, .override = ApproveRequest::Override{reason}});
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().status, 403);
  EXPECT_EQ(own.error().fields.at(0).field, "override");
  // Neither can operations or service, whatever the reason.
  for (Role role : {Role::kOperations, Role::kService}) {
    Outcome<Reply> other = service_->process().Approve(
        As(role), {"toy", "spring"},
        ApproveRequest{.check = key, .override = ApproveRequest::Override{reason}});
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().status, 403);
  }
  // Finance, another function, needs a written reason of at least 10 characters.
  Outcome<Reply> vague = service_->process().Approve(
      As(Role::kFinance, "fiona"), {"toy", "spring"},
      ApproveRequest{.check = key, .override = ApproveRequest::Override{""}});
  ASSERT_FALSE(vague.ok());
  EXPECT_EQ(vague.error().status, 400);
  EXPECT_EQ(vague.error().fields.at(0).field, "override.reason");
  Outcome<Reply> nine = service_->process().Approve(
      As(Role::kFinance, "fiona"), {"toy", "spring"},
      ApproveRequest{.check = key, .override = ApproveRequest::Override{"123456789"}});
  ASSERT_FALSE(nine.ok());
  EXPECT_EQ(nine.error().fields.at(0).field, "override.reason");
  Outcome<Reply> overridden = service_->process().Approve(
      As(Role::kFinance, "fiona"), {"toy", "spring"},
      ApproveRequest{.check = key, .override = ApproveRequest::Override{reason}});
  ASSERT_TRUE(overridden.ok()) << overridden.error().ToJson().dump();
  json process = Process();
  EXPECT_EQ(process["state"], "approved");
  EXPECT_EQ(process["approved"]["by"], "fiona");
  EXPECT_EQ(process["override"]["by"], "fiona");
  EXPECT_EQ(process["override"]["role"], "finance");
  EXPECT_EQ(process["override"]["reason"], reason);
  EXPECT_EQ(process["override"]["verdict"], "no-go");
  EXPECT_FALSE(process["override"]["at"].get<std::string>().empty());
  // Finance was told about the overrun; operations was not.
  bool budget_alert = false;
  for (const json& alert : AlertsFor(Role::kFinance))
    budget_alert = budget_alert || alert["kind"] == "budget-overrun";
  EXPECT_TRUE(budget_alert);
  for (const json& alert : AlertsFor(Role::kOperations)) EXPECT_NE(alert["kind"], "budget-overrun");
  EXPECT_TRUE(Contains(AuditActions(), "override verdict"));
}

// Issue 13, item 9: a function can refuse or ask for changes instead of signing off, with a reason
// the campaign owner sees (alert) and answers; a refusal counts as a missing sign-off until the
// function signs off, which settles it.
TEST_P(ProcessServiceTest, ARefusalAndARequestForChangesCarryAReasonTheOwnerAnswers) {
  ImportToy();
  ToTransfer();
  const std::string key = WaitForCheck();
  using process::SignOffKind;
  const std::string refusal = "the Q2 budget is already committed";
  // A reason of fewer than 10 characters is not one; another function cannot refuse for finance.
  Outcome<Reply> short_reason = service_->process().Review(
      As(Role::kFinance), {"toy", "spring", "finance"}, SignOffKind::kRefuse,
      ObjectionRequest{.check = key, .reason = "no money"});
  ASSERT_FALSE(short_reason.ok());
  EXPECT_EQ(short_reason.error().status, 400);
  EXPECT_EQ(short_reason.error().fields.at(0).field, "reason");
  for (Role role : {Role::kMarketing, Role::kService, Role::kAdmin}) {
    Outcome<Reply> other =
        service_->process().Review(As(role), {"toy", "spring", "finance"}, SignOffKind::kRefuse,
                                   ObjectionRequest{.check = key, .reason = refusal});
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().status, 403) << RoleName(role);
  }
  Outcome<Reply> stale = service_->process().Review(
      As(Role::kFinance), {"toy", "spring", "finance"}, SignOffKind::kRefuse,
      ObjectionRequest{.check = "0000", .reason = refusal});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().status, 409);
  ASSERT_TRUE(service_->process()
                  .Review(As(Role::kFinance, "fiona"), {"toy", "spring", "finance"},
                          SignOffKind::kRefuse, ObjectionRequest{.check = key, .reason = refusal})
                  .ok());
  ASSERT_TRUE(
      service_->process()
          .Review(As(Role::kOperations, "oscar"), {"toy", "spring", "operations"},
                  SignOffKind::kRequestChanges,
                  ObjectionRequest{.check = key, .reason = "book 200 extra an hour in week 12"})
          .ok());
  for (Role role : {Role::kMarketing, Role::kService}) {
    ASSERT_TRUE(
        service_->process()
            .SignOff(As(role), {"toy", "spring", RoleName(role)}, SignOffRequest{.check = key})
            .ok());
  }
  json process = Process();
  EXPECT_EQ(process["objections"]["finance"]["kind"], "refused");
  EXPECT_EQ(process["objections"]["finance"]["reason"], refusal);
  EXPECT_EQ(process["objections"]["operations"]["kind"], "changes-requested");
  EXPECT_EQ(process["missing_signoffs"], json({"operations", "finance"}));
  // The owner is told, with the reason.
  std::set<std::string> marketing_alerts;
  for (const json& alert : AlertsFor(Role::kMarketing))
    marketing_alerts.insert(alert["kind"].get<std::string>() + ": " +
                            alert["message"].get<std::string>());
  EXPECT_TRUE(marketing_alerts.count(
      "signoff-refused: Campaign spring: finance refuses to sign off: " + refusal));
  // No approval while they stand: each is named with what it is.
  Outcome<Reply> approve = service_->process().Approve(As(Role::kMarketing), {"toy", "spring"},
                                                       ApproveRequest{.check = key});
  ASSERT_FALSE(approve.ok());
  EXPECT_EQ(approve.error().status, 409);
  ASSERT_EQ(approve.error().fields.size(), 2u);
  EXPECT_EQ(approve.error().fields[0].field, "signoffs.operations");
  EXPECT_EQ(approve.error().fields[0].problem, "changes-requested");
  EXPECT_EQ(approve.error().fields[1].field, "signoffs.finance");
  EXPECT_EQ(approve.error().fields[1].problem, "refused");
  // The owner answers; nobody else does, and an answer needs words.
  const std::string answer = "spend moved to the Q3 budget line";
  for (Role role : {Role::kFinance, Role::kOperations, Role::kService}) {
    Outcome<Reply> other = service_->process().AnswerObjection(
        As(role), {"toy", "spring", "finance"}, AnswerRequest{answer});
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().status, 403) << RoleName(role);
  }
  Outcome<Reply> empty = service_->process().AnswerObjection(
      As(Role::kMarketing), {"toy", "spring", "finance"}, AnswerRequest{""});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().fields.at(0).field, "text");
  Outcome<Reply> nothing = service_->process().AnswerObjection(
      As(Role::kMarketing), {"toy", "spring", "service"}, AnswerRequest{answer});
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().status, 409);
  ASSERT_TRUE(service_->process()
                  .AnswerObjection(As(Role::kMarketing, "maria"), {"toy", "spring", "finance"},
                                   AnswerRequest{answer})
                  .ok());
  Outcome<Reply> twice = service_->process().AnswerObjection(
      As(Role::kMarketing), {"toy", "spring", "finance"}, AnswerRequest{answer});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().status, 409);
  process = Process();
  EXPECT_EQ(process["objections"]["finance"]["answer"]["text"], answer);
  EXPECT_EQ(process["objections"]["finance"]["answer"]["by"], "maria");
  bool told = false;
  for (const json& alert : AlertsFor(Role::kFinance))
    told = told || (alert["kind"] == "objection-answered" &&
                    alert["message"].get<std::string>().find(answer) != std::string::npos);
  EXPECT_TRUE(told);
  // What marketing may do now: answer operations (still open), not finance (answered).
  std::set<std::string> answerable;
  for (const json& action : process["actions"]) {
    if (action["action"] == "answer") answerable.insert(action["function"]);
  }
  EXPECT_EQ(answerable, std::set<std::string>({"operations"}));
  // Signing off settles each; then the campaign is approved.
  SignAll(key);
  process = Process();
  EXPECT_TRUE(process["objections"].empty()) << process["objections"].dump();
  ASSERT_TRUE(service_->process()
                  .Approve(As(Role::kMarketing), {"toy", "spring"}, ApproveRequest{.check = key})
                  .ok());
  const std::vector<std::string> audit = AuditActions();
  EXPECT_TRUE(Contains(audit, "refuse-signoff finance"));
  EXPECT_TRUE(Contains(audit, "request-changes operations"));
  EXPECT_TRUE(Contains(audit, "answer finance"));
}

// Issue 13, item 11: a campaign goes live on its window's start, not before.
TEST_P(ProcessServiceTest, ACampaignGoesLiveOnItsWindowStartNotBefore) {
  ApproveToy();
  // Today is 2027-01-01 (TestOptions); the toy window starts on 2027-03-15.
  Outcome<Reply> early = Move(ProcessState::kLive);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().status, 409);
  EXPECT_EQ(early.error().fields.at(0).field, "window");
  EXPECT_NE(early.error().message.find("2027-03-15"), std::string::npos);
  json live_action;
  const json approved = Process();
  for (const json& action : approved["actions"]) {
    if (action["to"] == "live") live_action = action;
  }
  EXPECT_EQ(live_action["allowed"], false);
  EXPECT_EQ(live_action["reason"], early.error().message);
  // The same database on the window's first day (2027-03-15 00:00 UTC).
  service_.reset();
  ServiceOptions options = testing::TestOptions(database_->url());
  options.clock = [] { return std::chrono::system_clock::from_time_t(1805068800); };
  Outcome<std::unique_ptr<Service>> reopened = Service::Open(options);
  ASSERT_TRUE(reopened.ok());
  service_ = std::move(reopened.value());
  ASSERT_TRUE(Move(ProcessState::kLive).ok());
  ASSERT_TRUE(Move(ProcessState::kFollowUp).ok());
  EXPECT_EQ(Process()["state"], "follow-up");
}

const json* CloseAction(const json& process) {
  for (const json& action : process["actions"]) {
    if (action["to"] == "closed") return &action;
  }
  return nullptr;
}

// Issue 12 item 7. The toy's window runs 2027-03-15..2027-03-28; the kite's transit is 24 h and
// its return lag the default 10 d, so its returns mature on 03-28 + 1 + ceil(11 d) = 2027-04-09.
TEST_P(ProcessServiceTest,
       TheClockEntersFollowUpWhenTheWindowOpensAndClosesOnceReturnsMaturedAndReviewed) {
  ApproveToy();
  std::shared_ptr<std::atomic<int64_t>> now = ReopenWithClock(service_, database_->url());
  ASSERT_TRUE(service_);
  // The day before the window: nothing moves.
  *now = Day2027(3, 14);
  EXPECT_TRUE(Moves(service_->process().AdvanceByClock()).empty());
  EXPECT_EQ(Process()["state"], "approved");
  // The window's first day: approved -> live -> follow-up in one tick, audited per move.
  *now = Day2027(3, 15) + 60;  // 00:01
  EXPECT_EQ(Moves(service_->process().AdvanceByClock()),
            (std::vector<std::string>{"toy/spring approved>live", "toy/spring live>follow-up"}));
  json process = Process();
  EXPECT_EQ(process["state"], "follow-up");
  EXPECT_EQ(process["returns_mature_on"], "2027-04-09");
  Outcome<Reply> audit = service_->alerts().Audit(As(Role::kService), "toy", "spring");
  ASSERT_TRUE(audit.ok());
  int clock_moves = 0;
  for (const json& item : audit.value().body["items"]) {
    if (item["action"] == "transition" && item.dump().find("\"clock\"") != std::string::npos)
      ++clock_moves;
  }
  EXPECT_EQ(clock_moves, 2) << audit.value().body.dump();
  // A second tick the same day moves nothing.
  EXPECT_TRUE(Moves(service_->process().AdvanceByClock()).empty());
  // During the window the close button says the window is not over.
  ASSERT_TRUE(CloseAction(process));
  EXPECT_EQ((*CloseAction(process))["allowed"], false);
  EXPECT_EQ((*CloseAction(process))["reason"],
            "the campaign's window ends on 2027-03-28: it closes after that (today is 2027-03-15)");
  // After the window, the day before the returns mature: the owner's close is refused (409
  // returns), and so is the clock's.
  *now = Day2027(4, 8);
  Outcome<Reply> early = Move(ProcessState::kClosed);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().status, 409);
  EXPECT_EQ(early.error().fields.at(0).field, "returns");
  EXPECT_NE(early.error().message.find("2027-04-09"), std::string::npos) << early.error().message;
  EXPECT_TRUE(Moves(service_->process().AdvanceByClock()).empty());
  // A review without its lessons, saved meanwhile.
  ASSERT_TRUE(
      service_->process()
          .PutReview(As(Role::kMarketing), {"toy", "spring"},
                     PutReviewRequest{{{"promised", "delivery within 72h for 95% of orders"},
                                       {"kept", "kept: 99% within 72h"},
                                       {"forecast_error", "demand 4% under plan"}}})
          .ok());
  // Matured: the clock still waits for the lessons, and says so.
  *now = Day2027(4, 9);
  EXPECT_TRUE(Moves(service_->process().AdvanceByClock()).empty());
  process = Process();
  EXPECT_EQ(process["review_missing"], json::array({"lessons"}));
  EXPECT_EQ((*CloseAction(process))["reason"],
            "the post-campaign review is not written: lessons missing (PUT .../review)");
  // Written: the next tick closes it.
  ASSERT_TRUE(
      service_->process()
          .PutReview(As(Role::kOperations), {"toy", "spring"},
                     PutReviewRequest{{{"promised", "delivery within 72h for 95% of orders"},
                                       {"kept", "kept: 99% within 72h"},
                                       {"forecast_error", "demand 4% under plan"},
                                       {"lessons", "packing had room for a 100% lift"}}})
          .ok());
  EXPECT_EQ(Moves(service_->process().AdvanceByClock()),
            (std::vector<std::string>{"toy/spring follow-up>closed"}));
  EXPECT_EQ(Process()["state"], "closed");
  // The review is returned by the campaign's GET, and final once closed.
  Outcome<Reply> campaign =
      service_->workspaces().GetEntity(As(Role::kFinance), "toy", "campaigns", "spring");
  ASSERT_TRUE(campaign.ok());
  EXPECT_EQ(campaign.value().body["review"]["lessons"], "packing had room for a 100% lift");
  EXPECT_EQ(campaign.value().body["review"]["by"], "operations-user");
  Outcome<Reply> late = service_->process().PutReview(As(Role::kMarketing), {"toy", "spring"},
                                                      PutReviewRequest{{{"lessons", "rewritten"}}});
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().status, 409);
}

// The review: marketing, operations and admin write it while the campaign is followed up; its
// body is four texts and nothing else.
TEST_P(ProcessServiceTest, TheReviewIsWrittenByMarketingOperationsOrAdminWithItsFourParts) {
  ApproveToy();
  const json review = {{"lessons", "cap the sale earlier"}};
  // Approved, before the window: not yet.
  Outcome<Reply> approved = service_->process().PutReview(As(Role::kMarketing), {"toy", "spring"},
                                                          ParsePutReviewRequest(review));
  ASSERT_FALSE(approved.ok());
  EXPECT_EQ(approved.error().status, 409);
  EXPECT_EQ(approved.error().fields.at(0).field, "state");
  std::shared_ptr<std::atomic<int64_t>> now = ReopenWithClock(service_, database_->url());
  ASSERT_TRUE(service_);
  *now = Day2027(3, 15);
  ASSERT_EQ(Moves(service_->process().AdvanceByClock()).size(), 2u);
  for (Role role : {Role::kFinance, Role::kService}) {
    Outcome<Reply> refused =
        service_->process().PutReview(As(role), {"toy", "spring"}, ParsePutReviewRequest(review));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().status, 403) << RoleName(role);
  }
  const std::vector<std::pair<json, std::string>> bad = {
      {json::array({"lessons"}), "(body)"},
      {{{"lesons", "typo"}}, "lesons"},
      {{{"kept", 95}}, "kept"},
      {{{"promised", std::string(ProcessService::kMaxReviewPartBytes + 1, 'x')}}, "promised"}};
  for (const auto& [body, field] : bad) {
    Outcome<Reply> refused = service_->process().PutReview(As(Role::kMarketing), {"toy", "spring"},
                                                           ParsePutReviewRequest(body));
    ASSERT_FALSE(refused.ok()) << body.dump().substr(0, 80);
    EXPECT_EQ(refused.error().status, 400) << field;
    EXPECT_EQ(refused.error().fields.at(0).field, field);
  }
  for (Role role : {Role::kMarketing, Role::kOperations, Role::kAdmin}) {
    Outcome<Reply> saved =
        service_->process().PutReview(As(role), {"toy", "spring"}, ParsePutReviewRequest(review));
    ASSERT_TRUE(saved.ok()) << RoleName(role) << " " << saved.error().message;
    EXPECT_EQ(saved.value().body["review"]["lessons"], "cap the sale earlier");
    EXPECT_EQ(saved.value().body["review_missing"],
              json::array({"promised", "kept", "forecast_error"}));
  }
  int reviews = 0;
  for (const std::string& action : AuditActions()) reviews += action == "review review";
  EXPECT_EQ(reviews, 3);
}

// Issue 12 item 6: the campaign's report is its stored check with the review saved with it. The
// page around the data is the CLI's (web::RenderReportHtml, browser-tested); here a renderer that
// returns the title and the data shows what the page is given.
TEST_P(ProcessServiceTest, TheCampaignReportCarriesTheStoredCheckAndTheReview) {
  ApproveToy();
  // Without a renderer (the server library alone): 501.
  Outcome<Reply> none = service_->process().Report(As(Role::kFinance), {"toy", "spring"});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().status, 501);
  service_.reset();
  ServiceOptions options = testing::TestOptions(database_->url());
  options.clock = [] { return std::chrono::system_clock::from_time_t(1805068800); };  // 03-15
  options.render_report_html = [](std::string_view title, std::string_view data) {
    return std::string(title) + "\n" + std::string(data);
  };
  Outcome<std::unique_ptr<Service>> reopened = Service::Open(options);
  ASSERT_TRUE(reopened.ok());
  service_ = std::move(reopened.value());
  ASSERT_EQ(Moves(service_->process().AdvanceByClock()).size(), 2u);  // live, follow-up
  ASSERT_TRUE(
      service_->process()
          .PutReview(As(Role::kMarketing), {"toy", "spring"},
                     PutReviewRequest{{{"promised", "delivery within 72h for 95% of orders"},
                                       {"kept", "kept: 99% within 72h"},
                                       {"forecast_error", "demand 4% under plan"},
                                       {"lessons", "packing had room for a 100% lift"}}})
          .ok());
  Outcome<Reply> report = service_->process().Report(As(Role::kFinance), {"toy", "spring"});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report.value().content_type, "text/html; charset=utf-8");
  const std::string& text = report.value().text;
  const size_t newline = text.find('\n');
  ASSERT_NE(newline, std::string::npos);
  EXPECT_EQ(text.substr(0, newline), "Spring kites — tandem report");
  const json data = json::parse(text.substr(newline + 1));
  EXPECT_EQ(data["review"]["campaign"], "spring");
  EXPECT_EQ(data["review"]["lessons"], "packing had room for a 100% lift");
  EXPECT_EQ(data["review"]["by"], "marketing-user");
  EXPECT_EQ(data["generated"], "2027-03-15 00:00 UTC");
  // The stored check the campaign was approved on, and its context.
  EXPECT_EQ(data["check"]["verdict"], "go");
  ASSERT_EQ(data["check"]["campaigns"].size(), 1u);
  EXPECT_EQ(data["check"]["campaigns"][0]["id"], "spring");
  EXPECT_EQ(data["context"]["campaigns"][0]["window"]["start"], "2027-03-15");
  // An unknown campaign: 404.
  EXPECT_EQ(service_->process().Report(As(Role::kFinance), {"toy", "nope"}).error().status, 404);
}

// The server's ticker runs AdvanceByClock by itself (every clock_interval, here 20 ms).
TEST_P(ProcessServiceTest, TheServersTickerMovesACampaignIntoFollowUpByItself) {
  ApproveToy();
  service_.reset();
  ServiceOptions options = testing::TestOptions(database_->url());
  options.clock = [] { return std::chrono::system_clock::from_time_t(1805068800); };  // 03-15
  options.clock_interval = std::chrono::milliseconds(20);
  Outcome<std::unique_ptr<Service>> reopened = Service::Open(options);
  ASSERT_TRUE(reopened.ok());
  service_ = std::move(reopened.value());
  // Polled, not timed: the state is read until it changes or a minute has passed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (Process()["state"] != "follow-up" && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(Process()["state"], "follow-up");
}

TANDEM_INSTANTIATE_BACKENDS(ProcessServiceTest);

}  // namespace
}  // namespace tandem::server
