// The CLI's commands. Each command lives in its own file (command_<name>.cc) and registers
// itself with the CLI11 app; main.cc only dispatches. A command's Run returns the process exit
// code: check gives 0 go, 1 at-risk, 2 no-go; every command gives 3 for bad input and 4 for
// an internal error.
#ifndef TANDEM_APPS_TANDEM_COMMANDS_H_
#define TANDEM_APPS_TANDEM_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tandem/common/result.h"

namespace tandem::cli {

inline constexpr int kExitBadInput = 3;
inline constexpr int kExitInternal = 4;

// A registered command: after parsing, `run` is called if `command` was chosen.
struct Command {
  CLI::App* command = nullptr;
  std::function<int()> run;
};

using Registrar = Command (*)(CLI::App& app);
// Every command's registrar, in the order they appear in --help.
std::vector<Registrar>& Registrars();

// Static registration helper: `static const bool registered = Register(&MakeCheck);`.
bool Register(Registrar registrar);

// Shared helpers.
int ExitCodeFor(const Error& error);
// What the CLI prints for an error: its text, after the flag of the option it is about
// ("--campaign: no campaign 'x' in the scenario; campaigns: a, b").
std::string ErrorText(const Error& error);
void PrintError(const Error& error);  // ErrorText and a newline, to stderr
void Emit(const std::string& text);   // all of it to stdout in one go
bool StdoutIsTerminal();
bool StderrIsTerminal();
// The progress line of a simulation ("simulating: 120 of 1000 scenarios", rewritten in place and
// erased when done) when stderr is a terminal; empty otherwise (nothing is printed to a pipe).
std::function<void(int64_t done, int64_t total)> ScenarioProgress();
// The cap on each input file the command reads (--max-input, else TANDEM_MAX_INPUT_BYTES, else
// kDefaultMaxInputBytes: 16 MiB).
size_t MaxInputBytes();

}  // namespace tandem::cli

#endif  // TANDEM_APPS_TANDEM_COMMANDS_H_
