// Reading the scenarios of the examples and of test/scenarios/*.test in unit tests.
#ifndef TANDEM_TEST_UNIT_SCENARIO_FILES_H_
#define TANDEM_TEST_UNIT_SCENARIO_FILES_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tandem/io/scenario_reader.h"

namespace tandem::test_files {

// The scenario of a file: the whole text, or of a .test file the part before its "----" line.
inline std::string ScenarioPart(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const size_t separator = text.find("\n----\n");
  return separator == std::string::npos ? text : text.substr(0, separator + 1);
}

// A loader that has no history files.
inline FileLoader NoFiles() {
  return
      [](const std::string& path) -> Result<std::string> { return Error::Io("no file " + path); };
}

// The scenario written in `text` (`name` in its errors), with no history files. A parse error
// fails the calling test and gives an empty scenario.
inline Scenario ParseText(const std::string& text, const std::string& name = "test.yaml") {
  Result<Scenario> scenario = ParseScenario(text, name, NoFiles());
  EXPECT_TRUE(scenario.ok()) << (scenario.ok() ? "" : scenario.error().ToString());
  return scenario.ok() ? scenario.value() : Scenario{};
}

}  // namespace tandem::test_files

#endif  // TANDEM_TEST_UNIT_SCENARIO_FILES_H_
