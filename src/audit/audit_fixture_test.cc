// src/audit/audit_fixture_test.cc: the audit over hand-written fixtures
// (tests/fixtures/audit/*/expected.json, written from docs/audit.md), and summaries that add up.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <map>
#include <set>

#include "support/audit_fixtures.h"

namespace willis::audit {
namespace {

// ---------------------------------------------------------------- fixtures (docs/audit.md)

class AuditFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(AuditFixture, MatchesExpected) {
  const fs::path dir = kFixtures / GetParam();
  simdjson::dom::parser parser;
  const simdjson::padded_string json = simdjson::padded_string(read_text(dir / "expected.json"));
  simdjson::dom::element expected;
  ASSERT_FALSE(parser.parse(json).get(expected));
  std::string_view why;
  if (expected["why"].get(why)) why = "";
  SCOPED_TRACE(std::string(why));

  const Outputs out = run_on({dir.string()}, 1, std::size_t{1} << 20);
  simdjson::dom::object summary;
  ASSERT_FALSE(expected["summary"].get(summary));
  const std::map<std::string_view, std::uint64_t> got_summary = {
      {"patients", out.summary.patients},
      {"resources", out.summary.resources},
      {"errors", out.summary.errors},
      {"skipped_resources", out.summary.skipped_resources},
      {"orphan_resources", out.summary.orphan_resources},
      {"unrecognised_medicines", out.summary.unrecognised_medicines},
      {"excluded_deceased_date", out.summary.deceased_by_date},
      {"excluded_deceased_boolean", out.summary.deceased_by_flag}};
  for (auto [key, value] : summary) {
    std::uint64_t want = 0;
    ASSERT_FALSE(value.get(want));
    EXPECT_EQ(got_summary.at(key), want) << key;
  }
  simdjson::dom::object indicators;
  ASSERT_FALSE(expected["indicators"].get(indicators));
  for (int index = 0; index < core::audit::kIndicatorCount; ++index) {
    const std::string_view id = core::audit::indicator_id(index);
    simdjson::dom::array pair;
    ASSERT_FALSE(indicators[id].get(pair)) << id;
    std::uint64_t denominator = 0, numerator = 0;
    ASSERT_FALSE(pair.at(0).get(denominator));
    ASSERT_FALSE(pair.at(1).get(numerator));
    EXPECT_EQ(out.summary.indicators[static_cast<std::size_t>(index)].denominator, denominator)
        << id << " denominator";
    EXPECT_EQ(out.summary.indicators[static_cast<std::size_t>(index)].numerator, numerator)
        << id << " numerator";
  }
  std::set<std::string> want_flagged, got_flagged;
  for (auto item : expected["flagged"].get_array())
    want_flagged.insert(std::string(item.get_string().value()));
  for (const auto& line : lines_of(out.flagged)) {
    simdjson::dom::element row;
    ASSERT_FALSE(parser.parse(line).get(row)) << line;
    got_flagged.insert(std::string(row["patient"].get_string().value()) + " " +
                       std::string(row["indicator"].get_string().value()));
  }
  EXPECT_EQ(got_flagged, want_flagged);
  // Re-parse expected: `row` above reused the parser.
  ASSERT_FALSE(parser.parse(json).get(expected));
  simdjson::dom::array exact;
  if (!expected["flagged_lines"].get(exact)) {
    const auto flagged_lines = lines_of(out.flagged);
    for (auto item : exact) {
      const std::string want(item.get_string().value());
      EXPECT_NE(std::find(flagged_lines.begin(), flagged_lines.end(), want), flagged_lines.end())
          << "missing line " << want;
    }
  }
  simdjson::dom::array errors;
  if (!expected["errors"].get(errors)) {
    const auto error_lines = lines_of(out.errors);
    ASSERT_EQ(error_lines.size(), errors.size()) << out.errors;
    std::size_t index = 0;
    for (auto item : errors) {
      const std::string want = (dir / std::string(item.get_string().value())).string();
      EXPECT_EQ(error_lines[index].substr(0, want.size()), want);
      ++index;
    }
  } else {
    EXPECT_EQ(out.errors, "");
  }
}

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  for (const auto& dir : fixture_dirs()) names.push_back(dir.filename().string());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, AuditFixture, ::testing::ValuesIn(fixture_names()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(AuditFixtures, EveryIndicatorHasItsOwnFixture) {
  for (int index = 0; index < core::audit::kIndicatorCount; ++index)
    EXPECT_TRUE(
        fs::exists(kFixtures / std::string(core::audit::indicator_id(index)) / "expected.json"))
        << core::audit::indicator_id(index);
}

// ---------------------------------------------------------------- deceased, text table, merge
// (issue 14)

TEST(AuditPopulation, PartialSummariesAddUpToTheWhole) {
  // The same export split by patient into two parts (as --grouped on a cluster does) adds up to
  // the run over the whole export, count for count.
  const Outputs whole = run_on(
      {(kFixtures / "deceased").string(), (kFixtures / "diuretic-digoxin-no-mg-12m").string()}, 1,
      1 << 20);
  const Outputs a = run_on({(kFixtures / "deceased").string()}, 1, 1 << 20);
  const Outputs b = run_on({(kFixtures / "diuretic-digoxin-no-mg-12m").string()}, 1, 1 << 20);
  core::audit::Summary sum = a.summary;
  sum.add(b.summary);
  EXPECT_EQ(render::audit_summary_json(sum, testing::kb()), whole.summary_json);
  std::string error;
  const auto parsed = render::parse_audit_summary_json(whole.summary_json, error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(render::audit_summary_json(parsed->summary, testing::kb()), whole.summary_json);
  EXPECT_EQ(parsed->summary.deceased_by_date, 2u);
  EXPECT_EQ(parsed->summary.deceased_by_flag, 1u);
}

TEST(AuditPopulation, TextsIdentifiedByNameAreExportedWithTheirLists) {
  // A code no list holds (999999991; Synthea's SCDC 316049 was one until issue 14 part 2): willis
  // finds the medicine by its text, and the text table says so, for the SQL to join on.
  const fs::path dir = scratch("texts");
  write_bytes(dir / "Patient.ndjson", R"({"resourceType":"Patient","id":"t1"})"
                                      "\n");
  write_bytes(
      dir / "MedicationRequest.ndjson",
      R"({"resourceType":"MedicationRequest","id":"h","status":"active","subject":{"reference":"Patient/t1"},)"
      R"("medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"999999991",)"
      R"("display":"Hydrochlorothiazide 25 MG"}],"text":"Hydrochlorothiazide 25 MG"}})"
      "\n"
      R"({"resourceType":"MedicationRequest","id":"u","status":"active","subject":{"reference":"Patient/t1"},)"
      R"("medicationCodeableConcept":{"text":"zzqx unknown thing"}})"
      "\n");
  Options options;
  options.paths = {dir.string()};
  options.as_of = kAsOf;
  options.collect_texts = true;
  const auto result = run(testing::kb(), codes(), options, {});
  ASSERT_TRUE(result.ok());
  const std::string csv = render::audit_text_lists_csv(result.value().texts);
  EXPECT_EQ(csv, "text,list\n\"Hydrochlorothiazide 25 MG\",loop-or-thiazide\n");
  EXPECT_EQ(result.value().summary.unrecognised_medicines, 1u);
}

TEST(AuditPopulation, FlaggedLinesWithoutAWayToWriteThemAreRefused) {
  // The line renderer comes from the composition (app passes render::audit_flagged_line); a run
  // that would drop every flagged line for lack of one is refused instead.
  Options options;
  options.paths = {(kFixtures / "raltegravir-with-mg").string()};
  options.as_of = kAsOf;
  Sinks sinks;
  sinks.flagged = [](std::string_view) {};
  const auto result = run(testing::kb(), codes(), options, sinks);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, core::Errc::invalid_value);
  std::FILE* none = std::tmpfile();
  ASSERT_NE(none, nullptr);
  const auto grouped = run_grouped(testing::kb(), codes(), kAsOf, none, sinks);
  std::fclose(none);
  ASSERT_FALSE(grouped.ok());
  EXPECT_EQ(grouped.error().code, core::Errc::invalid_value);
}
}  // namespace
}  // namespace willis::audit
