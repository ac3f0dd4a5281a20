// EditYaml: a key set or an item appended changes only those bytes; the expected texts are
// written by hand from the inputs.
#include "tandem/io/yaml_edit.h"

#include <gtest/gtest.h>

namespace tandem {
namespace {

using Path = std::vector<std::variant<std::string, int>>;

std::string Edit(const std::string& text, const YamlEdit& edit) {
  Result<std::string> out = EditYaml(text, {edit});
  EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().ToString());
  return out.ok() ? out.value() : "";
}

const char* kScenario =
    "# a comment\n"
    "calendars:\n"
    "  warehouse:\n"
    "    open: {mon-fri: \"06:00-22:00\"}  # weekdays\n"
    "campaigns:\n"
    "  - id: spring\n"
    "    spend: 300000   # marketing\n"
    "    promises:\n"
    "      - {type: delivery, within: 48h, share: 0.95}\n"
    "      - type: claim\n"
    "        text: \"picks, for you\"\n"
    "\n"
    "# trailing comment\n";

TEST(YamlEditTest, ReplacesAScalarInAFlowMapping) {
  const Path promise = {std::string("campaigns"), 0, std::string("promises"), 0};
  EXPECT_EQ(Edit(kScenario, {YamlEdit::Op::kSet, promise, "within", "72h"}),
            std::string(kScenario).replace(std::string(kScenario).find("48h"), 3, "72h"));
}

TEST(YamlEditTest, ReplacesABlockScalarKeepingItsComment) {
  const Path campaign = {std::string("campaigns"), 0};
  const std::string out = Edit(kScenario, {YamlEdit::Op::kSet, campaign, "spend", "1000"});
  EXPECT_NE(out.find("    spend: 1000   # marketing\n"), std::string::npos) << out;
  EXPECT_NE(out.find("{mon-fri: \"06:00-22:00\"}  # weekdays"), std::string::npos);
}

TEST(YamlEditTest, ReplacesAQuotedString) {
  const Path claim = {std::string("campaigns"), 0, std::string("promises"), 1};
  const std::string out = Edit(kScenario, {YamlEdit::Op::kSet, claim, "text", "\"new\""});
  EXPECT_NE(out.find("        text: \"new\"\n\n# trailing"), std::string::npos) << out;
}

TEST(YamlEditTest, AddsAKeyToAFlowMapping) {
  const Path promise = {std::string("campaigns"), 0, std::string("promises"), 0};
  const std::string out = Edit(kScenario, {YamlEdit::Op::kSet, promise, "cutoff", "\"14:00\""});
  EXPECT_NE(out.find("{type: delivery, within: 48h, share: 0.95, cutoff: \"14:00\"}\n"),
            std::string::npos)
      << out;
}

TEST(YamlEditTest, AddsAKeyAtTheEndOfABlockMappingBeforeTrailingComments) {
  const Path campaign = {std::string("campaigns"), 0};
  const std::string out = Edit(kScenario, {YamlEdit::Op::kSet, campaign, "cap", "500"});
  EXPECT_NE(out.find("        text: \"picks, for you\"\n    cap: 500\n\n# trailing comment\n"),
            std::string::npos)
      << out;
}

TEST(YamlEditTest, AppendsToABlockSequenceAndCreatesAFlowOne) {
  const Path campaign = {std::string("campaigns"), 0};
  const std::string appended =
      Edit(kScenario, {YamlEdit::Op::kAppend, campaign, "promises", "{type: availability}"});
  EXPECT_NE(appended.find("\"picks, for you\"\n      - {type: availability}\n"), std::string::npos)
      << appended;
  const std::string created =
      Edit(kScenario, {YamlEdit::Op::kAppend, campaign, "bookings", "{resource: r}"});
  EXPECT_NE(created.find("    bookings: [{resource: r}]\n"), std::string::npos) << created;
  const std::string twice =
      Edit(created, {YamlEdit::Op::kAppend, campaign, "bookings", "{resource: s}"});
  EXPECT_NE(twice.find("    bookings: [{resource: r}, {resource: s}]\n"), std::string::npos)
      << twice;
}

TEST(YamlEditTest, FillsAnEmptyValue) {
  EXPECT_EQ(Edit("a: 1\nb:\nc: 2\n", {YamlEdit::Op::kSet, {}, "b", "3"}), "a: 1\nb: 3\nc: 2\n");
}

TEST(YamlEditTest, RefusesWhatItCannotRewrite) {
  EXPECT_FALSE(EditYaml("a: |\n  text\n", {{YamlEdit::Op::kSet, {}, "a", "1"}}).ok());
  EXPECT_FALSE(EditYaml("a: 1\n", {{YamlEdit::Op::kSet, {std::string("b")}, "c", "1"}}).ok());
}

}  // namespace
}  // namespace tandem
