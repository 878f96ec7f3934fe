// src/codec/yaml_fields.h: strict reading of YAML/JSON maps with path and line in every error.
// One reader for the KB and the profile, so "unknown field" and "wrong type" mean the same
// everywhere.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/strict_input.h"
#include "core/kb.h"
#include "core/result.h"

namespace willis::codec {

/// Collects errors instead of stopping at the first (the KB check reports all of them).
struct ErrorSink {
  std::vector<core::Error> errors;
  void add(core::Errc code, std::string path, std::string message, const std::string& file,
           int line);
  bool empty() const { return errors.empty(); }
};

/// 1-based line of a node parsed from text (0 when unknown).
int line_of(const YAML::Node& node);

/// Reads the keys of one YAML map. Every key read is remembered; `finish()` reports the rest
/// as unknown fields, so a typo never silently drops data.
class Fields {
 public:
  Fields(const YAML::Node& map, std::string path, std::string file, ErrorSink& sink);

  bool has(const char* key) const;
  YAML::Node node(const char* key);  ///< marks the key as known; null node when absent
  std::optional<std::string> text(const char* key, bool required = false);
  std::optional<double> number(const char* key, double min, double max, bool required = false);
  std::optional<long> integer(const char* key, long min, long max, bool required = false);
  std::optional<bool> boolean(const char* key, bool required = false);
  std::vector<std::string> texts(const char* key, bool required = false);
  std::vector<long> integers(const char* key);
  /// A string that must be one of `allowed`.
  std::optional<std::string> choice(const char* key, std::initializer_list<const char*> allowed,
                                    bool required = false);
  /// `sources`, `verified`, `last_reviewed` of a clinical entry.
  core::Provenance provenance(bool sources_required = true);
  void finish();

  std::string child_path(const char* key) const;
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  int line() const { return line_of(map_); }
  ErrorSink& sink() { return sink_; }
  void error(core::Errc code, const char* key, const std::string& message);

 private:
  /// The value of the first scalar key equal to `key`, or nullptr (what YAML::Node's operator[]
  /// finds, without converting every key to a string on each look-up).
  const YAML::Node* find(std::string_view key) const;

  YAML::Node map_;
  std::vector<std::pair<std::string, YAML::Node>> entries_;  ///< map_'s scalar keys, in order
  YAML::Node undefined_{YAML::NodeType::Undefined};          ///< what an absent key gives
  std::string path_, file_;
  ErrorSink& sink_;
  std::set<std::string> known_;
};

/// Path of list item `index` under `path`: "medicines[1]".
std::string item_path(const std::string& path, std::size_t index);

/// Parses text into a YAML node; JSON is accepted (tabs outside strings are spaces in JSON).
/// Strict (issue 13): a key twice in one map, a second document after `---`, invalid UTF-8 and
/// control characters are errors with file:line. `values` says whether scalar values may hold
/// line breaks and tabs (KB prose) or not (a profile: names only); keys never may.
core::Result<YAML::Node> parse_yaml_text(std::string_view text, const std::string& file,
                                         Lines values = Lines::multi);

}  // namespace willis::codec
