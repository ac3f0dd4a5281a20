// Shared fixtures of the server tests: a fresh database per test on either backend (SQLite in
// a temporary folder; PostgreSQL as a new database in the cluster that with_postgres.sh
// started), the toy scenario, and helpers.
//
// Every suite is instantiated twice, Sqlite/... and Postgres/...; ctest runs the first set
// directly and the second under with_postgres.sh. Postgres tests fail (not skip) when
// TANDEM_TEST_PG_URL is missing, so a misconfigured CI cannot pass silently.
#ifndef TANDEM_TEST_SERVER_TEST_SUPPORT_H_
#define TANDEM_TEST_SERVER_TEST_SUPPORT_H_

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "tandem/server/service.h"

namespace tandem::server::testing {

inline std::string RandomSuffix() {
  static std::atomic<int> counter{0};
  std::random_device device;
  return std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(device() % 100000);
}

// A database for one test, dropped afterwards.
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& backend) : backend_(backend) {
    if (backend == "sqlite") {
      folder_ = std::filesystem::temp_directory_path() / ("tandem-test-" + RandomSuffix());
      std::filesystem::create_directories(folder_);
      url_ = "sqlite:" + (folder_ / "tandem.db").string();
      return;
    }
    const char* base = std::getenv("TANDEM_TEST_PG_URL");
    if (!base || !*base) {
      ADD_FAILURE() << "TANDEM_TEST_PG_URL is not set: run under test/server/with_postgres.sh";
      return;
    }
    base_ = base;
    name_ = "tandem_test_" + RandomSuffix();
    Exec("CREATE DATABASE " + name_);
    const std::string prefix = base_.substr(0, base_.rfind('/') + 1);
    url_ = prefix + name_;
  }
  ~TestDatabase() {
    if (!folder_.empty()) {
      std::error_code error;
      std::filesystem::remove_all(folder_, error);
    }
    if (!name_.empty()) Exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  const std::string& url() const { return url_; }
  const std::string& backend() const { return backend_; }
  const std::filesystem::path& folder() const { return folder_; }

 private:
  // Test set-up only: database names are generated here, never user input.
  void Exec(const std::string& sql) {
    PGconn* conn = PQconnectdb(base_.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
      ADD_FAILURE() << "cannot connect to " << base_ << ": " << PQerrorMessage(conn);
    } else {
      PGresult* result = PQexec(conn, sql.c_str());
      if (PQresultStatus(result) != PGRES_COMMAND_OK)
        ADD_FAILURE() << sql << ": " << PQerrorMessage(conn);
      PQclear(result);
    }
    PQfinish(conn);
  }

  std::string backend_;
  std::string url_;
  std::string base_;
  std::string name_;
  std::filesystem::path folder_;
};

inline ServiceOptions TestOptions(const std::string& url) {
  ServiceOptions options;
  options.database = url;
  options.check_scenarios = 40;
  options.check_threads = 2;
  options.fast_password_hashing = true;
  options.pool_size = 6;
  // A fixed "today" well before the toy campaign's announcement.
  options.clock = [] { return std::chrono::system_clock::from_time_t(1798761600); };  // 2027-01-01
  options.clock_interval = std::chrono::milliseconds(0);  // tests call AdvanceByClock themselves
  return options;
}

inline Actor As(Role role, const std::string& name = "") {
  Actor actor;
  actor.name = name.empty() ? std::string(RoleName(role)) + "-user" : name;
  actor.role = role;
  return actor;
}

// A small shop whose campaign is comfortably `go`: 100 kites a day (150 with the campaign's
// 50% lift) against 24,000 orders a day of packing; 1h processing + 24h transit against a 72h
// promise; incremental contribution 14 days x (150 x (36 - 16) - 100 x (40 - 16)) = 8,400 > 5,000
// spend. Demand is deterministic (noise: none).
inline const char* kToyScenario = R"(tandem: 1
name: Toy shop
horizon: {start: 2027-03-01, end: 2027-04-30}
today: 2027-01-04
simulation: {scenarios: 40, seed: 7}
calendars:
  shop: {open: {daily: "00:00-24:00"}}
resources:
  - {id: packing, kind: throughput, unit: orders, capacity: 1000, calendar: shop, processing_time: 1h, cost_per_unit: 1}
  - {id: support, kind: throughput, unit: tickets, capacity: 50, cost_per_unit: 2}
  - {id: budget, kind: budget, capacity: 100000}
capabilities:
  - {id: gift-wrap, claim: "gift wrapping on every order", from: 2027-05-01}
offerings:
  - id: kite
    price: 40
    unit_cost: 15
    stocked: false
    route: [packing]
    transit: 24h
    loads: [{resource: support, per_unit: 0.05, lag: 1d}]
    baseline: {per_day: 100, noise: none}
campaigns:
  - id: spring
    name: Spring kites
    window: {start: 2027-03-15, end: 2027-03-28}
    announce: 2027-03-10
    offerings: [kite]
    discount: 0.1
    spend: 5000
    lift: 0.5
    promises:
      - {type: delivery, within: 72h, share: 0.95}
)";

// The toy shop with a campaign that does not fit: lift 300 makes 100 x 301 = 30,100 kites a day
// against 24,000 orders a day of packing (1,000 an hour around the clock), so the backlog grows
// through the window and the 72h delivery promise breaks: no-go. Packing can be expanded by up
// to 400 orders an hour with 7 days' notice, so every lever of `tandem recommend` has something
// to offer (relax the promise, cap the sale, stretch the window, book capacity).
inline std::string NoGoToyScenario() {
  std::string text = kToyScenario;
  const auto replace = [&](const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    if (at == std::string::npos) {
      ADD_FAILURE() << "the toy scenario has no '" << from << "'";
      return;
    }
    text.replace(at, from.size(), to);
  };
  replace("lift: 0.5", "lift: 300");
  replace("processing_time: 1h, cost_per_unit: 1}",
          "processing_time: 1h, cost_per_unit: 1, expansion: {extra: 400, cost_per_unit: 2, "
          "lead_time: 7d}}");
  return text;
}

// Runs a shell command; its exit code (-1 when it did not exit normally) and standard output.
inline std::pair<int, std::string> RunCommand(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {-1, ""};
  char buffer[4096];
  size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, read);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

inline std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(TANDEM_SOURCE_DIR) + "/" + relative);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline std::string BackendName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param == "sqlite" ? "Sqlite" : "Postgres";
}

}  // namespace tandem::server::testing

#define TANDEM_INSTANTIATE_BACKENDS(suite)                                                \
  INSTANTIATE_TEST_SUITE_P(Sqlite, suite, ::testing::Values(std::string("sqlite")),       \
                           tandem::server::testing::BackendName);                         \
  INSTANTIATE_TEST_SUITE_P(Postgres, suite, ::testing::Values(std::string("postgresql")), \
                           tandem::server::testing::BackendName)

#endif  // TANDEM_TEST_SERVER_TEST_SUPPORT_H_
