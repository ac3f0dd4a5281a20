// tandem: the command-line front end. A thin client of the library: each command (one file
// per command, registered in commands.h) parses its arguments, reads files, calls the library
// and prints.
#include <unistd.h>

#include <cstdio>
#include <exception>

#include "commands.h"

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

void PrintError(const Error& error) {
  std::fputs((error.ToString() + "\n").c_str(), stderr);
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

}  // namespace tandem::cli

int main(int argc, char** argv) {
  using namespace tandem::cli;
  try {
    CLI::App app{"tandem: can we actually deliver what we're promising?"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "tandem 0.1.0");
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
