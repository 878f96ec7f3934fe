#include "codec/food_csv.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "codec/csv.h"
#include "codec/yaml_fields.h"

namespace willis::codec {

using core::Errc;

namespace {

const char* const kFoodsFile = "foods.csv";
const char* const kPortionsFile = "portions.csv";

using Columns = std::map<std::string, std::size_t>;

// Header name -> column, checked for the columns we need.
core::Result<Columns> header(const std::vector<CsvRecord>& records, const char* file,
                             std::initializer_list<const char*> needed) {
  if (records.empty()) return core::Error{Errc::parse_error, "", "the file is empty", file, 1};
  const auto& fields = records.front().fields;
  Columns columns;
  for (std::size_t idx = 0; idx < fields.size(); ++idx) columns[fields[idx]] = idx;
  for (const char* name : needed)
    if (!columns.count(name))
      return core::Error{Errc::parse_error, "", std::string("missing column \"") + name + "\"",
                         file, 1};
  return columns;
}

std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

bool is_ndb_no(const std::string& text) {
  return text.size() == 5 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

/// Calls `row(fields, columns, line)` for each record after the header of `csv`, which must have
/// the `needed` columns and as many fields in every row; the first error (of the file or of `row`)
/// ends the reading.
template <class Row>
std::optional<core::Error> for_each_row(std::string_view csv, const char* file,
                                        std::initializer_list<const char*> needed, Row&& row) {
  const auto records = parse_csv(csv, file);
  if (!records.ok()) return records.error();
  auto columns = header(records.value(), file, needed);
  if (!columns.ok()) return columns.error();
  const Columns& col = columns.value();
  for (std::size_t record_idx = 1; record_idx < records.value().size(); ++record_idx) {
    const auto& fields = records.value()[record_idx].fields;
    const int line = records.value()[record_idx].line;
    if (fields.size() != col.size())
      return core::Error{Errc::parse_error, "",
                         "expected " + std::to_string(col.size()) + " fields, found " +
                             std::to_string(fields.size()),
                         file, line};
    if (auto error = row(fields, col, line)) return error;
  }
  return std::nullopt;
}

/// The rows of foods.csv, in file order; errors name the file and line.
std::optional<core::Error> read_foods(std::string_view foods_csv, core::FoodTable& table) {
  return for_each_row(
      foods_csv, kFoodsFile, {"ndb_no", "food_group", "long_desc", "short_desc", "mg_per_100g"},
      [&](const std::vector<std::string>& fields, const Columns& col,
          int line) -> std::optional<core::Error> {
        core::Food food;
        food.ndb_no = fields[col.at("ndb_no")];
        if (!is_ndb_no(food.ndb_no))
          return core::Error{Errc::parse_error, "",
                             "ndb_no \"" + food.ndb_no + "\" is not 5 digits", kFoodsFile, line};
        food.group = fields[col.at("food_group")];
        food.description = fields[col.at("long_desc")];
        if (food.description.empty()) food.description = fields[col.at("short_desc")];
        const std::string& mg = fields[col.at("mg_per_100g")];
        if (!mg.empty()) {
          food.mg_per_100g = parse_number(mg);
          if (!food.mg_per_100g || *food.mg_per_100g < 0)
            return core::Error{Errc::parse_error, "", "mg_per_100g \"" + mg + "\" is not a number",
                               kFoodsFile, line};
        }
        table.foods.push_back(std::move(food));
        return std::nullopt;
      });
}

/// The rows of portions.csv, each added to its food (`table.foods` sorted by ndb_no).
std::optional<core::Error> read_portions(std::string_view portions_csv, core::FoodTable& table) {
  return for_each_row(
      portions_csv, kPortionsFile, {"ndb_no", "seq", "amount", "measure_desc", "gram_weight"},
      [&](const std::vector<std::string>& fields, const Columns& col,
          int line) -> std::optional<core::Error> {
        const std::string& ndb_no = fields[col.at("ndb_no")];
        const auto found = std::lower_bound(
            table.foods.begin(), table.foods.end(), ndb_no,
            [](const core::Food& f, const std::string& key) { return f.ndb_no < key; });
        core::Food* food =
            found != table.foods.end() && found->ndb_no == ndb_no ? &*found : nullptr;
        if (!food)
          return core::Error{Errc::parse_error, "", "portion of unknown food " + ndb_no,
                             kPortionsFile, line};
        core::FoodPortion portion;
        const auto seq = parse_number(fields[col.at("seq")]);
        const auto amount = parse_number(fields[col.at("amount")]);
        const auto grams = parse_number(fields[col.at("gram_weight")]);
        if (!seq || !amount || !grams || *amount <= 0 || *grams <= 0)
          return core::Error{Errc::parse_error, "",
                             "seq, amount and gram_weight must be positive numbers", kPortionsFile,
                             line};
        portion.seq = static_cast<int>(*seq);
        portion.amount = *amount;
        portion.measure_desc = fields[col.at("measure_desc")];
        portion.grams = *grams;
        food->portions.push_back(std::move(portion));
        return std::nullopt;
      });
}

}  // namespace

core::Result<core::FoodTable> parse_food_table(std::string_view foods_csv,
                                               std::string_view portions_csv) {
  core::FoodTable table;
  if (auto error = read_foods(foods_csv, table)) return *error;
  std::sort(table.foods.begin(), table.foods.end(),
            [](const auto& a, const auto& b) { return a.ndb_no < b.ndb_no; });
  for (std::size_t idx = 1; idx < table.foods.size(); ++idx)
    if (table.foods[idx].ndb_no == table.foods[idx - 1].ndb_no)
      return core::Error{Errc::parse_error, "", "duplicate ndb_no " + table.foods[idx].ndb_no,
                         kFoodsFile, 0};
  if (auto error = read_portions(portions_csv, table)) return *error;
  for (auto& food : table.foods)
    std::stable_sort(food.portions.begin(), food.portions.end(),
                     [](const auto& a, const auto& b) { return a.seq < b.seq; });
  return table;
}

FoodListLoad parse_food_list(std::string_view yaml, const std::string& file) {
  FoodListLoad out;
  ErrorSink sink;
  auto root = parse_yaml_text(yaml, file);
  if (!root.ok()) {
    out.errors.push_back(root.error());
    return out;
  }
  Fields top(root.value(), "", file, sink);
  const YAML::Node foods = top.node("foods");
  top.finish();
  if (!foods.IsSequence() || foods.size() == 0) {
    sink.add(Errc::missing_field, "foods",
             "is required: a list of foods, each with ndb_no and portion or grams", file,
             line_of(root.value()));
  } else {
    for (std::size_t idx = 0; idx < foods.size(); ++idx) {
      Fields item(foods[idx], item_path("foods", idx), file, sink);
      core::FoodListItem food;
      food.path = item.path();
      food.line = item.line();
      const YAML::Node ndb = item.node("ndb_no");
      if (!ndb.IsDefined() || ndb.IsNull()) {
        item.error(Errc::missing_field, "ndb_no",
                   "is required (the 5-digit number from willis foods search)");
      } else if (!ndb.IsScalar()) {
        item.error(Errc::invalid_type, "ndb_no", "expected a 5-digit number such as \"12063\"");
      } else {
        food.ndb_no = ndb.Scalar();
        if (!food.ndb_no.empty() && food.ndb_no.size() < 5 &&
            std::all_of(food.ndb_no.begin(), food.ndb_no.end(),
                        [](unsigned char c) { return std::isdigit(c); }))
          food.ndb_no.insert(0, 5 - food.ndb_no.size(),
                             '0');  // 1117 -> 01117 (YAML drops leading zeros of numbers)
        if (!is_ndb_no(food.ndb_no))
          item.error(
              Errc::invalid_value, "ndb_no",
              "\"" + ndb.Scalar() + "\" is not a 5-digit SR28 number (see willis foods search)");
      }
      food.label = item.text("label").value_or("");
      food.portion = item.text("portion").value_or("");
      food.grams = item.number("grams", 0.001, 100000);
      if (food.portion.empty() == !food.grams.has_value())
        item.error(Errc::invalid_value, food.grams ? "grams" : "portion",
                   "give either portion (a measure of the food) or grams, not both");
      food.servings = item.number("servings", 0.001, 1000).value_or(1);
      food.per_week = item.choice("per", {"day", "week"}).value_or("day") == "week";
      item.finish();
      out.items.push_back(std::move(food));
    }
  }
  out.errors = std::move(sink.errors);
  return out;
}

}  // namespace willis::codec
