#include "io/csv_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tandem {
namespace {

constexpr size_t kLongestRecordBytes = size_t{64} << 20;

}  // namespace

CsvReader::CsvReader(std::string_view text) : eof_(true), data_(text.data()), size_(text.size()) {}

CsvReader CsvReader::OpenFile(const std::string& path, size_t chunk_bytes) {
  CsvReader reader;
  reader.file_ = std::fopen(path.c_str(), "rb");
  if (reader.file_ == nullptr) {
    reader.error_ = path + ": cannot open: " + std::strerror(errno);
    return reader;
  }
  reader.eof_ = false;
  reader.buffer_.resize(std::max<size_t>(chunk_bytes, 4));
  reader.data_ = reader.buffer_.data();
  return reader;
}

CsvReader::CsvReader(CsvReader&& other) noexcept
    : file_(other.file_),
      eof_(other.eof_),
      buffer_(std::move(other.buffer_)),
      data_(other.file_ != nullptr ? buffer_.data() : other.data_),
      size_(other.size_),
      position_(other.position_),
      line_(other.line_),
      record_line_(other.record_line_),
      unescaped_(std::move(other.unescaped_)),
      unescaped_used_(other.unescaped_used_),
      error_(std::move(other.error_)),
      started_(other.started_) {
  other.file_ = nullptr;
}

CsvReader::~CsvReader() {
  if (file_ != nullptr) std::fclose(file_);
}

bool CsvReader::Refill() {
  if (file_ == nullptr || eof_) return false;
  const size_t unread = size_ - position_;
  if (unread == buffer_.size()) {
    if (buffer_.size() >= kLongestRecordBytes) return false;
    buffer_.resize(buffer_.size() * 2);
  }
  std::memmove(buffer_.data(), buffer_.data() + position_, unread);
  position_ = 0;
  size_ = unread;
  data_ = buffer_.data();
  const size_t read = std::fread(buffer_.data() + size_, 1, buffer_.size() - size_, file_);
  size_ += read;
  if (read == 0) {
    if (std::ferror(file_)) error_ = std::string("read error: ") + std::strerror(errno);
    eof_ = true;
  }
  return true;
}

CsvReader::Parse CsvReader::ParseRecord(std::vector<std::string_view>* fields,
                                        std::string* problem) {
  fields->clear();
  unescaped_used_ = 0;
  size_t p = position_;
  int line = line_;
  if (!started_) {
    if (size_ - p < 3 && !eof_) return Parse::kNeedMore;
    if (size_ - p >= 3 && std::memcmp(data_ + p, "\xEF\xBB\xBF", 3) == 0) p += 3;
  }
  // Blank lines between records.
  while (true) {
    if (p == size_) return eof_ ? Parse::kEnd : Parse::kNeedMore;
    if (data_[p] == '\n') {
      ++p;
      ++line;
    } else if (data_[p] == '\r') {
      if (p + 1 == size_ && !eof_) return Parse::kNeedMore;
      if (p + 1 < size_ && data_[p + 1] == '\n') {
        p += 2;
        ++line;
      } else {
        break;
      }
    } else {
      break;
    }
  }
  const int record_line = line;
  while (true) {
    if (p < size_ && data_[p] == '"') {
      const size_t start = p + 1;
      size_t q = start;
      bool escaped = false;
      int newlines = 0;
      while (true) {
        const void* found = q < size_ ? std::memchr(data_ + q, '"', size_ - q) : nullptr;
        const size_t quote = found != nullptr ? static_cast<const char*>(found) - data_ : size_;
        newlines += static_cast<int>(std::count(data_ + q, data_ + quote, '\n'));
        if (quote == size_) {
          if (!eof_) return Parse::kNeedMore;
          *problem = "a quoted field is not closed";
          line_ = record_line;
          return Parse::kProblem;
        }
        if (quote + 1 == size_ && !eof_) return Parse::kNeedMore;
        if (quote + 1 < size_ && data_[quote + 1] == '"') {
          escaped = true;
          q = quote + 2;
          continue;
        }
        q = quote;
        break;
      }
      line += newlines;
      if (escaped) {
        if (unescaped_used_ == unescaped_.size()) unescaped_.emplace_back();
        std::string& text = unescaped_[unescaped_used_++];
        text.clear();
        for (size_t i = start; i < q; ++i) {
          text.push_back(data_[i]);
          if (data_[i] == '"') ++i;  // the second of a doubled quote
        }
        fields->emplace_back(text);
      } else {
        fields->emplace_back(data_ + start, q - start);
      }
      p = q + 1;
      if (p == size_) {
        if (!eof_) return Parse::kNeedMore;
        break;
      }
      if (data_[p] == ',') {
        ++p;
        continue;
      }
      if (data_[p] == '\n') {
        ++p;
        ++line;
        break;
      }
      if (data_[p] == '\r' && (p + 1 < size_ || !eof_)) {
        if (p + 1 == size_) return Parse::kNeedMore;
        if (data_[p + 1] == '\n') {
          p += 2;
          ++line;
          break;
        }
      }
      *problem = "text after the closing quote of a field";
      line_ = line;
      return Parse::kProblem;
    }
    // An unquoted field: up to the next comma or line end.
    size_t q = p;
    while (q < size_ && data_[q] != ',' && data_[q] != '\n') ++q;
    if (q == size_ && !eof_) return Parse::kNeedMore;
    size_t end = q;
    if (end > p && data_[end - 1] == '\r' && (q == size_ || data_[q] == '\n')) --end;
    fields->emplace_back(data_ + p, end - p);
    if (q == size_) {
      p = q;
      break;
    }
    p = q + 1;
    if (data_[q] == '\n') {
      ++line;
      break;
    }
  }
  started_ = true;
  position_ = p;
  line_ = line;
  record_line_ = record_line;
  return Parse::kRecord;
}

bool CsvReader::Next(std::vector<std::string_view>* fields, int* line, std::string* problem) {
  problem->clear();
  if (!error_.empty()) {
    *problem = error_;
    *line = line_;
    return false;
  }
  while (true) {
    const Parse result = ParseRecord(fields, problem);
    switch (result) {
      case Parse::kRecord:
        *line = record_line_;
        return true;
      case Parse::kProblem:
        *line = line_;
        return false;
      case Parse::kEnd:
        if (!error_.empty()) {
          *problem = error_;
          *line = line_;
        }
        return false;
      case Parse::kNeedMore:
        if (!Refill()) {
          if (!eof_) {
            *problem = "a record longer than 64 MiB";
            *line = line_;
            return false;
          }
        }
        break;
    }
  }
}

}  // namespace tandem
