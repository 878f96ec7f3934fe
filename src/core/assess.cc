// core::assess: resolve the names, then run the rule passes in order (src/core/rules/).
#include "core/assess.h"

#include <cmath>
#include <cstdio>

#include "core/rules/passes.h"

namespace willis::core {

std::string format_number(double value) {
  char text[32];
  const double rounded = std::round(value * 10) / 10;
  if (std::fabs(rounded - std::round(rounded)) < 1e-9)
    std::snprintf(text, sizeof text, "%.0f", rounded);
  else
    std::snprintf(text, sizeof text, "%.1f", rounded);
  return text;
}

std::string fill_text(std::string text,
                      const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [name, value] : values) {
    const std::string placeholder = "{" + name + "}";
    for (std::size_t at = 0; (at = text.find(placeholder, at)) != std::string::npos;
         at += value.size())
      text.replace(at, placeholder.size(), value);
  }
  return text;
}

const Finding* Assessment::finding(const std::string& id) const {
  for (const auto& f : findings)
    if (f.id == id) return &f;
  return nullptr;
}

namespace {

/// The passes in the order they run. The order is part of the output (findings of equal
/// severity keep it) and of the logic: each pass may read what the passes above it left in
/// Findings (findings.h says who writes and who reads each field).
constexpr rules::Pass kPasses[] = {
    rules::record_labs,
    rules::red_flags,
    rules::age_rules,
    rules::kidney_rules,
    rules::serum_magnesium_rules,
    rules::condition_findings,
    rules::interactions,  // also the RLS and treatment findings of each medicine
    rules::dose_rules,
    rules::rls_rules,
    rules::iron_rules,
    rules::treatment_and_evidence,
    rules::lifestyle_rules,
    rules::sleep_rules,
    // Plan and timetable only when the verdict allows (the findings above decide).
    rules::magnesium_timing,
    rules::make_plan,
    rules::make_timetable,
    rules::conclude,
};

}  // namespace

Assessment assess(const Kb& kb, const NameIndex& names, const Profile& profile) {
  rules::Findings out(kb.rules);
  out.result.kb_version = kb.version;
  out.result.jurisdiction = profile.jurisdiction;
  out.result.disclaimer = kb.rules.disclaimer;
  const rules::Context cx = rules::resolve_names(kb, names, profile, out);
  for (const rules::Pass pass : kPasses) pass(cx, out);
  return std::move(out.result);
}

Assessment assess(const Kb& kb, const Profile& profile) {
  const NameIndex names(kb);
  return assess(kb, names, profile);
}

}  // namespace willis::core
