#include "render/csv.h"

#include "core/csv_formula.h"

namespace willis::render {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  return csv_quoted(text);
}

std::string csv_quoted(std::string_view text) {
  std::string quoted = "\"";
  for (const char ch : text) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  quoted += '"';
  return quoted;
}

std::string csv_cell(std::string_view text) {
  return core::needs_formula_quote(text) ? "'" + std::string(text) : std::string(text);
}

}  // namespace willis::render
