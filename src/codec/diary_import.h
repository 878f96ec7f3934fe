// src/codec/diary_import.h: diary CSV and JSON files (render/diary_export.h writes them) ->
// validated entries. Buffers in: the caller reads files.
//
// An import checks the derived columns tib_min, tst_min and se_percent when present
// (se_percent to ±0.05) so a spreadsheet edit that changed a time but not its derived figure is
// caught. Imports validate every row before returning anything: the first bad row is an Error
// naming its file, line and field, and the caller writes nothing.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/diary_entry.h"
#include "core/result.h"

namespace willis::codec {

enum class DiaryFormat { csv, json };
std::optional<DiaryFormat> parse_diary_format(std::string_view text);

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

}  // namespace willis::codec
