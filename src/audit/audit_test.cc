// src/audit/audit_test.cc: the audit over hand-written fixtures
// (tests/fixtures/audit/*/expected.json, written from docs/audit.md), thread and chunk
// independence, --grouped, and a mutation fuzz.
#include "audit/audit.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <unistd.h>

#include "audit/patient_table.h"
#include "render/audit_report.h"
#include "support/test_kb.h"

namespace willis::audit {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(WILLIS_SOURCE_DIR) / "tests/fixtures/audit";
const core::CalendarDate kAsOf{2026, 11, 22};

const codec::AuditCodes& codes() {
  static const codec::AuditCodes instance(testing::kb(), testing::names());
  return instance;
}

/// Everything a run writes, as text.
struct Outputs {
  std::string flagged, errors, summary_json;
  core::audit::Summary summary;
  bool stopped = false;
};

Outputs run_on(const std::vector<std::string>& paths, unsigned threads, std::size_t chunk_size,
               std::int64_t max_errors = -1) {
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
  auto result = run(testing::kb(), codes(), options, sinks);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  if (!result.ok()) return out;
  out.summary = result.value().summary;
  out.stopped = result.value().stopped;
  out.summary_json = render::audit_summary_json(out.summary, testing::kb());
  return out;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<fs::path> fixture_dirs() {
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(kFixtures))
    if (entry.is_directory() && fs::exists(entry.path() / "expected.json"))
      dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

// ---------------------------------------------------------------- fixtures (docs/audit.md)

class AuditFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(AuditFixture, MatchesExpected) {
  const fs::path dir = kFixtures / GetParam();
  simdjson::dom::parser parser;
  const simdjson::padded_string json = simdjson::padded_string(read_text(dir / "expected.json"));
  simdjson::dom::element expected;
  ASSERT_FALSE(parser.parse(json).get(expected));
  std::string_view why;
  if (expected["why"].get(why)) why = "";
  SCOPED_TRACE(std::string(why));

  const Outputs out = run_on({dir.string()}, 1, std::size_t{1} << 20);
  simdjson::dom::object summary;
  ASSERT_FALSE(expected["summary"].get(summary));
  const std::map<std::string_view, std::uint64_t> got_summary = {
      {"patients", out.summary.patients},
      {"resources", out.summary.resources},
      {"errors", out.summary.errors},
      {"skipped_resources", out.summary.skipped_resources},
      {"orphan_resources", out.summary.orphan_resources},
      {"unrecognised_medicines", out.summary.unrecognised_medicines},
      {"excluded_deceased_date", out.summary.deceased_by_date},
      {"excluded_deceased_boolean", out.summary.deceased_by_flag}};
  for (auto [key, value] : summary) {
    std::uint64_t want = 0;
    ASSERT_FALSE(value.get(want));
    EXPECT_EQ(got_summary.at(key), want) << key;
  }
  simdjson::dom::object indicators;
  ASSERT_FALSE(expected["indicators"].get(indicators));
  for (int index = 0; index < core::audit::kIndicatorCount; ++index) {
    const std::string_view id = core::audit::indicator_id(index);
    simdjson::dom::array pair;
    ASSERT_FALSE(indicators[id].get(pair)) << id;
    std::uint64_t denominator = 0, numerator = 0;
    ASSERT_FALSE(pair.at(0).get(denominator));
    ASSERT_FALSE(pair.at(1).get(numerator));
    EXPECT_EQ(out.summary.indicators[static_cast<std::size_t>(index)].denominator, denominator)
        << id << " denominator";
    EXPECT_EQ(out.summary.indicators[static_cast<std::size_t>(index)].numerator, numerator)
        << id << " numerator";
  }
  std::set<std::string> want_flagged, got_flagged;
  for (auto item : expected["flagged"].get_array())
    want_flagged.insert(std::string(item.get_string().value()));
  for (const auto& line : lines_of(out.flagged)) {
    simdjson::dom::element row;
    ASSERT_FALSE(parser.parse(line).get(row)) << line;
    got_flagged.insert(std::string(row["patient"].get_string().value()) + " " +
                       std::string(row["indicator"].get_string().value()));
  }
  EXPECT_EQ(got_flagged, want_flagged);
  // Re-parse expected: `row` above reused the parser.
  ASSERT_FALSE(parser.parse(json).get(expected));
  simdjson::dom::array exact;
  if (!expected["flagged_lines"].get(exact)) {
    const auto flagged_lines = lines_of(out.flagged);
    for (auto item : exact) {
      const std::string want(item.get_string().value());
      EXPECT_NE(std::find(flagged_lines.begin(), flagged_lines.end(), want), flagged_lines.end())
          << "missing line " << want;
    }
  }
  simdjson::dom::array errors;
  if (!expected["errors"].get(errors)) {
    const auto error_lines = lines_of(out.errors);
    ASSERT_EQ(error_lines.size(), errors.size()) << out.errors;
    std::size_t index = 0;
    for (auto item : errors) {
      const std::string want = (dir / std::string(item.get_string().value())).string();
      EXPECT_EQ(error_lines[index].substr(0, want.size()), want);
      ++index;
    }
  } else {
    EXPECT_EQ(out.errors, "");
  }
}

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  for (const auto& dir : fixture_dirs()) names.push_back(dir.filename().string());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, AuditFixture, ::testing::ValuesIn(fixture_names()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(AuditFixtures, EveryIndicatorHasItsOwnFixture) {
  for (int index = 0; index < core::audit::kIndicatorCount; ++index)
    EXPECT_TRUE(
        fs::exists(kFixtures / std::string(core::audit::indicator_id(index)) / "expected.json"))
        << core::audit::indicator_id(index);
}

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

// ---------------------------------------------------------------- --grouped

TEST(AuditGrouped, OnePatientPerLineGivesTheSameFlaggedLines) {
  // Group each fixture's resources by patient (the Spark/Hadoop recipe of docs/audit.md): the
  // Medications go with every patient's line.
  for (const auto& fixture : fixture_dirs()) {
    if (fixture.filename() == "input-handling") continue;
    SCOPED_TRACE(fixture.filename().string());
    std::map<std::string, std::vector<std::string>> groups;
    std::vector<std::string> medications;
    simdjson::dom::parser parser;
    for (const auto& entry : fs::directory_iterator(fixture)) {
      if (entry.path().extension() != ".ndjson") continue;
      for (const auto& line : lines_of(read_text(entry.path()))) {
        simdjson::dom::element resource;
        ASSERT_FALSE(parser.parse(line).get(resource));
        const std::string_view type = resource["resourceType"].get_string().value();
        std::string_view id;
        if (type == "Patient")
          id = resource["id"].get_string().value();
        else if (type == "Medication") {
          medications.push_back(line);
          continue;
        } else
          id = std::string_view(resource["subject"]["reference"].get_string().value()).substr(8);
        groups[std::string(id)].push_back(line);
      }
    }
    std::string input;
    for (const auto& [id, resources] : groups) {
      std::string line = "[";
      for (const auto& resource : resources) line += (line.size() > 1 ? "," : "") + resource;
      for (const auto& medication : medications) {
        simdjson::dom::element resource;
        ASSERT_FALSE(parser.parse(medication).get(resource));
        const std::string reference =
            "\"Medication/" + std::string(resource["id"].get_string().value()) + "\"";
        if (line.find(reference) != std::string::npos) line += "," + medication;
      }
      input += line + "]\n";
    }
    std::FILE* in = fmemopen(input.data(), input.size(), "r");
    std::string flagged, errors;
    Sinks sinks{[&](std::string_view line) { flagged += line; },
                [&](std::string_view line) { errors += line; }};
    const auto result = run_grouped(testing::kb(), codes(), kAsOf, in, sinks);
    std::fclose(in);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(errors, "");
    const Outputs reference = run_on({fixture.string()}, 1, 1 << 20);
    EXPECT_EQ(flagged, reference.flagged);
    EXPECT_EQ(render::audit_summary_json(result.value().summary, testing::kb()),
              reference.summary_json);
  }
}

TEST(AuditGrouped, ABundleLineAndBadLines) {
  std::string input =
      R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"b1"}},)"
      R"({"resource":{"resourceType":"MedicationRequest","id":"m","status":"active","subject":{"reference":"Patient/b1"},)"
      R"("medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"719872"}]}}},)"
      R"({"resource":{"resourceType":"MedicationRequest","id":"n","status":"active","subject":{"reference":"Patient/b1"},)"
      R"("medicationCodeableConcept":{"text":"Magnesium glycinate 100 mg"}}}]})"
      "\n\nnot json\n"
      R"([{"resourceType":"Patient"}])"
      "\n";
  std::FILE* in = fmemopen(input.data(), input.size(), "r");
  std::string flagged, errors;
  Sinks sinks{[&](std::string_view line) { flagged += line; },
              [&](std::string_view line) { errors += line; }};
  const auto result = run_grouped(testing::kb(), codes(), kAsOf, in, sinks);
  std::fclose(in);
  ASSERT_TRUE(result.ok());
  EXPECT_NE(flagged.find(R"("patient":"b1","indicator":"raltegravir-with-mg")"), std::string::npos)
      << flagged;
  EXPECT_NE(errors.find("<stdin>:3: expected a JSON array of resources or a Bundle"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("<stdin>:4: resource 1: Patient without id"), std::string::npos) << errors;
  EXPECT_EQ(result.value().summary.errors, 2u);
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

// ---------------------------------------------------------------- memory

TEST(AuditMemory, PerPatientStateIsAtMost200Bytes) {
  // Everything a patient costs (issue: at most 200 bytes each plus fixed buffers): its state, its
  // slot at the lowest load factor, its id as a UUID (4 + 16 bytes) and its flagged entry.
  static_assert(sizeof(core::audit::PatientState) == 136);
  static_assert(sizeof(FlaggedPatient) == 16);
  static_assert(PatientTable::kBytesPerUuidPatient <= 200);
  EXPECT_EQ(PatientTable::kBytesPerUuidPatient, 136u + 21u + 20u + 16u);
  {
    // The real bytes of a table of UUID ids, measured: at most the budget per patient (less its
    // flagged entry, which lives in the pipeline) and 64 kB of partly filled blocks.
    PatientTable uuids;
    char id[37];
    for (unsigned index = 0; index < 100000; ++index) {
      std::snprintf(id, sizeof id, "%08x-0000-4000-8000-%012x", index * 2654435761u, index);
      uuids.get(id, PatientTable::hash(id)).add_patient();
    }
    EXPECT_EQ(uuids.size(), 100000u);
    EXPECT_LE(
        uuids.bytes(),
        100000u * (PatientTable::kBytesPerUuidPatient - sizeof(FlaggedPatient)) + (64u << 10));
  }
  PatientTable table;
  for (int index = 0; index < 100000; ++index) {
    const std::string id = "patient-" + std::to_string(index);
    table.get(id, PatientTable::hash(id)).add_patient();
  }
  EXPECT_EQ(table.size(), 100000u);
  // Whatever the vectors' spare capacity: at most twice the state, the slots and the ids.
  EXPECT_LE(table.bytes(), 100000u * (2 * sizeof(core::audit::PatientState) + 16 + 2 * (4 + 13)));
  // The real bytes of the whole table, ids included: the state, the slots, each id with its
  // 4-byte length, and at most 64 kB of partly filled blocks and block lists (no spare capacity
  // that grows with the patients).
  const std::size_t id_bytes = 100000u * (4 + 13);  // "patient-NNNNN" is 8 + up to 5 characters
  EXPECT_LE(table.bytes(), 100000u * PatientTable::kBytesPerPatient + id_bytes + (64u << 10));
  // States never move while the table grows.
  const std::string first = "patient-0";
  const core::audit::PatientState* before = table.find(first, PatientTable::hash(first));
  for (int index = 100000; index < 110000; ++index) {
    const std::string id = "patient-" + std::to_string(index);
    table.get(id, PatientTable::hash(id));
  }
  EXPECT_EQ(table.find(first, PatientTable::hash(first)), before);
  const std::string probe = "patient-4242";
  ASSERT_NE(table.find(probe, PatientTable::hash(probe)), nullptr);
  EXPECT_EQ(table.id_of(*table.find(probe, PatientTable::hash(probe))), probe);
}

TEST(AuditMemory, PositionsPackIn6BytesInTheirOrder) {
  using core::audit::make_position;
  using core::audit::PackedPosition;
  const std::vector<core::audit::Position> sorted = {
      make_position(0, 0),
      make_position(0, 1),
      make_position(0, core::audit::kMaxFileBytes - 1),
      make_position(1, 0),
      make_position(core::audit::kMaxFiles - 1, core::audit::kMaxFileBytes - 1),
      core::audit::kNoPosition};
  for (std::size_t index = 0; index < sorted.size(); ++index) {
    EXPECT_EQ(PackedPosition(sorted[index]).get(), sorted[index]);
    if (index) {
      EXPECT_LT(sorted[index - 1], sorted[index]);
    }
  }
  PackedPosition earliest;
  EXPECT_TRUE(earliest.none());
  for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) earliest.keep_earliest(*it);
  EXPECT_EQ(earliest.get(), make_position(0, 0));
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

TEST(AuditMemory, UuidIdsAreKeptIn16BytesAndReadBackExactly) {
  // Canonical lower-case UUIDs are packed; anything else (upper case, no dashes, one character
  // off) is kept as written. Every id reads back exactly and is found by its text.
  const std::vector<std::string> ids = {"78de2454-5a3d-4020-b0d1-20395ff83baf",
                                        "00000000-0000-0000-0000-000000000000",
                                        "ffffffff-ffff-ffff-ffff-ffffffffffff",
                                        "78DE2454-5A3D-4020-B0D1-20395FF83BAF",
                                        "78de24545a3d4020b0d120395ff83baf",
                                        "78de2454-5a3d-4020-b0d1-20395ff83bag",
                                        "78de2454-5a3d-4020-b0d1_20395ff83baf",
                                        "78de2454-5a3d-4020-b0d1-20395ff83ba",
                                        "p1",
                                        ""};
  PatientTable table;
  for (const auto& id : ids) table.get(id, PatientTable::hash(id)).add_patient();
  EXPECT_EQ(table.size(), ids.size());
  for (const auto& id : ids) {
    const auto* state = table.find(id, PatientTable::hash(id));
    ASSERT_NE(state, nullptr) << id;
    EXPECT_EQ(table.id_of(*state), id);
  }
  const std::string upper_of_first = "78DE2454-5A3D-4020-B0D1-20395FF83BAF";
  EXPECT_NE(table.id_of(*table.find(upper_of_first, PatientTable::hash(upper_of_first))), ids[0]);
  IdArena arena;
  const std::size_t empty = arena.bytes();
  for (int index = 0; index < 1000; ++index) arena.add(ids[0]);
  EXPECT_LE(arena.bytes() - empty, 1000u * (4 + 16) + (16u << 10));
}

// ---------------------------------------------------------------- damaged input (issue 13)

/// A fresh folder under the test's temporary directory.
fs::path scratch(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("willis-audit-test-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string gzip_bytes(const std::string& text) {
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

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

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

TEST(AuditDamagedInput, GroupedModeCapsItsLinesToo) {
  std::string input = R"([{"resourceType":"Patient","id":"g1"}])"
                      "\n[" +
                      std::string(200000, ' ') +
                      R"({"resourceType":"Patient","id":"g2"}])"
                      "\n"
                      R"([{"resourceType":"Patient","id":"g3"}])"
                      "\n";
  std::FILE* in = fmemopen(input.data(), input.size(), "r");
  std::string errors;
  Sinks sinks{[](std::string_view) {}, [&](std::string_view line) { errors += line; }};
  const auto result = run_grouped(testing::kb(), codes(), kAsOf, in, sinks, 100000);
  std::fclose(in);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().summary.patients, 2u);
  EXPECT_EQ(result.value().summary.errors, 1u);
  EXPECT_NE(errors.find("<stdin>:2: a line longer than 100000 bytes"), std::string::npos) << errors;
}

// ---------------------------------------------------------------- deceased, text table, merge
// (issue 14)

TEST(AuditPopulation, PartialSummariesAddUpToTheWhole) {
  // The same export split by patient into two parts (as --grouped on a cluster does) adds up to
  // the run over the whole export, count for count.
  const Outputs whole = run_on(
      {(kFixtures / "deceased").string(), (kFixtures / "diuretic-digoxin-no-mg-12m").string()}, 1,
      1 << 20);
  const Outputs a = run_on({(kFixtures / "deceased").string()}, 1, 1 << 20);
  const Outputs b = run_on({(kFixtures / "diuretic-digoxin-no-mg-12m").string()}, 1, 1 << 20);
  core::audit::Summary sum = a.summary;
  sum.add(b.summary);
  EXPECT_EQ(render::audit_summary_json(sum, testing::kb()), whole.summary_json);
  std::string error;
  const auto parsed = render::parse_audit_summary_json(whole.summary_json, error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(render::audit_summary_json(parsed->summary, testing::kb()), whole.summary_json);
  EXPECT_EQ(parsed->summary.deceased_by_date, 2u);
  EXPECT_EQ(parsed->summary.deceased_by_flag, 1u);
}

TEST(AuditPopulation, TextsIdentifiedByNameAreExportedWithTheirLists) {
  // A code no list holds (999999991; Synthea's SCDC 316049 was one until issue 14 part 2): willis
  // finds the medicine by its text, and the text table says so, for the SQL to join on.
  const fs::path dir = scratch("texts");
  write_bytes(dir / "Patient.ndjson", R"({"resourceType":"Patient","id":"t1"})"
                                      "\n");
  write_bytes(
      dir / "MedicationRequest.ndjson",
      R"({"resourceType":"MedicationRequest","id":"h","status":"active","subject":{"reference":"Patient/t1"},)"
      R"("medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"999999991",)"
      R"("display":"Hydrochlorothiazide 25 MG"}],"text":"Hydrochlorothiazide 25 MG"}})"
      "\n"
      R"({"resourceType":"MedicationRequest","id":"u","status":"active","subject":{"reference":"Patient/t1"},)"
      R"("medicationCodeableConcept":{"text":"zzqx unknown thing"}})"
      "\n");
  Options options;
  options.paths = {dir.string()};
  options.as_of = kAsOf;
  options.collect_texts = true;
  const auto result = run(testing::kb(), codes(), options, {});
  ASSERT_TRUE(result.ok());
  const std::string csv = text_lists_csv(result.value().texts);
  EXPECT_EQ(csv, "text,list\n\"Hydrochlorothiazide 25 MG\",loop-or-thiazide\n");
  EXPECT_EQ(result.value().summary.unrecognised_medicines, 1u);
}

}  // namespace
}  // namespace willis::audit
