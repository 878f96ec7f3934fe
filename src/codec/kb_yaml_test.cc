#include "codec/kb_yaml.h"

#include <gtest/gtest.h>

#include <regex>

#include "app/kb_source.h"

namespace willis::codec {
namespace {

std::vector<KbFile> real_files() {
  auto files = app::kb_files(std::string(WILLIS_SOURCE_DIR) + "/kb");
  EXPECT_TRUE(files.ok());
  return files.ok() ? files.value() : std::vector<KbFile>{};
}

KbFile& file(std::vector<KbFile>& files, const std::string& name) {
  for (auto& f : files)
    if (f.name == name) return f;
  throw std::runtime_error("no " + name);
}

bool has_error(const KbLoad& load, const std::string& file_name, const std::string& needle) {
  for (const auto& e : load.errors)
    if (e.file == file_name && (e.message + e.path).find(needle) != std::string::npos) return true;
  return false;
}

TEST(KbYaml, TheRealKnowledgeBaseLoadsWithEveryEntryCited) {
  const auto load = load_kb(real_files());
  for (const auto& e : load.errors) ADD_FAILURE() << app::describe_error(e);
  EXPECT_EQ(load.kb.salts.size(), 29u) << "sources: facts-s6-computed lists 29 salts";
  EXPECT_GE(load.kb.sources.size(), 40u);
  for (const auto& m : load.kb.medicines) EXPECT_FALSE(m.prov.sources.empty()) << m.id;
}

TEST(KbYaml, TheEmbeddedCopyIsTheSourceTreeCopy) {
  const auto embedded = app::kb_files("");
  ASSERT_TRUE(embedded.ok());
  auto real = real_files();
  ASSERT_EQ(embedded.value().size(), real.size());
  for (const auto& f : embedded.value())
    EXPECT_EQ(f.text, file(real, f.name).text) << f.name << " is stale: rebuild";
}

TEST(KbYaml, RefusesASaltWhoseFractionDoesNotMatchItsFormula) {
  auto files = real_files();
  auto& salts = file(files, "salts.yaml").text;
  salts =
      std::regex_replace(salts, std::regex("elemental_percent: 60\\.3"), "elemental_percent: 50.3");
  const auto load = load_kb(files);
  EXPECT_TRUE(has_error(load, "salts.yaml", "% magnesium")) << "expected a formula mismatch";
}

TEST(KbYaml, RefusesAnUnknownSourceAndAnUnknownField) {
  auto files = real_files();
  auto& interactions = file(files, "interactions.yaml").text;
  const auto at = interactions.find("sources: [");
  ASSERT_NE(at, std::string::npos);
  interactions.insert(at + 10, "no-such-source, ");
  auto load = load_kb(files);
  EXPECT_TRUE(has_error(load, "interactions.yaml", "no-such-source"));

  files = real_files();
  auto& rules = file(files, "rules.yaml").text;
  rules = std::regex_replace(rules, std::regex("\n  egfr_caution_below:\n"),
                             "\n  egfr_caution_below:\n    vlaue: 3\n",
                             std::regex_constants::format_first_only);
  load = load_kb(files);
  ASSERT_FALSE(load.errors.empty());
  EXPECT_EQ(load.errors.front().code, core::Errc::unknown_field);
  EXPECT_GT(load.errors.front().line, 0) << "errors carry file:line";
}

TEST(KbYaml, RefusesAnEntryWithoutCitations) {
  auto files = real_files();
  auto& red = file(files, "red_flags.yaml").text;
  red = std::regex_replace(red, std::regex("\n    sources: \\[[^\\]]*\\]"), "\n    sources: []",
                           std::regex_constants::format_first_only);
  const auto load = load_kb(files);
  EXPECT_TRUE(has_error(load, "red_flags.yaml", "cite")) << "an uncited red flag must be refused";
}

}  // namespace
}  // namespace willis::codec
