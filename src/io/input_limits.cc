// Input limits: the JSON nesting scan and the bounded file reader.
#include "tandem/io/input_limits.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tandem {

size_t FindJsonTooDeep(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, whatever it is, cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

TextPlace PlaceOf(std::string_view text, size_t offset) {
  TextPlace place;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++place.line;
      place.column = 1;
    } else {
      ++place.column;
    }
  }
  return place;
}

std::string ByteSize(size_t bytes) {
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0)
    return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= (size_t{1} << 10) && bytes % (size_t{1} << 10) == 0)
    return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

Result<std::string> ReadInputFile(const std::string& path, size_t max_bytes,
                                  const std::string& what) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return Error::Io(path + ": cannot open the " + what + " (" + std::strerror(errno) + ")");
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    const char* kind = S_ISDIR(info.st_mode)    ? "a directory"
                       : S_ISFIFO(info.st_mode) ? "a pipe"
                       : S_ISCHR(info.st_mode)  ? "a device"
                                                : "not a regular file";
    return Error::InvalidInput(path + ": the " + what + " is " + kind +
                               "; tandem reads regular files only");
  }
  const auto too_large = [&] {
    return Error::InvalidInput(path + ": the " + what + " is larger than the input limit of " +
                               ByteSize(max_bytes) +
                               "; raise it with --max-input BYTES (or TANDEM_MAX_INPUT_BYTES) if "
                               "the file is meant to be this large");
  };
  if (static_cast<uint64_t>(info.st_size) > max_bytes) {
    ::close(fd);
    return too_large();
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  std::string text;
  text.reserve(static_cast<size_t>(info.st_size));
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int saved = errno;
      ::close(fd);
      return Error::Io(path + ": cannot read the " + what + " (" + std::strerror(saved) + ")");
    }
    if (got == 0) break;
    // The file may grow while it is read: the cap holds on what is read, not on fstat.
    if (text.size() + static_cast<size_t>(got) > max_bytes) {
      ::close(fd);
      return too_large();
    }
    text.append(buffer, static_cast<size_t>(got));
  }
  ::close(fd);
  return text;
}

}  // namespace tandem
