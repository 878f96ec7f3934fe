#include <unistd.h>

#include <cstdio>

#include "cli/commands.h"

namespace willis::cli {

int report_error(const std::string& message, int exit_code) {
  const bool tty = isatty(fileno(stderr));
  std::fprintf(stderr, "%swillis: error:%s %s\n", tty ? "\x1b[1;31m" : "", tty ? "\x1b[0m" : "",
               message.c_str());
  return exit_code;
}

}  // namespace willis::cli
