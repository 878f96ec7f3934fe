#include "render/food_json.h"

#include <cmath>

#include "render/json_writer.h"

namespace willis::render {

namespace {

double round_to(double value, double step) {
  return std::round(value / step) * step;
}

}  // namespace

std::string foods_json(const std::vector<const core::Food*>& foods, bool pretty) {
  JsonWriter w(pretty);
  w.begin_object();
  w.key("foods");
  w.begin_array();
  for (const core::Food* food : foods) {
    w.begin_object();
    w.member("ndb_no", food->ndb_no);
    w.member("description", food->description);
    w.member("group", food->group);
    if (food->mg_per_100g)
      w.member("mg_per_100g", *food->mg_per_100g);
    else
      w.member_null("mg_per_100g");
    w.key("portions");
    w.begin_array();
    for (const auto& portion : food->portions) {
      w.begin_object();
      w.member("measure", portion.measure());
      w.member("grams", portion.grams);
      if (const auto mg = core::food_mg(*food, portion.grams))
        w.member("mg", round_to(*mg, 1));
      else
        w.member_null("mg");
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

std::string food_estimate_json(const core::FoodEstimate& estimate, bool pretty) {
  JsonWriter w(pretty);
  w.begin_object();
  w.key("items");
  w.begin_array();
  for (const auto& item : estimate.items) {
    w.begin_object();
    w.member("ndb_no", item.food->ndb_no);
    w.member("description", item.food->description);
    if (item.label.empty())
      w.member_null("label");
    else
      w.member("label", item.label);
    w.member("portion", item.measure);
    w.member("grams", round_to(item.grams_per_serving, 0.01));
    w.member("servings", item.servings);
    w.member("per", item.per_week ? "week" : "day");
    w.member("servings_per_day", round_to(item.servings_per_day, 0.001));
    if (item.food->mg_per_100g)
      w.member("mg_per_100g", *item.food->mg_per_100g);
    else
      w.member_null("mg_per_100g");
    if (item.mg_per_day)
      w.member("mg_per_day", round_to(*item.mg_per_day, 0.1));
    else
      w.member_null("mg_per_day");
    w.end_object();
  }
  w.end_array();
  w.member("total_mg_per_day", round_to(estimate.total_mg_per_day, 0.1));
  w.member("complete", estimate.complete());
  w.key("not_reported");
  w.begin_array();
  for (const auto& ndb : estimate.not_reported) w.value(ndb);
  w.end_array();
  w.key("diet");
  w.begin_object();
  w.member("magnesium_mg_per_day", std::round(estimate.total_mg_per_day));
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace willis::render
