// assess_alone: `willis assess ...` may skip the full command table only when no word could
// reach another command or a help text.
#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

bool alone(std::vector<std::string> words) {
  std::vector<const char*> argv{"willis"};
  for (const auto& word : words) argv.push_back(word.c_str());
  return willis::cli::assess_alone(static_cast<int>(argv.size()), argv.data());
}

TEST(CommandTable, AssessAloneOnlyForAssessWithoutOtherCommandWords) {
  EXPECT_TRUE(alone({"assess", "examples/typical.yaml", "--format", "json"}));
  EXPECT_TRUE(alone({"assess", "-", "--kb", "kbdir", "--as-of", "2026-11-22"}));
  EXPECT_FALSE(alone({}));
  EXPECT_FALSE(alone({"kb", "check"}));
  EXPECT_FALSE(alone({"--kb", "dir", "assess", "x.yaml"}));
  EXPECT_FALSE(alone({"assess", "--help"}));
  EXPECT_FALSE(alone({"assess", "-h"}));
  EXPECT_FALSE(alone({"assess", "x.yaml", "--help-all"}));
}

TEST(CommandTable, EveryOtherTopLevelCommandNameTakesTheFullTable) {
  CLI::App app{"willis", "willis"};
  willis::cli::GlobalOptions options;
  willis::cli::register_commands(app, options);
  const auto commands = app.get_subcommands([](CLI::App*) { return true; });
  ASSERT_GT(commands.size(), 5U);
  for (const CLI::App* command : commands) {
    EXPECT_FALSE(alone({"assess", "x.yaml", command->get_name()})) << command->get_name();
    for (const auto& alias : command->get_aliases())
      EXPECT_FALSE(alone({"assess", "x.yaml", alias})) << alias;
  }
}

}  // namespace
