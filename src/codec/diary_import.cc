#include "codec/diary_import.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <map>

#include "codec/csv.h"
#include "codec/strict_input.h"
#include "core/csv_formula.h"

namespace willis::codec {
namespace {

using core::CalendarDate;
using core::DiaryEntry;
using core::Errc;

bool is_stored_field(std::string_view name) {
  for (const auto field : core::kEntryFields)
    if (field == name) return true;
  return false;
}

bool is_derived_field(std::string_view name) {
  for (const auto field : core::kDerivedFields)
    if (field == name) return true;
  return false;
}

std::string column_list() {
  std::string list;
  for (const auto field : core::kEntryFields)
    list += (list.empty() ? "" : ", ") + std::string(field);
  for (const auto field : core::kDerivedFields) list += ", " + std::string(field);
  return list;
}

std::optional<double> parse_double(std::string_view text) {
  double value = 0;
  if (text.empty()) return std::nullopt;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

/// Checks a derived figure given in a file against the one computed from the entry.
std::optional<core::Error> check_derived(const DiaryEntry& entry, std::string_view field,
                                         std::string_view given) {
  if (given.empty()) return std::nullopt;
  const std::string computed = core::field_text(entry, field);
  core::Error error;
  error.code = Errc::invalid_value;
  error.path = std::string(field);
  const auto given_value = parse_double(given);
  if (!given_value) {
    error.message = "\"" + std::string(given) +
                    "\" is not a number; it is computed from the "
                    "times, so you can leave it empty";
    return error;
  }
  if (computed.empty()) {
    error.message = "is given (" + std::string(given) +
                    ") but the times needed to compute it are missing; leave it empty";
    return error;
  }
  const double tolerance = field == "se_percent" ? 0.05 + 1e-9 : 1e-9;
  if (std::fabs(*given_value - *parse_double(computed)) > tolerance) {
    error.message = std::string(given) + " does not match the times, which give " + computed +
                    "; fix the times or leave " + std::string(field) + " empty";
    return error;
  }
  return std::nullopt;
}

/// Undoes render::csv_cell (a leading quote before a formula-like cell) on import.
std::string from_csv_cell(std::string text) {
  if (!text.empty() && text.front() == '\'' &&
      core::needs_formula_quote(std::string_view(text).substr(1)))
    text.erase(0, 1);
  return text;
}

// ---- JSON ----

/// Line of the '{' that opens each entry object: an object directly inside the root array, or
/// inside an array that is the value of a root object member. Strings are skipped.
std::vector<int> entry_lines(std::string_view text) {
  std::vector<int> lines;
  std::vector<char> stack;
  int line = 1;
  bool in_string = false;
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    const char ch = text[pos];
    if (ch == '\n') ++line;
    if (in_string) {
      if (ch == '\\')
        ++pos;
      else if (ch == '"')
        in_string = false;
      continue;
    }
    switch (ch) {
      case '"':
        in_string = true;
        break;
      case '{':
        if (!stack.empty() && stack.back() == '[' && stack.size() <= 2) lines.push_back(line);
        stack.push_back('{');
        break;
      case '[':
        stack.push_back('[');
        break;
      case '}':
      case ']':
        if (!stack.empty()) stack.pop_back();
        break;
      default:
        break;
    }
  }
  return lines;
}

std::string json_scalar_text(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::STRING:
      return std::string(value.get_string().value_unsafe());
    case simdjson::dom::element_type::INT64:
      return std::to_string(value.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return std::to_string(value.get_uint64().value_unsafe());
    case simdjson::dom::element_type::DOUBLE: {
      char text[64];
      const double number = value.get_double().value_unsafe();
      const auto [ptr, ec] = std::to_chars(text, text + sizeof text, number);
      (void)ec;
      return std::string(text, ptr);
    }
    default:
      return "";
  }
}

const char* json_type_name(simdjson::dom::element_type type) {
  switch (type) {
    case simdjson::dom::element_type::ARRAY:
      return "an array";
    case simdjson::dom::element_type::OBJECT:
      return "an object";
    case simdjson::dom::element_type::STRING:
      return "a string";
    case simdjson::dom::element_type::BOOL:
      return "true/false";
    case simdjson::dom::element_type::NULL_VALUE:
      return "null";
    default:
      return "a number";
  }
}

/// The text form set_field expects, or an error message when the JSON type is wrong.
std::optional<std::string> json_field_text(std::string_view field, simdjson::dom::element value,
                                           std::string& text) {
  using simdjson::dom::element_type;
  const element_type type = value.type();
  if (type == element_type::NULL_VALUE) {
    text.clear();
    return std::nullopt;
  }
  const bool is_int = field == "rls" || field == "sleep_quality" || field == "sol_min" ||
                      field == "awakenings" || field == "waso_min" || field == "irls_total" ||
                      field == "tib_min" || field == "tst_min";
  const bool is_number = field == "magnesium_mg" || field == "se_percent";
  if (is_int) {
    if (type != element_type::INT64 && type != element_type::UINT64)
      return std::string("must be a whole number, not ") +
             (type == element_type::DOUBLE ? "a fraction" : json_type_name(type));
  } else if (is_number) {
    if (type != element_type::INT64 && type != element_type::UINT64 && type != element_type::DOUBLE)
      return std::string("must be a number, not ") + json_type_name(type);
  } else if (field == "side_effects" && type == element_type::ARRAY) {
    std::vector<std::string> items;
    simdjson::dom::array array;
    if (value.get_array().get(array)) return std::string("must be an array");
    for (const auto item : array) {
      simdjson::dom::object object;
      std::string_view kind, severity;
      if (item.get_object().get(object) || object["kind"].get_string().get(kind) ||
          object["severity"].get_string().get(severity) || object.size() != 2)
        return std::string(
            "each item must be {\"kind\": \"loose_stools\", \"severity\": \"mild\"} and nothing "
            "else");
      items.push_back(std::string(kind) + ":" + std::string(severity));
    }
    text.clear();
    for (const auto& item : items) text += (text.empty() ? "" : ";") + item;
    if (items.empty()) text = "none";
    return std::nullopt;
  } else if (type != element_type::STRING) {
    return std::string("must be a string, not ") + json_type_name(type);
  }
  text = json_scalar_text(value);
  return std::nullopt;
}

/// The entries array of a diary JSON file and the path prefix its errors use ("entries", or ""
/// for a bare array).
std::optional<core::Error> entry_list(simdjson::dom::element root, const std::string& file,
                                      simdjson::dom::array& list, std::string& prefix) {
  prefix = "entries";
  if (root.type() == simdjson::dom::element_type::OBJECT) {
    bool have_entries = false;
    simdjson::dom::object top;
    if (root.get_object().get(top))
      return core::Error(Errc::parse_error, "json", "unreadable", file, 0);
    for (const auto member : top) {
      if (member.key == "format") {
        std::string_view format;
        if (member.value.get_string().get(format) || format != "willis.diary/1")
          return core::Error(Errc::invalid_value, "format",
                             "must be \"willis.diary/1\" (this willis reads that format)", file, 0);
      } else if (member.key == "entries") {
        if (member.value.get_array().get(list))
          return core::Error(Errc::invalid_type, "entries", "must be an array of entries", file, 0);
        have_entries = true;
      } else {
        return core::Error(Errc::unknown_field, std::string(member.key),
                           "is not part of a diary file; the top level has format and entries",
                           file, 0);
      }
    }
    if (!have_entries)
      return core::Error(Errc::missing_field, "entries", "is missing; nothing to import", file, 0);
  } else if (root.get_array().get(list)) {
    return core::Error(Errc::invalid_type, "json",
                       "must be {\"format\": \"willis.diary/1\", \"entries\": […]} or an array of "
                       "entries",
                       file, 0);
  } else {
    prefix = "";
  }
  return std::nullopt;
}

/// One entry object at `where` ("entries[3]"), validated; errors carry `file` and `line`.
core::Result<DiaryEntry> json_entry(simdjson::dom::element item, const std::string& where,
                                    const std::string& file, int line, CalendarDate today) {
  const auto fail = [&](Errc code, const std::string& field, std::string message) {
    return core::Error(code, where + (field.empty() ? "" : "." + field), std::move(message), file,
                       line);
  };
  const auto located = [&](core::Error error) {
    error.path = where + "." + error.path;
    error.file = file;
    error.line = line;
    return error;
  };
  simdjson::dom::object object;
  if (item.get_object().get(object))
    return fail(Errc::invalid_type, "", "must be an object such as {\"date\": \"2026-11-20\", …}");
  DiaryEntry entry;
  bool has_date = false;
  std::map<std::string, std::string> derived;
  std::map<std::string_view, int> keys;
  for (const auto member : object) {
    const std::string field(member.key);
    if (keys[member.key]++)
      return fail(Errc::invalid_value, field, "appears twice in this entry; keep one");
    if (!is_stored_field(field) && !is_derived_field(field))
      return fail(Errc::unknown_field, field,
                  "is not a diary field; the fields are " + column_list());
    std::string value_text;
    if (auto problem = json_field_text(field, member.value, value_text))
      return fail(Errc::invalid_type, field, *problem);
    if (is_derived_field(field)) {
      derived[field] = value_text;
      continue;
    }
    if (field == "date") has_date = true;
    if (auto error = core::set_field(entry, field, value_text)) return located(*error);
  }
  if (!has_date)
    return fail(Errc::missing_field, "date", "is missing; every entry needs its date (YYYY-MM-DD)");
  for (const auto& [field, given] : derived)
    if (auto error = check_derived(entry, field, given)) return located(*error);
  if (auto error = core::validate_entry(entry, today)) return located(*error);
  return entry;
}

}  // namespace

std::optional<DiaryFormat> parse_diary_format(std::string_view text) {
  if (text == "csv") return DiaryFormat::csv;
  if (text == "json") return DiaryFormat::json;
  return std::nullopt;
}

core::Result<std::vector<DiaryEntry>> import_csv(std::string_view text,
                                                 std::string_view source_name, CalendarDate today) {
  const std::string file(source_name);
  auto records = parse_csv(text, file);
  if (!records.ok()) return records.error();
  if (records.value().empty())
    return core::Error(Errc::parse_error, "csv",
                       "the file is empty; it needs a header row such as date,rls,…", file, 1);
  const CsvRecord& header = records.value().front();
  std::vector<std::string> columns;
  std::map<std::string, int> seen;
  for (const auto& raw : header.fields) {
    std::string name = raw;
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.erase(0, 1);
    if (!is_stored_field(name) && !is_derived_field(name))
      return core::Error(
          Errc::unknown_field, name.empty() ? "csv" : name,
          (name.empty() ? std::string("an empty column name") : "is not a diary column") +
              "; the columns are " + column_list(),
          file, header.line);
    if (seen.count(name))
      return core::Error(Errc::invalid_value, name, "appears twice in the header; keep one", file,
                         header.line);
    seen[name] = 1;
    columns.push_back(name);
  }
  if (!seen.count("date"))
    return core::Error(Errc::missing_field, "date",
                       "the header has no date column; every row needs its date (YYYY-MM-DD)", file,
                       header.line);

  std::vector<DiaryEntry> entries;
  std::map<CalendarDate, int> date_lines;
  for (std::size_t record_idx = 1; record_idx < records.value().size(); ++record_idx) {
    const CsvRecord& record = records.value()[record_idx];
    if (record.fields.size() != columns.size())
      return core::Error(Errc::parse_error, "csv",
                         "the row has " + std::to_string(record.fields.size()) +
                             " fields but the header has " + std::to_string(columns.size()) +
                             "; check for a missing or extra comma, and quote notes with commas",
                         file, record.line);
    DiaryEntry entry;
    for (std::size_t column_idx = 0; column_idx < columns.size(); ++column_idx)
      if (is_stored_field(columns[column_idx]))
        if (auto error = core::set_field(entry, columns[column_idx],
                                         from_csv_cell(record.fields[column_idx]))) {
          error->file = file;
          error->line = record.line;
          return *error;
        }
    for (std::size_t column_idx = 0; column_idx < columns.size(); ++column_idx)
      if (is_derived_field(columns[column_idx]))
        if (auto error = check_derived(entry, columns[column_idx], record.fields[column_idx])) {
          error->file = file;
          error->line = record.line;
          return *error;
        }
    if (auto error = core::validate_entry(entry, today)) {
      error->file = file;
      error->line = record.line;
      return *error;
    }
    if (const auto earlier = date_lines.find(entry.date); earlier != date_lines.end())
      return core::Error(Errc::invalid_value, "date",
                         entry.date.str() + " already appears on line " +
                             std::to_string(earlier->second) + "; keep one row per date",
                         file, record.line);
    date_lines[entry.date] = record.line;
    entries.push_back(std::move(entry));
  }
  return entries;
}

core::Result<std::vector<DiaryEntry>> import_json(std::string_view text,
                                                  std::string_view source_name,
                                                  CalendarDate today) {
  const std::string file(source_name);
  // Strict (issue 13): duplicate keys (top level included), invalid UTF-8, control characters.
  if (auto error = check_json(text, file)) return *error;
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(text.data(), text.size());
  simdjson::dom::element root;
  if (const auto error = parser.parse(padded).get(root))
    return core::Error(Errc::parse_error, "json",
                       std::string("is not valid JSON (") + simdjson::error_message(error) +
                           "); export a fresh copy with `willis diary export --format json`",
                       file, 0);
  simdjson::dom::array list;
  std::string prefix;
  if (auto error = entry_list(root, file, list, prefix)) return *error;

  const std::vector<int> lines = entry_lines(text);
  std::vector<DiaryEntry> entries;
  std::map<CalendarDate, std::size_t> seen_dates;
  std::size_t entry_idx = 0;
  for (const auto item : list) {
    const int line = entry_idx < lines.size() ? lines[entry_idx] : 0;
    const std::string where = prefix + "[" + std::to_string(entry_idx) + "]";
    auto entry = json_entry(item, where, file, line, today);
    if (!entry.ok()) return entry.error();
    const CalendarDate date = entry.value().date;
    if (const auto earlier = seen_dates.find(date); earlier != seen_dates.end())
      return core::Error(Errc::invalid_value, where + ".date",
                         date.str() + " already appears in " + prefix + "[" +
                             std::to_string(earlier->second) + "]; keep one entry per date",
                         file, line);
    seen_dates[date] = entry_idx;
    entries.push_back(std::move(entry).value());
    ++entry_idx;
  }
  return entries;
}

}  // namespace willis::codec
