// tandem: the command-line front end. A thin client of the library: each command (one file
// per command, registered in commands.h) parses its arguments, reads files, calls the library
// and prints.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "commands.h"
#include "tandem/common/cpu_counter.h"
#include "tandem/io/input_limits.h"

namespace tandem::cli {

std::vector<Registrar>& Registrars() {
  static std::vector<Registrar> registrars;
  return registrars;
}

bool Register(Registrar registrar) {
  Registrars().push_back(registrar);
  return true;
}

int ExitCodeFor(const Error& error) {
  return error.code == ErrorCode::kInternal ? kExitInternal : kExitBadInput;
}

std::string ErrorText(const Error& error) {
  if (error.option.empty()) return error.ToString();
  // The library names an option by its options field ("as_of"); the CLI by its flag.
  std::string flag = error.option;
  for (char& c : flag) {
    if (c == '_') c = '-';
  }
  return "--" + flag + ": " + error.ToString();
}

void PrintError(const Error& error) {
  std::fputs((ErrorText(error) + "\n").c_str(), stderr);
}

void Emit(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

bool StdoutIsTerminal() {
  return isatty(STDOUT_FILENO) != 0;
}
bool StderrIsTerminal() {
  return isatty(STDERR_FILENO) != 0;
}

std::function<void(int64_t, int64_t)> ScenarioProgress() {
  if (!StderrIsTerminal()) return {};
  return [](int64_t done, int64_t total) {
    std::fprintf(stderr, "\rsimulating: %lld of %lld scenarios", static_cast<long long>(done),
                 static_cast<long long>(total));
    if (done == total) std::fputs("\r\033[K", stderr);
  };
}

namespace {
size_t max_input_bytes = 0;  // 0: not given on the command line
}  // namespace

size_t MaxInputBytes() {
  if (max_input_bytes > 0) return max_input_bytes;
  if (const char* text = std::getenv("TANDEM_MAX_INPUT_BYTES")) {
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (end && *end == '\0' && value > 0 && text[0] >= '0' && text[0] <= '9') return value;
    std::fprintf(stderr, "tandem: TANDEM_MAX_INPUT_BYTES=%s is not a byte count; using %s\n", text,
                 tandem::ByteSize(tandem::kDefaultMaxInputBytes).c_str());
  }
  return tandem::kDefaultMaxInputBytes;
}

namespace {

// The library's CPU counter (tandem/common/cpu_counter.h) counts when TANDEM_CPU_COUNTER is set
// to anything but "0".
bool CpuCounterRequested() {
  const char* value = std::getenv("TANDEM_CPU_COUNTER");
  return value != nullptr && std::strcmp(value, "0") != 0;
}

// Whether anything was counted (a part of a check or a search call): the table is printed only
// then, not after --help or an input error.
bool Counted(const tandem::cpu::CounterReport& report) {
  for (size_t call = 0; call < tandem::cpu::kCalls; ++call) {
    for (size_t part = 0; part <= tandem::cpu::kParts; ++part) {
      const bool other_total = call == 0 && part == tandem::cpu::kParts;
      if (!other_total && report.cells[call][part].units > 0) return true;
    }
  }
  return false;
}

int Run(int argc, char** argv) {
  try {
    CLI::App app{"tandem: can we actually deliver what we're promising?"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "tandem 0.1.0");
    // Given before or after the command: `tandem check big.yaml --max-input 64MiB`.
    app.fallthrough();
    app.add_option("--max-input", max_input_bytes,
                   "largest input file read (bytes; 64MiB, 512KiB; default 16 MiB, or "
                   "TANDEM_MAX_INPUT_BYTES)")
        ->transform(CLI::AsSizeValue(false))
        ->check(CLI::PositiveNumber);
    std::vector<Command> commands;
    for (Registrar registrar : Registrars()) commands.push_back(registrar(app));
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& help) {
      return app.exit(help);
    } catch (const CLI::CallForVersion& version) {
      return app.exit(version);
    } catch (const CLI::ParseError& error) {
      app.exit(error);
      return kExitBadInput;
    }
    for (const Command& command : commands) {
      if (command.command->parsed()) return command.run();
    }
    return kExitBadInput;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tandem: internal error: %s\n", error.what());
    return kExitInternal;
  } catch (...) {
    std::fputs("tandem: internal error\n", stderr);
    return kExitInternal;
  }
}

}  // namespace
}  // namespace tandem::cli

int main(int argc, char** argv) {
  const bool counter = tandem::cli::CpuCounterRequested();
  if (counter) tandem::cpu::Enable(true);
  const int code = tandem::cli::Run(argc, argv);
  if (counter) {
    const tandem::cpu::CounterReport report = tandem::cpu::Report();
    if (tandem::cli::Counted(report)) std::fputs(tandem::cpu::FormatReport(report).c_str(), stderr);
  }
  return code;
}
