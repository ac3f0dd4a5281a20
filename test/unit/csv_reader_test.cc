// The streaming CSV reader (src/io/csv_reader.h): RFC 4180 fields, line numbers, and the same
// records whether the input is in memory or read from a file in chunks of any size (records
// and quoted fields crossing chunk boundaries).
#include "io/csv_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace tandem {
namespace {

struct Record {
  int line;
  std::vector<std::string> fields;
  bool operator==(const Record&) const = default;
};

std::vector<Record> ReadAll(CsvReader reader, std::string* problem) {
  std::vector<Record> out;
  std::vector<std::string_view> fields;
  int line = 0;
  while (reader.Next(&fields, &line, problem)) {
    out.push_back({line, std::vector<std::string>(fields.begin(), fields.end())});
  }
  return out;
}

const char* kText =
    "\xEF\xBB\xBF"
    "order,note,units\r\n"
    "o1,plain,1\r\n"
    "\r\n"
    "o2,\"with, comma\",2\n"
    "o3,\"with \"\"quotes\"\"\",3\n"
    "o4,\"two\nlines\",4\n"
    "o5,,5\n"
    "o6,last";

TEST(CsvReaderTest, FieldsAndLines) {
  std::string problem;
  const std::vector<Record> records = ReadAll(CsvReader(kText), &problem);
  EXPECT_EQ(problem, "");
  const std::vector<Record> expected = {{1, {"order", "note", "units"}},
                                        {2, {"o1", "plain", "1"}},
                                        {4, {"o2", "with, comma", "2"}},
                                        {5, {"o3", "with \"quotes\"", "3"}},
                                        {6, {"o4", "two\nlines", "4"}},
                                        {8, {"o5", "", "5"}},
                                        {9, {"o6", "last"}}};
  EXPECT_EQ(records, expected);
}

TEST(CsvReaderTest, FilesInAnyChunkSizeGiveTheSameRecords) {
  const std::string path = ::testing::TempDir() + "/csv_reader_test.csv";
  std::string big = kText;
  big += "\n";
  for (int i = 0; i < 2000; ++i)
    big += "x" + std::to_string(i) + ",\"a,\"\"b\"\"\nc\"," + std::to_string(i) + "\r\n";
  {
    std::ofstream file(path, std::ios::binary);
    file << big;
  }
  std::string problem;
  const std::vector<Record> expected = ReadAll(CsvReader(big), &problem);
  ASSERT_EQ(problem, "");
  ASSERT_EQ(expected.size(), 2007u);
  for (size_t chunk : {4, 5, 7, 16, 1000, 1 << 20}) {
    CsvReader reader = CsvReader::OpenFile(path, chunk);
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ(ReadAll(std::move(reader), &problem), expected) << "chunk " << chunk;
    EXPECT_EQ(problem, "");
  }
  std::remove(path.c_str());
}

TEST(CsvReaderTest, ProblemsStopTheReading) {
  std::string problem;
  std::vector<Record> records = ReadAll(CsvReader("a,b\n\"open,c\n"), &problem);
  EXPECT_EQ(records.size(), 1u);
  EXPECT_EQ(problem, "a quoted field is not closed");
  records = ReadAll(CsvReader("a,b\n\"x\"y,c\n"), &problem);
  EXPECT_EQ(problem, "text after the closing quote of a field");
  EXPECT_FALSE(CsvReader::OpenFile("/nonexistent/orders.csv").ok());
}

}  // namespace
}  // namespace tandem
