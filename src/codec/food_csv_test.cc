#include "codec/food_csv.h"
#include "render/food_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace willis::codec {
namespace {

std::string read(const std::string& relative) {
  std::ifstream in(std::filesystem::path(WILLIS_SOURCE_DIR) / relative, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const core::FoodTable& sr28() {
  static const core::FoodTable table = [] {
    auto parsed = parse_food_table(read("data/usda-sr28-magnesium/foods.csv"),
                                   read("data/usda-sr28-magnesium/portions.csv"));
    if (!parsed.ok())
      ADD_FAILURE() << parsed.error().file << ":" << parsed.error().line << ": "
                    << parsed.error().message;
    return parsed.ok() ? std::move(parsed).value() : core::FoodTable{};
  }();
  return table;
}

const char* const kFoods =
    "ndb_no,food_group_code,food_group,long_desc,short_desc,mg_per_100g\r\n"
    "12063,1200,Nut and Seed Products,\"Nuts, almonds, dry roasted, without salt "
    "added\",\"ALMONDS,DRY RSTD\",279\r\n"
    "01117,0100,Dairy and Egg Products,\"Yogurt, plain, low fat, \"\"12 g\"\" "
    "protein\",YOGURT,17\r\n"
    "33879,,,,\"BABYFOOD,FINGER SNACKS\",\r\n";
const char* const kPortions =
    "ndb_no,seq,amount,measure_desc,gram_weight\r\n"
    "12063,2,1,oz (22 whole kernels),28.35\r\n"
    "12063,1,1,cup whole kernels,138\r\n"
    "01117,3,.5,container (4 oz),113\r\n"
    "01117,2,1,container (8 oz),227\r\n";

TEST(FoodCsv, ParsesQuotesCrlfAndNotReportedValues) {
  auto parsed = parse_food_table(kFoods, kPortions);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const auto& table = parsed.value();
  ASSERT_EQ(table.foods.size(), 3u);
  EXPECT_EQ(table.foods[0].ndb_no, "01117");  // sorted; leading zero kept
  EXPECT_EQ(table.foods[0].description, "Yogurt, plain, low fat, \"12 g\" protein");
  const auto* almonds = table.find("12063");
  ASSERT_NE(almonds, nullptr);
  EXPECT_EQ(almonds->description, "Nuts, almonds, dry roasted, without salt added");
  EXPECT_EQ(almonds->mg_per_100g, 279);
  ASSERT_EQ(almonds->portions.size(), 2u);
  EXPECT_EQ(almonds->portions[0].measure(), "1 cup whole kernels");  // ordered by seq
  EXPECT_EQ(almonds->portions[1].measure(), "1 oz (22 whole kernels)");
  EXPECT_EQ(table.find("01117")->portions[0].measure(), "1 container (8 oz)");
  EXPECT_EQ(table.find("01117")->portions[1].measure(), "0.5 container (4 oz)");
  const auto* snack = table.find("33879");
  ASSERT_NE(snack, nullptr);
  EXPECT_EQ(snack->description,
            "BABYFOOD,FINGER SNACKS");           // short description when there is no long one
  EXPECT_FALSE(snack->mg_per_100g.has_value());  // not reported, never zero
}

TEST(FoodCsv, ReportsBadInputWithFileAndLine) {
  auto bad_number = parse_food_table(
      "ndb_no,food_group,long_desc,short_desc,mg_per_100g\n12063,g,a,b,lots\n", kPortions);
  ASSERT_FALSE(bad_number.ok());
  EXPECT_EQ(bad_number.error().file, "foods.csv");
  EXPECT_EQ(bad_number.error().line, 2);
  auto unclosed = parse_food_table(
      "ndb_no,food_group,long_desc,short_desc,mg_per_100g\n12063,g,\"a,b,5\n", kPortions);
  ASSERT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.error().message.find("not closed"), std::string::npos);
  auto orphan =
      parse_food_table(kFoods, "ndb_no,seq,amount,measure_desc,gram_weight\n99999,1,1,cup,10\n");
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().file, "portions.csv");
  auto missing = parse_food_table("ndb_no,long_desc\n", kPortions);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("missing column"), std::string::npos);
}

TEST(FoodCsv, TheRepositoryTableMatchesItsReadme) {
  const auto& table = sr28();
  EXPECT_EQ(table.foods.size(), 8790u);
  std::size_t not_reported = 0, portions = 0;
  for (const auto& food : table.foods) {
    not_reported += !food.mg_per_100g;
    portions += food.portions.size();
  }
  EXPECT_EQ(not_reported, 739u);
  EXPECT_EQ(portions, 15438u);
  // Spot checks from sources: sr28 (mg per 100 g).
  EXPECT_EQ(table.find("12016")->mg_per_100g, 550);  // pumpkin seeds, roasted
  EXPECT_EQ(table.find("11458")->mg_per_100g, 87);   // spinach, boiled
  EXPECT_EQ(table.find("19904")->mg_per_100g, 228);  // dark chocolate 70-85 %
}

// Hand-computed: mg = mg_per_100g x grams / 100 x servings a day.
TEST(FoodCsv, ExampleFoodListEstimateMatchesHandComputedValues) {
  const auto list = parse_food_list(read("examples/foods.yaml"), "examples/foods.yaml");
  ASSERT_TRUE(list.errors.empty()) << list.errors.front().message;
  auto estimate = core::estimate_diet(sr28(), list.items);
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  const auto& items = estimate.value().items;
  ASSERT_EQ(items.size(), 5u);
  EXPECT_NEAR(*items[0].mg_per_day, 279 * 28.35 / 100, 1e-9);  // almonds, 1 oz: 79.0965
  EXPECT_NEAR(*items[1].mg_per_day, 87 * 180 / 100.0 * 2 / 7,
              1e-9);                                          // spinach, 1 cup twice a week: 44.74
  EXPECT_NEAR(*items[2].mg_per_day, 27 * 118 / 100.0, 1e-9);  // banana, medium: 31.86
  EXPECT_NEAR(*items[3].mg_per_day, 17 * 227 / 100.0, 1e-9);  // yoghurt, 8 oz container: 38.59
  EXPECT_NEAR(*items[4].mg_per_day, 39 * 150 / 100.0, 1e-9);  // brown rice, 150 g: 58.5
  EXPECT_NEAR(estimate.value().total_mg_per_day, 252.789357, 1e-6);
  EXPECT_TRUE(estimate.value().complete());
  const std::string json = render::food_estimate_json(estimate.value(), false);
  EXPECT_NE(json.find("\"total_mg_per_day\":252.8"), std::string::npos) << json;
  EXPECT_NE(json.find("\"diet\":{\"magnesium_mg_per_day\":253}"), std::string::npos) << json;
}

TEST(FoodCsv, NotReportedFoodMakesTheEstimateALowerBound) {
  auto parsed = parse_food_table(kFoods, kPortions);
  ASSERT_TRUE(parsed.ok());
  const auto list = parse_food_list(
      "foods:\n  - {ndb_no: \"12063\", grams: 100}\n  - {ndb_no: 33879, grams: 50}\n", "f.yaml");
  ASSERT_TRUE(list.errors.empty());
  auto estimate = core::estimate_diet(parsed.value(), list.items);
  ASSERT_TRUE(estimate.ok());
  EXPECT_DOUBLE_EQ(estimate.value().total_mg_per_day, 279);
  EXPECT_FALSE(estimate.value().complete());
  EXPECT_EQ(estimate.value().not_reported, std::vector<std::string>{"33879"});
  const std::string json = render::food_estimate_json(estimate.value(), false);
  EXPECT_NE(json.find("\"mg_per_100g\":null,\"mg_per_day\":null"), std::string::npos) << json;
  EXPECT_NE(json.find("\"complete\":false"), std::string::npos) << json;
}

TEST(FoodCsv, FoodListIsStrict) {
  const auto list = parse_food_list(
      "foods:\n"
      "  - {ndb_no: \"12063\", portion: \"1 oz\", grams: 28}\n"
      "  - {ndb_no: \"123456\", grams: 1}\n"
      "  - {ndb_no: 1117, portion: \"1 container (8 oz)\", per: fortnight}\n"
      "  - {ndb_no: \"12063\", portion: \"1 oz\", colour: brown}\n"
      "  - {portion: \"1 oz\"}\n",
      "my-foods.yaml");
  std::string text;
  for (const auto& error : list.errors)
    text += error.file + ":" + std::to_string(error.line) + ": " + error.path + ": " +
            error.message + "\n";
  EXPECT_NE(text.find("my-foods.yaml:2: foods[0].grams: give either portion"), std::string::npos)
      << text;
  EXPECT_NE(text.find("foods[1].ndb_no: \"123456\" is not a 5-digit"), std::string::npos) << text;
  EXPECT_NE(text.find("foods[2].per"), std::string::npos) << text;
  EXPECT_NE(text.find("foods[3].colour"), std::string::npos) << text;
  EXPECT_NE(text.find("foods[4].ndb_no: is required"), std::string::npos) << text;
  ASSERT_GE(list.items.size(), 3u);
  EXPECT_EQ(list.items[2].ndb_no, "01117");  // YAML number 1117: leading zero restored
}

TEST(FoodCsv, FoodsJsonHasTheContractShape) {
  const auto* almonds = sr28().find("12063");
  ASSERT_NE(almonds, nullptr);
  const std::string json = render::foods_json({almonds}, false);
  EXPECT_EQ(json,
            "{\"foods\":[{\"ndb_no\":\"12063\",\"description\":\"Nuts, almonds, dry roasted, "
            "without salt added\","
            "\"group\":\"Nut and Seed Products\",\"mg_per_100g\":279,\"portions\":["
            "{\"measure\":\"1 cup whole kernels\",\"grams\":138,\"mg\":385},"
            "{\"measure\":\"1 oz (22 whole kernels)\",\"grams\":28.35,\"mg\":79}]}]}");
}

}  // namespace
}  // namespace willis::codec
