// src/store/diary_io.h: diary export and import as CSV and JSON. Buffers in, buffers out: the
// caller reads and writes files.
//
// Round trip: import(export(entries)) == entries, exactly, for every valid entry (magnesium is
// kept to 2 decimals, notes byte for byte). Exports add the derived columns tib_min, tst_min
// and se_percent after the stored ones; an import checks them when present (se_percent to
// ±0.05) so a spreadsheet edit that changed a time but not its derived figure is caught.
// Imports validate every row before returning anything: the first bad row is an Error naming
// its file, line and field, and the caller writes nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diary_entry.h"
#include "core/result.h"

namespace willis::store {

enum class DiaryFormat { csv, json };
std::optional<DiaryFormat> parse_diary_format(std::string_view text);

/// RFC 4180 CSV with a header row: the stored fields (core::kEntryFields order), then the
/// derived ones. Lines end in "\n"; fields holding , " or a line break are quoted. A text cell
/// that a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading
/// single quote (OWASP CSV injection advice); numbers stay numbers; import_csv removes the quote.
std::string export_csv(const std::vector<core::DiaryEntry>& entries);

/// {"format": "willis.diary/1", "entries": [{…}, …]}. Absent values are null; side_effects is
/// null (not recorded), [] (none) or [{"kind": "nausea", "severity": "mild"}, …].
std::string export_json(const std::vector<core::DiaryEntry>& entries);

/// Parses and validates a CSV export (columns in any order; only `date` is required).
/// Errors carry file = source_name, line = the row's first line, path = the column.
core::Result<std::vector<core::DiaryEntry>> import_csv(std::string_view text,
                                                       std::string_view source_name,
                                                       core::CalendarDate today);

/// Parses and validates a JSON export, or a bare array of entry objects.
/// Errors carry file = source_name, line = the line where the entry's object starts, and
/// path = "entries[i].field".
core::Result<std::vector<core::DiaryEntry>> import_json(std::string_view text,
                                                        std::string_view source_name,
                                                        core::CalendarDate today);

/// "file:line: path: message", leaving out the parts that are unknown.
std::string describe(const core::Error& error);

}  // namespace willis::store
