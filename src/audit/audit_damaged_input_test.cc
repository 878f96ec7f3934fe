// src/audit/audit_damaged_input_test.cc: damaged input (issue 13): truncated or trailing gzip data,
// concatenated members, lines longer than the cap.
#include <gtest/gtest.h>
#include <fmt/format.h>

#include <random>

#include "support/audit_fixtures.h"

namespace willis::audit {
namespace {

// ---------------------------------------------------------------- damaged input (issue 13)

/// `count` Patient lines with ids p0000..; incompressible enough that half the file is half the
/// patients.
std::string patient_lines(int count) {
  std::string text;
  std::mt19937 random(7);
  for (int index = 0; index < count; ++index)
    text += fmt::format(
        R"({{"resourceType":"Patient","id":"p{:05}","name":[{{"text":"{:08x}{:08x}"}}]}})"
        "\n",
        index, random(), random());
  return text;
}

core::Result<RunResult> run_paths(const std::vector<std::string>& paths, std::size_t chunk_size,
                                  std::string* errors = nullptr,
                                  std::size_t max_line = kDefaultMaxLineBytes,
                                  unsigned threads = 2) {
  Options options;
  options.paths = paths;
  options.as_of = kAsOf;
  options.threads = threads;
  options.chunk_size = chunk_size;
  options.max_line_bytes = max_line;
  Sinks sinks;
  sinks.error = [&](std::string_view line) {
    if (errors) *errors += line;
  };
  return run(testing::kb(), codes(), options, sinks);
}

TEST(AuditDamagedInput, ATruncatedGzipFileIsAnErrorNamingIt) {
  const fs::path dir = scratch("truncated");
  const std::string whole = gzip_bytes(patient_lines(20000));
  write_bytes(dir / "Patient.ndjson.gz", whole.substr(0, whole.size() / 2));
  for (const std::size_t chunk : {std::size_t{4096}, std::size_t{8} << 20}) {
    const auto result = run_paths({dir.string()}, chunk);
    ASSERT_FALSE(result.ok()) << "a half file was read as " << result.value().summary.patients
                              << " patients";
    EXPECT_EQ(result.error().code, core::Errc::io_error);
    EXPECT_NE(result.error().message.find((dir / "Patient.ndjson.gz").string()), std::string::npos)
        << result.error().message;
    EXPECT_NE(result.error().message.find("truncated"), std::string::npos)
        << result.error().message;
  }
}

TEST(AuditDamagedInput, BytesAfterTheGzipDataAreAnError) {
  const fs::path dir = scratch("garbage");
  write_bytes(dir / "Patient.ndjson.gz", gzip_bytes(patient_lines(10)) + "this is not gzip\n");
  const auto result = run_paths({dir.string()}, 1 << 20);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("Patient.ndjson.gz"), std::string::npos)
      << result.error().message;
}

TEST(AuditDamagedInput, ConcatenatedGzipMembersAreReadWhole) {
  const fs::path dir = scratch("members");
  const std::string lines = patient_lines(300);
  const std::size_t half = lines.find('\n', lines.size() / 2) + 1;
  write_bytes(dir / "Patient.ndjson.gz",
              gzip_bytes(lines.substr(0, half)) + gzip_bytes(lines.substr(half)));
  const auto result = run_paths({dir.string()}, 4096);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result.value().summary.patients, 300u);
}

TEST(AuditDamagedInput, ALineLongerThanTheCapIsOneBadLineWhateverTheChunks) {
  // One line of 3 MB (a bomb in miniature) between good lines, in a plain and a gzip file: with a
  // 64 kB cap it is one bad line (FILE:2), the good lines around it are read, and nothing
  // depends on the chunk size.
  const fs::path dir = scratch("long-line");
  const std::string before = R"({"resourceType":"Patient","id":"a1"})"
                             "\n";
  const std::string bomb = R"({"resourceType":"Patient","id":"big","x":")" +
                           std::string(std::size_t{3} << 20, 'x') + "\"}\n";
  const std::string after = R"({"resourceType":"Patient","id":"a2"})"
                            "\n"
                            R"({"resourceType":"Patient","id":"a3"})"
                            "\n";
  write_bytes(dir / "A.ndjson", before + bomb + after);
  write_bytes(dir / "B.ndjson.gz", gzip_bytes(before + bomb + after));
  std::string first_errors;
  for (const std::size_t chunk :
       {std::size_t{100}, std::size_t{4096}, std::size_t{1} << 20, std::size_t{8} << 20}) {
    std::string errors;
    const auto result = run_paths({dir.string()}, chunk, &errors, std::size_t{64} << 10);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.value().summary.errors, 2u) << "chunk " << chunk;
    EXPECT_EQ(result.value().summary.patients, 3u) << "chunk " << chunk;  // a1, a2, a3 (both files)
    EXPECT_NE(errors.find((dir / "A.ndjson").string() + ":2: a line longer than 65536 bytes"),
              std::string::npos)
        << errors;
    EXPECT_NE(errors.find((dir / "B.ndjson.gz").string() + ":2: a line longer than 65536 bytes"),
              std::string::npos)
        << errors;
    if (first_errors.empty()) first_errors = errors;
    EXPECT_EQ(errors, first_errors) << "chunk " << chunk;
  }
  // Without the cap (the default, 64 MiB) the same line is read (and is a valid Patient).
  const auto uncapped = run_paths({dir.string()}, 1 << 20);
  ASSERT_TRUE(uncapped.ok());
  EXPECT_EQ(uncapped.value().summary.errors, 0u);
  EXPECT_EQ(uncapped.value().summary.patients, 4u);
}
}  // namespace
}  // namespace willis::audit
