#include "http/forms.h"

#include <gtest/gtest.h>

#include "codec/profile_codec.h"
#include "http/security.h"
#include "support/test_kb.h"

namespace willis::http {
namespace {

using render::html::FormData;

/// A form with these fields in this order, as a browser sends them.
FormData form_of(std::initializer_list<std::pair<std::string, std::string>> fields) {
  FormData form;
  for (const auto& [name, value] : fields) form.add(name, value);
  return form;
}

TEST(Forms, DecodesUrlencodedBodies) {
  const auto form = parse_urlencoded("a=1&b=hello+world&c=%3Cscript%3E&c=2&empty=&flag&bad=%zz%4");
  EXPECT_EQ(form.get("a"), "1");
  EXPECT_EQ(form.get("b"), "hello world");
  EXPECT_EQ(form.all("c"), (std::vector<std::string>{"<script>", "2"}));
  EXPECT_TRUE(form.has("empty"));
  EXPECT_TRUE(form.has("flag"));
  EXPECT_EQ(form.get("bad"), "%zz%4");
  EXPECT_EQ(url_decode("%E2%80%93"), "\xE2\x80\x93");
}

TEST(Forms, ProfileFormBecomesAProfileTheParserAccepts) {
  FormData form = form_of({{"age", "54"},
                           {"sex", "female"},
                           {"jurisdiction", "uk"},
                           {"symptoms.red_flags", "chest-pain"},
                           {"symptoms.urge_to_move_legs", "yes"},
                           {"symptoms.worse_at_rest", ""},
                           {"labs.serum_magnesium_mmol_l", "0,70"},
                           {"medicines[0].name", ""},
                           {"medicines[0].times", ""},
                           {"medicines[1].name", "Levothyroxine 75 microgram tablets"},
                           {"medicines[1].times", "07:00"},
                           {"medicines[2].name", "Ciprofloxacin 500 mg tablets"},
                           {"medicines[2].times", "08:00, 20:00"},
                           {"conditions", "chronic kidney disease\r\n\r\nmyasthenia gravis\r\n"}});
  form.add("day.meals", "08:00 13:00;19:00");
  form.add("preferences.sensitive_stomach", "true");
  const auto doc = profile_json_from_form(form);
  EXPECT_EQ(doc.medicine_rows, (std::vector<int>{1, 2}));
  const auto profile = codec::parse_profile(doc.json, "form");
  ASSERT_TRUE(profile.ok()) << profile.error().path << ": " << profile.error().message << "\n"
                            << doc.json;
  const auto& p = profile.value();
  EXPECT_EQ(p.age, 54);
  ASSERT_EQ(p.medicines.size(), 2u);
  EXPECT_EQ(p.medicines[1].times.size(), 2u);
  EXPECT_EQ(p.conditions.size(), 2u);
  EXPECT_EQ(p.day.meals.size(), 3u);
  EXPECT_DOUBLE_EQ(*p.labs.serum_magnesium_mmol_l, 0.7);
  EXPECT_EQ(p.symptoms.red_flags, (std::vector<std::string>{"chest-pain"}));
  EXPECT_TRUE(*p.symptoms.urge_to_move_legs);
  EXPECT_FALSE(p.symptoms.worse_at_rest.has_value());
  EXPECT_TRUE(p.sensitive_stomach);
  // And back: the saved profile fills the form again.
  const auto again = profile_json_from_form(form_from_profile(p));
  const auto reparsed = codec::parse_profile(again.json, "again");
  ASSERT_TRUE(reparsed.ok()) << again.json;
  EXPECT_EQ(reparsed.value().medicines.size(), 2u);
  EXPECT_EQ(reparsed.value().medicines[1].times[1].str(), "20:00");
}

TEST(Forms, DatedLabsPrescribedItemsAndAmountsWithUnitsSurviveTheRoundTrip) {
  FormData form =
      form_of({{"age", "70"},
               {"labs.egfr", "52"},
               {"labs.egfr.date", "2025-03-01"},
               {"labs.ferritin_ng_ml", "40"},
               {"medicines[0].name", "Magnesium glycerophosphate 4 mmol chewable tablets"},
               {"medicines[0].times", "08:00"},
               {"medicines[0].prescribed", "true"},
               {"supplements[0].name", "magnesium citrate"},
               {"supplements[0].amount_mg", "10 mmol"},
               {"supplements[1].name", "magnesium glycinate"},
               {"supplements[1].amount_mg", "100"}});
  const auto json = profile_json_from_form(form);
  const auto profile = codec::parse_profile(json.json, "form");
  ASSERT_TRUE(profile.ok()) << json.json;
  const auto& p = profile.value();
  ASSERT_TRUE(p.labs.egfr_date.has_value());
  EXPECT_EQ(p.labs.egfr_date->str(), "2025-03-01");
  EXPECT_EQ(*p.labs.egfr, 52);
  EXPECT_FALSE(p.labs.ferritin_date.has_value());  // a plain number stays valid
  EXPECT_TRUE(p.medicines[0].prescribed);
  ASSERT_TRUE(p.supplements[0].amount.has_value());
  EXPECT_EQ(p.supplements[0].amount->unit, "mmol");
  EXPECT_EQ(p.supplements[0].amount->value, 10);
  EXPECT_EQ(*p.supplements[1].amount_mg, 100);

  // Back to the form: the same fields come back.
  const auto again = form_from_profile(p);
  EXPECT_EQ(again.get("labs.egfr.date"), "2025-03-01");
  EXPECT_EQ(again.get("medicines[0].prescribed"), "true");
  EXPECT_EQ(again.get("supplements[0].amount_mg"), "10 mmol");

  // A unit willis cannot read is an error at the form's own field.
  form.add("supplements[2].name", "magnesium oxide");
  form.add("supplements[2].amount_mg", "3 spoons");
  const auto bad_json = profile_json_from_form(form);
  const auto bad = codec::parse_profile(bad_json.json, "form");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(field_error_for(bad.error(), bad_json).field, "supplements[2].amount_mg");
}

TEST(Forms, EverySleepDifficultySurvivesTheRoundTrip) {
  FormData form = form_of({{"age", "63"},
                           {"sleep.difficulty", "falling_asleep"},
                           {"sleep.difficulty", "staying_asleep"},
                           {"sleep.difficulty", "waking_early"},
                           {"sleep.nights_per_week", "5"},
                           {"sleep.snoring_loud", "yes"}});
  const auto json = profile_json_from_form(form);
  const auto profile = codec::parse_profile(json.json, "form");
  ASSERT_TRUE(profile.ok()) << json.json;
  const std::vector<std::string> all3 = {"falling_asleep", "staying_asleep", "waking_early"};
  EXPECT_EQ(profile.value().sleep.difficulty, all3);
  EXPECT_EQ(*profile.value().sleep.nights_per_week, 5);
  EXPECT_TRUE(*profile.value().sleep.snoring_loud);
  // profile -> form -> profile: all three come back, in order.
  const auto back = form_from_profile(profile.value());
  EXPECT_EQ(back.all("sleep.difficulty"), all3);
  const auto again = codec::parse_profile(profile_json_from_form(back).json, "again");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value().sleep.difficulty, all3);
  EXPECT_EQ(*again.value().sleep.nights_per_week, 5);

  // Only a difficulty, no other sleep answer: still a sleep block.
  FormData only;
  only.add("age", "63");
  only.add("sleep.difficulty", "waking_early");
  const auto one = codec::parse_profile(profile_json_from_form(only).json, "one");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one.value().sleep.difficulty, (std::vector<std::string>{"waking_early"}));
  // No difficulty ticked and no answer: no sleep block at all.
  FormData none;
  none.add("age", "63");
  none.add("sleep.difficulty", "");
  EXPECT_EQ(profile_json_from_form(none).json.find("sleep"), std::string::npos);
}

TEST(Forms, ParserErrorsPointAtTheFormRowTheyCameFrom) {
  FormData form;
  form.add("age", "fifty");
  auto doc = profile_json_from_form(form);
  auto parsed = codec::parse_profile(doc.json, "form");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(field_error_for(parsed.error(), doc).field, "age");

  form.set("age", "54");
  form.add("medicines[0].name", "");
  form.add("medicines[3].name", "Ciprofloxacin");
  form.add("medicines[3].times", "08:00, 25:00");
  doc = profile_json_from_form(form);
  parsed = codec::parse_profile(doc.json, "form");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().path, "medicines[0].times[1]");
  EXPECT_EQ(field_error_for(parsed.error(), doc).field, "medicines[3].times");
}

TEST(Forms, RowsAreAddedAndRemovedOneByOne) {
  FormData form = form_of({{"age", "54"},
                           {"medicines[0].name", "A"},
                           {"medicines[1].name", "B"},
                           {"medicines[2].name", "C"},
                           {"medicines[2].times", "09:00"}});
  EXPECT_EQ(apply_row_action(form, "remove-medicine-1"), "");
  EXPECT_EQ(form.get("medicines[0].name"), "A");
  EXPECT_EQ(form.get("medicines[1].name"), "C");
  EXPECT_EQ(form.get("medicines[1].times"), "09:00");
  EXPECT_FALSE(form.has("medicines[2].name"));
  EXPECT_EQ(apply_row_action(form, "add-medicine"), "medicines[2].name");
  EXPECT_TRUE(form.has("medicines[2].name"));
  EXPECT_EQ(apply_row_action(form, "add-supplement"), "supplements[0].name");
  EXPECT_EQ(form.get("age"), "54");
}

TEST(Forms, DiaryFormBecomesAnEntry) {
  FormData form = form_of({{"date", "2026-11-19"},
                           {"rls", "6"},
                           {"bed", "23:00"},
                           {"wake", "06:30"},
                           {"se.nausea", "mild"}});
  auto entry = diary_entry_from_form(form);
  ASSERT_TRUE(entry.ok()) << entry.error().message;
  EXPECT_EQ(*entry.value().rls, 6);
  ASSERT_TRUE(entry.value().side_effects);
  EXPECT_EQ(entry.value().side_effects->size(), 1u);

  form.add("se.none", "true");
  entry = diary_entry_from_form(form);
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.error().path, "side_effects");

  FormData bad;
  bad.add("date", "2026-11-19");
  bad.add("rls", "11");
  entry = diary_entry_from_form(bad);
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.error().path, "rls");
}

TEST(Forms, TrialPlansFromFormAndJson) {
  FormData form = form_of(
      {{"design", "ab"}, {"baseline_start", "2026-11-01"}, {"treatment_start", "2026-11-15"}});
  auto plan = trial_plan_from_form(form, testing::trial_rules());
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan.value().treatment_weeks, testing::trial_rules().default_treatment_weeks);
  plan = trial_plan_from_json(
      R"({"design": "abab", "baseline_start": "2026-11-01", "treatment_start": "2026-11-15"})",
      testing::trial_rules());
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan.value().design, core::TrialDesign::abab);
  plan = trial_plan_from_json(R"({"desing": "ab"})", testing::trial_rules());
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().path, "desing");
  plan = trial_plan_from_json("not json", testing::trial_rules());
  ASSERT_FALSE(plan.ok());
}

TEST(Security, HostHeaderMustNameTheBoundAddress) {
  const auto loopback = host_policy("127.0.0.1", {}, 8080);
  EXPECT_TRUE(host_allowed("127.0.0.1:8080", loopback));
  EXPECT_TRUE(host_allowed("localhost:8080", loopback));
  EXPECT_TRUE(host_allowed("LOCALHOST:8080", loopback));
  EXPECT_FALSE(host_allowed("127.0.0.1:8081", loopback)) << "another port";
  EXPECT_FALSE(host_allowed("127.0.0.1", loopback)) << "no port means 80";
  EXPECT_FALSE(host_allowed("evil.example:8080", loopback)) << "DNS rebinding";
  EXPECT_FALSE(host_allowed("localhost.evil.example:8080", loopback));
  EXPECT_FALSE(host_allowed("127.0.0.1.nip.io:8080", loopback));
  EXPECT_FALSE(host_allowed("", loopback));
  EXPECT_FALSE(host_allowed("127.0.0.1:80x", loopback));

  const auto v6 = host_policy("::1", {}, 9000);
  EXPECT_TRUE(host_allowed("[::1]:9000", v6));
  EXPECT_FALSE(host_allowed("::1:9000", v6));

  const auto lan = host_policy("192.168.1.20", {"willis.home"}, 8080);
  EXPECT_TRUE(host_allowed("192.168.1.20:8080", lan));
  EXPECT_TRUE(host_allowed("willis.home:8080", lan));
  EXPECT_FALSE(host_allowed("localhost:8080", lan));

  const auto any = host_policy("0.0.0.0", {}, 8080);
  EXPECT_TRUE(host_allowed("10.0.0.5:8080", any)) << "an IP literal cannot be rebound";
  EXPECT_FALSE(host_allowed("evil.example:8080", any));
}

TEST(Security, LoopbackOriginCookiesAndTokens) {
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("127.3.2.1"));
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_TRUE(is_loopback("localhost"));
  EXPECT_FALSE(is_loopback("0.0.0.0"));
  EXPECT_FALSE(is_loopback("192.168.1.20"));
  EXPECT_FALSE(is_loopback("127.example"));
  EXPECT_TRUE(is_wildcard("0.0.0.0"));
  EXPECT_TRUE(is_wildcard("::"));
  EXPECT_TRUE(origin_matches("http://127.0.0.1:8080", "127.0.0.1:8080"));
  EXPECT_FALSE(origin_matches("http://evil.example", "127.0.0.1:8080"));
  EXPECT_FALSE(origin_matches("null", "127.0.0.1:8080"));
  EXPECT_EQ(cookie_value("a=1; willis_token=abc; b=2", "willis_token"), "abc");
  EXPECT_EQ(cookie_value("xwillis_token=abc", "willis_token"), "");
  EXPECT_EQ(bearer_token("Bearer s3cret"), "s3cret");
  EXPECT_EQ(bearer_token("Basic s3cret"), "");
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  const std::string token = random_hex(32);
  EXPECT_EQ(token.size(), 64u);
  EXPECT_NE(token, random_hex(32));
}

}  // namespace
}  // namespace willis::http
