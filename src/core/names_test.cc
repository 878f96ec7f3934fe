#include "core/names.h"

#include <gtest/gtest.h>

#include "support/test_kb.h"

namespace willis::core {
namespace {

using testing::names;

std::vector<std::string> ids(const char* text) {
  return names().medicines(text);
}

TEST(Names, Normalize) {
  EXPECT_EQ(normalize_name("  Levothyroxine-Sodium 50mcg, (Tablets) "),
            "levothyroxine sodium 50mcg tablets");
  EXPECT_EQ(normalize_name("0.5 mg"), "0.5 mg");
  EXPECT_EQ(normalize_name("Phillips' Milk of Magnesia"), "phillips milk of magnesia");
}

TEST(Names, StrengthsDoseFormsSaltsAndBrandsMapToTheIngredient) {
  EXPECT_EQ(ids("Ciprofloxacin 500 mg tablets"), std::vector<std::string>{"ciprofloxacin"});
  EXPECT_EQ(ids("levothyroxine sodium 50mcg"), std::vector<std::string>{"levothyroxine"});
  EXPECT_EQ(ids("Fosamax 70 mg once weekly"), std::vector<std::string>{"alendronic-acid"});
  EXPECT_EQ(ids("alendronate"), std::vector<std::string>{"alendronic-acid"});
  EXPECT_EQ(ids("SYNTHROID"), std::vector<std::string>{"levothyroxine"});
  EXPECT_EQ(ids("Doxycycline hyclate 100mg capsules"), std::vector<std::string>{"doxycycline"});
}

TEST(Names, CombinationsSplitIntoEveryIngredient) {
  EXPECT_EQ(ids("amiloride / furosemide"), (std::vector<std::string>{"amiloride", "furosemide"}));
  const MedicineMatch partly = names().medicine("ciprofloxacin and zorblax 10 mg");
  EXPECT_EQ(partly.ids, std::vector<std::string>{"ciprofloxacin"})
      << "the known part is still checked";
  EXPECT_EQ(partly.unknown, std::vector<std::string>{"zorblax 10 mg"})
      << "the unknown part is reported, not dropped";
  EXPECT_EQ(names().medicine("Milk of Magnesia 400 mg/5 ml").ids,
            std::vector<std::string>{"milk-of-magnesia"});
}

TEST(Names, UnknownNamesAreNotCorrectedButSuggested) {
  EXPECT_TRUE(ids("levothyroxin").empty());
  EXPECT_EQ(names().suggest_medicine("levothyroxin"), std::optional<std::string>("levothyroxine"));
  EXPECT_EQ(names().slug("Zorblax 10 mg"), "zorblax");
}

TEST(Names, Supplements) {
  EXPECT_EQ(names().supplement("magnesium citrate").kind, SupplementMatch::Kind::form);
  EXPECT_EQ(names().supplement("Magnesium Bisglycinate 200mg").form_id, "glycinate");
  EXPECT_EQ(names().supplement("magnesium oil spray").kind, SupplementMatch::Kind::topical);
  EXPECT_EQ(names().supplement("vitamin d3").kind, SupplementMatch::Kind::unknown);
  // A bare "magnesium" is no particular form or product (it once matched a 4 mmol product).
  const SupplementMatch bare = names().supplement("Magnesium 400 mg");
  EXPECT_EQ(bare.kind, SupplementMatch::Kind::form);
  EXPECT_TRUE(bare.form_id.empty());
}

TEST(Names, ConditionsAndFlags) {
  EXPECT_EQ(names().condition("Myasthenia Gravis"),
            std::optional<std::string>("myasthenia-gravis"));
  EXPECT_EQ(names().red_flag("unilateral-leg-swelling"),
            std::optional<std::string>("unilateral-leg-swelling"));
  EXPECT_FALSE(names().condition("tingling earlobes"));
}

}  // namespace
}  // namespace willis::core
