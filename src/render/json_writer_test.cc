#include "render/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

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

// Whole numbers are written without printf; the text must be what "%.0f" gives, sign of zero too.
TEST(JsonWriter, WholeNumbersAreWrittenAsPrintfWrites) {
  for (const double number : {0.0, -0.0, 1.0, -1.0, 7.0000000001, 42.0, -42.0, 1e6, 123456789.0,
                              999999999999999.0, -999999999999999.0, 2.9999999999, 400.0}) {
    JsonWriter w(false);
    w.value(number);
    char expected[64];
    std::snprintf(expected, sizeof expected, "%.0f", std::round(number * 1e6) / 1e6);
    EXPECT_EQ(w.str(), expected) << number;
  }
}

// Every byte value, alone and between plain text: plain bytes pass, the rest are escaped.
TEST(JsonWriter, EveryByteIsPassedOrEscaped) {
  for (int byte = 0; byte < 0x80; ++byte) {
    const std::string text = "ab" + std::string(1, static_cast<char>(byte)) + "cd";
    const std::string quoted = JsonWriter::quote(text);
    const bool plain = byte >= 0x20 && byte != '"' && byte != '\\' && byte != '<' && byte != 0x7F;
    if (plain)
      EXPECT_EQ(quoted, "\"" + text + "\"") << byte;
    else  // an escape starts where the byte was, and the rest follows
      EXPECT_TRUE(quoted.rfind("\"ab\\", 0) == 0 && quoted.size() > text.size() + 2 &&
                  quoted.substr(quoted.size() - 3) == "cd\"")
          << byte << ": " << quoted;
  }
}

}  // namespace
}  // namespace willis::render
