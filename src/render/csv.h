// src/render/csv.h: the one CSV writer (RFC 4180 fields, spreadsheet-formula quoting). Pure.
#pragma once

#include <string>
#include <string_view>

namespace willis::render {

/// One RFC 4180 field: as is, or in double quotes (with "" for ") when it holds , " or a line
/// break.
std::string csv_field(std::string_view text);

/// One RFC 4180 field always in double quotes (with "" for "): for a column written quoted
/// whatever it holds (the audit's text table).
std::string csv_quoted(std::string_view text);

/// A text cell a spreadsheet would run as a formula (core::needs_formula_quote) gets a leading
/// single quote, which spreadsheets show as text; anything else is returned as is.
std::string csv_cell(std::string_view text);

}  // namespace willis::render
