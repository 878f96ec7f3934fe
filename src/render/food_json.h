// src/render/food_json.h: the JSON shapes of `willis foods`.
#pragma once

#include <string>
#include <vector>

#include "core/food.h"

namespace willis::render {

/// {"foods": [{"ndb_no", "description", "group", "mg_per_100g" (null = not reported),
///             "portions": [{"measure", "grams", "mg"}]}]}; mg per portion rounded to whole mg.
std::string foods_json(const std::vector<const core::Food*>& foods, bool pretty = true);

/// {"items": [{ndb_no, description, label, portion, grams, servings, per, servings_per_day,
/// mg_per_100g, mg_per_day}], "total_mg_per_day", "complete", "not_reported",
/// "diet": {"magnesium_mg_per_day"}}; mg_per_day is null for a food SR28 has no value for.
std::string food_estimate_json(const core::FoodEstimate& estimate, bool pretty = true);

}  // namespace willis::render
