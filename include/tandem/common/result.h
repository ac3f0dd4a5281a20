// Errors as values at module boundaries.
//
// A Result<T> holds either a T or an Error. Exceptions never cross a public tandem API:
// functions that can fail on user input or on the environment return a Result, and callers
// test ok() before using value(). Domain outcomes (a "no-go" verdict, a broken promise) are
// values inside T, never errors: an Error means the call itself could not be carried out.
//
// Thread safety: Result and Error are plain values; distinct objects may be used from
// distinct threads without synchronisation.
#ifndef TANDEM_COMMON_RESULT_H_
#define TANDEM_COMMON_RESULT_H_

#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tandem {

// One problem found in user input, pointing at the place it was found.
// line and column are 1-based; 0 means unknown (e.g. a figure computed from several keys).
struct Diagnostic {
  std::string file;  // path as given by the user
  int line = 0;
  int column = 0;
  std::string key;      // dotted path to the key, e.g. "resources[0].capacity"
  std::string problem;  // what is wrong
  std::string allowed;  // what is allowed instead (may be empty)

  // "file:line:column: key: problem; allowed"
  std::string ToString() const;
};

enum class ErrorCode {
  kInvalidInput,  // the user's input is wrong: exit code 3
  kIo,            // a file could not be read or written: exit code 3 for inputs
  kInternal,      // a bug or resource exhaustion: exit code 4
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;                  // one line, for errors without diagnostics
  std::vector<Diagnostic> diagnostics;  // one per problem, in input order
  // The option of the call the error is about, as the library names it (the field of its
  // options struct: "scenarios", "campaign", "as_of"); empty when the error is about no option.
  // `message` then speaks of the scenario ("no campaign 'x' in the scenario"), never of a front
  // end's spelling: the CLI names its flag (--as-of), the server its field.
  std::string option;

  static Error InvalidInput(std::vector<Diagnostic> diagnostics);
  static Error InvalidInput(std::string message);
  // Bad input given as the option `option` (kInvalidInput).
  static Error InvalidOption(std::string option, std::string message);
  static Error Io(std::string message);
  static Error Internal(std::string message);

  // All problems, one per line.
  std::string ToString() const;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  // REQUIRES: ok()
  const T& value() const& {
    assert(ok());
    return std::get<T>(state_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(state_));
  }
  // REQUIRES: !ok()
  const Error& error() const {
    assert(!ok());
    return std::get<Error>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// For calls that return nothing on success.
struct Unit {};
using Status = Result<Unit>;
inline Status OkStatus() {
  return Unit{};
}

}  // namespace tandem

#endif  // TANDEM_COMMON_RESULT_H_
