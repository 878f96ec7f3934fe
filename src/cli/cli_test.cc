// The willis binary as a user runs it: exit codes, error messages, help, kb commands.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "support/run_process.h"

namespace {

using CliRun = willis::testing::ProcessRun;

CliRun run(const std::string& args) {
  return willis::testing::run_process(std::string(WILLIS_BINARY) + " " + args);
}

std::filesystem::path temp_dir() {
  auto dir =
      std::filesystem::temp_directory_path() / ("willis-cli-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

std::string write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
  return path.string();
}

TEST(Cli, AssessRejectsABadProfileNamingFileLineAndField) {
  const auto profile = write(temp_dir() / "bad.yaml",
                             "age: 54\nmedicines:\n  - name: Cipro\n    times: [\"25:00\"]\n");
  const CliRun r = run("assess " + profile);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("willis: error: " + profile +
                       ":4: medicines[0].times[0]: \"25:00\" is not a 24 h time"),
            std::string::npos)
      << r.out;
}

TEST(Cli, AssessJsonIsExactlyOneContractDocument) {
  const CliRun r =
      run("assess " + std::string(WILLIS_SOURCE_DIR) + "/examples/typical.yaml --format json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(r.out).get(doc)) << "stdout is one JSON document";
  std::string_view schema;
  ASSERT_FALSE(doc["schema"].get(schema));
  EXPECT_EQ(schema, "willis.assessment/1");
}

TEST(Cli, UnknownProfileKeyIsAnError) {
  const auto profile = write(temp_dir() / "typo.json", "{\"age\": 54, \"medicnes\": []}");
  const CliRun r = run("assess " + profile);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("medicnes: unknown field"), std::string::npos) << r.out;
}

TEST(Cli, HelpExplainsEveryCommandWithAnExample) {
  for (const char* command :
       {"--help", "assess --help", "kb check --help", "kb show --help", "kb report --help"}) {
    const CliRun r = run(command);
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << command << ":\n" << r.out;
  }
}

TEST(Cli, AWordThatIsNoCommandIsNamedInTheError) {
  const CliRun r = run("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("\"frobnicate\" is not a command of willis; willis --help lists them"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(run("assess").exit_code, 2);  // a command without its argument: CLI11's own message
}

TEST(Cli, KbShowPrintsTheEntryAndItsSources) {
  const CliRun r = run("kb show interaction:ciprofloxacin");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("magnesium_before_drug_h: 6"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("l-cipro: "), std::string::npos) << "cited source printed";
  EXPECT_EQ(run("kb show interaction:no-such-thing").exit_code, 2);
}

TEST(Cli, KbCheckRefusesABrokenCopyWithFileAndLine) {
  EXPECT_EQ(run("kb check").exit_code, 0);
  const auto dir = temp_dir() / "kb";
  std::filesystem::remove_all(dir);
  std::filesystem::copy(std::string(WILLIS_SOURCE_DIR) + "/kb", dir);
  std::ifstream in(dir / "interactions.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  text.replace(text.find("source: l-cipro"), 15, "source: l-cypro");
  write(dir / "interactions.yaml", text);
  const CliRun r = run("kb check --kb " + dir.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("interactions.yaml:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("l-cypro"), std::string::npos) << r.out;
}

TEST(KbReport, ListsUnverifiedAndOutOfDateEntries) {
  CliRun r = run("kb report --today 2026-12-01");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("threshold:egfr_caution_below"), std::string::npos)
      << "an entry its sources leave unverified";
  EXPECT_NE(r.out.find("Out of date (not reviewed in the 12 months before 2026-12-01): 0"),
            std::string::npos)
      << r.out;
  r = run("kb report --today 2028-01-01");
  EXPECT_EQ(r.out.find("Out of date (not reviewed in the 12 months before 2028-01-01): 0"),
            std::string::npos)
      << "every entry is more than 12 months old by 2028";
  EXPECT_EQ(run("kb report --today 2026-13-01").exit_code, 2);
}

}  // namespace

// ---------------------------------------------------------------- willis audit (docs/audit.md)

namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(CliAudit, CodelistsIsCsvWithHeader) {
  const auto result = run("audit --codelists");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.rfind("list,system,code\n", 0), 0u);
  EXPECT_NE(result.out.find("\nmagnesium,http://www.nlm.nih.gov/research/umls/rxnorm,6582\n"),
            std::string::npos);
  EXPECT_NE(result.out.find("\nrls,http://snomed.info/sct,32914008\n"), std::string::npos);
}

TEST(CliAudit, ThreadsAndChunkSizeGiveByteIdenticalFiles) {
  const auto dir = temp_dir();
  const std::string fixtures = std::string(WILLIS_SOURCE_DIR) + "/tests/fixtures/audit/";
  const std::string inputs = fixtures + "mg-egfr-below-30 " + fixtures + "input-handling " +
                             fixtures + "rls-low-iron-untreated";
  std::string first_summary;
  for (const std::string& options :
       {std::string("--threads 1"), std::string("--threads 7 --chunk-size 4096"),
        std::string("--threads 2 --chunk-size 1048576")}) {
    const std::string tag = std::to_string(std::hash<std::string>{}(options));
    const auto result = run("audit " + inputs + " --as-of 2026-11-22 --format json --no-progress " +
                            options + " --out " + (dir / (tag + ".ndjson")).string() +
                            " --summary " + (dir / (tag + ".html")).string());
    ASSERT_EQ(result.exit_code, 0) << result.out;
    const std::string summary =
        result.out.substr(result.out.find('{'));  // after "willis: N bad lines … FILE"
    if (first_summary.empty()) {
      first_summary = summary;
      continue;
    }
    EXPECT_EQ(summary, first_summary);
  }
  std::vector<std::string> flagged, errors, html;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().string();
    if (name.ends_with(".ndjson")) flagged.push_back(slurp(entry.path()));
    if (name.ends_with(".errors")) errors.push_back(slurp(entry.path()));
    if (name.ends_with(".html")) html.push_back(slurp(entry.path()));
  }
  ASSERT_EQ(flagged.size(), 3u);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_FALSE(flagged[0].empty());
  EXPECT_EQ(flagged[0], flagged[1]);
  EXPECT_EQ(flagged[1], flagged[2]);
  EXPECT_EQ(errors[0], errors[2]);
  EXPECT_NE(errors[0].find("Bad.ndjson:5: no resourceType"), std::string::npos);
  EXPECT_EQ(html[0], html[1]);
  std::filesystem::remove_all(dir);
}

TEST(CliAudit, MaxErrorsExitsThreeNamingTheErrorsFile) {
  const auto dir = temp_dir();
  const auto result =
      run("audit " + std::string(WILLIS_SOURCE_DIR) +
          "/tests/fixtures/audit/input-handling --as-of 2026-11-22 --max-errors 2 --out " +
          (dir / "f.ndjson").string());
  EXPECT_EQ(result.exit_code, 3) << result.out;
  EXPECT_NE(result.out.find("--max-errors 2"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("f.ndjson.errors"), std::string::npos) << result.out;
  std::filesystem::remove_all(dir);
}

TEST(CliAudit, BadOptionsNameTheFix) {
  auto result = run("audit /nonexistent-export --as-of 2026-11-22");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.out.find("/nonexistent-export"), std::string::npos);
  result = run("audit . --as-of 22/11/2026");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.out.find("YYYY-MM-DD"), std::string::npos);
  result = run("audit --help");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("--grouped"), std::string::npos);
}

TEST(CliAudit, GroupedReadsStdinWritesFlaggedLines) {
  const auto dir = temp_dir();
  const auto input = dir / "grouped.jsonl";
  write(
      input,
      R"([{"resourceType":"Patient","id":"g1"},{"resourceType":"MedicationRequest","id":"m1","status":"active",)"
      R"("subject":{"reference":"Patient/g1"},"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"719872"}]}},)"
      R"({"resourceType":"MedicationStatement","id":"m2","status":"active","subject":{"reference":"Patient/g1"},)"
      R"("medicationCodeableConcept":{"text":"magnesium citrate"}}])"
      "\n");
  const auto result = run("audit --grouped --as-of 2026-11-22 < " + input.string());
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(result.out.rfind(R"({"patient":"g1","indicator":"mg-chelator-no-timing")", 0),
            std::string::npos);
  EXPECT_NE(
      result.out.find(
          R"({"patient":"g1","indicator":"raltegravir-with-mg","evidence":[{"resource":"MedicationRequest/m1")"),
      std::string::npos)
      << result.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
