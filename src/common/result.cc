#include "tandem/common/result.h"

namespace tandem {

std::string Diagnostic::ToString() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  out += ": ";
  if (!key.empty()) out += key + ": ";
  out += problem;
  if (!allowed.empty()) out += "; " + allowed;
  return out;
}

Error Error::InvalidInput(std::vector<Diagnostic> diagnostics) {
  Error error;
  error.code = ErrorCode::kInvalidInput;
  error.diagnostics = std::move(diagnostics);
  return error;
}

Error Error::InvalidInput(std::string message) {
  Error error;
  error.code = ErrorCode::kInvalidInput;
  error.message = std::move(message);
  return error;
}

Error Error::InvalidOption(std::string option, std::string message) {
  Error error = InvalidInput(std::move(message));
  error.option = std::move(option);
  return error;
}

Error Error::Io(std::string message) {
  Error error;
  error.code = ErrorCode::kIo;
  error.message = std::move(message);
  return error;
}

Error Error::Internal(std::string message) {
  Error error;
  error.code = ErrorCode::kInternal;
  error.message = std::move(message);
  return error;
}

std::string Error::ToString() const {
  std::string out;
  if (!message.empty()) out += message;
  for (const Diagnostic& diagnostic : diagnostics) {
    if (!out.empty()) out += "\n";
    out += diagnostic.ToString();
  }
  return out;
}

}  // namespace tandem
