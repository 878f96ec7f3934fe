#include "core/ask_evidence.h"

#include <gtest/gtest.h>

#include "core/ask.h"
#include "support/test_kb.h"

namespace willis::core {
namespace {

TEST(AskEvidence, FillsPlaceholdersAndRefusesUnknownOnes) {
  const std::map<std::string, std::string, std::less<>> values = {{"mg", "350"}, {"kind", "UL"}};
  auto filled = fill_placeholders("{mg} mg a day ({kind})", values);
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(filled.value(), "350 mg a day (UL)");
  auto unknown = fill_placeholders("{mg} and {colour}", values);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("{colour}"), std::string::npos);
  EXPECT_FALSE(fill_placeholders("{mg", values).ok());
}

TEST(AskEvidence, FormatsNumbersAsPeopleWriteThem) {
  EXPECT_EQ(format_quantity(4), "4");
  EXPECT_EQ(format_quantity(0.5), "0.5");
  EXPECT_EQ(format_quantity(350.0), "350");
  EXPECT_EQ(format_quantity(28.349999), "28.35");
}

TEST(AskEvidence, ResolvesEveryRefFormFromTheKb) {
  const auto& kb = testing::kb();
  auto limit = resolve_ref(kb, "upper_limit:us:9");
  ASSERT_TRUE(limit.ok()) << limit.error().message;
  EXPECT_EQ(limit.value().values.at("mg"), "350");
  EXPECT_EQ(limit.value().values.at("year"), "1997");
  EXPECT_EQ(limit.value().sources, std::vector<std::string>{"iom1997"});
  auto window = resolve_ref(kb, "window:eltrombopag:eu-revolade-smpc");
  ASSERT_TRUE(window.ok()) << window.error().message;
  EXPECT_EQ(window.value().values.at("after_h"), "4");
  auto effective = resolve_ref(kb, "interaction:alendronic-acid");
  ASSERT_TRUE(effective.ok());
  EXPECT_EQ(effective.value().values.at("after_h"), "4");
  EXPECT_EQ(resolve_ref(kb, "window:alendronic-acid:l-fosamax").value().values.at("after_h"),
            "0.5");
  EXPECT_EQ(resolve_ref(kb, "iron:uk").value().values.count("ferritin_at_or_below"), 0u);
  EXPECT_EQ(resolve_ref(kb, "iron:uk").value().values.at("ferritin_below"), "75");
  EXPECT_EQ(resolve_ref(kb, "treatment:aasm-pramipexole").value().values.at("direction"),
            "against standard use");
  EXPECT_EQ(resolve_ref(kb, "reference_intake:uk:19:female").value().values.at("mg"), "270");
  EXPECT_EQ(resolve_ref(kb, "threshold:plan_review_weeks").value().values.at("value"), "8");
  EXPECT_EQ(resolve_ref(kb, "treatment:nope").error().code, Errc::not_found);
  EXPECT_EQ(resolve_ref(kb, "upper_limit:mars:9").error().code, Errc::not_found);
  EXPECT_EQ(resolve_ref(kb, "window:eltrombopag").error().code, Errc::invalid_value);
}

TEST(AskEvidence, QueryDropsStopWordsAndAddsSynonyms) {
  AskSettings settings;
  settings.stop_words = {"can", "i", "with", "my"};
  settings.weak_words = {"magnesium", "take"};
  settings.synonyms = {{{"water pill"}, {"diuretic", "water tablets"}}};
  const auto query = make_ask_query("Can I take magnesium with my water pill?", settings);
  EXPECT_EQ(query.terms,
            (std::vector<std::string>{"diuretic", "water", "tablets", "take", "magnesium"}));
  EXPECT_EQ(query.informative, (std::vector<std::string>{"diuretic", "water", "tablets"}));
  ASSERT_EQ(query.concepts.size(), 1u);  // the phrase and what it adds are one concept
  EXPECT_TRUE(make_ask_query("Can I take magnesium?", settings).informative.empty());
}

TEST(AskEvidence, FindsMedicinesByBrandAndFillsThemIn) {
  const auto& kb = testing::kb();
  EXPECT_EQ(mentioned_medicines("Is Synthroid ok with magnesium?", kb, {"magnesium"}),
            std::vector<std::string>{"levothyroxine"});
  EXPECT_EQ(mentioned_medicines("milk of magnesia and digoxin", kb, {"magnesium"}),
            (std::vector<std::string>{"milk-of-magnesia", "digoxin"}));
  EvidenceSet none;
  const auto docs = build_ask_docs(kb, none);
  const auto ppi = std::find_if(docs.begin(), docs.end(),
                                [](const AskDoc& d) { return d.kb_id == "depletion:ppi"; });
  ASSERT_NE(ppi, docs.end());
  const auto answer = render_answer(
      *ppi, mentioned_medicines("does nexium lower magnesium", kb, {"magnesium"}), kb, 1);
  EXPECT_EQ(answer.title.rfind("Esomeprazole:", 0), 0u) << answer.title;
  EXPECT_EQ(answer.text.find("{medicine}"), std::string::npos);
  const auto general = render_answer(*ppi, {}, kb, 1);
  EXPECT_EQ(general.title.rfind("Proton-pump inhibitors", 0), 0u) << general.title;
}

TEST(AskEvidence, EveryDocumentHasTextAndSources) {
  EvidenceSet none;
  for (const auto& doc : build_ask_docs(testing::kb(), none)) {
    EXPECT_FALSE(doc.title.empty()) << doc.kb_id;
    EXPECT_FALSE(doc.text.empty()) << doc.kb_id;
    EXPECT_FALSE(doc.sources.empty()) << doc.kb_id;
    for (const std::string* text : {&doc.title, &doc.text}) {
      const auto open = text->find('{');
      if (open != std::string::npos) {
        EXPECT_EQ(text->compare(open, 10, "{medicine}"), 0) << doc.kb_id << ": " << *text;
      }
    }
  }
}

}  // namespace
}  // namespace willis::core
