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

namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;  ///< stdout and stderr together
};

CliRun run(const std::string& args) {
  CliRun result;
  const std::string command = std::string(WILLIS_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) result.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("willis-cli-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

std::string write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
  return path.string();
}

TEST(Cli, AssessRejectsABadProfileNamingFileLineAndField) {
  const auto profile = write(temp_dir() / "bad.yaml", "age: 54\nmedicines:\n  - name: Cipro\n    times: [\"25:00\"]\n");
  const CliRun r = run("assess " + profile);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("willis: error: " + profile + ":4: medicines[0].times[0]: \"25:00\" is not a 24 h time"),
            std::string::npos)
      << r.out;
}

TEST(Cli, AssessJsonIsExactlyOneContractDocument) {
  const CliRun r = run("assess " + std::string(WILLIS_SOURCE_DIR) + "/examples/typical.yaml --format json");
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
  for (const char* command : {"--help", "assess --help", "kb check --help", "kb show --help", "kb report --help"}) {
    const CliRun r = run(command);
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << command << ":\n" << r.out;
  }
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
  EXPECT_NE(r.out.find("threshold:egfr_caution_below"), std::string::npos) << "an entry FACTS leaves unverified";
  EXPECT_NE(r.out.find("Out of date (not reviewed in the 12 months before 2026-12-01): 0"), std::string::npos) << r.out;
  r = run("kb report --today 2028-01-01");
  EXPECT_EQ(r.out.find("Out of date (not reviewed in the 12 months before 2028-01-01): 0"), std::string::npos)
      << "every entry is more than 12 months old by 2028";
  EXPECT_EQ(run("kb report --today 2026-13-01").exit_code, 2);
}

}  // namespace
