#include "codec/yaml_fields.h"

#include <cmath>
#include <fmt/format.h>

namespace willis::codec {

using core::Errc;

namespace {
bool looks_like_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (const std::size_t idx : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[idx] < '0' || text[idx] > '9') return false;
  const int month = (text[5] - '0') * 10 + (text[6] - '0'), day = (text[8] - '0') * 10 + (text[9] - '0');
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
  if (!map_.IsMap())
    sink_.add(Errc::invalid_type, path_.empty() ? "(top level)" : path_,
              "expected a map of keys and values", file_, line_of(map_));
}

std::string Fields::child_path(const char* key) const {
  return path_.empty() ? std::string(key) : path_ + "." + key;
}

void Fields::error(Errc code, const char* key, const std::string& message) {
  const YAML::Node value = map_.IsMap() ? map_[key] : YAML::Node();
  sink_.add(code, child_path(key), message, file_, value.IsDefined() ? line_of(value) : line_of(map_));
}

bool Fields::has(const char* key) const {
  return map_.IsMap() && map_[key].IsDefined() && !map_[key].IsNull();
}

YAML::Node Fields::node(const char* key) {
  known_.insert(key);
  if (!map_.IsMap()) return YAML::Node();
  return map_[key];
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
  if (!value.IsScalar() || !YAML::convert<double>::decode(value, number) || !std::isfinite(number) ||
      value.Tag() == "!") {  // a quoted "45" is text, not a number
    error(Errc::invalid_type, key, fmt::format("expected a number, got \"{}\"",
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

std::optional<std::string> Fields::choice(const char* key, std::initializer_list<const char*> allowed,
                                          bool required) {
  auto value = text(key, required);
  if (!value) return std::nullopt;
  for (const char* option : allowed)
    if (*value == option) return value;
  std::string options;
  for (const char* option : allowed) options += (options.empty() ? "" : " | ") + std::string(option);
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
    error(Errc::invalid_value, "last_reviewed", "\"" + prov.last_reviewed + "\" is not a date (use YYYY-MM-DD)");
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

core::Result<YAML::Node> parse_yaml_text(std::string_view text, const std::string& file) {
  std::string copy(text);
  if (!copy.empty()) {
    const auto first = copy.find_first_not_of(" \r\n\t");
    if (first != std::string::npos && (copy[first] == '{' || copy[first] == '['))
      for (char& c : copy)
        if (c == '\t') c = ' ';
  }
  try {
    return YAML::Load(copy);
  } catch (const YAML::Exception& error) {
    return core::Error{Errc::parse_error, "", "not valid YAML or JSON: " + error.msg, file,
                       error.mark.line >= 0 ? error.mark.line + 1 : 0};
  }
}

}  // namespace willis::codec
