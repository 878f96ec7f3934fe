// tests/support/run_process.h: runs a shell command as a user would (for tests of the willis
// binaries) and keeps its exit code and output.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace willis::testing {

struct ProcessRun {
  int exit_code = -1;
  std::string out;  ///< stdout and stderr together
};

/// Runs `command` through the shell with stderr joined to stdout.
inline ProcessRun run_process(const std::string& command) {
  ProcessRun result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
    result.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace willis::testing
