// src/core/kb_check.h: cross-file consistency of a loaded knowledge base.
#pragma once

#include <vector>

#include "core/kb.h"
#include "core/result.h"

namespace willis::core {

/// Every reason the KB cannot be trusted: unknown source/medicine/class/form ids, entries
/// without citations, duplicate ids or names, salts whose stated molar mass or elemental
/// percentage differs from the formula by more than 0.1, missing rules, limits that leave an
/// age uncovered. Empty means consistent.
std::vector<Error> check_kb(const Kb& kb);

}  // namespace willis::core
