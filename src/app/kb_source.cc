#include "app/kb_source.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/kb_embedded.h"
#include "codec/kb_binary.h"

namespace willis::app {

core::Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return core::Error{core::Errc::io_error, "",
                       "cannot read " + path + " (check the path and permissions)", path, 0};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

core::Result<std::vector<codec::KbFile>> kb_files(const std::string& dir) {
  std::vector<codec::KbFile> files;
  if (dir.empty()) {
    for (const auto& file : embedded_kb_files())
      files.push_back({std::string(file.name), std::string(file.text)});
    return files;
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto name = entry.path().filename().string();
    if (!entry.is_regular_file() || !(name == "VERSION" || entry.path().extension() == ".yaml"))
      continue;
    auto text = read_file(entry.path().string());
    if (!text.ok()) return text.error();
    files.push_back({name, std::move(text).value()});
  }
  if (ec)
    return core::Error{core::Errc::io_error, "",
                       "cannot read the folder " + dir + ": " + ec.message(), dir, 0};
  return files;
}

codec::KbLoad load_kb(const std::string& dir, bool from_yaml) {
  if (dir.empty() && !from_yaml) {
    codec::KbLoad load;
    auto kb = codec::kb_from_binary(embedded_kb_image());
    if (kb.ok())
      load.kb = std::move(kb).value();
    else
      load.errors.push_back(kb.error());
    return load;
  }
  auto files = kb_files(dir);
  if (!files.ok()) {
    codec::KbLoad load;
    load.errors.push_back(files.error());
    return load;
  }
  return codec::load_kb(files.value());
}

const codec::KbLoad& load_kb_for_process(const std::string& dir) {
  static codec::KbLoad* kept = nullptr;
  delete kept;
  kept = new codec::KbLoad(load_kb(dir));
  return *kept;
}

std::string describe_error(const core::Error& error) {
  std::string out;
  if (!error.file.empty())
    out += error.file + (error.line > 0 ? ":" + std::to_string(error.line) : "") + ": ";
  if (!error.path.empty()) out += error.path + ": ";
  return out + error.message;
}

}  // namespace willis::app
