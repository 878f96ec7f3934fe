// src/core/utf8.h: UTF-8 decoding shared by the input checks (codec/strict_input) and the renderers
// (render/json_writer, render/text_report): one decoder, RFC 3629 rules.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace willis::core {

/// Decodes the UTF-8 sequence at `pos`: its code point and length, or length 0 when invalid
/// (overlong forms, surrogates and values past U+10FFFF are invalid, as RFC 3629 says).
std::pair<char32_t, std::size_t> decode_utf8(std::string_view text, std::size_t pos);

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

/// Characters, not bytes: every byte but UTF-8 continuation bytes is counted.
std::size_t utf8_length(std::string_view text);

}  // namespace willis::core
