#include "core/csv_formula.h"

#include <charconv>

namespace willis::core {
namespace {

bool formula_start(char ch) {
  return ch == '=' || ch == '+' || ch == '-' || ch == '@' || ch == '\t' || ch == '\r';
}

}  // namespace

bool needs_formula_quote(std::string_view text) {
  const std::size_t first = text.find_first_not_of('\'');
  if (first == std::string_view::npos || !formula_start(text[first])) return false;
  if (first > 0) return true;  // '…=: keep the quotes exact through the round trip
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  return !(error == std::errc() && end == text.data() + text.size());
}

}  // namespace willis::core
