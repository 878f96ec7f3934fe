#include "store/ask_index.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "codec/evidence_yaml.h"
#include "render/evidence_json.h"
#include "codec/food_csv.h"
#include "support/test_kb.h"

namespace willis::store {
namespace {

std::string read(const std::string& relative) {
  std::ifstream in(std::filesystem::path(WILLIS_SOURCE_DIR) / relative, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const core::EvidenceSet& evidence() {
  static const core::EvidenceSet set = [] {
    std::vector<codec::KbFile> files;
    for (const char* name : {"claims.yaml", "conflicts.yaml", "ask.yaml"})
      files.push_back({name, read(std::string("evidence/") + name)});
    auto load = codec::load_evidence(files, testing::kb());
    EXPECT_TRUE(load.errors.empty());
    return std::move(load.evidence);
  }();
  return set;
}

const AskIndex& index() {
  static const AskIndex built = [] {
    auto result = AskIndex::build(core::build_ask_docs(testing::kb(), evidence()));
    if (!result.ok()) ADD_FAILURE() << result.error().message;
    return std::move(result).value();
  }();
  return built;
}

std::vector<std::string> ids(const core::AskResult& result) {
  std::vector<std::string> out;
  for (const auto& answer : result.answers) out.push_back(answer.kb_id);
  return out;
}

TEST(AskIndex, AnswersWithTheEntrysOwnTextAndSources) {
  auto result =
      index().ask("can I take magnesium with levothyroxine?", evidence().ask, testing::kb());
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_TRUE(result.value().matched);
  const auto& best = result.value().answers.front();
  EXPECT_EQ(best.kb_id, "interaction:levothyroxine");
  EXPECT_EQ(best.title, "Levothyroxine: keep it apart from magnesium");
  EXPECT_NE(best.text.find("at least 4 hours after Levothyroxine"), std::string::npos) << best.text;
  EXPECT_EQ(best.sources, (std::vector<std::string>{"l-synthroid", "l-tirosint"}));
  EXPECT_GT(best.score, 0);
}

TEST(AskIndex, BrandNamesFindTheIngredientsEntry) {
  auto result = index().ask("is Fosamax affected by magnesium", evidence().ask, testing::kb());
  ASSERT_TRUE(result.ok());
  ASSERT_FALSE(result.value().answers.empty());
  EXPECT_EQ(result.value().answers.front().kb_id, "interaction:alendronic-acid");
}

TEST(AskIndex, IsDeterministic) {
  const char* question = "is magnesium safe in pregnancy and how much can I take";
  auto first = index().ask(question, evidence().ask, testing::kb());
  auto second = index().ask(question, evidence().ask, testing::kb());
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(ids(first.value()), ids(second.value()));
  for (std::size_t idx = 1; idx < first.value().answers.size(); ++idx)
    EXPECT_GE(first.value().answers[idx - 1].score, first.value().answers[idx].score);
}

TEST(AskIndex, SaysSoWhenNothingMatches) {
  for (const char* question : {"what is the capital of France?", "can I take magnesium?", "???"}) {
    auto result = index().ask(question, evidence().ask, testing::kb());
    ASSERT_TRUE(result.ok());
    EXPECT_FALSE(result.value().matched) << question;
    EXPECT_TRUE(result.value().answers.empty()) << question;
  }
  auto result = index().ask("what is the capital of France?", evidence().ask, testing::kb());
  const std::string json = render::ask_json(result.value(), evidence().ask, false);
  EXPECT_NE(json.find("\"matched\":false"), std::string::npos);
  EXPECT_NE(json.find("\"ask_pharmacist\":[\"Do any of my medicines interact"), std::string::npos)
      << json;
}

TEST(AskIndex, JsonHasTheContractShape) {
  auto result =
      index().ask("can I take magnesium with levothyroxine?", evidence().ask, testing::kb());
  ASSERT_TRUE(result.ok());
  const std::string json = render::ask_json(result.value(), evidence().ask, false);
  EXPECT_EQ(
      json.rfind("{\"question\":\"can I take magnesium with levothyroxine?\",\"matched\":true,", 0),
      0u)
      << json;
  EXPECT_NE(json.find("\"answers\":[{\"kb_id\":\"interaction:levothyroxine\",\"kind\":"
                      "\"interaction\",\"title\":"),
            std::string::npos)
      << json;
  EXPECT_EQ(json.find("\"no_match\""), std::string::npos);
}

TEST(FoodIndex, FindsFoodsByWordsAndPrefixes) {
  auto table = codec::parse_food_table(read("data/usda-sr28-magnesium/foods.csv"),
                                       read("data/usda-sr28-magnesium/portions.csv"));
  ASSERT_TRUE(table.ok());
  auto foods = FoodIndex::build(table.value());
  ASSERT_TRUE(foods.ok()) << foods.error().message;
  const auto has = [](const std::vector<const core::Food*>& list, const char* ndb) {
    return std::any_of(list.begin(), list.end(),
                       [ndb](const core::Food* f) { return f->ndb_no == ndb; });
  };
  auto almonds = foods.value().search("almonds dry roasted", 10);
  ASSERT_TRUE(almonds.ok());
  EXPECT_TRUE(has(almonds.value(), "12063"));
  auto prefix = foods.value().search("almo roast", 50);
  ASSERT_TRUE(prefix.ok());
  EXPECT_TRUE(has(prefix.value(), "12063"));
  auto spinach = foods.value().search("spinach boiled", 5);
  ASSERT_TRUE(spinach.ok());
  EXPECT_TRUE(has(spinach.value(), "11458"));
  EXPECT_LE(spinach.value().size(), 5u);
  auto nothing = foods.value().search("zzzzqqq", 5);
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing.value().empty());
  auto empty = foods.value().search("  \"*) ", 5);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.value().empty());
  auto again = foods.value().search("almonds dry roasted", 10);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), almonds.value());
}

}  // namespace
}  // namespace willis::store
