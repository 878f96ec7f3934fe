#include "core/food.h"

#include <gtest/gtest.h>

namespace willis::core {
namespace {

FoodTable table() {
  FoodTable t;
  Food banana{"09040", "Fruits and Fruit Juices", "Bananas, raw", 27.0, {}};
  banana.portions = {{1, 1, "cup, mashed", 225},
                     {2, 1, "cup, sliced", 150},
                     {5, 1, "medium (7\" to 7-7/8\" long)", 118},
                     {8, 1, "NLEA serving", 126}};
  Food mystery{"99999", "", "Something without a value", std::nullopt, {{1, 1, "cup", 100}}};
  t.foods = {banana, mystery};
  return t;
}

TEST(Food, FindsPortionsByTheirMeasureOrItsBeginning) {
  const auto t = table();
  const Food& banana = t.foods[0];
  auto medium = find_portion(banana, "1 Medium");
  ASSERT_TRUE(medium.ok()) << medium.error().message;
  EXPECT_DOUBLE_EQ(medium.value()->grams, 118);
  auto sliced = find_portion(banana, "1 cup, sliced");
  ASSERT_TRUE(sliced.ok());
  EXPECT_DOUBLE_EQ(sliced.value()->grams, 150);
  auto cup = find_portion(banana, "1 cup");
  ASSERT_FALSE(cup.ok());
  EXPECT_EQ(cup.error().code, Errc::invalid_value);
  EXPECT_NE(cup.error().message.find("\"1 cup, mashed\"; \"1 cup, sliced\""), std::string::npos)
      << cup.error().message;
  auto none = find_portion(banana, "1 slice");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, Errc::not_found);
  EXPECT_NE(none.error().message.find("\"1 NLEA serving\""), std::string::npos);
}

TEST(Food, EstimatesPerDayAndPerWeek) {
  const auto t = table();
  std::vector<FoodListItem> items(2);
  items[0] = {"foods[0]", 2, "09040", "", "1 medium", std::nullopt, 2, false};
  items[1] = {"foods[1]", 3, "09040", "", "", 70.0, 1, true};
  auto estimate = estimate_diet(t, items);
  ASSERT_TRUE(estimate.ok());
  EXPECT_NEAR(*estimate.value().items[0].mg_per_day, 27 * 1.18 * 2, 1e-9);  // 63.72
  EXPECT_NEAR(*estimate.value().items[1].mg_per_day, 27 * 0.70 / 7, 1e-9);  // 2.7
  EXPECT_NEAR(estimate.value().total_mg_per_day, 66.42, 1e-9);
  EXPECT_EQ(estimate.value().items[1].measure, "70 g");
}

TEST(Food, NotReportedIsNeverZero) {
  const auto t = table();
  EXPECT_FALSE(food_mg(t.foods[1], 100).has_value());
  std::vector<FoodListItem> items = {{"foods[0]", 1, "99999", "", "1 cup", std::nullopt, 1, false}};
  auto estimate = estimate_diet(t, items);
  ASSERT_TRUE(estimate.ok());
  EXPECT_FALSE(estimate.value().complete());
  EXPECT_FALSE(estimate.value().items[0].mg_per_day.has_value());
}

TEST(Food, UnknownFoodOrPortionNamesTheItem) {
  const auto t = table();
  std::vector<FoodListItem> items = {{"foods[3]", 9, "12345", "", "1 cup", std::nullopt, 1, false}};
  auto estimate = estimate_diet(t, items);
  ASSERT_FALSE(estimate.ok());
  EXPECT_EQ(estimate.error().path, "foods[3].ndb_no");
  EXPECT_EQ(estimate.error().line, 9);
  items = {{"foods[0]", 4, "09040", "", "1 bunch", std::nullopt, 1, false}};
  estimate = estimate_diet(t, items);
  ASSERT_FALSE(estimate.ok());
  EXPECT_EQ(estimate.error().path, "foods[0].portion");
}

TEST(Food, FormatsAmountsAsMeasuresDo) {
  EXPECT_EQ(format_amount(1), "1");
  EXPECT_EQ(format_amount(0.5), "0.5");
  EXPECT_EQ(format_amount(0.333), "0.333");
  EXPECT_EQ(format_amount(28.35), "28.35");
}

}  // namespace
}  // namespace willis::core
