// src/codec/csv.h: the one CSV reader (RFC 4180), for diary imports and the USDA food table.
// Pure: text in, records out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace willis::codec {

/// One CSV record and the line it starts on (1-based).
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

/// Splits `text` into records, strictly by RFC 4180: fields separated by commas, records by
/// "\n" or "\r\n"; a field in double quotes may hold commas, line breaks and "" for a quote.
/// A leading UTF-8 byte-order mark is skipped, and so are blank lines.
///
///     auto records = parse_csv("date,rls\n2026-11-20,\"5\"\n", "diary.csv");
///     // records.value()[1].fields == {"2026-11-20", "5"}, records.value()[1].line == 2
///
/// Errors: parse_error with path "csv", `file` and the line, for a quoted field never closed,
/// text after a closing quote, a " inside an unquoted field, or a bare carriage return.
core::Result<std::vector<CsvRecord>> parse_csv(std::string_view text, const std::string& file);

}  // namespace willis::codec
