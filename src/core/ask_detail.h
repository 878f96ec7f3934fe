// src/core/ask_detail.h: the small list and text helpers the ask_*.cc files share (internal).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace willis::core::ask_detail {

inline bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

inline void add_unique(std::vector<std::string>& list, const std::vector<std::string>& more) {
  for (const auto& item : more)
    if (!contains(list, item)) list.push_back(item);
}

inline std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (item.empty()) continue;
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

/// "proton-pump-inhibitors" -> "proton pump inhibitors".
inline std::string id_words(std::string id) {
  std::replace(id.begin(), id.end(), '-', ' ');
  return id;
}

}  // namespace willis::core::ask_detail
