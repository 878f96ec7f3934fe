#include "core/formula.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace willis::core {
namespace {

// Expected values are sources: facts-s6-computed (computed there with the same atomic weights), to
// one decimal.
struct Case {
  const char* formula;
  double molar_mass, percent;
};

class FormulaFacts : public ::testing::TestWithParam<Case> {};

TEST_P(FormulaFacts, MatchesTheFactSheet) {
  const auto mass = formula_mass(GetParam().formula);
  ASSERT_TRUE(mass.ok()) << mass.error().message;
  EXPECT_NEAR(mass.value().molar_mass_g_mol, GetParam().molar_mass, 0.05) << GetParam().formula;
  EXPECT_NEAR(mass.value().elemental_percent(), GetParam().percent, 0.05) << GetParam().formula;
}

INSTANTIATE_TEST_SUITE_P(
    Salts, FormulaFacts,
    ::testing::Values(Case{"MgO", 40.30, 60.3}, Case{"Mg(OH)2", 58.32, 41.7},
                      Case{"Mg5(CO3)4(OH)2·4H2O", 467.63, 26.0}, Case{"MgCl2·6H2O", 203.30, 12.0},
                      Case{"MgSO4·7H2O", 246.47, 9.9}, Case{"Mg3(C6H5O7)2", 451.11, 16.2},
                      Case{"Mg3(C6H5O7)2·9H2O", 613.25, 11.9},
                      Case{"Mg3(C6H5O7)2·14H2O", 703.32, 10.4}, Case{"Mg(C2H4NO2)2", 172.42, 14.1},
                      Case{"MgC3H7O6P", 194.36, 12.5}, Case{"Mg(C2H6NO3S)2", 272.57, 8.9}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
      std::string name;
      for (const char c : std::string(param_info.param.formula))
        name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

TEST(Formula, AcceptsAFullStopForTheHydrateDot) {
  const auto mass = formula_mass("MgSO4.7H2O");
  ASSERT_TRUE(mass.ok());
  EXPECT_NEAR(mass.value().elemental_percent(), 9.9, 0.05);
}

TEST(Formula, RefusesUnknownElementsAndBrackets) {
  EXPECT_FALSE(formula_mass("MgXe").ok());
  EXPECT_FALSE(formula_mass("Mg(OH2").ok());
  EXPECT_FALSE(formula_mass("MgOH)2").ok());
  EXPECT_FALSE(formula_mass("CaCO3").ok());  // no magnesium
}

}  // namespace
}  // namespace willis::core
