// describe_error: the one way an error is told to a person ("file:line: path: message").
#include "app/kb_source.h"

#include <gtest/gtest.h>

namespace willis::app {
namespace {

TEST(Describe, FileLinePathMessage) {
  core::Error error;
  error.file = "my-diary.csv";
  error.line = 5;
  error.path = "rls";
  error.message = "11 is out of range";
  EXPECT_EQ(describe_error(error), "my-diary.csv:5: rls: 11 is out of range");
  error.line = 0;
  EXPECT_EQ(describe_error(error), "my-diary.csv: rls: 11 is out of range");
  error.file.clear();
  EXPECT_EQ(describe_error(error), "rls: 11 is out of range");
}

}  // namespace
}  // namespace willis::app
