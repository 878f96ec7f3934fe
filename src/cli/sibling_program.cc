// src/cli/sibling_program.cc: the programs `willis` hands a command to (issue 17). `willis serve`
// runs willis-serve and `willis audit` runs willis-audit, with the same arguments, so that `willis`
// itself loads neither cpp-httplib, libjwt and OpenSSL nor zlib, and can be linked statically:
// every other command then starts close to the cost of starting any process.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace willis::cli {
namespace {

/// Where a sibling may be: beside this program (the build tree) or in ../libexec/willis/
/// (installed: /usr/bin/willis and /usr/libexec/willis/NAME).
std::vector<std::filesystem::path> sibling_candidates(const std::string& name) {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return {};
  const std::filesystem::path dir = self.parent_path();
  return {dir / name, (dir / ".." / "libexec" / "willis" / name).lexically_normal()};
}

}  // namespace

int exec_sibling_program(const GlobalOptions& global, const std::string& name,
                         const std::string& needed_by) {
  const auto candidates = sibling_candidates(name);
  for (const auto& candidate : candidates) {
    if (::access(candidate.c_str(), X_OK) != 0) continue;
    std::string program = candidate.string();
    std::vector<char*> args{program.data()};
    for (int i = 1; i < global.argc; ++i) args.push_back(global.argv[i]);
    args.push_back(nullptr);
    std::fflush(stdout);
    std::fflush(stderr);
    ::execv(program.c_str(), args.data());
    return report_error("cannot start " + program + ": " + std::strerror(errno), 1);
  }
  std::string looked;
  for (const auto& candidate : candidates)
    looked += (looked.empty() ? "" : " and ") + candidate.string();
  if (looked.empty()) looked = "(cannot read /proc/self/exe)";
  return report_error(needed_by + " needs the program " + name + ", which is missing: looked for " +
                          looked + ". Reinstall the willis package, or build the target " + name,
                      1);
}

}  // namespace willis::cli
