// src/codec/strict_input.h: checks every input path shares (issue 13): text is valid UTF-8 without
// control characters, and a JSON object never names a key twice (simdjson and yaml-cpp both keep
// the first of two equal keys and drop the second without a word, losing clinical data).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/utf8.h"

namespace willis::codec {

/// Which control characters a text may hold. Tab and line feed only where a field allows them
/// (free text such as a KB explanation or a diary note); never C0 others, DEL or C1 (terminal
/// escape sequences start with ESC or CSI).
enum class Lines { single, multi };

/// What is wrong with `text`: "is not valid UTF-8 (byte 0xff at 3)", "holds the control
/// character U+001B (ESC) at 0"; nullopt when it is fine.
std::optional<std::string> text_problem(std::string_view text, Lines lines);

/// 1-based line of byte `offset` in `text`.
int line_at(std::string_view text, std::size_t offset);

/// UTF-8 decoding lives in core/utf8.h (shared with the renderers).
using core::invalid_utf8_at;
using core::terminal_safe;
using core::utf8_sequence;
using core::valid_utf8;

/// Checks JSON text before a parser reads it: duplicate keys in any object, strings that are not
/// valid UTF-8 or that hold control characters (decoded \u escapes included; tab, line feed and
/// carriage return are allowed inside strings, as FHIR narratives and notes hold them), and nesting
/// deeper than 512. The error has `file`, the line and the key path ("entry[2].resource.id").
/// Syntax errors are left to the parser (the first one found may be reported as parse_error).
std::optional<core::Error> check_json(std::string_view text, const std::string& file);

}  // namespace willis::codec
