#include "core/result.h"

namespace willis::core {

const char* to_string(Errc code) {
  switch (code) {
    case Errc::parse_error:
      return "parse_error";
    case Errc::unknown_field:
      return "unknown_field";
    case Errc::missing_field:
      return "missing_field";
    case Errc::invalid_type:
      return "invalid_type";
    case Errc::invalid_value:
      return "invalid_value";
    case Errc::invalid_time:
      return "invalid_time";
    case Errc::invalid_amount:
      return "invalid_amount";
    case Errc::invalid_kb:
      return "invalid_kb";
    case Errc::io_error:
      return "io_error";
    case Errc::not_found:
      return "not_found";
  }
  return "invalid_value";
}

}  // namespace willis::core
