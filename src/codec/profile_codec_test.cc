#include "codec/profile_codec.h"

#include <gtest/gtest.h>

namespace willis::codec {
namespace {

core::Error error_of(const char* text) {
  const auto result = parse_profile(text, "p.yaml");
  EXPECT_FALSE(result.ok()) << text;
  return result.ok() ? core::Error{} : result.error();
}

TEST(ProfileCodec, ReadsTheContractExample) {
  const auto p = parse_profile(R"(
jurisdiction: us
age: 54
sex: female
labs: {ferritin_ng_ml: 45, egfr: 25}
medicines:
  - name: Ciprofloxacin 500 mg tablets
    times: ["08:00", "20:00"]
  - name: Milk of Magnesia
    amount: 10 ml
supplements:
  - {name: magnesium citrate, amount_mg: 1000, amount_basis: compound}
day: {wake: "07:00", sleep: "23:00"}
)",
                               "p.yaml");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p.value().jurisdiction, core::Jurisdiction::us);
  EXPECT_EQ(p.value().medicines[0].times.size(), 2u);
  EXPECT_EQ(p.value().medicines[1].amount->unit, "ml");
  EXPECT_EQ(p.value().supplements[0].amount_basis, core::AmountBasis::compound);
  EXPECT_EQ(*p.value().labs.egfr, 25);
}

TEST(ProfileCodec, JsonWithTabsIsAccepted) {
  EXPECT_TRUE(parse_profile("{\n\t\"age\": 40,\n\t\"medicines\": []\n}", "p.json").ok());
}

TEST(ProfileCodec, ErrorsNameTheFieldAndLine) {
  auto e = error_of(
      "age: 54\nmedicines:\n  - name: a\n  - name: b\n    times: [\"07:00\", \"25:00\"]\n");
  EXPECT_EQ(e.code, core::Errc::invalid_time);
  EXPECT_EQ(e.path, "medicines[1].times[1]");
  EXPECT_EQ(e.line, 5);
  e = error_of("ag: 54\n");
  EXPECT_EQ(e.code, core::Errc::unknown_field);
  EXPECT_EQ(e.path, "ag");
  e = error_of("age: 54\nlabs: {ferritin_ng_ml: \"high\"}\n");
  EXPECT_EQ(e.code, core::Errc::invalid_type);
  EXPECT_EQ(e.path, "labs.ferritin_ng_ml");
  e = error_of("age: 54\nsupplements: [{name: x, amount_mg: -5}]\n");
  EXPECT_EQ(e.code, core::Errc::invalid_amount);
  EXPECT_EQ(e.path, "supplements[0].amount_mg");
  e = error_of("sex: female\n");
  EXPECT_EQ(e.code, core::Errc::missing_field);
  EXPECT_EQ(e.path, "age");
  e = error_of("age: 54\nlabs: {egfr: -5}\n");
  EXPECT_EQ(e.code, core::Errc::invalid_value);
  e = error_of("age: 54\nmedicines: [{name: x, amount: lots}]\n");
  EXPECT_EQ(e.code, core::Errc::invalid_amount);
  EXPECT_EQ(e.path, "medicines[0].amount");
  e = error_of("age: [54\n");
  EXPECT_EQ(e.code, core::Errc::parse_error);
}

TEST(ProfileCodec, Quantities) {
  EXPECT_EQ(parse_quantity("10 ml")->value, 10);
  EXPECT_EQ(parse_quantity("2 tablets")->unit, "tablet");
  EXPECT_EQ(parse_quantity("1 tsp")->value, 5);
  EXPECT_FALSE(parse_quantity("-1 ml"));
  EXPECT_FALSE(parse_quantity("10 furlongs"));
}

}  // namespace
}  // namespace willis::codec
