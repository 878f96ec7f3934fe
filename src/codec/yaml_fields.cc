#include "codec/yaml_fields.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <fmt/format.h>

#include "codec/yaml_document.h"

namespace willis::codec {

using core::Errc;

namespace {
bool looks_like_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (const std::size_t idx : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[idx] < '0' || text[idx] > '9') return false;
  const int month = (text[5] - '0') * 10 + (text[6] - '0'),
            day = (text[8] - '0') * 10 + (text[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}
}  // namespace

void ErrorSink::add(Errc code, std::string path, std::string message, const std::string& file,
                    int line) {
  errors.push_back(core::Error{code, std::move(path), std::move(message), file, line});
}

int line_of(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  const auto mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

std::string item_path(const std::string& path, std::size_t index) {
  return fmt::format("{}[{}]", path, index);
}

Fields::Fields(const YAML::Node& map, std::string path, std::string file, ErrorSink& sink)
    : map_(map), path_(std::move(path)), file_(std::move(file)), sink_(sink) {
  if (!map_.IsMap()) {
    sink_.add(Errc::invalid_type, path_.empty() ? "(top level)" : path_,
              "expected a map of keys and values", file_, line_of(map_));
    return;
  }
  entries_.reserve(map_.size());
  for (const auto& entry : map_)
    if (entry.first.IsScalar()) entries_.emplace_back(entry.first.Scalar(), entry.second);
}

const YAML::Node* Fields::find(std::string_view key) const {
  for (const auto& [name, value] : entries_)
    if (name == key) return &value;
  return nullptr;
}

std::string Fields::child_path(const char* key) const {
  return path_.empty() ? std::string(key) : path_ + "." + key;
}

void Fields::error(Errc code, const char* key, const std::string& message) {
  const YAML::Node* found = find(key);
  const YAML::Node value = found ? *found : undefined_;
  sink_.add(code, child_path(key), message, file_,
            value.IsDefined() ? line_of(value) : line_of(map_));
}

bool Fields::has(const char* key) const {
  const YAML::Node* found = find(key);
  return found && found->IsDefined() && !found->IsNull();
}

YAML::Node Fields::node(const char* key) {
  known_.insert(key);
  if (!map_.IsMap()) return YAML::Node();
  const YAML::Node* found = find(key);
  return found ? *found : undefined_;
}

std::optional<std::string> Fields::text(const char* key, bool required) {
  const YAML::Node value = node(key);
  if (!value.IsDefined() || value.IsNull()) {
    if (required) error(Errc::missing_field, key, "is required");
    return std::nullopt;
  }
  if (!value.IsScalar()) {
    error(Errc::invalid_type, key, "expected text");
    return std::nullopt;
  }
  return value.Scalar();
}

std::optional<double> Fields::number(const char* key, double min, double max, bool required) {
  const YAML::Node value = node(key);
  if (!value.IsDefined() || value.IsNull()) {
    if (required) error(Errc::missing_field, key, "is required");
    return std::nullopt;
  }
  double number = 0;
  if (!value.IsScalar() || !YAML::convert<double>::decode(value, number) ||
      !std::isfinite(number) || value.Tag() == "!") {  // a quoted "45" is text, not a number
    error(Errc::invalid_type, key,
          fmt::format("expected a number, got \"{}\"",
                      value.IsScalar() ? value.Scalar() : "a list or map"));
    return std::nullopt;
  }
  if (number < min || number > max) {
    error(Errc::invalid_value, key,
          fmt::format("{} is outside the possible range {} to {}", value.Scalar(), min, max));
    return std::nullopt;
  }
  return number;
}

std::optional<long> Fields::integer(const char* key, long min, long max, bool required) {
  const auto value = number(key, static_cast<double>(min), static_cast<double>(max), required);
  if (!value) return std::nullopt;
  if (std::floor(*value) != *value) {
    error(Errc::invalid_value, key, fmt::format("expected a whole number, got {}", *value));
    return std::nullopt;
  }
  return static_cast<long>(*value);
}

std::optional<bool> Fields::boolean(const char* key, bool required) {
  const YAML::Node value = node(key);
  if (!value.IsDefined() || value.IsNull()) {
    if (required) error(Errc::missing_field, key, "is required");
    return std::nullopt;
  }
  if (value.IsScalar() && value.Tag() != "!") {
    if (value.Scalar() == "true") return true;
    if (value.Scalar() == "false") return false;
  }
  error(Errc::invalid_type, key, "expected true or false");
  return std::nullopt;
}

std::vector<std::string> Fields::texts(const char* key, bool required) {
  std::vector<std::string> out;
  const YAML::Node value = node(key);
  if (!value.IsDefined() || value.IsNull()) {
    if (required) error(Errc::missing_field, key, "is required");
    return out;
  }
  if (!value.IsSequence()) {
    error(Errc::invalid_type, key, "expected a list");
    return out;
  }
  for (std::size_t item_idx = 0; item_idx < value.size(); ++item_idx) {
    const YAML::Node item = value[item_idx];
    if (!item.IsScalar()) {
      sink_.add(Errc::invalid_type, item_path(child_path(key), item_idx), "expected text", file_,
                line_of(item));
      continue;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::vector<long> Fields::integers(const char* key) {
  std::vector<long> out;
  for (const auto& item : texts(key)) {
    char* end = nullptr;
    const long number = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0')
      error(Errc::invalid_type, key, fmt::format("\"{}\" is not a whole number", item));
    else
      out.push_back(number);
  }
  return out;
}

std::optional<std::string> Fields::choice(const char* key,
                                          std::initializer_list<const char*> allowed,
                                          bool required) {
  auto value = text(key, required);
  if (!value) return std::nullopt;
  for (const char* option : allowed)
    if (*value == option) return value;
  std::string options;
  for (const char* option : allowed)
    options += (options.empty() ? "" : " | ") + std::string(option);
  error(Errc::invalid_value, key, fmt::format("\"{}\" is not one of: {}", *value, options));
  return std::nullopt;
}

core::Provenance Fields::provenance(bool sources_required) {
  core::Provenance prov;
  prov.sources = texts("sources", sources_required);
  if (sources_required && prov.sources.empty() && has("sources"))
    error(Errc::invalid_kb, "sources", "must cite at least one source");
  prov.verified = boolean("verified").value_or(true);
  prov.last_reviewed = text("last_reviewed", sources_required).value_or("");
  if (!prov.last_reviewed.empty() && !looks_like_date(prov.last_reviewed))
    error(Errc::invalid_value, "last_reviewed",
          "\"" + prov.last_reviewed + "\" is not a date (use YYYY-MM-DD)");
  prov.loc = core::SourceLoc{file_, line()};
  return prov;
}

void Fields::finish() {
  if (!map_.IsMap()) return;
  for (const auto& entry : map_) {
    const std::string key = entry.first.Scalar();
    if (known_.count(key)) continue;
    std::string known_list;
    for (const auto& name : known_) known_list += (known_list.empty() ? "" : ", ") + name;
    sink_.add(Errc::unknown_field, child_path(key.c_str()),
              fmt::format("unknown field (known fields here: {})", known_list), file_,
              line_of(entry.first));
  }
}

namespace {

// A walk that visits more nodes than this is an alias bomb ("billion laughs"), not a profile.
constexpr long kMaxNodes = 1000000;
constexpr int kMaxDepth = 256;

struct StrictWalk {
  const std::string& file;
  Lines values;
  long visited = 0;

  std::optional<core::Error> check(const YAML::Node& node, const std::string& path, int depth) {
    if (++visited > kMaxNodes || depth > kMaxDepth)
      return core::Error{Errc::parse_error, path.empty() ? "(top level)" : path,
                         "is nested too deeply or repeats aliases too often to be read", file,
                         line_of(node)};
    if (node.IsScalar()) {
      if (auto problem = text_problem(node.Scalar(), values))
        return core::Error{Errc::invalid_value, path.empty() ? "(top level)" : path, *problem, file,
                           line_of(node)};
      return std::nullopt;
    }
    if (node.IsSequence()) {
      for (std::size_t idx = 0; idx < node.size(); ++idx)
        if (auto error = check(node[idx], item_path(path, idx), depth + 1)) return error;
      return std::nullopt;
    }
    if (!node.IsMap()) return std::nullopt;
    std::map<std::string, int> seen;
    for (const auto& entry : node) {
      if (!entry.first.IsScalar())
        return core::Error{Errc::parse_error, path.empty() ? "(top level)" : path,
                           "has a key that is a list or map; keys are plain words", file,
                           line_of(entry.first)};
      const std::string& key = entry.first.Scalar();
      const std::string child = path.empty() ? key : path + "." + key;
      if (auto problem = text_problem(key, Lines::single))
        return core::Error{Errc::invalid_value, child, "a key " + *problem, file,
                           line_of(entry.first)};
      const int line = line_of(entry.first);
      if (const auto [first, inserted] = seen.emplace(key, line); !inserted)
        return core::Error{Errc::parse_error, child,
                           fmt::format("appears twice in the same map (first on line {}); only one "
                                       "value could be used and the other would be silently lost, "
                                       "so keep one",
                                       first->second),
                           file, line};
      if (auto error = check(entry.second, child, depth + 1)) return error;
    }
    return std::nullopt;
  }
};

}  // namespace

core::Result<YAML::Node> parse_yaml_text(std::string_view text, const std::string& file,
                                         Lines values) {
  // Bytes first: yaml-cpp passes invalid UTF-8 and raw control characters through untouched.
  if (const auto bad = invalid_utf8_at(text); bad != std::string_view::npos)
    return core::Error{Errc::parse_error, "",
                       fmt::format("is not valid UTF-8 (byte 0x{:02x}); save the file as UTF-8",
                                   static_cast<unsigned char>(text[bad])),
                       file, line_at(text, bad)};
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if ((byte < 0x20 && byte != '\n' && byte != '\t' && byte != '\r') || byte == 0x7F)
      return core::Error{Errc::parse_error, "",
                         fmt::format("holds the control character U+{:04X}; remove it", byte), file,
                         line_at(text, pos)};
  }
  std::string copy(text);
  if (!copy.empty()) {
    const auto first = copy.find_first_not_of(" \r\n\t");
    if (first != std::string::npos && (copy[first] == '{' || copy[first] == '['))
      for (char& c : copy)
        if (c == '\t') c = ' ';
  }
  YAML::Node root;
  try {
    // A second document after `---` (or text after the first document ends) would be ignored
    // by YAML::Load: the one parse counts documents as it builds the first.
    const auto parsed = load_first_document(copy);
    if (parsed.documents > 1)
      return core::Error{Errc::parse_error, "",
                         "holds more than one YAML document (a line with --- starts another, or "
                         "text follows the end of the first); everything after the first would be "
                         "ignored, so keep one",
                         file, parsed.second_line};
    root = parsed.root;
  } catch (const YAML::Exception& error) {
    return core::Error{Errc::parse_error, "", "not valid YAML or JSON: " + error.msg, file,
                       error.mark.line >= 0 ? error.mark.line + 1 : 0};
  }
  StrictWalk walk{file, values};
  if (auto error = walk.check(root, "", 0)) return *error;
  return root;
}

}  // namespace willis::codec
