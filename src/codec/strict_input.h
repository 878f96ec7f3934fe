// src/codec/strict_input.h: checks every input path shares (issue 13): text is valid UTF-8 without
// control characters, and a JSON object never names a key twice (simdjson and yaml-cpp both keep
// the first of two equal keys and drop the second without a word, losing clinical data).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

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

/// The first byte offset at which `text` is not valid UTF-8 (npos when valid).
std::size_t invalid_utf8_at(std::string_view text);

/// Length of the valid UTF-8 sequence starting at `pos` (1 to 4), or 0 when it is invalid; the
/// code point in `cp`.
std::size_t utf8_sequence(std::string_view text, std::size_t pos, char32_t& cp);

/// `text` safe to print on a terminal: invalid UTF-8 becomes U+FFFD and every control character
/// (C0 but line feed, DEL, C1) is shown as an escape such as "\x1b", so a name in a profile can
/// never move the cursor, recolour the screen or hide text.
std::string terminal_safe(std::string_view text);

/// `text` with every invalid UTF-8 sequence replaced by U+FFFD (for output only).
std::string valid_utf8(std::string_view text);

/// Checks JSON text before a parser reads it: duplicate keys in any object, strings that are not
/// valid UTF-8 or that hold control characters (decoded \u escapes included; tab, line feed and
/// carriage return are allowed inside strings, as FHIR narratives and notes hold them), and nesting
/// deeper than 512. The error has `file`, the line and the key path ("entry[2].resource.id").
/// Syntax errors are left to the parser (the first one found may be reported as parse_error).
std::optional<core::Error> check_json(std::string_view text, const std::string& file);

}  // namespace willis::codec
