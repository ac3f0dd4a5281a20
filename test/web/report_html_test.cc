// tandem_web: the embedded files and the report's composition (escaping, slots, data).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tandem/engine/check.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/render/report_data.h"
#include "tandem/web/assets.h"
#include "tandem/web/report_html.h"

namespace tandem::web {
namespace {

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

// The data element's text between its tags.
std::string DataText(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"tandem-data\">";
  const size_t start = page.find(open);
  if (start == std::string::npos) return "";
  const size_t end = page.find("</script>", start);
  return page.substr(start + open.size(), end - start - open.size());
}

TEST(WebAssetsTest, ReportTemplateHasEachSlotOnce) {
  const std::string page(ReportTemplate());
  for (const char* slot :
       {"@@TANDEM_TITLE@@", "@@TANDEM_CSS@@", "@@TANDEM_DATA@@", "@@TANDEM_JS@@"}) {
    EXPECT_EQ(Count(page, slot), 1u) << slot;
  }
  EXPECT_GT(ReportScript().size(), 10000u);  // preact, uPlot and the components
  EXPECT_GT(ReportStyles().size(), 1000u);
  EXPECT_EQ(std::string(ReportScript()).find("</script"), std::string::npos);
}

TEST(WebAssetsTest, AppAssetsServeIndexForTheRoot) {
  const Asset* index = FindAppAsset("/");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->path, "index.html");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_NE(index->data.find("<div id=\"app\">"), std::string_view::npos);
  EXPECT_EQ(FindAppAsset(""), index);
  EXPECT_EQ(FindAppAsset("/index.html"), index);
  EXPECT_EQ(FindAppAsset("/no/such/file.js"), nullptr);
  bool script = false;
  for (const Asset& asset : AppAssets()) {
    if (asset.content_type == "text/javascript; charset=utf-8") {
      script = true;
      // index.html loads it by its path.
      EXPECT_NE(index->data.find(std::string(asset.path)), std::string_view::npos) << asset.path;
      EXPECT_EQ(FindAppAsset("/" + std::string(asset.path)), &asset);
    }
  }
  EXPECT_TRUE(script);
}

TEST(RenderReportHtmlTest, FillsEverySlotAndEscapes) {
  const std::string page =
      RenderReportHtml("A <b>&</b> \"q\"", R"({"name":"</script><!-- x","n":1})");
  EXPECT_EQ(page.find("@@TANDEM_"), std::string::npos);
  EXPECT_NE(page.find("<title>A &lt;b&gt;&amp;&lt;/b&gt; &quot;q&quot;</title>"),
            std::string::npos);
  // Two </script>: the data element's and the script's; the data's "<" are \u003c.
  EXPECT_EQ(Count(page, "</script>"), 2u);
  EXPECT_EQ(DataText(page), R"({"name":"\u003c/script>\u003c!-- x","n":1})");
  EXPECT_EQ(nlohmann::json::parse(DataText(page))["name"], "</script><!-- x");
  EXPECT_NE(page.find(std::string(ReportScript())), std::string::npos);
  EXPECT_NE(page.find(std::string(ReportStyles())), std::string::npos);
}

TEST(RenderReportHtmlTest, InsertedTextIsNotScannedForSlots) {
  const std::string page = RenderReportHtml("@@TANDEM_JS@@", R"({"a":"@@TANDEM_CSS@@"})");
  EXPECT_EQ(Count(page, "@@TANDEM_JS@@"), 1u);  // the title, as written
  EXPECT_EQ(DataText(page), R"({"a":"@@TANDEM_CSS@@"})");
}

TEST(ReportDataJsonTest, CarriesTheCheckAndTheScenarioContext) {
  const char* text = R"(tandem: 1
name: Tiny
horizon: {start: 2027-03-01, end: 2027-03-31}
simulation: {scenarios: 8, seed: 5}
resources:
  - {id: desk, kind: throughput, unit: requests, capacity: 10, expansion: {extra: 5, cost_per_unit: 1, lead_time: 1d}}
offerings:
  - {id: quote, name: A quote, price: 10, unit_cost: 1, stocked: false, route: [desk], baseline: {per_day: 100}}
campaigns:
  - id: push
    window: {start: 2027-03-10, end: 2027-03-12}
    spend: 100
    lift: 0.5
    bookings: [{resource: desk, extra: 5, from: 2027-03-10, until: 2027-03-12}]
    promises: [{type: processing, within: 24h, share: 0.9}]
)";
  Result<Scenario> scenario = ParseScenario(
      text, "tiny.yaml",
      [](const std::string&) -> Result<std::string> { return Error::Io("no files"); });
  ASSERT_TRUE(scenario.ok()) << scenario.error().ToString();
  CheckOptions options;
  options.collect_series = true;
  options.threads = 1;
  Result<CheckResult> result = RunCheck(scenario.value(), options);
  ASSERT_TRUE(result.ok());
  Result<std::string> data =
      ReportDataJson(scenario.value(), result.value(), {"tiny.yaml", "2027-02-01 09:30 UTC", {}});
  ASSERT_TRUE(data.ok());
  const nlohmann::json json = nlohmann::json::parse(data.value());
  EXPECT_EQ(json["report"], 1);
  EXPECT_EQ(json["source"], "tiny.yaml");
  EXPECT_EQ(json["generated"], "2027-02-01 09:30 UTC");
  EXPECT_EQ(json["check"]["name"], "Tiny");
  EXPECT_EQ(json["check"]["scenarios"], 8);
  EXPECT_FALSE(json["check"]["campaigns"][0]["checks"][0]["days"].empty());  // series collected
  const nlohmann::json& context = json["context"];
  EXPECT_EQ(context["horizon"]["start"], "2027-03-01");
  EXPECT_EQ(context["campaigns"][0]["id"], "push");
  EXPECT_EQ(context["campaigns"][0]["name"], "");
  EXPECT_EQ(context["campaigns"][0]["window"]["end"], "2027-03-12");
  EXPECT_EQ(context["campaigns"][0]["announce"], "2027-03-10");  // defaults to the window's start
  EXPECT_EQ(context["campaigns"][0]["bookings"][0]["extra_per_hour"], 5.0);
  EXPECT_EQ(context["offerings"][0]["name"], "A quote");
  EXPECT_EQ(context["resources"][0]["kind"], "throughput");
  EXPECT_EQ(context["resources"][0]["unit"], "requests");
  // Without a timestamp there is no "generated" key.
  Result<std::string> bare =
      ReportDataJson(scenario.value(), result.value(), {"tiny.yaml", "", {}});
  ASSERT_TRUE(bare.ok());
  EXPECT_FALSE(nlohmann::json::parse(bare.value()).contains("generated"));
  EXPECT_FALSE(json.contains("review"));  // the CLI's reports have none
  // The server's report: the same data from the check's JSON text, with the review's parts in
  // their order.
  const ReportReview review{.campaign = "push",
                            .parts = {{"promised", "quotes within 2h"}, {"lessons", "book more"}},
                            .by = "maria",
                            .at = "2027-03-20T10:00:00Z"};
  Result<std::string> served =
      ReportDataJson(scenario.value(), json["check"].dump(), {"workspace w", "", review});
  ASSERT_TRUE(served.ok());
  const nlohmann::json with_review = nlohmann::json::parse(served.value());
  EXPECT_EQ(with_review["check"], json["check"]);
  EXPECT_EQ(with_review["review"], nlohmann::json({{"campaign", "push"},
                                                   {"promised", "quotes within 2h"},
                                                   {"lessons", "book more"},
                                                   {"by", "maria"},
                                                   {"at", "2027-03-20T10:00:00Z"}}));
  EXPECT_FALSE(ReportDataJson(scenario.value(), "not json", {"w", "", {}}).ok());
}

}  // namespace
}  // namespace tandem::web
