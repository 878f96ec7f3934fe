#include "core/food.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace willis::core {

namespace {

// Lower case, runs of spaces collapsed, trimmed.
std::string simplify(std::string_view text) {
  std::string out;
  for (const char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (std::isspace(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += static_cast<char>(std::tolower(c));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string list_measures(const Food& food) {
  std::string out;
  for (const auto& portion : food.portions) {
    if (!out.empty()) out += "; ";
    out += "\"" + portion.measure() + "\"";
  }
  return out.empty() ? "none (give grams instead)" : out;
}

}  // namespace

std::string format_amount(double value) {
  const double rounded = std::round(value * 1000.0) / 1000.0;
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, rounded);
  if (ec != std::errc()) return "?";
  return std::string(buffer, end);
}

std::string FoodPortion::measure() const {
  return format_amount(amount) + " " + measure_desc;
}

const Food* FoodTable::find(std::string_view ndb_no) const {
  const auto found =
      std::lower_bound(foods.begin(), foods.end(), ndb_no,
                       [](const Food& food, std::string_view key) { return food.ndb_no < key; });
  return found != foods.end() && found->ndb_no == ndb_no ? &*found : nullptr;
}

std::optional<double> food_mg(const Food& food, double grams) {
  if (!food.mg_per_100g) return std::nullopt;
  return *food.mg_per_100g * grams / 100.0;
}

Result<const FoodPortion*> find_portion(const Food& food, std::string_view wanted) {
  const std::string key = simplify(wanted);
  std::vector<const FoodPortion*> exact, prefix;
  for (const auto& portion : food.portions) {
    const std::string measure = simplify(portion.measure());
    if (measure == key)
      exact.push_back(&portion);
    else if (!key.empty() && measure.size() > key.size() &&
             measure.compare(0, key.size(), key) == 0 &&
             (measure[key.size()] == ' ' || measure[key.size()] == '(' ||
              measure[key.size()] == ','))
      prefix.push_back(&portion);
  }
  if (exact.size() == 1) return exact.front();
  const auto& matches = exact.empty() ? prefix : exact;
  if (matches.size() == 1) return matches.front();
  if (matches.empty())
    return Error{Errc::not_found, "portion",
                 "\"" + std::string(wanted) + "\" is not a portion of " + food.ndb_no + " (" +
                     food.description + "); its portions are " + list_measures(food) +
                     ", or give grams"};
  std::string options;
  for (const FoodPortion* portion : matches)
    options += (options.empty() ? "\"" : "; \"") + portion->measure() + "\"";
  return Error{Errc::invalid_value, "portion",
               "\"" + std::string(wanted) + "\" matches several portions of " + food.ndb_no + ": " +
                   options + "; write one in full"};
}

Result<FoodEstimate> estimate_diet(const FoodTable& table, const std::vector<FoodListItem>& items) {
  FoodEstimate estimate;
  for (const auto& item : items) {
    const Food* food = table.find(item.ndb_no);
    if (!food)
      return Error{
          Errc::not_found, item.path + ".ndb_no",
          "no food " + item.ndb_no + " in USDA SR28 (find the number with willis foods search)", "",
          item.line};
    FoodEstimateItem out;
    out.food = food;
    out.label = item.label;
    if (item.grams) {
      out.grams_per_serving = *item.grams;
      out.measure = format_amount(*item.grams) + " g";
    } else {
      auto portion = find_portion(*food, item.portion);
      if (!portion.ok()) {
        Error error = portion.error();
        error.path = item.path + ".portion";
        error.line = item.line;
        return error;
      }
      out.grams_per_serving = portion.value()->grams;
      out.measure = portion.value()->measure();
    }
    out.servings = item.servings;
    out.per_week = item.per_week;
    out.servings_per_day = item.per_week ? item.servings / 7.0 : item.servings;
    out.mg_per_day = food_mg(*food, out.grams_per_serving * out.servings_per_day);
    if (out.mg_per_day)
      estimate.total_mg_per_day += *out.mg_per_day;
    else
      estimate.not_reported.push_back(food->ndb_no);
    estimate.items.push_back(std::move(out));
  }
  return estimate;
}

}  // namespace willis::core
