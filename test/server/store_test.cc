// The storage layer on both databases: migrations, parameters, transactions, conflicts, the
// append-only audit log.
#include <thread>
#include <vector>

#include "tandem/store/database.h"
#include "test_support.h"

namespace tandem::store {
namespace {

using server::testing::TestDatabase;

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    Result<std::unique_ptr<Database>> opened = OpenDatabase(database_->url(), 4);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    db_ = std::move(opened.value());
    Result<int> migrated = Migrate(*db_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().ToString();
  }
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<Database> db_;
};

TEST_P(StoreTest, MigrationsAreRecordedOnceAndRerunCleanly) {
  Result<int> again = Migrate(*db_);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again.value(), LatestSchemaVersion());
  int64_t rows = -1;
  ASSERT_TRUE(db_->Read([&](Connection& c) -> Status {
                   Result<int64_t> count =
                       QueryInt(c, "SELECT COUNT(*) FROM schema_migrations", {});
                   if (!count.ok()) return count.error();
                   rows = count.value();
                   return OkStatus();
                 })
                  .ok());
  EXPECT_EQ(rows, LatestSchemaVersion());
}

TEST_P(StoreTest, ParametersAreNeverSqlText) {
  const std::string hostile = "x'); DROP TABLE users; --";
  ASSERT_TRUE(db_->Transaction([&](Connection& c) -> Status {
                   Result<Rows> rows =
                       c.Query("INSERT INTO users (name, role, created_at) VALUES ($1, $2, $3)",
                               {hostile, "admin", "2027-01-01"});
                   return rows.ok() ? OkStatus() : Status(rows.error());
                 })
                  .ok());
  std::string name;
  ASSERT_TRUE(db_->Read([&](Connection& c) -> Status {
                   Result<Rows> rows = c.Query("SELECT name FROM users WHERE role = $1", {"admin"});
                   if (!rows.ok()) return rows.error();
                   name = rows.value().rows.at(0).Text(0);
                   return OkStatus();
                 })
                  .ok());
  EXPECT_EQ(name, hostile);
}

TEST_P(StoreTest, AFailedTransactionLeavesNothing) {
  Status status = db_->Transaction([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query("INSERT INTO users (name, role, created_at) VALUES ($1, $2, $3)",
                                {"ann", "admin", "t"});
    if (!rows.ok()) return rows.error();
    // The same name again violates the unique constraint: the whole transaction rolls back.
    rows = c.Query("INSERT INTO users (name, role, created_at) VALUES ($1, $2, $3)",
                   {"ann", "admin", "t"});
    return rows.ok() ? OkStatus() : Status(rows.error());
  });
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("constraint"), std::string::npos) << status.error().message;
  int64_t count = -1;
  ASSERT_TRUE(db_->Read([&](Connection& c) -> Status {
                   Result<int64_t> n = QueryInt(c, "SELECT COUNT(*) FROM users", {});
                   if (!n.ok()) return n.error();
                   count = n.value();
                   return OkStatus();
                 })
                  .ok());
  EXPECT_EQ(count, 0);
}

TEST_P(StoreTest, ConcurrentIncrementsAreSerialisedAndNoneIsLost) {
  ASSERT_TRUE(
      db_->Transaction([&](Connection& c) -> Status {
           Result<Rows> rows = c.Query(
               "INSERT INTO workspaces (id, settings, version, revision, created_at, updated_at) "
               "VALUES ('w', '{}', 1, 0, 't', 't')",
               {});
           return rows.ok() ? OkStatus() : Status(rows.error());
         })
          .ok());
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        // Read, then write the value read plus one: lost updates would show as a smaller total.
        Status status = db_->Transaction([&](Connection& c) -> Status {
          Result<Rows> locked =
              c.Query("UPDATE workspaces SET version = version WHERE id = 'w'", {});
          if (!locked.ok()) return locked.error();
          Result<int64_t> value = QueryInt(c, "SELECT revision FROM workspaces WHERE id = 'w'", {});
          if (!value.ok()) return value.error();
          Result<Rows> rows =
              c.Query("UPDATE workspaces SET revision = $1 WHERE id = 'w'", {value.value() + 1});
          return rows.ok() ? OkStatus() : Status(rows.error());
        });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  int64_t total = -1;
  ASSERT_TRUE(db_->Read([&](Connection& c) -> Status {
                   Result<int64_t> n =
                       QueryInt(c, "SELECT revision FROM workspaces WHERE id = 'w'", {});
                   if (!n.ok()) return n.error();
                   total = n.value();
                   return OkStatus();
                 })
                  .ok());
  EXPECT_EQ(total, kThreads * kEach);
}

TEST_P(StoreTest, TheAuditLogIsAppendOnly) {
  ASSERT_TRUE(
      db_->Transaction([&](Connection& c) -> Status {
           Result<Rows> rows = c.Query(
               "INSERT INTO audit (workspace_id, campaign, actor, action, target, detail, at) "
               "VALUES ('w', '', 'ann', 'create', 'x', '{}', 't')",
               {});
           return rows.ok() ? OkStatus() : Status(rows.error());
         })
          .ok());
  for (const char* sql : {"UPDATE audit SET actor = 'mallory'", "DELETE FROM audit"}) {
    Status status = db_->Transaction([&](Connection& c) -> Status {
      Result<Rows> rows = c.Query(sql, {});
      return rows.ok() ? OkStatus() : Status(rows.error());
    });
    EXPECT_FALSE(status.ok()) << sql;
    if (!status.ok()) {
      EXPECT_NE(status.error().message.find("append-only"), std::string::npos)
          << status.error().message;
    }
  }
}

TEST(StoreUrlTest, PasswordsAreRedactedAndBadUrlsRefused) {
  EXPECT_EQ(RedactUrl("postgresql://ann:secret@db.local:5432/tandem"),
            "postgresql://ann:***@db.local:5432/tandem");
  EXPECT_EQ(RedactUrl("postgresql://ann@db/tandem"), "postgresql://ann@db/tandem");
  Result<std::unique_ptr<Database>> bad = OpenDatabase("mysql://x/y");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
}

TANDEM_INSTANTIATE_BACKENDS(StoreTest);

}  // namespace
}  // namespace tandem::store
