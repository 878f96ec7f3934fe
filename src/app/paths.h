// src/app/paths.h: where willis keeps the person's data. May read the environment; the core
// never does.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/result.h"

namespace willis::app {

/// Looks up an environment variable; nullptr when unset. Tests pass their own.
using EnvLookup = std::function<const char*(const char*)>;

/// $XDG_DATA_HOME/willis/diary.sqlite3 when XDG_DATA_HOME is set to an absolute path (the XDG
/// Base Directory spec says relative values are to be ignored), else
/// $HOME/.local/share/willis/diary.sqlite3. Error (missing_field, "HOME") when neither is set.
core::Result<std::string> default_diary_path(const EnvLookup& env);
core::Result<std::string> default_diary_path();

/// Creates the folders above `file_path` that are missing, each with mode 0700 (the diary is
/// health data). Existing folders are left as they are.
std::optional<core::Error> create_parent_directories(const std::string& file_path);

}  // namespace willis::app
