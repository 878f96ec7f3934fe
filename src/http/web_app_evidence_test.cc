// src/http/web_app_evidence_test.cc: the evidence, sources, conflicts, ask and food pages.
// support/test_kb.h first: the shared fixture uses it (http/ headers may not include support/).
#include "support/test_kb.h"
// clang-format off
#include "http/web_app_test_support.h"
// clang-format on

namespace willis::http {
namespace {

/// The evidence and food data as `willis serve` loads them (the built-in copy).
struct EvidenceFixture {
  EvidenceFixture() {
    auto loaded = app::load_evidence(testing::kb());
    EXPECT_TRUE(loaded.errors.empty());
    evidence = std::move(loaded.evidence);
    auto table = app::load_food_table();
    EXPECT_TRUE(table.ok());
    foods = std::move(table).value();
    auto built_ask = store::AskIndex::build(core::build_ask_docs(testing::kb(), evidence));
    auto built_food = store::FoodIndex::build(foods);
    EXPECT_TRUE(built_ask.ok() && built_food.ok());
    ask.emplace(std::move(built_ask).value());
    food_index.emplace(std::move(built_food).value());
  }
  EvidenceData data() const { return {&evidence, &*ask, &foods, &*food_index}; }
  core::EvidenceSet evidence;
  core::FoodTable foods;
  std::optional<store::AskIndex> ask;
  std::optional<store::FoodIndex> food_index;
};

WebOptions with_evidence(const EvidenceFixture& fixture) {
  WebOptions options;
  options.evidence = fixture.data();
  return options;
}

TEST_F(WebAppTest, EvidencePagesFilterAndCite) {
  const EvidenceFixture fixture;
  start(with_evidence(fixture));
  auto c = client();
  const auto all = c.Get("/evidence");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 200);
  EXPECT_EQ(count(all->body, "<article class=\"claim\""), fixture.evidence.claims.size());
  const auto contradicted = c.Get("/evidence?verdict=contradicted");
  ASSERT_TRUE(contradicted);
  std::size_t expected = 0;
  for (const auto& claim : fixture.evidence.claims) expected += claim.verdict == "contradicted";
  ASSERT_GT(expected, 0u);
  EXPECT_EQ(count(contradicted->body, "<article class=\"claim\""), expected);
  EXPECT_EQ(count(contradicted->body, "data-verdict=\"contradicted\""), expected);
  const auto sources = c.Get("/sources");
  ASSERT_TRUE(sources);
  EXPECT_EQ(count(sources->body, "<dt id=\""), testing::kb().sources.size());
  const auto conflicts = c.Get("/conflicts");
  ASSERT_TRUE(conflicts);
  EXPECT_EQ(count(conflicts->body, "<section class=\"conflict\""),
            fixture.evidence.conflicts.size());
  // The Ask box is on every page, the Evidence link in the navigation.
  for (const auto* res : {&all, &sources, &conflicts}) {
    EXPECT_NE((*res)->body.find("<form class=\"ask-box\" role=\"search\" action=\"/ask\""),
              std::string::npos);
    EXPECT_NE((*res)->body.find("<a href=\"/evidence\" aria-current=\"page\">Evidence</a>"),
              std::string::npos);
  }
}

TEST_F(WebAppTest, AskAnswersFromTheKbAndEscapesTheQuestion) {
  const EvidenceFixture fixture;
  start(with_evidence(fixture));
  auto c = client();
  const auto answer = c.Get("/ask?q=can+I+take+magnesium+with+levothyroxine%3F");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_NE(answer->body.find("data-kb-id=\"interaction:levothyroxine\""), std::string::npos)
      << answer->body;
  const auto hostile = c.Get("/ask?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+magnesium");
  ASSERT_TRUE(hostile);
  EXPECT_EQ(hostile->body.find("<script>alert"), std::string::npos);
  EXPECT_NE(hostile->body.find("&lt;script&gt;alert(1)"), std::string::npos);
}

TEST_F(WebAppTest, FoodPickerAddsUpAndOnlyPrefillsTheProfile) {
  const EvidenceFixture fixture;
  start(with_evidence(fixture));
  save_profile(R"({"age": 54})");
  auto c = client();
  // USDA SR28: almonds (12061) 270 mg, raw spinach (11457) 79 mg per 100 g: 0.5 x 270 + 2 x 79 =
  // 293.
  const auto list = c.Get("/foods?item=11457:0:2&add=12061&portion=0&servings=0.5&item=bogus");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_NE(list->body.find("<strong>293 mg</strong>"), std::string::npos) << list->body;
  EXPECT_NE(list->body.find("href=\"/profile?diet=293#f-diet-magnesium_mg_per_day\""),
            std::string::npos);
  EXPECT_NE(list->body.find("&quot;bogus&quot; is not a food of the list"), std::string::npos)
      << "reported, not dropped";
  const auto prefilled = c.Get("/profile?diet=293");
  ASSERT_TRUE(prefilled);
  EXPECT_NE(prefilled->body.find("value=\"293\""), std::string::npos);
  const auto stored = c.Get("/api/profile");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->body.find("293"), std::string::npos) << "a GET never saves: " << stored->body;
}

TEST_F(WebAppTest, EvidencePagesSayWhenTheDataIsNotBuiltIn) {
  start();
  auto c = client();
  for (const char* path :
       {"/evidence", "/sources", "/conflicts", "/ask?q=magnesium", "/foods?q=almonds"}) {
    const auto res = c.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_NE(res->body.find("built without its evidence and food data"), std::string::npos)
        << path;
  }
}

}  // namespace
}  // namespace willis::http
