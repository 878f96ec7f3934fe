// src/codec/audit_codes_test.cc: code lists from kb/indicators.yaml, and one source of truth for
// the thresholds the audit shares with rules.yaml.
#include "codec/audit_codes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "render/audit_report.h"
#include "codec/fhir_profile.h"
#include "codec/kb_yaml.h"
#include "codec/rxnorm_table.h"
#include "support/test_kb.h"

namespace willis::codec {
namespace {

using core::audit::bit;
using core::audit::List;

bool has_row(const AuditCodes& codes, std::string_view list, std::string_view system,
             std::string_view code) {
  const auto& rows = codes.rows();
  return std::any_of(rows.begin(), rows.end(), [&](const CodeListRow& row) {
    return row.list == list && row.system == system && row.code == code;
  });
}

TEST(AuditCodeLists, BuiltFromTheKnowledgeBase) {
  const AuditCodes codes(testing::kb(), testing::names());
  EXPECT_TRUE(has_row(codes, "magnesium", kRxNormSystem, "6582"));  // magnesium oxide (salts.yaml)
  EXPECT_TRUE(has_row(codes, "chelation-partner", kRxNormSystem, "2551"));   // ciprofloxacin
  EXPECT_TRUE(has_row(codes, "chelation-partner", kRxNormSystem, "10582"));  // levothyroxine
  EXPECT_FALSE(has_row(codes, "chelation-partner", kRxNormSystem,
                       "719872"));  // raltegravir: avoid, not separate
  EXPECT_TRUE(
      has_row(codes, "raltegravir", kRxNormSystem, "744842"));  // a raltegravir product (RxTerms)
  EXPECT_TRUE(has_row(codes, "rls-exacerbating", kRxNormSystem,
                      "15996"));  // mirtazapine (rules.yaml exacerbating)
  EXPECT_TRUE(has_row(codes, "loop-or-thiazide", kRxNormSystem, "4603"));  // furosemide
  EXPECT_TRUE(has_row(codes, "digoxin", kRxNormSystem, "3407"));
  EXPECT_TRUE(has_row(codes, "rls", kSnomedSystem, "32914008"));
  EXPECT_TRUE(
      has_row(codes, "ckd-4-5", kSnomedSystem, "433146000"));  // CKD stage 5 (docs/fhir.md extra)
  EXPECT_FALSE(has_row(codes, "ckd-4-5", kSnomedSystem, "431855005"));  // CKD stage 3 is not 4-5
  EXPECT_TRUE(has_row(codes, "egfr", kLoincSystem, "62238-1"));
  EXPECT_TRUE(has_row(codes, "serum-magnesium", kLoincSystem, "2601-3"));
  // Every list the engine reads has codes; rows are in kb order and unique.
  for (const auto& id : core::kRequiredAuditLists)
    EXPECT_TRUE(std::any_of(codes.rows().begin(), codes.rows().end(), [&](const CodeListRow& row) {
      return row.list == id;
    })) << id;
  auto rows = codes.rows();
  const auto key = [](const CodeListRow& row) {
    return row.list + "|" + row.system + "|" + row.code;
  };
  std::vector<std::string> keys;
  for (const auto& row : rows) keys.push_back(key(row));
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
}

TEST(AuditCodeLists, LookUps) {
  const AuditCodes codes(testing::kb(), testing::names());
  EXPECT_EQ(codes.medicine_code(kRxNormSystem, "2551"), bit(List::chelation_partner));
  EXPECT_EQ(codes.medicine_code(kAtcSystem, "J05AJ01"), bit(List::raltegravir));
  EXPECT_EQ(codes.medicine_code("http://example.org", "2551"), 0);
  EXPECT_EQ(codes.condition_code(kSnomedSystem, "32914008"), bit(List::rls));
  EXPECT_EQ(codes.lab_code(kLoincSystem, "2276-4"), core::audit::Lab::ferritin);
  EXPECT_TRUE(codes.medicine_text("Magnesium citrate 200 mg").lists & bit(List::magnesium));
  EXPECT_TRUE(codes.medicine_text("Milk of Magnesia").lists & bit(List::magnesium));
  EXPECT_TRUE(codes.medicine_text("Mirtazapine 15 mg tablets").lists & bit(List::rls_exacerbating));
  EXPECT_TRUE(codes.medicine_text("oxycodone 5 mg").known);
  EXPECT_FALSE(codes.medicine_text("Unobtainium 5 mg").known);
}

TEST(AuditCodeLists, EveryRxNormTermTypeOfTheShippedSubset) {
  // Issue 14 part 2: real exports code medicines as components and packs too, not only as the
  // SCD/SBD rows of RxTerms. Codes and names from NLM RxNorm (data/rxnorm/rxnorm-subset.tsv).
  const AuditCodes codes(testing::kb(), testing::names());
  // SCDC "hydrochlorothiazide 25 MG", as Synthea codes hydrochlorothiazide
  EXPECT_EQ(rxnorm::product_ingredient_codes(316049), (std::vector<long>{5487}));
  EXPECT_TRUE(has_row(codes, "loop-or-thiazide", kRxNormSystem, "316049"));
  EXPECT_EQ(codes.medicine_code(kRxNormSystem, "316049"), bit(List::loop_or_thiazide));
  EXPECT_EQ(codes.medicine_code(kRxNormSystem, "315970"),
            bit(List::loop_or_thiazide));  // SCDC furosemide 20 MG
  EXPECT_EQ(codes.medicine_code(kRxNormSystem, "200801"),
            bit(List::loop_or_thiazide));  // SBD furosemide [Lasix]
  EXPECT_EQ(codes.medicine_code(kRxNormSystem, "329951"),
            bit(List::magnesium));  // SCDC magnesium oxide 140 MG
  EXPECT_EQ(codes.medicine_code(kRxNormSystem, "744840"),
            bit(List::raltegravir));  // SCDC raltegravir 400 MG
  EXPECT_EQ(codes.medicine_code(kRxNormSystem, "315685"),
            bit(List::chelation_partner));  // SCDC ciprofloxacin 2 MG/ML
  EXPECT_EQ(codes.medicine_code(kRxNormSystem, "835700"),
            bit(List::chelation_partner));  // GPCK doxycycline 150 MG x 30
  EXPECT_EQ(codes.medicine_code(kRxNormSystem, "2099769"),
            bit(List::chelation_partner));  // BPCK LymePak (doxycycline)
  EXPECT_EQ(codes.medicine_code(kRxNormSystem, "1360632"),
            bit(List::dopamine_agonist));  // GPCK rotigotine patches
}

std::vector<KbFile> kb_files_with(const std::string& file, const std::string& from,
                                  const std::string& to) {
  std::vector<KbFile> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(WILLIS_SOURCE_DIR) + "/kb")) {
    const std::string name = entry.path().filename().string();
    if (name != "VERSION" && entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path());
    std::ostringstream text;
    text << in.rdbuf();
    std::string content = text.str();
    if (name == file) {
      const auto at = content.find(from);
      EXPECT_NE(at, std::string::npos) << from;
      if (at != std::string::npos) content.replace(at, from.size(), to);
    }
    files.push_back({name, content});
  }
  return files;
}

TEST(AuditKb, IndicatorThresholdsMustEqualTheRulesTheyName) {
  EXPECT_TRUE(load_kb(kb_files_with("rules.yaml", "", "")).errors.empty());
  // rules.yaml moves, indicators.yaml does not: refused, naming both.
  const auto load =
      load_kb(kb_files_with("rules.yaml", "  egfr_contraindicated_below:\n    value: 30",
                            "  egfr_contraindicated_below:\n    value: 31"));
  ASSERT_FALSE(load.errors.empty());
  const auto& message = load.errors.front().message;
  EXPECT_NE(message.find("thresholds.egfr_contraindicated_below"), std::string::npos) << message;
  EXPECT_NE(load.errors.front().path.find("indicators.mg-egfr-below-30.thresholds.egfr_below"),
            std::string::npos);
  // The same for the iron rule, from the other side.
  EXPECT_FALSE(
      load_kb(kb_files_with("indicators.yaml", "tsat_below: {value: 20", "tsat_below: {value: 25"))
          .errors.empty());
}

TEST(AuditKb, UnknownListsClassesAndMissingIndicatorsAreRefused) {
  EXPECT_FALSE(load_kb(kb_files_with("indicators.yaml", "classes: [ppi]", "classes: [ppis]"))
                   .errors.empty());
  EXPECT_FALSE(load_kb(kb_files_with("indicators.yaml", "lists: [raltegravir, magnesium]",
                                     "lists: [raltegravir, magnesum]"))
                   .errors.empty());
  EXPECT_FALSE(load_kb(kb_files_with("indicators.yaml", "  - id: rls-dopamine-agonist\n",
                                     "  - id: rls-dopamine-agonists\n"))
                   .errors.empty());
  EXPECT_FALSE(load_kb(kb_files_with("indicators.yaml", "    lab: tsat\n",
                                     "    lab: tsat\n    colour: red\n"))
                   .errors.empty());
}

TEST(AuditReport, HtmlIsEscapedAndHasTableAndChart) {
  core::Kb kb = testing::kb();
  kb.audit.indicators.front().title = "<script>alert(1)</script>";
  core::audit::Summary summary;
  summary.as_of = core::CalendarDate{2026, 11, 22};
  summary.patients = 10;
  summary.indicators[0] = {4, 1};
  const std::string page = render::audit_summary_html(summary, kb);
  EXPECT_EQ(page.find("<script>"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(page.find("<table>"), std::string::npos);
  EXPECT_NE(page.find("<svg"), std::string::npos);
  EXPECT_NE(page.find("role=\"img\""), std::string::npos);
  EXPECT_NE(page.find("1 / 4 (25.0 %)"), std::string::npos);
  EXPECT_NE(page.find("@media print"), std::string::npos);
}

}  // namespace
}  // namespace willis::codec
