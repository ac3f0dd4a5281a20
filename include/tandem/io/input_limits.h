// Bounds on what tandem reads, shared by the CLI and the server: how deep documents may nest and
// how large an input file may be. One place, so that `tandem check`, `tandem import` and the
// server's JSON bodies refuse the same things with the same words (docs/server.md, "Limits";
// README, "Input limits").
//
// Thread safety: plain functions without shared state.
#ifndef TANDEM_IO_INPUT_LIMITS_H_
#define TANDEM_IO_INPUT_LIMITS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "tandem/common/result.h"

namespace tandem {

// Lists and maps nest at most this deep in a scenario (YAML or JSON) and in a JSON request body.
// The scenario format nests a handful of levels; the limit only stops hostile input from
// exhausting the stack of the recursive parts of parsing, copying and printing.
inline constexpr int kMaxNestingDepth = 64;

// The default cap on one input file read by the CLI (a scenario, a history CSV): 16 MiB.
// A scenario is a few kilobytes; a history file of ten years of daily figures is under 1 MiB.
inline constexpr size_t kDefaultMaxInputBytes = size_t{16} << 20;

// Where JSON text first nests deeper than `limit` (brackets and braces outside strings, an O(n)
// scan without allocation): the 0-based byte offset of the bracket that goes too deep, or
// std::string_view::npos when it never does. Says nothing about whether the text is valid JSON.
size_t FindJsonTooDeep(std::string_view text, int limit = kMaxNestingDepth);

// 1-based line and column of byte `offset` in `text`.
struct TextPlace {
  int line = 1;
  int column = 1;
};
TextPlace PlaceOf(std::string_view text, size_t offset);

// Reads a whole input file of at most `max_bytes`. Refuses what is not a regular file (a
// directory, /dev/urandom, a FIFO) and a file larger than the cap, without reading past the cap.
// Errors: kInvalidInput "PATH: ..." naming the limit and how to raise it (too large, not a
// regular file), kIo when it cannot be opened or read. `what` names the file's role in messages
// ("scenario file", "history file").
Result<std::string> ReadInputFile(const std::string& path, size_t max_bytes,
                                  const std::string& what);

// "16 MiB", "512 KiB", "1000 bytes": a byte count as the messages and docs give it.
std::string ByteSize(size_t bytes);

}  // namespace tandem

#endif  // TANDEM_IO_INPUT_LIMITS_H_
