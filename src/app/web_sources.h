// src/app/web_sources.h: what the evidence pages (Evidence, Sources, Conflicts, Ask, the food
// picker) read: the evidence set, the USDA food table and their search indexes, loaded once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/evidence_yaml.h"
#include "core/food.h"
#include "core/kb.h"
#include "store/ask_index.h"

namespace willis::app {

/// Read-only once loaded; the indexes point into the tables, so it is never moved (unique_ptr).
struct WebSources {
  codec::EvidenceLoad evidence;
  std::optional<core::FoodTable> foods;
  std::optional<store::AskIndex> ask_index;
  std::optional<store::FoodIndex> food_index;
  /// Why the evidence pages are off ("file:line: path: message"), one line each; empty when all
  /// four parts loaded.
  std::vector<std::string> problems;
  bool ready() const { return ask_index && food_index; }
};

/// Loads the built-in evidence and food table for `kb` and builds their indexes. A problem does
/// not stop the rest of the app: it is listed in `problems` and those pages say so.
std::unique_ptr<WebSources> load_web_sources(const core::Kb& kb);

}  // namespace willis::app
