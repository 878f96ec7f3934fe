// src/core/assess.h: profile + knowledge base -> assessment. Pure: no I/O, no clock, no globals.
#pragma once

#include "core/assessment.h"
#include "core/kb.h"
#include "core/names.h"
#include "core/profile.h"

namespace willis::core {

/// Assesses one person against the knowledge base.
///
///     const NameIndex names(kb);                  // build once per KB, reuse for every call
///     Assessment a = assess(kb, names, profile);
///     if (a.verdict >= Severity::avoid) { /* a.magnesium.plan is empty; a.schedule.doses too */ }
///
/// Never fails: readable but unknown input becomes an `unrecognised:` finding. Input that
/// cannot be read is rejected earlier, by the profile parser.
Assessment assess(const Kb& kb, const NameIndex& names, const Profile& profile);

/// Convenience overload that builds the name index (slower: for one-off calls and tests).
Assessment assess(const Kb& kb, const Profile& profile);

/// Fills "{name}" placeholders in a KB text; unknown placeholders are left as written.
std::string fill_text(std::string text,
                      const std::vector<std::pair<std::string, std::string>>& values);

/// A number for prose: at most one decimal, no trailing ".0" ("161.6", "400").
std::string format_number(double value);

}  // namespace willis::core
