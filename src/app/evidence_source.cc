// src/app/evidence_source.cc: the built-in evidence and food files, or folders of them.
#include "app/evidence_source.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <vector>

#include "app/kb_source.h"
#include "codec/food_csv.h"

namespace willis::embedded {
// Defined by the file tools/embed_data.cc generates (evidence/CMakeLists.txt links it whole).
// File `index` of the embedded data ("evidence/claims.yaml", "food/foods.csv", ...), as chunks
// to concatenate; false past the last file. This weak default stands in when the data was not
// built in, so the program still links and says what is missing.
__attribute__((weak)) bool embedded_data(std::size_t /*index*/, const char** /*name*/,
                                         const char* const** /*chunks*/,
                                         std::size_t* /*chunk_count*/) {
  return false;
}
}  // namespace willis::embedded

namespace willis::app {

const char* const kEvidenceNotBuiltIn =
    "this willis was built without its evidence and food data (evidence/ is not added to the "
    "build); "
    "rebuild with add_subdirectory(evidence) in CMakeLists.txt, or pass --evidence DIR / "
    "--food-data DIR";

namespace {

// The embedded files under `prefix` ("evidence/", "food/"), names without the prefix.
std::vector<codec::KbFile> embedded_files(const std::string& prefix) {
  std::vector<codec::KbFile> files;
  const char* name = nullptr;
  const char* const* chunks = nullptr;
  std::size_t count = 0;
  for (std::size_t index = 0; embedded::embedded_data(index, &name, &chunks, &count); ++index) {
    const std::string full = name;
    if (full.compare(0, prefix.size(), prefix) != 0) continue;
    codec::KbFile file{full.substr(prefix.size()), {}};
    for (std::size_t chunk = 0; chunk < count; ++chunk) file.text += chunks[chunk];
    files.push_back(std::move(file));
  }
  return files;
}

core::Result<std::vector<codec::KbFile>> folder_files(const std::string& dir,
                                                      const std::set<std::string>& extensions) {
  std::vector<codec::KbFile> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || !extensions.count(entry.path().extension().string())) continue;
    auto text = read_file(entry.path().string());
    if (!text.ok()) return text.error();
    files.push_back({entry.path().filename().string(), std::move(text).value()});
  }
  if (ec)
    return core::Error{core::Errc::io_error, "",
                       "cannot read the folder " + dir + ": " + ec.message(), dir, 0};
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return files;
}

}  // namespace

codec::EvidenceLoad load_evidence(const core::Kb& kb, const std::string& dir) {
  std::vector<codec::KbFile> files;
  if (!dir.empty()) {
    auto read = folder_files(dir, {".yaml"});
    if (!read.ok()) return codec::EvidenceLoad{{}, {read.error()}};
    files = std::move(read).value();
  } else {
    files = embedded_files("evidence/");
    if (files.empty())
      return codec::EvidenceLoad{{}, {core::Error{core::Errc::io_error, "", kEvidenceNotBuiltIn}}};
  }
  return codec::load_evidence(files, kb);
}

core::Result<core::FoodTable> load_food_table(const std::string& dir) {
  std::vector<codec::KbFile> files;
  if (!dir.empty()) {
    auto read = folder_files(dir, {".csv"});
    if (!read.ok()) return read.error();
    files = std::move(read).value();
  } else {
    files = embedded_files("food/");
    if (files.empty()) return core::Error{core::Errc::io_error, "", kEvidenceNotBuiltIn};
  }
  std::string foods, portions;
  for (const auto& file : files) {
    if (file.name == "foods.csv") foods = file.text;
    if (file.name == "portions.csv") portions = file.text;
  }
  if (foods.empty() || portions.empty())
    return core::Error{core::Errc::io_error, "",
                       "the food data needs foods.csv and portions.csv (USDA SR28)"};
  return codec::parse_food_table(foods, portions);
}

}  // namespace willis::app
