#include "core/severity.h"

namespace willis::core {

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::info:
      return "info";
    case Severity::caution:
      return "caution";
    case Severity::avoid:
      return "avoid";
    case Severity::urgent:
      return "urgent";
  }
  return "info";
}

std::optional<Severity> parse_severity(std::string_view text) {
  if (text == "info") return Severity::info;
  if (text == "caution") return Severity::caution;
  if (text == "avoid") return Severity::avoid;
  if (text == "urgent") return Severity::urgent;
  return std::nullopt;
}

}  // namespace willis::core
