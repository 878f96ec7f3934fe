// src/codec/csv.cc: see csv.h.
#include "codec/csv.h"

namespace willis::codec {

using core::Errc;

core::Result<std::vector<CsvRecord>> parse_csv(std::string_view text, const std::string& file) {
  std::vector<CsvRecord> records;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // spreadsheet BOM
  std::size_t pos = 0;
  int line = 1;
  while (pos < text.size()) {
    CsvRecord record;
    record.line = line;
    std::string field;
    bool record_done = false;
    while (!record_done) {
      if (pos < text.size() && text[pos] == '"') {
        const int quote_line = line;
        ++pos;
        while (true) {
          if (pos >= text.size())
            return core::Error(Errc::parse_error, "csv",
                               "a quoted field is never closed (not closed by the end of the "
                               "file); add the closing \"",
                               file, quote_line);
          const char ch = text[pos++];
          if (ch == '"') {
            if (pos < text.size() && text[pos] == '"') {
              field += '"';
              ++pos;
              continue;
            }
            break;
          }
          if (ch == '\n') ++line;
          field += ch;
        }
        if (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r')
          return core::Error(Errc::parse_error, "csv",
                             "text after a closing quote; quote the whole field and double any "
                             "\" inside it",
                             file, line);
      } else {
        while (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
          if (text[pos] == '"')
            return core::Error(Errc::parse_error, "csv",
                               "a \" inside an unquoted field; quote the field and double the \"",
                               file, line);
          field += text[pos++];
        }
      }
      record.fields.push_back(std::move(field));
      field.clear();
      if (pos >= text.size()) {
        record_done = true;
      } else if (text[pos] == ',') {
        ++pos;
      } else {  // end of line: \n or \r\n
        if (text[pos] == '\r') {
          ++pos;
          if (pos < text.size() && text[pos] != '\n')
            return core::Error(Errc::parse_error, "csv",
                               "a bare carriage return; save the file with \\n or \\r\\n line ends",
                               file, line);
        }
        if (pos < text.size()) ++pos;
        ++line;
        record_done = true;
      }
    }
    const bool blank = record.fields.size() == 1 && record.fields[0].empty();
    if (!blank) records.push_back(std::move(record));
  }
  return records;
}

}  // namespace willis::codec
