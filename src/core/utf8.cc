#include "core/utf8.h"

namespace willis::core {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

/// "\x1b" for a C0 or DEL code point, "\u0085" for a C1 one (lower-case hex, as before).
std::string escaped(char32_t cp) {
  static constexpr char kHex[] = "0123456789abcdef";
  const int digits = cp < 0x80 ? 2 : 4;
  std::string out = cp < 0x80 ? "\\x" : "\\u";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xF];
  return out;
}

}  // namespace

std::pair<char32_t, std::size_t> decode_utf8(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t cp = 0, min = 0;
  if (lead >= 0xC2 && lead <= 0xDF)
    length = 2, cp = lead & 0x1F, min = 0x80;
  else if (lead >= 0xE0 && lead <= 0xEF)
    length = 3, cp = lead & 0x0F, min = 0x800;
  else if (lead >= 0xF0 && lead <= 0xF4)
    length = 4, cp = lead & 0x07, min = 0x10000;
  else
    return {0, 0};
  if (pos + length > text.size()) return {0, 0};
  for (std::size_t idx = 1; idx < length; ++idx) {
    if ((byte(pos + idx) & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (byte(pos + idx) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, length};
}

std::size_t utf8_sequence(std::string_view text, std::size_t pos, char32_t& cp) {
  const auto [value, length] = decode_utf8(text, pos);
  cp = value;
  return length;
}

std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const auto [cp, length] = decode_utf8(text, pos);
    if (length == 0) {
      out += kReplacement;
      ++pos;
      continue;
    }
    if ((cp < 0x20 && cp != '\n') || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
      out += escaped(cp);
    else
      out.append(text.substr(pos, length));
    pos += length;
  }
  return out;
}

std::size_t invalid_utf8_at(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const auto length = decode_utf8(text, pos).second;
    if (length == 0) return pos;
    pos += length;
  }
  return std::string_view::npos;
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const auto length = decode_utf8(text, pos).second;
    if (length == 0) {
      out += kReplacement;
      ++pos;
      continue;
    }
    out.append(text.substr(pos, length));
    pos += length;
  }
  return out;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  return count;
}

}  // namespace willis::core
