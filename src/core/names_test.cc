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

// has_phrase is whole words of the normalized text: the same answer as the plain definition (the
// phrase, normalized, between spaces of the text padded with spaces) for every text and phrase of
// up to four characters over letters (either case), a digit, a space and a point.
TEST(Names, HasPhraseIsWholeWordsOfTheNormalizedText) {
  const auto reference = [](std::string_view normalized, std::string_view phrase) {
    const std::string text = " " + std::string(normalized) + " ";
    return text.find(" " + normalize_name(phrase) + " ") != std::string::npos;
  };
  const std::string alphabet = "ab 1.A";
  std::vector<std::string> words{""};
  for (int length = 1; length <= 4; ++length) {
    std::vector<std::string> longer;
    for (const auto& word : words)
      if (word.size() == static_cast<std::size_t>(length - 1))
        for (const char c : alphabet) longer.push_back(word + c);
    words.insert(words.end(), longer.begin(), longer.end());
  }
  std::size_t found = 0;
  for (const auto& text : words) {
    const std::string normalized = normalize_name(text);
    for (const auto& phrase : words) {
      ASSERT_EQ(has_phrase(normalized, phrase), reference(normalized, phrase))
          << "text \"" << normalized << "\", phrase \"" << phrase << "\"";
      found += has_phrase(normalized, phrase);
    }
  }
  EXPECT_GT(found, 0u);
  EXPECT_TRUE(has_phrase("magnesium oxide 400 mg", "Magnesium"));
  EXPECT_TRUE(has_phrase("once weekly tablet", "once weekly"));
  EXPECT_FALSE(has_phrase("magnesiumoxide", "magnesium"));
  EXPECT_FALSE(has_phrase("weekly", "once weekly"));
}

}  // namespace
}  // namespace willis::core
