// src/app/kb_source.h: where the knowledge base comes from (built in, or --kb DIR). Adapter: reads
// files.
#pragma once

#include <string>
#include <vector>

#include "codec/kb_yaml.h"

namespace willis::app {

/// The built-in KB files, or every file of `dir` (when not empty).
/// Errors: io_error when the folder cannot be read.
core::Result<std::vector<codec::KbFile>> kb_files(const std::string& dir);

/// Loads the KB: from `dir` (YAML, checked), or when `dir` is empty from the image compiled into
/// the binary (checked at build time; fast). `from_yaml` forces the built-in YAML texts to be
/// parsed and checked again (`willis kb check`). `errors` lists every problem as file:line.
codec::KbLoad load_kb(const std::string& dir, bool from_yaml = false);

/// load_kb() for a command that uses the KB until the process exits. The result is kept in a
/// static: never destroyed (exit stays fast; the KB's destructor costs ~0.3 ms) yet reachable, so
/// LeakSanitizer does not report it. A second call replaces (and frees) the first.
const codec::KbLoad& load_kb_for_process(const std::string& dir);

/// "file:line: path: message" for one KB or profile error.
std::string describe_error(const core::Error& error);

/// Reads a whole file. Errors: io_error naming the file.
core::Result<std::string> read_file(const std::string& path);

}  // namespace willis::app
