#include "render/json_writer.h"

#include "core/utf8.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace willis::render {

namespace {

/// The bytes a JSON string literal takes as they are: printable ASCII but `"`, `\\` and `<`.
constexpr std::array<bool, 256> kPlainByte = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x7F; ++c) plain[c] = c != '"' && c != '\\' && c != '<';
  return plain;
}();

/// Appends `text` as a JSON string literal. Runs of plain characters are appended in one go: the
/// writer's hot path (every key and text value; CDS Hooks cards are mostly text).
void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  std::size_t run = 0;  // start of the plain run not yet appended
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = 0; i < text.size(); ++i) {
    while (i < text.size() && kPlainByte[bytes[i]]) ++i;
    if (i == text.size()) break;
    const auto c = bytes[i];
    if (c >= 0x80) {
      // Output is always valid UTF-8 (issue 13): an invalid sequence becomes U+FFFD, and C1
      // controls are escaped like C0 ones.
      char32_t cp = 0;
      const std::size_t length = core::utf8_sequence(text, i, cp);
      if (length > 0 && cp > 0x9F) {
        i += length - 1;
        continue;
      }
      out.append(text.data() + run, i - run);
      if (length == 0) {
        out += "\xEF\xBF\xBD";
        run = i + 1;
      } else {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(cp));
        out += escaped;
        i += length - 1;
        run = i + 1;
      }
      continue;
    }
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '<':
        out += "\\u003c";
        break;  // safe to embed in HTML <script> blocks
      default: {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
        out += escaped;
      }
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}
}  // namespace

std::string JsonWriter::quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_quoted(out, text);
  return out;
}

void JsonWriter::newline() {
  if (!pretty_) return;
  out_ += '\n';
  out_.append(stack_.size() * 2, ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  if (stack_.back().count++ > 0) out_ += ',';
  newline();
}

void JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  stack_.push_back({true, 0});
}

void JsonWriter::end_object() {
  const bool empty = stack_.back().count == 0;
  stack_.pop_back();
  if (!empty) newline();
  out_ += '}';
}

void JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  stack_.push_back({false, 0});
}

void JsonWriter::end_array() {
  const bool empty = stack_.back().count == 0;
  stack_.pop_back();
  if (!empty) newline();
  out_ += ']';
}

void JsonWriter::key(std::string_view name) {
  before_value();
  append_quoted(out_, name);
  out_ += pretty_ ? ": " : ":";
  after_key_ = true;
}

void JsonWriter::value(std::string_view text) {
  before_value();
  append_quoted(out_, text);
}

void JsonWriter::value(double number) {
  before_value();
  if (!std::isfinite(number)) {
    out_ += "null";
    return;
  }
  char text[32];
  const double rounded =
      std::round(number * 1e6) / 1e6;  // hides binary noise such as 0.30000000000000004
  if (std::fabs(rounded - std::round(rounded)) < 1e-9 && std::fabs(rounded) < 1e15) {
    // A whole number: what "%.0f" prints ("-0" for negative zero), without printf's cost.
    const double whole = std::round(rounded);
    if (whole == 0 && std::signbit(whole)) out_ += '-';
    const auto end = std::to_chars(text, text + sizeof text, static_cast<long long>(whole)).ptr;
    out_.append(text, end);
    return;
  }
  std::snprintf(text, sizeof text, "%.10g", rounded);
  out_ += text;
}

void JsonWriter::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
}

void JsonWriter::null() {
  before_value();
  out_ += "null";
}

}  // namespace willis::render
