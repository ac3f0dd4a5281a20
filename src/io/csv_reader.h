// A streaming CSV reader (RFC 4180: comma-separated, double quotes around fields that hold
// commas, quotes or line breaks, "" for a quote inside them; LF or CRLF line ends; a UTF-8 byte
// order mark at the start is skipped). Private to the io module.
//
// It reads a file in chunks of a mebibyte, or text already in memory, and hands out each
// record's fields as views: into its own buffer (files) or into the caller's text (memory),
// valid until the next call to Next. Nothing is copied per record except quoted fields holding
// a doubled quote, which are unescaped into a reused scratch pool. Blank lines are skipped.
//
// Not thread-safe; one reader per input. Never throws on any input: problems (an unterminated
// quote, text after a closing quote, a record over 64 MiB, a read error) are reported through
// Next's `problem`, and reading stops there.
#ifndef TANDEM_SRC_IO_CSV_READER_H_
#define TANDEM_SRC_IO_CSV_READER_H_

#include <cstdio>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace tandem {

class CsvReader {
 public:
  // Reads `text` (not owned; it must outlive the reader).
  explicit CsvReader(std::string_view text);
  // Reads the file at `path`, `chunk_bytes` at a time (tests use tiny chunks to cross every
  // boundary); ok() is false when it cannot be opened (error() says why).
  static CsvReader OpenFile(const std::string& path, size_t chunk_bytes = size_t{1} << 20);
  CsvReader(CsvReader&& other) noexcept;
  CsvReader& operator=(CsvReader&&) = delete;
  CsvReader(const CsvReader&) = delete;
  ~CsvReader();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // The next record: its fields and the line it starts on (1-based). False at the end of the
  // input, or on a problem (then *problem is set and *line is where it is).
  bool Next(std::vector<std::string_view>* fields, int* line, std::string* problem);

 private:
  CsvReader() = default;
  // Files: moves the unread tail to the front and reads more; false at end of file.
  bool Refill();
  // Parses one record from position_; returns false when the data ends inside it and more may
  // come (files), after which the caller refills and parses it again from the same place.
  enum class Parse { kRecord, kNeedMore, kProblem, kEnd };
  Parse ParseRecord(std::vector<std::string_view>* fields, std::string* problem);

  std::FILE* file_ = nullptr;
  bool eof_ = true;  // no more input beyond data_
  std::vector<char> buffer_;
  const char* data_ = nullptr;  // the bytes: buffer_ (files) or the caller's text
  size_t size_ = 0;
  size_t position_ = 0;
  int line_ = 1;                       // the line at position_
  int record_line_ = 1;                // the line the last record started on
  std::deque<std::string> unescaped_;  // stable addresses: views into it survive push_back
  size_t unescaped_used_ = 0;
  std::string error_;
  bool started_ = false;
};

}  // namespace tandem

#endif  // TANDEM_SRC_IO_CSV_READER_H_
