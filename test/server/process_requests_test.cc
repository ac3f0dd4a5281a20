// The parse of the process routes' bodies (process_requests.h): each accepted form, and each
// refusal as the API body a client receives, written out by hand from what ProcessService
// answered before the bodies were typed (status, code, message, field, allowed).
#include <gtest/gtest.h>

#include <string>

#include "tandem/server/process_requests.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;
using process::ProcessState;

// The error body of a refused parse, as the HTTP layer sends it.
template <typename T>
std::string Refusal(const Outcome<T>& parsed) {
  return parsed.ok() ? "(accepted)" : parsed.error().ToJson().dump();
}

const char* kMissingTo =
    R"j({"error":{"code":"bad_request","fields":[{"allowed":"the state to move to","field":"to",)j"
    R"j("problem":"missing"}],"message":"to: missing","status":400}})j";
const char* kMissingReviewedCheck =
    R"j({"error":{"code":"bad_request","fields":[{"allowed":"the key of the check result you )j"
    R"j(reviewed","field":"check","problem":"missing"}],"message":"check: missing","status":400}})j";
// A note or comment that is not a text: 400 naming the key (it was an uncaught 500 until
// 2026-12-07, when json::value threw in the service).
std::string NotAText(const std::string& key) {
  return R"j({"error":{"code":"bad_request","fields":[{"allowed":"a text, or leave it out",)j"
         R"j("field":")j" +
         key + R"j(","problem":"must be a text"}],"message":")j" + key +
         R"j(: must be a text","status":400}})j";
}

TEST(ProcessRequestsTest, ATransitionNamesAKnownStateAsText) {
  for (const auto& [name, state] :
       std::vector<std::pair<std::string, ProcessState>>{{"draft", ProcessState::kDraft},
                                                         {"groundwork", ProcessState::kGroundwork},
                                                         {"transfer", ProcessState::kTransfer},
                                                         {"approved", ProcessState::kApproved},
                                                         {"live", ProcessState::kLive},
                                                         {"follow-up", ProcessState::kFollowUp},
                                                         {"closed", ProcessState::kClosed}}) {
    Outcome<TransitionRequest> parsed = ParseTransitionRequest({{"to", name}, {"extra", 1}});
    ASSERT_TRUE(parsed.ok()) << name;
    EXPECT_EQ(parsed.value().to, state) << name;
  }
  for (const json& body : {json(nullptr), json::array({"to"}), json::object(), json{{"to", 3}},
                           json{{"to", nullptr}}, json("transfer")}) {
    EXPECT_EQ(Refusal(ParseTransitionRequest(body)), kMissingTo) << body.dump();
  }
  EXPECT_EQ(
      Refusal(ParseTransitionRequest({{"to", "Transfer"}})),
      R"j({"error":{"code":"bad_request","fields":[{"allowed":"draft, groundwork, transfer, )j"
      R"j(approved, live, follow-up, closed","field":"to","problem":"unknown state )j"
      R"j('Transfer'"}],"message":"to: unknown state 'Transfer'","status":400}})j");
}

TEST(ProcessRequestsTest, AConfirmationIsAnObjectWithAnOptionalNote) {
  EXPECT_EQ(ParseConfirmRequest(json::object()).value().note.value(), "");
  EXPECT_EQ(ParseConfirmRequest({{"note", "bookings as agreed"}, {"x", 1}}).value().note.value(),
            "bookings as agreed");
  const char* not_object =
      R"j({"error":{"code":"bad_request","fields":[{"allowed":"{note}","field":"(body)",)j"
      R"j("problem":"must be an object"}],"message":"(body): must be an object","status":400}})j";
  for (const json& body : {json(nullptr), json::array(), json("note"), json(1)})
    EXPECT_EQ(Refusal(ParseConfirmRequest(body)), not_object) << body.dump();
  // A note that is not a text: the parse's 400, carried for the service to return where it
  // stores the note (after the process's own refusals).
  for (const json& note : {json(5), json(nullptr), json::object()}) {
    Outcome<ConfirmRequest> parsed = ParseConfirmRequest({{"note", note}});
    ASSERT_TRUE(parsed.ok()) << note.dump();
    EXPECT_EQ(Refusal(parsed.value().note), NotAText("note")) << note.dump();
  }
}

TEST(ProcessRequestsTest, ASignOffNamesTheCheckAndMayCarryAComment) {
  Outcome<SignOffRequest> plain = ParseSignOffRequest({{"check", "abc"}});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.value().check, "abc");
  EXPECT_EQ(plain.value().comment.value(), "");
  Outcome<SignOffRequest> commented = ParseSignOffRequest({{"check", "abc"}, {"comment", "ok"}});
  ASSERT_TRUE(commented.ok());
  EXPECT_EQ(commented.value().comment.value(), "ok");
  for (const json& body :
       {json(nullptr), json::object(), json{{"check", 7}}, json{{"comment", "x"}}})
    EXPECT_EQ(Refusal(ParseSignOffRequest(body)), kMissingReviewedCheck) << body.dump();
  Outcome<SignOffRequest> odd = ParseSignOffRequest({{"check", "abc"}, {"comment", 1}});
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd.value().check, "abc");
  EXPECT_EQ(Refusal(odd.value().comment), NotAText("comment"));
}

TEST(ProcessRequestsTest, AnObjectionNamesTheCheckAndItsReasonIsTheCoresToJudge) {
  Outcome<ObjectionRequest> parsed =
      ParseObjectionRequest({{"check", "abc"}, {"reason", "the budget is spent"}});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value().check, "abc");
  EXPECT_EQ(parsed.value().reason, "the budget is spent");
  // A reason that is not a text reads as none; the comment is not an objection's.
  for (const json& reason : {json(5), json(nullptr), json::array()}) {
    Outcome<ObjectionRequest> odd =
        ParseObjectionRequest({{"check", "abc"}, {"reason", reason}, {"comment", 5}});
    ASSERT_TRUE(odd.ok()) << reason.dump();
    EXPECT_EQ(odd.value().reason, "");
  }
  for (const json& body :
       {json(nullptr), json{{"reason", "the budget is spent"}}, json{{"check", json::array()}}})
    EXPECT_EQ(Refusal(ParseObjectionRequest(body)), kMissingReviewedCheck) << body.dump();
}

TEST(ProcessRequestsTest, AnAnswerIsNeverRefusedByItsParse) {
  EXPECT_EQ(ParseAnswerRequest({{"text", "we move the date"}}).value().text, "we move the date");
  for (const json& body : {json(nullptr), json::array(), json{{"text", 3}}, json::object()})
    EXPECT_EQ(ParseAnswerRequest(body).value().text, "") << body.dump();
}

TEST(ProcessRequestsTest, AnApprovalNamesTheCheckAndAnOverrideIsAskedByItsKey) {
  Outcome<ApproveRequest> plain = ParseApproveRequest({{"check", "abc"}});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.value().check, "abc");
  EXPECT_FALSE(plain.value().override.has_value());
  Outcome<ApproveRequest> overriding =
      ParseApproveRequest({{"check", "abc"}, {"override", {{"reason", "the board accepts it"}}}});
  ASSERT_TRUE(overriding.ok());
  ASSERT_TRUE(overriding.value().override.has_value());
  EXPECT_EQ(overriding.value().override->reason, "the board accepts it");
  // The key asks for an override whatever its value; a reason that is not a text reads as none.
  for (const json& value : {json(nullptr), json("why"), json{{"reason", 5}}}) {
    Outcome<ApproveRequest> odd = ParseApproveRequest({{"check", "abc"}, {"override", value}});
    ASSERT_TRUE(odd.ok()) << value.dump();
    ASSERT_TRUE(odd.value().override.has_value()) << value.dump();
    EXPECT_EQ(odd.value().override->reason, "") << value.dump();
  }
  for (const json& body : {json(nullptr), json::object(), json{{"check", 1}}})
    EXPECT_EQ(Refusal(ParseApproveRequest(body)),
              R"j({"error":{"code":"bad_request","fields":[{"allowed":"the key of the check )j"
              R"j(result approved","field":"check","problem":"missing"}],"message":"check: )j"
              R"j(missing","status":400}})j")
        << body.dump();
}

TEST(ProcessRequestsTest, AReviewIsTheFourTextsAndNothingElse) {
  Outcome<PutReviewRequest> empty = ParsePutReviewRequest(json::object());
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.value().parts.empty());
  const json full = {{"promised", "a"}, {"kept", "b"}, {"forecast_error", "c"}, {"lessons", "d"}};
  Outcome<PutReviewRequest> parsed = ParsePutReviewRequest(full);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value().parts,
            (std::map<std::string, std::string>{
                {"forecast_error", "c"}, {"kept", "b"}, {"lessons", "d"}, {"promised", "a"}}));
  const std::string at_limit(kMaxReviewPartBytes, 'x');
  EXPECT_TRUE(ParsePutReviewRequest({{"lessons", at_limit}}).ok());
  const std::string parts = "promised, kept, forecast_error, lessons";
  EXPECT_EQ(Refusal(ParsePutReviewRequest(json::array({"lessons"}))),
            R"j({"error":{"code":"bad_request","fields":[{"allowed":")j" + parts +
                R"j(","field":"(body)","problem":"must be a JSON object"}],"message":"(body): )j"
                R"j(must be a JSON object","status":400}})j");
  EXPECT_EQ(Refusal(ParsePutReviewRequest({{"lesons", "typo"}})),
            R"j({"error":{"code":"bad_request","fields":[{"allowed":")j" + parts +
                R"j(","field":"lesons","problem":"unknown part of the review"}],"message":)j"
                R"j("lesons: unknown part of the review","status":400}})j");
  EXPECT_EQ(Refusal(ParsePutReviewRequest({{"kept", 95}})),
            R"j({"error":{"code":"bad_request","fields":[{"allowed":"a string","field":"kept",)j"
            R"j("problem":"must be a text"}],"message":"kept: must be a text","status":400}})j");
  EXPECT_EQ(Refusal(ParsePutReviewRequest({{"promised", at_limit + "x"}})),
            R"j({"error":{"code":"bad_request","fields":[{"allowed":"at most 20000 bytes",)j"
            R"j("field":"promised","problem":"too long"}],"message":"promised: too long",)j"
            R"j("status":400}})j");
  // Several faults: the first key in key order is named, as the service's loop over the object
  // named it ("kept" < "lesons" < "promised").
  EXPECT_EQ(ParsePutReviewRequest({{"promised", 1}, {"lesons", "x"}, {"kept", at_limit + "x"}})
                .error()
                .fields.at(0)
                .field,
            "kept");
  EXPECT_EQ(ParsePutReviewRequest({{"promised", 1}, {"lesons", "x"}}).error().fields.at(0).field,
            "lesons");
}

}  // namespace
}  // namespace tandem::server
