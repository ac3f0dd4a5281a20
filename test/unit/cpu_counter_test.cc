// The CPU counter (tandem/common/cpu_counter.h): on, a check counts its parts in the search call
// it runs in (units: the scenarios the options ask for, one measurement per scenario and
// promise); off, nothing is counted; FormatReport's table layout.
#include "tandem/common/cpu_counter.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include "tandem/engine/check.h"
#include "tandem/io/scenario_reader.h"

namespace tandem {
namespace {

constexpr int64_t kScenarios = 40;

// support-launch: one campaign with one promise (a response promise), no standing promise.
void CheckSupportLaunch() {
  Result<Scenario> scenario =
      ReadScenarioFile(std::string(TANDEM_SOURCE_DIR) + "/examples/support-launch.yaml");
  ASSERT_TRUE(scenario.ok()) << scenario.error().ToString();
  CheckOptions options;
  options.scenarios = kScenarios;
  options.threads = 2;
  const cpu::Calls calls(cpu::Call::kVerify);
  ASSERT_TRUE(RunCheck(scenario.value(), options).ok());
}

// Leaves the counter off and zeroed for the other tests.
class CpuCounterTest : public ::testing::Test {
 protected:
  void TearDown() override {
    cpu::Enable(false);
    cpu::Reset();
  }
};

TEST_F(CpuCounterTest, OnCountsTheCheckInItsCall) {
  cpu::Reset();
  cpu::Enable(true);
  EXPECT_TRUE(cpu::Enabled());
  CheckSupportLaunch();
  cpu::Enable(false);
  const cpu::CounterReport report = cpu::Report();
  using cpu::Call;
  using cpu::Part;
  EXPECT_EQ(report.At(Call::kVerify, Part::kDemand).units, kScenarios);
  EXPECT_EQ(report.At(Call::kVerify, Part::kRunWith).units, kScenarios);
  EXPECT_GT(report.At(Call::kVerify, Part::kRunWith).seconds, 0);
  // One measurement per scenario of the one promise, which is the reported campaign's.
  EXPECT_EQ(report.At(Call::kVerify, Part::kMeasureReported).units, kScenarios);
  EXPECT_EQ(report.At(Call::kVerify, Part::kMeasureStanding).units, 0);
  EXPECT_EQ(report.At(Call::kVerify, Part::kMeasureOther).units, 0);
  // The economics' run without the one reported campaign, for each scenario.
  EXPECT_EQ(report.At(Call::kVerify, Part::kEconomicsWithout).units, kScenarios);
  EXPECT_EQ(report.At(Call::kVerify, Part::kSummaries).units, 1);
  EXPECT_EQ(report.Total(Call::kVerify).units, 1);
  EXPECT_GE(report.Total(Call::kVerify).seconds, report.At(Call::kVerify, Part::kRunWith).seconds);
  // Everything ran inside the call: nothing else was counted but the process total.
  for (size_t call = 0; call < cpu::kCalls; ++call) {
    for (size_t part = 0; part <= cpu::kParts; ++part) {
      if (call == static_cast<size_t>(Call::kVerify)) continue;
      if (call == static_cast<size_t>(Call::kOther) && part == cpu::kParts) continue;
      EXPECT_EQ(report.cells[call][part].units, 0) << call << " " << part;
      EXPECT_EQ(report.cells[call][part].seconds, 0) << call << " " << part;
    }
  }
  EXPECT_EQ(report.Total(Call::kOther).units, 1);

  cpu::Reset();  // zeroes it all, the counter being off
  const cpu::CounterReport zero = cpu::Report();
  EXPECT_EQ(zero.At(Call::kVerify, Part::kRunWith).units, 0);
  EXPECT_EQ(zero.Total(Call::kOther).units, 0);
}

TEST_F(CpuCounterTest, OffCountsNothing) {
  cpu::Enable(false);
  cpu::Reset();
  EXPECT_FALSE(cpu::Enabled());
  CheckSupportLaunch();
  const cpu::CounterReport report = cpu::Report();
  for (size_t call = 0; call < cpu::kCalls; ++call) {
    for (size_t part = 0; part <= cpu::kParts; ++part) {
      EXPECT_EQ(report.cells[call][part].units, 0) << call << " " << part;
      EXPECT_EQ(report.cells[call][part].seconds, 0) << call << " " << part;
    }
  }
}

TEST_F(CpuCounterTest, FormatReportLaysOutTheTable) {
  cpu::CounterReport report;
  report.cells[static_cast<size_t>(cpu::Call::kVerify)][static_cast<size_t>(cpu::Part::kRunWith)] =
      {1.5, 7};
  report.cells[0][cpu::kParts] = {12.5, 1};
  const std::string text = cpu::FormatReport(report);
  // A title, the calls' names, a line per part and the totals.
  size_t lines = 0;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  EXPECT_EQ(lines, 2 + cpu::kParts + 1);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find("cpu counter (CPU seconds; calls, or units: scenarios / measurements)\n"
                      "part                              other           VerifyEach"),
            0U);
  const std::string zero = "      0.00          0";
  EXPECT_NE(text.find("\nrun with          " + zero + zero + "      1.50          7" + zero),
            std::string::npos);
  EXPECT_NE(text.find("\ntotal (process)        12.50          1" + zero), std::string::npos);
}

}  // namespace
}  // namespace tandem
