#include "app/paths.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>

#include "store/testing.h"

namespace willis::app {
namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(values));
  return [shared](const char* name) -> const char* {
    const auto found = shared->find(name);
    return found == shared->end() ? nullptr : found->second.c_str();
  };
}

TEST(DefaultDiaryPath, FollowsXdgThenHome) {
  EXPECT_EQ(default_diary_path(env_of({{"XDG_DATA_HOME", "/data"}, {"HOME", "/home/p"}})).value(),
            "/data/willis/diary.sqlite3");
  EXPECT_EQ(default_diary_path(env_of({{"HOME", "/home/p"}})).value(),
            "/home/p/.local/share/willis/diary.sqlite3");
  // The XDG spec: a relative XDG_DATA_HOME is invalid and must be ignored.
  EXPECT_EQ(default_diary_path(env_of({{"XDG_DATA_HOME", "data"}, {"HOME", "/home/p"}})).value(),
            "/home/p/.local/share/willis/diary.sqlite3");
  const auto none = default_diary_path(env_of({}));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().path, "--db");
}

TEST(CreateParentDirectories, MakesPrivateFolders) {
  store::testing::TempDir dir;
  const std::string file = dir.file("a/b/c/diary.sqlite3");
  ASSERT_FALSE(create_parent_directories(file));
  struct stat info {};
  ASSERT_EQ(::stat(dir.file("a/b/c").c_str(), &info), 0);
  EXPECT_TRUE(S_ISDIR(info.st_mode));
  EXPECT_EQ(info.st_mode & 0077, 0u);
  EXPECT_FALSE(create_parent_directories(file));  // again: nothing to do
  EXPECT_FALSE(create_parent_directories("diary.sqlite3"));
}

}  // namespace
}  // namespace willis::app
