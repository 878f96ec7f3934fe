#include "render/json_writer.h"

#include <gtest/gtest.h>

namespace willis::render {
namespace {

TEST(JsonWriter, EscapesEverythingThatNeedsIt) {
  EXPECT_EQ(JsonWriter::quote("a\"b\\c\n\t</script>"), "\"a\\\"b\\\\c\\n\\t\\u003c/script>\"");
  EXPECT_EQ(JsonWriter::quote(std::string("\x01", 1)), "\"\\u0001\"");
}

TEST(JsonWriter, NestsWithCommas) {
  JsonWriter w(false);
  w.begin_object();
  w.member("a", 1);
  w.key("b");
  w.begin_array();
  w.value(1.5);
  w.value(true);
  w.null();
  w.end_array();
  w.member("c", "x");
  w.end_object();
  EXPECT_EQ(w.str(), R"({"a":1,"b":[1.5,true,null],"c":"x"})");
}

TEST(JsonWriter, NumbersLoseBinaryNoise) {
  JsonWriter w(false);
  w.value(0.1 + 0.2);
  EXPECT_EQ(w.str(), "0.3");
}

}  // namespace
}  // namespace willis::render
