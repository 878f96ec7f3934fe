// src/core/result.h: expected failures as values (std::expected is C++23; g++ 12 lacks it).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace willis::core {

/// Why an input could not be used. Spelled as in the contract's error codes.
enum class Errc {
  parse_error,     ///< not YAML/JSON at all
  unknown_field,   ///< a key the schema does not have (typos never pass silently)
  missing_field,   ///< a required key is absent
  invalid_type,    ///< e.g. a string where a number belongs
  invalid_value,   ///< out of range or impossible
  invalid_time,    ///< not a 24 h HH:MM time
  invalid_amount,  ///< negative, zero where positive is needed, or an unreadable unit
  invalid_kb,      ///< the knowledge base contradicts itself or misses a citation
  io_error,        ///< a file could not be read or written
  not_found,       ///< a named entry does not exist
};

/// The contract's spelling of an error code ("invalid_time").
const char* to_string(Errc code);

/// Why an input could not be used, in words the user can act on.
struct Error {
  Error() = default;
  Error(Errc code_, std::string path_, std::string message_, std::string file_ = {}, int line_ = 0)
      : code(code_),
        path(std::move(path_)),
        message(std::move(message_)),
        file(std::move(file_)),
        line(line_) {}

  Errc code = Errc::invalid_value;
  std::string path;     ///< input field, e.g. "medicines[1].times[0]"
  std::string message;  ///< what is wrong and how to fix it
  std::string file;     ///< source file name, when known
  int line = 0;         ///< 1-based line in `file`, 0 when unknown
};

/// A value, or the Error explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<0>(v_); }  ///< precondition: ok()
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }  ///< precondition: !ok()

 private:
  std::variant<T, Error> v_;
};

}  // namespace willis::core
