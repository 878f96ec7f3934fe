#include "codec/strict_input.h"

#include <fmt/format.h>

#include <set>

namespace willis::codec {

namespace {

using core::decode_utf8;

std::optional<std::string> control_problem(char32_t cp, Lines lines) {
  if (lines == Lines::multi && (cp == '\n' || cp == '\t')) return std::nullopt;
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
    const char* name = cp == 0x1B   ? " (ESC, which starts terminal escape sequences)"
                       : cp == '\n' ? " (a line break, not allowed in this field)"
                       : cp == '\r' ? " (carriage return)"
                       : cp == '\t' ? " (tab)"
                       : cp == 0    ? " (NUL)"
                       : cp == 0x9B ? " (CSI, which starts terminal escape sequences)"
                                    : "";
    return fmt::format("holds the control character U+{:04X}{}; remove it",
                       static_cast<unsigned>(cp), name);
  }
  return std::nullopt;
}

// ---- the JSON pre-check ----

constexpr int kMaxDepth = 512;

struct Syntax {};  // a syntax error: stop and let the parser describe it

class JsonCheck {
 public:
  JsonCheck(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  std::optional<core::Error> run() {
    try {
      skip_ws();
      while (pos_ < text_.size() && !error_) {
        value(0, "");
        skip_ws();
      }
    } catch (const Syntax&) {
    }
    return error_;
  }

 private:
  std::string_view text_;
  const std::string& file_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::optional<core::Error> error_;

  void fail(core::Errc code, const std::string& path, std::string message, int line) {
    if (!error_)
      error_ =
          core::Error{code, path.empty() ? "(top level)" : path, std::move(message), file_, line};
    throw Syntax{};
  }
  void skip_ws() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n')
        ++line_;
      else if (c != ' ' && c != '\t' && c != '\r')
        break;
      ++pos_;
    }
  }
  char peek() const {
    if (pos_ >= text_.size()) throw Syntax{};
    return text_[pos_];
  }
  void expect(char c) {
    skip_ws();
    if (peek() != c) throw Syntax{};
    ++pos_;
  }
  unsigned hex4() {
    if (pos_ + 4 > text_.size()) throw Syntax{};
    unsigned value = 0;
    for (int idx = 0; idx < 4; ++idx) {
      const char c = text_[pos_++];
      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        value |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        value |= static_cast<unsigned>(c - 'A' + 10);
      else
        throw Syntax{};
    }
    return value;
  }
  static void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  /// Reads a string (pos_ at the opening quote), decoded; checks each character.
  std::string string(const std::string& path, bool is_key) {
    const int line = line_;
    ++pos_;
    std::string out;
    const auto check = [&](char32_t cp) {
      const Lines lines = is_key ? Lines::single : Lines::multi;
      if (!is_key && cp == '\r') return;  // CR LF line ends in free text
      if (auto problem = control_problem(cp, lines))
        fail(core::Errc::invalid_value, path, (is_key ? "a key " : "") + *problem, line);
    };
    while (true) {
      const char c = peek();
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\\') {
        ++pos_;
        const char escape = peek();
        ++pos_;
        char32_t cp = 0;
        switch (escape) {
          case '"':
          case '\\':
          case '/':
            cp = static_cast<unsigned char>(escape);
            break;
          case 'b':
            cp = '\b';
            break;
          case 'f':
            cp = '\f';
            break;
          case 'n':
            cp = '\n';
            break;
          case 'r':
            cp = '\r';
            break;
          case 't':
            cp = '\t';
            break;
          case 'u': {
            cp = hex4();
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              if (pos_ + 2 > text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u')
                fail(core::Errc::invalid_value, path,
                     "holds a lone UTF-16 surrogate escape; it is not text", line);
              pos_ += 2;
              const unsigned low = hex4();
              if (low < 0xDC00 || low > 0xDFFF)
                fail(core::Errc::invalid_value, path,
                     "holds a lone UTF-16 surrogate escape; it is not text", line);
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
              fail(core::Errc::invalid_value, path,
                   "holds a lone UTF-16 surrogate escape; it is not text", line);
            }
            break;
          }
          default:
            throw Syntax{};
        }
        check(cp);
        append_utf8(out, cp);
        continue;
      }
      const auto [cp, length] = decode_utf8(text_, pos_);
      if (length == 0)
        fail(core::Errc::invalid_value, path,
             fmt::format("is not valid UTF-8 (byte 0x{:02x}); save the file as UTF-8",
                         static_cast<unsigned char>(c)),
             line_);
      if (cp == '\n') ++line_;
      check(cp);
      out.append(text_.substr(pos_, length));
      pos_ += length;
    }
  }
  void value(int depth, const std::string& path) {
    skip_ws();
    if (depth > kMaxDepth)
      fail(core::Errc::parse_error, path, fmt::format("is nested deeper than {} levels", kMaxDepth),
           line_);
    const char c = peek();
    if (c == '{') {
      ++pos_;
      std::set<std::string> keys;
      skip_ws();
      if (peek() == '}') {
        ++pos_;
        return;
      }
      while (true) {
        skip_ws();
        if (peek() != '"') throw Syntax{};
        const int key_line = line_;
        const std::string key = string(path.empty() ? "(key)" : path + ".(key)", true);
        const std::string child = path.empty() ? key : path + "." + key;
        if (!keys.insert(key).second)
          fail(core::Errc::parse_error, child,
               "appears twice in the same object; a second value would be silently lost or "
               "replace the first, so keep one",
               key_line);
        expect(':');
        value(depth + 1, child);
        skip_ws();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect('}');
        return;
      }
    }
    if (c == '[') {
      ++pos_;
      skip_ws();
      if (peek() == ']') {
        ++pos_;
        return;
      }
      for (std::size_t index = 0;; ++index) {
        value(depth + 1, fmt::format("{}[{}]", path, index));
        skip_ws();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect(']');
        return;
      }
    }
    if (c == '"') {
      string(path, false);
      return;
    }
    // A number or literal: its syntax is the parser's business.
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           std::string_view(",]}: \t\r\n\"{[").find(text_[pos_]) == std::string_view::npos)
      ++pos_;
    if (pos_ == start) throw Syntax{};
  }
};

}  // namespace

std::optional<std::string> text_problem(std::string_view text, Lines lines) {
  for (std::size_t pos = 0; pos < text.size();) {
    const auto [cp, length] = decode_utf8(text, pos);
    if (length == 0)
      return fmt::format(
          "is not valid UTF-8 (byte 0x{:02x} at position {}); save the file as UTF-8",
          static_cast<unsigned char>(text[pos]), pos);
    if (auto problem = control_problem(cp, lines)) return problem;
    pos += length;
  }
  return std::nullopt;
}

int line_at(std::string_view text, std::size_t offset) {
  int line = 1;
  for (std::size_t pos = 0; pos < offset && pos < text.size(); ++pos)
    if (text[pos] == '\n') ++line;
  return line;
}

std::optional<core::Error> check_json(std::string_view text, const std::string& file) {
  return JsonCheck(text, file).run();
}

}  // namespace willis::codec
