// The parse of the workspace, user and job routes' bodies (workspace_requests.h,
// user_requests.h, job_requests.h): each accepted form, and each refusal as the API body a
// client receives, written out by hand from what the services answered before the bodies were
// typed (status, code, message, field, allowed).
#include <gtest/gtest.h>

#include <string>

#include "tandem/server/job_requests.h"
#include "tandem/server/user_requests.h"
#include "tandem/server/webhook_requests.h"
#include "tandem/server/workspace_requests.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;

template <typename T>
std::string Refusal(const Outcome<T>& parsed) {
  return parsed.ok() ? "(accepted)" : parsed.error().ToJson().dump();
}

// A 400 naming one field, as ApiError::Field builds it.
std::string FieldRefusal(const std::string& field, const std::string& problem,
                         const std::string& allowed) {
  return R"({"error":{"code":"bad_request","fields":[{"allowed":")" + allowed + R"(","field":")" +
         field + R"(","problem":")" + problem + R"("}],"message":")" + field + ": " + problem +
         R"j(","status":400}})j";
}

const char* kSettingsKeys = "name, currency, horizon, today, simulation";

TEST(WorkspaceRequestsTest, SettingsAreAnObjectOfTheScenariosTopLevelKeys) {
  const json settings = {{"name", "Toy"}, {"currency", "EUR"}, {"today", "2027-01-01"}};
  Outcome<SettingsRequest> parsed = ParseSettingsRequest(settings);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value().settings, settings);
  EXPECT_TRUE(ParseSettingsRequest(json::object()).ok());
  for (const json& body : {json(nullptr), json::array(), json("x")})
    EXPECT_EQ(Refusal(ParseSettingsRequest(body)),
              FieldRefusal("(body)", "must be an object", kSettingsKeys));
  // The first unknown key in key order.
  EXPECT_EQ(Refusal(ParseSettingsRequest({{"name", "x"}, {"zone", 1}, {"colour", 2}})),
            FieldRefusal("colour", "unknown key", kSettingsKeys));
}

TEST(WorkspaceRequestsTest, ANewWorkspaceHasAnIdAndOptionalSettings) {
  Outcome<CreateWorkspaceRequest> bare = ParseCreateWorkspaceRequest({{"id", "q1.plan_2027-a"}});
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare.value().id, "q1.plan_2027-a");
  EXPECT_EQ(bare.value().settings.settings, json::object());
  Outcome<CreateWorkspaceRequest> named =
      ParseCreateWorkspaceRequest({{"id", "toy"}, {"settings", {{"name", "Toy"}}}});
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named.value().settings.settings, json({{"name", "Toy"}}));
  EXPECT_EQ(Refusal(ParseCreateWorkspaceRequest(json::array())),
            FieldRefusal("(body)", "must be an object", "{id, settings}"));
  const std::string bad_id =
      FieldRefusal("id", "missing or not a valid id", "letters, digits, . _ -, up to 100");
  for (const json& id : {json(nullptr), json(7), json(""), json("-toy"), json("a b"), json("a/b"),
                         json(std::string(101, 'a'))})
    EXPECT_EQ(Refusal(ParseCreateWorkspaceRequest({{"id", id}})), bad_id) << id.dump();
  EXPECT_EQ(Refusal(ParseCreateWorkspaceRequest(json::object())), bad_id);
  EXPECT_TRUE(ParseCreateWorkspaceRequest({{"id", std::string(100, 'a')}}).ok());
  // The settings' refusals name their field under "settings."; the message is the settings'.
  EXPECT_EQ(Refusal(ParseCreateWorkspaceRequest({{"id", "toy"}, {"settings", nullptr}})),
            R"j({"error":{"code":"bad_request","fields":[{"allowed":")j" +
                std::string(kSettingsKeys) +
                R"j(","field":"settings.(body)","problem":"must be an object"}],"message":)j"
                R"j("(body): must be an object","status":400}})j");
  EXPECT_EQ(ParseCreateWorkspaceRequest({{"id", "toy"}, {"settings", {{"zone", 1}}}})
                .error()
                .fields.at(0)
                .field,
            "settings.zone");
}

TEST(UserRequestsTest, ANewUserHasANameARoleAndACredentialKind) {
  Outcome<CreateUserRequest> plain = ParseCreateUserRequest({{"name", "ann"}, {"role", "finance"}});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.value().name, "ann");
  EXPECT_EQ(plain.value().role, "finance");
  EXPECT_FALSE(plain.value().token);
  EXPECT_TRUE(ParseCreateUserRequest({{"name", "bot"}, {"role", "admin"}, {"credential", "token"}})
                  .value()
                  .token);
  EXPECT_FALSE(
      ParseCreateUserRequest({{"name", "b"}, {"role", "admin"}, {"credential", "password"}})
          .value()
          .token);
  // The role's name is the service's to check (AddUser).
  EXPECT_TRUE(ParseCreateUserRequest({{"name", "b"}, {"role", "boss"}}).ok());
  EXPECT_EQ(Refusal(ParseCreateUserRequest(json::array())),
            FieldRefusal("(body)", "must be an object", "{name, role, credential}"));
  EXPECT_EQ(Refusal(ParseCreateUserRequest({{"role", "admin"}, {"name", 1}})),
            FieldRefusal("name", "missing", "a user name"));
  EXPECT_EQ(Refusal(ParseCreateUserRequest({{"name", "b"}})),
            FieldRefusal("role", "missing", "a role"));
  EXPECT_EQ(
      Refusal(ParseCreateUserRequest({{"name", "b"}, {"role", "admin"}, {"credential", "key"}})),
      FieldRefusal("credential", "unknown kind", "password or token"));
  // Not a string: 400 naming the key (an uncaught 500 until 2026-12-07).
  EXPECT_EQ(Refusal(ParseCreateUserRequest({{"name", "b"}, {"role", "admin"}, {"credential", 1}})),
            FieldRefusal("credential", "must be a text", "password or token"));
}

TEST(JobRequestsTest, AnAdoptionNamesAnOptionFromOneAndTheKeyRead) {
  Outcome<AdoptRequest> parsed = ParseAdoptRequest({{"option", 2}, {"key", "abc"}});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value().option, 2);
  EXPECT_EQ(parsed.value().key, "abc");
  EXPECT_EQ(Refusal(ParseAdoptRequest(json::array())),
            FieldRefusal("(body)", "must be an object", "{option, key}"));
  const std::string bad_option =
      FieldRefusal("option", "missing or not a whole number from 1",
                   "the option's number, counted from 1 as in tandem recommend --apply N");
  for (const json& option : {json(0), json(-1), json(1.5), json("1"), json(nullptr)})
    EXPECT_EQ(Refusal(ParseAdoptRequest({{"option", option}, {"key", "abc"}})), bad_option)
        << option.dump();
  EXPECT_EQ(Refusal(ParseAdoptRequest({{"key", "abc"}})), bad_option);
  EXPECT_EQ(
      Refusal(ParseAdoptRequest({{"option", 1}, {"key", 5}})),
      FieldRefusal("key", "missing", "the key of the counter-proposals read (GET .../recommend)"));
}

TEST(WebhookRequestsTest, AWebhookIsAUrlItsEventsAndASecret) {
  const std::string secret(16, 's');
  Outcome<WebhookRequest> parsed =
      ParseWebhookRequest({{"url", "https://hooks.example.com/t"},
                           {"events", {"stronger-promise", "*", "stronger-promise"}},
                           {"secret", secret}},
                          false);
  ASSERT_TRUE(parsed.ok()) << Refusal(parsed);
  EXPECT_EQ(parsed.value().url, "https://hooks.example.com/t");
  EXPECT_EQ(parsed.value().events, (std::vector<std::string>{"*", "stronger-promise"}));
  EXPECT_EQ(parsed.value().secret, secret);
  // The secret may be left out (replacing; mailto:), and mailto: needs the server's relay.
  const json mail = {{"url", "mailto:ops@shop.example"}, {"events", {"*"}}};
  Outcome<WebhookRequest> with_relay = ParseWebhookRequest(mail, true);
  ASSERT_TRUE(with_relay.ok()) << Refusal(with_relay);
  EXPECT_FALSE(with_relay.value().secret.has_value());
  EXPECT_EQ(Refusal(ParseWebhookRequest(mail, false)),
            R"j({"error":{"code":"invalid","fields":[{"allowed":"an http(s) URL, or mailto: on a )j"
            R"j(server run with --smtp URL","field":"url","problem":"e-mail needs an SMTP relay )j"
            R"j(and this server has none"}],"message":"the webhook is not valid","status":422}})j");
  EXPECT_EQ(Refusal(ParseWebhookRequest(json::array(), true)),
            FieldRefusal("(body)", "not a JSON object", "{url, events, secret}"));
  // Every problem at once, in the order: unknown keys, url, events, secret.
  Outcome<WebhookRequest> bad = ParseWebhookRequest(
      {{"colour", 1}, {"events", {"*", "no-such-kind"}}, {"secret", "short"}}, true);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().status, 422);
  EXPECT_EQ(bad.error().message, "the webhook is not valid");
  std::vector<std::string> fields;
  for (const FieldError& field : bad.error().fields)
    fields.push_back(field.field + ": " + field.problem);
  EXPECT_EQ(fields, (std::vector<std::string>{"colour: unknown key", "url: missing or not text",
                                              "events[1]: not an alert kind",
                                              "secret: not text of 16 to 256 characters"}));
  EXPECT_EQ(ParseWebhookRequest({{"url", "ftp://x.example"}, {"events", json::array()}}, true)
                .error()
                .fields.at(1)
                .problem,
            "missing, empty or not a list");
}

}  // namespace
}  // namespace tandem::server
