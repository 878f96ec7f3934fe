#include "render/diary_export.h"

#include "render/csv.h"
#include "render/json_writer.h"

namespace willis::render {
namespace {

using core::DiaryEntry;

void write_entry_json(JsonWriter& writer, const DiaryEntry& entry) {
  writer.begin_object();
  for (const auto field : core::kEntryFields) {
    writer.key(field);
    const std::string text = core::field_text(entry, field);
    if (field == "side_effects" && entry.side_effects) {
      writer.begin_array();
      for (const auto& effect : *entry.side_effects) {
        writer.begin_object();
        writer.member("kind", core::to_string(effect.kind));
        writer.member("severity", core::to_string(effect.severity));
        writer.end_object();
      }
      writer.end_array();
    } else if (field == "magnesium_mg" && entry.magnesium_mg) {
      writer.value(*entry.magnesium_mg);
    } else if (text.empty() && field != "note") {
      writer.null();
    } else if (field == "rls" || field == "sleep_quality" || field == "sol_min" ||
               field == "awakenings" || field == "waso_min" || field == "irls_total") {
      writer.value(std::stoi(text));
    } else {
      writer.value(text);
    }
  }
  for (const auto field : core::kDerivedFields) {
    const std::string text = core::field_text(entry, field);
    writer.key(field);
    if (text.empty())
      writer.null();
    else
      writer.value(std::stod(text));
  }
  writer.end_object();
}

}  // namespace

std::string export_csv(const std::vector<DiaryEntry>& entries) {
  std::string out;
  bool first = true;
  for (const auto field : core::kEntryFields) {
    out += first ? "" : ",";
    out += field;
    first = false;
  }
  for (const auto field : core::kDerivedFields) (out += ",") += field;
  out += '\n';
  for (const auto& entry : entries) {
    first = true;
    for (const auto field : core::kEntryFields) {
      out += first ? "" : ",";
      out += csv_field(csv_cell(core::field_text(entry, field)));
      first = false;
    }
    for (const auto field : core::kDerivedFields) (out += ",") += core::field_text(entry, field);
    out += '\n';
  }
  return out;
}

std::string export_json(const std::vector<DiaryEntry>& entries) {
  JsonWriter writer;
  writer.begin_object();
  writer.member("format", "willis.diary/1");
  writer.key("entries");
  writer.begin_array();
  for (const auto& entry : entries) write_entry_json(writer, entry);
  writer.end_array();
  writer.end_object();
  return writer.take() + "\n";
}

}  // namespace willis::render
