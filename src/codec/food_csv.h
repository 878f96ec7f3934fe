// src/codec/food_csv.h: the USDA SR28 magnesium table (data/usda-sr28-magnesium/foods.csv and
// portions.csv) and food lists (YAML) -> core food data (their JSON shapes: render/food_json.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/food.h"
#include "core/result.h"

namespace willis::codec {

/// Parses the two CSV files (RFC 4180: quoted fields, "" inside quotes, CRLF or LF).
/// Columns are found by header name; an empty mg_per_100g stays "not reported".
/// Errors: parse_error with the file and line (bad quoting, missing column, a number that is not
/// one, a portion of an unknown food, a duplicate ndb_no).
core::Result<core::FoodTable> parse_food_table(std::string_view foods_csv,
                                               std::string_view portions_csv);

/// A food list read from YAML:
///
///     foods:
///       - ndb_no: "12063"        # from willis foods search
///         portion: "1 oz"        # a measure of that food (or: grams: 28)
///         servings: 2            # optional, default 1
///         per: day               # optional: day (default) or week
///         label: "almonds"       # optional, your own name for it
struct FoodListLoad {
  std::vector<core::FoodListItem> items;
  std::vector<core::Error> errors;  ///< every problem, with file:line
};
FoodListLoad parse_food_list(std::string_view yaml, const std::string& file);

}  // namespace willis::codec
