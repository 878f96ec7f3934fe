// src/core/csv_formula.h: which CSV text cells a spreadsheet would run as a formula. One rule
// shared by the writer (render/csv.h adds the quote) and the reader (codec/diary_import takes it
// off), so a round trip is exact.
#pragma once

#include <string_view>

namespace willis::core {

/// Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with = + - @,
/// tab or carriage return as a formula. True for such a text cell (numbers such as -3 are not
/// formulas), and for one with quotes before such a character, so that a writer adds one quote
/// and a reader takes exactly one off; "'tis" is false.
bool needs_formula_quote(std::string_view text);

}  // namespace willis::core
