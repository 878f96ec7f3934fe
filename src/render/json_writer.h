// src/render/json_writer.h: the one JSON writer; escaping lives here and nowhere else.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace willis::render {

/// Streams compact or indented JSON into a string; commas and nesting are tracked for you.
///
///     JsonWriter w;
///     w.begin_object(); w.key("verdict"); w.value("caution"); w.end_object();
///     std::string text = w.take();
class JsonWriter {
 public:
  explicit JsonWriter(bool pretty = true) : pretty_(pretty) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view name);
  void value(std::string_view text);
  void value(const char* text) { value(std::string_view(text)); }
  void value(const std::string& text) { value(std::string_view(text)); }
  void value(double number);
  void value(int number) { value(static_cast<double>(number)); }
  void value(bool flag);
  void null();
  /// Shorthands for one member.
  template <typename T>
  void member(std::string_view name, const T& v) {
    key(name);
    value(v);
  }
  void member_null(std::string_view name) {
    key(name);
    null();
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

  /// `text` as a JSON string literal, quotes included.
  static std::string quote(std::string_view text);

 private:
  void before_value();
  void newline();

  std::string out_;
  bool pretty_;
  struct Level {
    bool is_object;
    int count;
  };
  std::vector<Level> stack_;
  bool after_key_ = false;
};

}  // namespace willis::render
