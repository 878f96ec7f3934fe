// src/audit/audit_grouped_test.cc: `--grouped`: one patient (or Bundle) per line.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <map>

#include "support/audit_fixtures.h"

namespace willis::audit {
namespace {

// ---------------------------------------------------------------- --grouped

TEST(AuditGrouped, OnePatientPerLineGivesTheSameFlaggedLines) {
  // Group each fixture's resources by patient (the Spark/Hadoop recipe of docs/audit.md): the
  // Medications go with every patient's line.
  for (const auto& fixture : fixture_dirs()) {
    if (fixture.filename() == "input-handling") continue;
    SCOPED_TRACE(fixture.filename().string());
    std::map<std::string, std::vector<std::string>> groups;
    std::vector<std::string> medications;
    simdjson::dom::parser parser;
    for (const auto& entry : fs::directory_iterator(fixture)) {
      if (entry.path().extension() != ".ndjson") continue;
      for (const auto& line : lines_of(read_text(entry.path()))) {
        simdjson::dom::element resource;
        ASSERT_FALSE(parser.parse(line).get(resource));
        const std::string_view type = resource["resourceType"].get_string().value();
        std::string_view id;
        if (type == "Patient")
          id = resource["id"].get_string().value();
        else if (type == "Medication") {
          medications.push_back(line);
          continue;
        } else
          id = std::string_view(resource["subject"]["reference"].get_string().value()).substr(8);
        groups[std::string(id)].push_back(line);
      }
    }
    std::string input;
    for (const auto& [id, resources] : groups) {
      std::string line = "[";
      for (const auto& resource : resources) line += (line.size() > 1 ? "," : "") + resource;
      for (const auto& medication : medications) {
        simdjson::dom::element resource;
        ASSERT_FALSE(parser.parse(medication).get(resource));
        const std::string reference =
            "\"Medication/" + std::string(resource["id"].get_string().value()) + "\"";
        if (line.find(reference) != std::string::npos) line += "," + medication;
      }
      input += line + "]\n";
    }
    std::FILE* in = fmemopen(input.data(), input.size(), "r");
    std::string flagged, errors;
    Sinks sinks{[&](std::string_view line) { flagged += line; },
                [&](std::string_view line) { errors += line; }, render::audit_flagged_line};
    const auto result = run_grouped(testing::kb(), codes(), kAsOf, in, sinks);
    std::fclose(in);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(errors, "");
    const Outputs reference = run_on({fixture.string()}, 1, 1 << 20);
    EXPECT_EQ(flagged, reference.flagged);
    EXPECT_EQ(render::audit_summary_json(result.value().summary, testing::kb()),
              reference.summary_json);
  }
}

TEST(AuditGrouped, ABundleLineAndBadLines) {
  std::string input =
      R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"b1"}},)"
      R"({"resource":{"resourceType":"MedicationRequest","id":"m","status":"active","subject":{"reference":"Patient/b1"},)"
      R"("medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"719872"}]}}},)"
      R"({"resource":{"resourceType":"MedicationRequest","id":"n","status":"active","subject":{"reference":"Patient/b1"},)"
      R"("medicationCodeableConcept":{"text":"Magnesium glycinate 100 mg"}}}]})"
      "\n\nnot json\n"
      R"([{"resourceType":"Patient"}])"
      "\n";
  std::FILE* in = fmemopen(input.data(), input.size(), "r");
  std::string flagged, errors;
  Sinks sinks{[&](std::string_view line) { flagged += line; },
              [&](std::string_view line) { errors += line; }, render::audit_flagged_line};
  const auto result = run_grouped(testing::kb(), codes(), kAsOf, in, sinks);
  std::fclose(in);
  ASSERT_TRUE(result.ok());
  EXPECT_NE(flagged.find(R"("patient":"b1","indicator":"raltegravir-with-mg")"), std::string::npos)
      << flagged;
  EXPECT_NE(errors.find("<stdin>:3: expected a JSON array of resources or a Bundle"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("<stdin>:4: resource 1: Patient without id"), std::string::npos) << errors;
  EXPECT_EQ(result.value().summary.errors, 2u);
}

TEST(AuditDamagedInput, GroupedModeCapsItsLinesToo) {
  std::string input = R"([{"resourceType":"Patient","id":"g1"}])"
                      "\n[" +
                      std::string(200000, ' ') +
                      R"({"resourceType":"Patient","id":"g2"}])"
                      "\n"
                      R"([{"resourceType":"Patient","id":"g3"}])"
                      "\n";
  std::FILE* in = fmemopen(input.data(), input.size(), "r");
  std::string errors;
  Sinks sinks{[](std::string_view) {}, [&](std::string_view line) { errors += line; },
              render::audit_flagged_line};
  const auto result = run_grouped(testing::kb(), codes(), kAsOf, in, sinks, 100000);
  std::fclose(in);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().summary.patients, 2u);
  EXPECT_EQ(result.value().summary.errors, 1u);
  EXPECT_NE(errors.find("<stdin>:2: a line longer than 100000 bytes"), std::string::npos) << errors;
}
}  // namespace
}  // namespace willis::audit
