// src/core/food.h: magnesium in foods (USDA SR28, data/usda-sr28-magnesium/) and the estimate of
// daily dietary magnesium from a list of foods and portions. Plain data and arithmetic.
// "Not reported" (no SR28 value) is never treated as zero: it makes the estimate incomplete.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace willis::core {

/// One SR28 household measure: `amount` × `measure_desc` weighs `grams`.
struct FoodPortion {
  int seq = 0;
  double amount = 1;
  std::string measure_desc;  ///< "oz (22 whole kernels)", "cup, chopped"
  double grams = 0;
  /// "1 oz (22 whole kernels)", "0.5 cup" — the words a food list uses to pick it.
  std::string measure() const;
};

struct Food {
  std::string ndb_no;       ///< 5 digits, leading zeros kept ("01117")
  std::string group;        ///< SR28 food group ("Nut and Seed Products"); may be empty
  std::string description;  ///< SR28 long description (short description when there is none)
  std::optional<double> mg_per_100g;  ///< absent = not reported (never zero)
  std::vector<FoodPortion> portions;  ///< in SR28 order (seq)
};

/// The whole table, sorted by ndb_no.
struct FoodTable {
  std::vector<Food> foods;
  const Food* find(std::string_view ndb_no) const;
};

/// Magnesium in `grams` of `food`; absent when SR28 reports no value.
std::optional<double> food_mg(const Food& food, double grams);

/// A number as a measure writes it: 1, 0.5, 0.333 (at most 3 decimals, no trailing zeros).
std::string format_amount(double value);

/// The portion of `food` a food list names: the whole measure ("1 oz (22 whole kernels)"), or
/// its start up to a space, '(' or ',' ("1 oz"), case and spacing ignored.
/// Errors: not_found (lists the food's portions), invalid_value when several match (lists them).
Result<const FoodPortion*> find_portion(const Food& food, std::string_view wanted);

/// One line of a food list (examples/foods.yaml).
struct FoodListItem {
  std::string path;             ///< "foods[2]", for messages
  int line = 0;                 ///< line in the food list file
  std::string ndb_no;           ///< 5 digits
  std::string label;            ///< the person's own name for it (optional; shown)
  std::string portion;          ///< a measure of the food ...
  std::optional<double> grams;  ///< ... or a weight in grams (one of the two)
  double servings = 1;          ///< how many portions
  bool per_week = false;        ///< servings are per week (divided by 7), not per day
};

struct FoodEstimateItem {
  const Food* food = nullptr;
  std::string label;
  std::string measure;  ///< the portion's measure, or "<n> g"
  double grams_per_serving = 0;
  double servings = 1;    ///< as written in the list ...
  bool per_week = false;  ///< ... per week rather than per day
  double servings_per_day = 0;
  std::optional<double> mg_per_day;  ///< absent when SR28 reports no value
};

struct FoodEstimate {
  std::vector<FoodEstimateItem> items;
  double total_mg_per_day = 0;  ///< sum of the items that have a value
  std::vector<std::string>
      not_reported;  ///< ndb_no of items without a value (total is then a lower bound)
  bool complete() const { return not_reported.empty(); }
};

/// Daily dietary magnesium from a food list. Errors (the first problem, with the item's path):
/// not_found for an unknown food or portion, invalid_value for an ambiguous portion.
Result<FoodEstimate> estimate_diet(const FoodTable& table, const std::vector<FoodListItem>& items);

}  // namespace willis::core
