// src/render/diary_export.h: diary entries -> CSV and JSON export files (codec/diary_import.h
// reads both back). Buffers out: the caller writes files.
//
// Round trip: import(export(entries)) == entries, exactly, for every valid entry (magnesium is
// kept to 2 decimals, notes byte for byte). Exports add the derived columns tib_min, tst_min
// and se_percent after the stored ones.
#pragma once

#include <string>
#include <vector>

#include "core/diary_entry.h"

namespace willis::render {

/// RFC 4180 CSV with a header row: the stored fields (core::kEntryFields order), then the
/// derived ones. Lines end in "\n"; fields holding , " or a line break are quoted. A text cell
/// that a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading
/// single quote (OWASP CSV injection advice); numbers stay numbers; import_csv removes the quote.
std::string export_csv(const std::vector<core::DiaryEntry>& entries);

/// {"format": "willis.diary/1", "entries": [{…}, …]}. Absent values are null; side_effects is
/// null (not recorded), [] (none) or [{"kind": "nausea", "severity": "mild"}, …].
std::string export_json(const std::vector<core::DiaryEntry>& entries);

}  // namespace willis::render
