// src/app/evidence_source.h: where the evidence (evidence/*.yaml) and the USDA food table come
// from: built into the binary by evidence/CMakeLists.txt, or read from folders. Adapter: reads
// files. Shared by the CLI (`willis claims|sources|conflicts|ask|foods`) and `willis serve`.
#pragma once

#include <string>

#include "codec/evidence_yaml.h"
#include "core/food.h"
#include "core/kb.h"
#include "core/result.h"

namespace willis::app {

/// What to say when the data was not built in (and no folder was given).
extern const char* const kEvidenceNotBuiltIn;

/// Claims, conflicts and ask settings, checked against `kb`: from `dir` (evidence/*.yaml) when it
/// is not empty, else the built-in copy. `errors` lists every problem as file:line.
codec::EvidenceLoad load_evidence(const core::Kb& kb, const std::string& dir = {});

/// The USDA SR28 magnesium table: foods.csv and portions.csv from `dir`, else the built-in copy.
core::Result<core::FoodTable> load_food_table(const std::string& dir = {});

}  // namespace willis::app
