// tests/support/audit_fixtures.h: what the audit's tests (src/audit/*_test.cc) share: the fixtures
// (tests/fixtures/audit/*/expected.json, written from docs/audit.md), the code lists, a run that
// keeps everything it writes as text, and scratch folders.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "render/audit_report.h"
#include "support/test_kb.h"

namespace willis::audit {

namespace fs = std::filesystem;

inline const fs::path kFixtures = fs::path(WILLIS_SOURCE_DIR) / "tests/fixtures/audit";
inline const core::CalendarDate kAsOf{2026, 11, 22};

inline const codec::AuditCodes& codes() {
  static const codec::AuditCodes instance(testing::kb(), testing::names());
  return instance;
}

/// Everything a run writes, as text.
struct Outputs {
  std::string flagged, errors, summary_json;
  core::audit::Summary summary;
  bool stopped = false;
};

inline Outputs run_on(const std::vector<std::string>& paths, unsigned threads,
                      std::size_t chunk_size, std::int64_t max_errors = -1) {
  Outputs out;
  Options options;
  options.paths = paths;
  options.as_of = kAsOf;
  options.threads = threads;
  options.chunk_size = chunk_size;
  options.max_errors = max_errors;
  Sinks sinks;
  sinks.flagged = [&](std::string_view line) { out.flagged += line; };
  sinks.error = [&](std::string_view line) { out.errors += line; };
  sinks.flagged_line = render::audit_flagged_line;
  auto result = run(testing::kb(), codes(), options, sinks);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  if (!result.ok()) return out;
  out.summary = result.value().summary;
  out.stopped = result.value().stopped;
  out.summary_json = render::audit_summary_json(out.summary, testing::kb());
  return out;
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline std::vector<fs::path> fixture_dirs() {
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(kFixtures))
    if (entry.is_directory() && fs::exists(entry.path() / "expected.json"))
      dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

/// A fresh folder under the test's temporary directory.
inline fs::path scratch(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("willis-audit-test-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline std::string gzip_bytes(const std::string& text) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, text.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

}  // namespace willis::audit
