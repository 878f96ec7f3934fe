// src/audit/audit_independence_test.cc: outputs that depend on nothing but the input (threads,
// chunk sizes, gzip or plain), the errors that stop or refuse a run, and a mutation fuzz.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <random>

#include "support/audit_fixtures.h"

namespace willis::audit {
namespace {

// ---------------------------------------------------------------- independence of threads and
// chunks

/// Every fixture's lines, copied `copies` times with the patient ids renamed, in one folder.
fs::path replicated_input(int copies) {
  const fs::path dir =
      fs::temp_directory_path() / ("willis-audit-replicated-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::map<std::string, std::string> files;  // file name -> text
  for (int copy = 0; copy < copies; ++copy) {
    const std::string prefix = "k" + std::to_string(copy) + "-";
    for (const auto& fixture : fixture_dirs()) {
      for (const auto& entry : fs::directory_iterator(fixture)) {
        const std::string name = entry.path().filename().string();
        if (name == "expected.json" || name.ends_with(".gz")) continue;
        std::string text = read_text(entry.path());
        for (const std::string& from : {std::string("\"Patient/"), std::string("\"Medication/")}) {
          for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos;
               at += from.size() + prefix.size())
            text.insert(at + from.size(), prefix);
        }
        for (const std::string& from : {std::string("\"resourceType\":\"Patient\",\"id\":\""),
                                        std::string("\"resourceType\":\"Medication\",\"id\":\"")}) {
          for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos;
               at += from.size() + prefix.size())
            text.insert(at + from.size(), prefix);
        }
        files[fixture.filename().string() + "-" + name] += text;
      }
    }
  }
  for (const auto& [name, text] : files) std::ofstream(dir / name, std::ios::binary) << text;
  return dir;
}

TEST(AuditIndependence, ThreadsAndChunkSizesGiveByteIdenticalOutputs) {
  const fs::path dir = replicated_input(40);
  const Outputs reference = run_on({dir.string()}, 1, std::size_t{1} << 20);
  ASSERT_GT(reference.summary.patients, 1000u);
  ASSERT_FALSE(reference.flagged.empty());
  ASSERT_FALSE(reference.errors.empty());
  for (const unsigned threads : {1u, 2u, 7u})
    // 64 and 100: windows shorter than a line (mapped windows grow), offsets off page bounds.
    for (const std::size_t chunk :
         {std::size_t{64}, std::size_t{100}, std::size_t{4096}, std::size_t{1} << 20}) {
      SCOPED_TRACE(::testing::Message() << threads << " threads, chunk " << chunk);
      const Outputs out = run_on({dir.string()}, threads, chunk);
      EXPECT_EQ(out.summary_json, reference.summary_json);
      EXPECT_EQ(out.flagged, reference.flagged);
      EXPECT_EQ(out.errors, reference.errors);
    }
  fs::remove_all(dir);
}

TEST(AuditIndependence, GzipAndPlainFilesGiveTheSameOutputs) {
  // Plain files are mapped and their evidence read line by line; gzip files are decompressed
  // into buffers and their evidence read in one pass. Same bytes in, same outputs.
  const fs::path dir = replicated_input(40);
  const fs::path gz_dir = dir.string() + "-gz";
  fs::create_directories(gz_dir);
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string text = read_text(entry.path());
    gzFile out = gzopen((gz_dir / (entry.path().filename().string() + ".gz")).c_str(), "wb");
    ASSERT_NE(out, nullptr);
    ASSERT_EQ(gzwrite(out, text.data(), static_cast<unsigned>(text.size())),
              static_cast<int>(text.size()));
    gzclose(out);
    ++files;
  }
  ASSERT_GT(files, 1u);
  for (const std::size_t chunk : {std::size_t{100}, std::size_t{1} << 20}) {
    SCOPED_TRACE(::testing::Message() << "chunk " << chunk);
    const Outputs plain = run_on({dir.string()}, 2, chunk);
    const Outputs gz = run_on({gz_dir.string()}, 2, chunk);
    ASSERT_FALSE(plain.flagged.empty());
    EXPECT_EQ(gz.summary_json, plain.summary_json);
    EXPECT_EQ(gz.flagged, plain.flagged);
    std::string gz_errors = gz.errors;
    for (std::size_t at = 0; (at = gz_errors.find(".ndjson.gz:", at)) != std::string::npos; at += 8)
      gz_errors.replace(at, 11, ".ndjson:");
    std::string plain_errors = plain.errors;
    for (std::size_t at = 0; (at = plain_errors.find(dir.string(), at)) != std::string::npos;
         at += gz_dir.string().size())
      plain_errors.replace(at, dir.string().size(), gz_dir.string());
    EXPECT_EQ(gz_errors, plain_errors);
  }
  fs::remove_all(dir);
  fs::remove_all(gz_dir);
}

TEST(AuditIndependence, FlaggedLinesAreSortedByPatientThenIndicatorOrder) {
  const fs::path dir = replicated_input(3);
  const Outputs out = run_on({dir.string()}, 2, 4096);
  std::vector<std::pair<std::string, int>> keys;
  simdjson::dom::parser parser;
  for (const auto& line : lines_of(out.flagged)) {
    simdjson::dom::element row;
    ASSERT_FALSE(parser.parse(line).get(row));
    const std::string_view indicator = row["indicator"].get_string().value();
    int index = 0;
    while (core::audit::indicator_id(index) != indicator) ++index;
    keys.emplace_back(std::string(row["patient"].get_string().value()), index);
  }
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  fs::remove_all(dir);
}

TEST(AuditErrors, MaxErrorsStopsTheRun) {
  const Outputs out = run_on({(kFixtures / "input-handling").string()}, 1, 1 << 20, 3);
  EXPECT_TRUE(out.stopped);
  EXPECT_GT(out.summary.errors, 3u);
  const Outputs enough = run_on({(kFixtures / "input-handling").string()}, 1, 1 << 20, 11);
  EXPECT_FALSE(enough.stopped);
}

TEST(AuditErrors, MissingPathIsAnIoError) {
  Options options;
  options.paths = {"/nonexistent/export"};
  options.as_of = kAsOf;
  const auto result = run(testing::kb(), codes(), options, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, core::Errc::io_error);
  EXPECT_NE(result.error().message.find("/nonexistent/export"), std::string::npos);
}

TEST(AuditErrors, MoreFilesThanPositionsHoldIsAnError) {
  // 12 bits of file index: 4097 files are refused with a clear message, not audited wrongly.
  const fs::path dir =
      fs::temp_directory_path() / ("willis-audit-files-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (std::uint32_t index = 0; index <= core::audit::kMaxFiles; ++index)
    std::ofstream(dir / ("f" + std::to_string(index) + ".ndjson")) << "";
  Options options;
  options.paths = {dir.string()};
  options.as_of = kAsOf;
  const auto result = run(testing::kb(), codes(), options, {});
  fs::remove_all(dir);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, core::Errc::invalid_value);
  EXPECT_NE(result.error().message.find("4097 input files: at most 4096"), std::string::npos)
      << result.error().message;
}

// ---------------------------------------------------------------- fuzz: mutated lines never crash

TEST(AuditFuzz, MutatedLinesAreCountedNeverCrash) {
  std::vector<std::string> lines;
  for (const auto& fixture : fixture_dirs())
    for (const auto& entry : fs::directory_iterator(fixture))
      if (entry.path().extension() == ".ndjson")
        for (auto& line : lines_of(read_text(entry.path()))) lines.push_back(line);
  std::mt19937 random(20261122);
  const fs::path dir =
      fs::temp_directory_path() / ("willis-audit-fuzz-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const char* kBytes = "{}[]\",:\\ 0a-<\x01\xff\xc3";
  for (int round = 0; round < 30; ++round) {
    std::string text;
    std::uint64_t nonblank = 0;
    for (std::string line : lines) {
      const int mutations = static_cast<int>(random() % 3);
      for (int m = 0; m < mutations && !line.empty(); ++m) {
        const std::size_t at = random() % line.size();
        switch (random() % 4) {
          case 0:
            line[at] = kBytes[random() % 15];
            break;
          case 1:
            line.erase(at, 1 + random() % 8);
            break;
          case 2:
            line.insert(at, 1, kBytes[random() % 15]);
            break;
          default:
            line.resize(at);
            break;
        }
      }
      std::erase(line, '\n');
      bool blank = true;
      for (const char c : line) blank = blank && (c == ' ' || c == '\t' || c == '\r');
      nonblank += !blank;
      text += line + "\n";
    }
    std::ofstream(dir / "fuzz.ndjson", std::ios::binary | std::ios::trunc) << text;
    const Outputs out =
        run_on({(dir / "fuzz.ndjson").string()}, 1 + round % 3, round % 2 ? 4096 : 1 << 20);
    // Every line that is not blank is either read as a resource or counted as an error.
    EXPECT_EQ(out.summary.resources + out.summary.errors, nonblank) << "round " << round;
    EXPECT_EQ(lines_of(out.errors).size(), out.summary.errors);
  }
  fs::remove_all(dir);
}
}  // namespace
}  // namespace willis::audit
