// load_first_document must build exactly what YAML::Load builds (it replaced a second parse, then
// yaml-cpp's scanner by libyaml's parser): the same tree, tags, scalars and source marks, and the
// same refusal of malformed text. Checked against YAML::Load itself on every YAML file of the
// repository and on texts written to reach yaml-cpp's corners (anchors, aliases, merge keys,
// complex keys, several documents, tags). Two differences are libyaml's and intended: an empty
// value's null node is placed where the value is missing (the key's line; yaml-cpp: the next
// token), and two texts yaml-cpp let through are refused (listed in kStricterThanYamlCpp).
#include "codec/yaml_document.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace willis::codec {
namespace {

/// Everything the strict readers look at, one line per node, in document order.
void describe(const YAML::Node& node, std::string& out, int depth) {
  out += std::string(depth, ' ') + std::to_string(static_cast<int>(node.Type())) +
         " tag=" + node.Tag();
  if (!node.IsNull())
    out += " at " + std::to_string(node.Mark().line) + ":" + std::to_string(node.Mark().column);
  if (node.IsScalar()) out += " scalar=" + node.Scalar();
  out += "\n";
  if (node.IsSequence())
    for (const auto& item : node) describe(item, out, depth + 1);
  if (node.IsMap())
    for (const auto& pair : node) {
      describe(pair.first, out, depth + 1);
      describe(pair.second, out, depth + 1);
    }
}

/// The tree YAML::Load gives and the one load_first_document gives, or "throws".
std::pair<std::string, std::string> both(const std::string& text) {
  std::string expected, actual;
  try {
    describe(YAML::Load(text), expected, 0);
  } catch (const YAML::Exception&) {
    expected = "throws";
  }
  try {
    describe(load_first_document(text).root, actual, 0);
  } catch (const YAML::Exception&) {
    actual = "throws";
  }
  return {expected, actual};
}

std::vector<std::filesystem::path> yaml_files() {
  std::vector<std::filesystem::path> files;
  const std::filesystem::path root(WILLIS_SOURCE_DIR);
  for (const char* dir : {"kb", "evidence", "examples", "tests/fuzz/corpus/profile"})
    for (const auto& entry : std::filesystem::directory_iterator(root / dir))
      if (entry.is_regular_file()) files.push_back(entry.path());
  return files;
}

// Accepted by yaml-cpp, refused by libyaml, and rightly: invalid UTF-8 (parse_yaml_text refuses it
// first anyway, naming the byte), and a JSON object followed by `, "day": {...}` (yaml-cpp kept the
// object and dropped the rest).
const std::vector<std::string> kStricterThanYamlCpp = {"invalid-utf8.yaml",
                                                       "crash-loadall-endless.json"};

TEST(YamlDocument, BuildsWhatYamlLoadBuildsForEveryYamlFileOfTheRepository) {
  int compared = 0;
  for (const auto& path : yaml_files()) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const auto [expected, actual] = both(text.str());
    const bool stricter = std::find(kStricterThanYamlCpp.begin(), kStricterThanYamlCpp.end(),
                                    path.filename().string()) != kStricterThanYamlCpp.end();
    if (stricter) {
      EXPECT_NE(expected, "throws") << path << ": yaml-cpp refuses it now; take it off the list";
      EXPECT_EQ(actual, "throws") << path;
    } else {
      EXPECT_EQ(actual, expected) << path;
    }
    ++compared;
  }
  EXPECT_GT(compared, 20);
}

// An empty value's null node is on the key's line, where the value is missing.
TEST(YamlDocument, AnEmptyValueIsPlacedAfterItsKey) {
  const YAML::Node root = load_first_document("age:\nsex: male\n").root;
  EXPECT_TRUE(root["age"].IsNull());
  EXPECT_EQ(root["age"].Mark().line, 0);
  EXPECT_EQ(root["age"].Mark().column, 4);
}

TEST(YamlDocument, BuildsWhatYamlLoadBuildsForYamlCorners) {
  const std::vector<std::string> texts = {
      "",
      "# only a comment\n",
      "---\n...\n",
      "a: 1\nb: [2, 3]\nc: {d: e}\n",
      "base: &b {x: 1, y: 2}\nother: *b\n",
      "base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n",
      "? [complex, key]\n: value\n",
      "a: 1\n---\nb: 2\n",
      "a: 1\n...\n---\nb: 2\n",
      "[1, 2]\n--- [3]\n",
      "!!str 12\n",
      "tagged: !custom {a: 1}\n",
      "a: 1\na: 2\n",
      "bad: *nowhere\n",
      "a: [1, 2\n",
      "a:\n\t- tab\n",
      "key: 'single' \nother: \"double\\n\"\nblock: |\n  line one\n  line two\nfolded: >\n  a\n  "
      "b\n",
      "- &a x\n- *a\n- &a y\n- *a\n",
      "~\n",
      "null: ~\nempty:\nlist:\n  -\n  - ~\n",
  };
  for (const auto& text : texts) {
    const auto [expected, actual] = both(text);
    EXPECT_EQ(actual, expected) << text;
  }
}

TEST(YamlDocument, CountsDocumentsAndSaysWhereTheSecondStarts) {
  EXPECT_EQ(load_first_document("").documents, 0);
  EXPECT_EQ(load_first_document("a: 1\n").documents, 1);
  const auto two = load_first_document("a: 1\n---\nb: 2\n");
  EXPECT_EQ(two.documents, 2);
  EXPECT_EQ(two.second_line, 2);
}

}  // namespace
}  // namespace willis::codec
