#include "app/paths.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace willis::app {

core::Result<std::string> default_diary_path(const EnvLookup& env) {
  const char* xdg = env("XDG_DATA_HOME");
  if (xdg && xdg[0] == '/') return std::string(xdg) + "/willis/diary.sqlite3";
  const char* home = env("HOME");
  if (home && home[0] != '\0') return std::string(home) + "/.local/share/willis/diary.sqlite3";
  return core::Error(core::Errc::missing_field, "--db",
                     "no diary file given and neither XDG_DATA_HOME nor HOME is set; pass "
                     "--db PATH");
}

core::Result<std::string> default_diary_path() {
  return default_diary_path(
      [](const char* name) { return static_cast<const char*>(std::getenv(name)); });
}

std::optional<core::Error> create_parent_directories(const std::string& file_path) {
  const auto slash = file_path.rfind('/');
  if (slash == std::string::npos || slash == 0) return std::nullopt;
  const std::string folder = file_path.substr(0, slash);
  std::size_t pos = 1;
  while (pos <= folder.size()) {
    pos = folder.find('/', pos);
    if (pos == std::string::npos) pos = folder.size();
    const std::string part = folder.substr(0, pos);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
      return core::Error(core::Errc::io_error, part,
                         std::string("cannot create the folder for the diary: ") +
                             std::strerror(errno) +
                             "; create it yourself or pick a file with --db");
    ++pos;
  }
  struct stat info {};
  if (::stat(folder.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
    return core::Error(core::Errc::io_error, folder,
                       "is not a folder; pick another diary file with --db");
  return std::nullopt;
}

}  // namespace willis::app
