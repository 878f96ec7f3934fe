// src/store/diary_io.h: the message of an error about a file. (Diary import is
// codec/diary_import.h, export render/diary_export.h.)
#pragma once

#include <string>

#include "core/result.h"

namespace willis::store {

/// "file:line: path: message", leaving out the parts that are unknown.
std::string describe(const core::Error& error);

}  // namespace willis::store
