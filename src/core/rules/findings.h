// src/core/rules/findings.h: what the assessment passes write: the Assessment being built, and
// the facts one pass leaves for a later one (each says who writes it and who reads it).
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/assessment.h"
#include "core/kb.h"
#include "core/rules/context.h"
#include "core/schedule.h"

namespace willis::core::rules {

class Findings {
 public:
  explicit Findings(const Rules& rules) : rules_(rules) {}

  Assessment result;  ///< what core::assess returns: every pass adds to it

  /// What the plan and the timetable wait for (fail closed). Written by resolve_names, red_flags,
  /// interactions and dose; read by plan and timetable.
  std::vector<Unresolved> pending;
  /// Keep-apart windows of the listed medicines. Written by interactions; read by
  /// magnesium_timing and timetable.
  std::vector<TimedWindow> windows;
  /// Magnesium prescribed by a clinician. Written by dose; read by plan.
  std::vector<const Item*> prescribed;
  /// Magnesium forms the person already takes. Written by dose; read by plan.
  std::vector<std::string> current_forms;
  /// Magnesium a day from antacids and laxatives (not supplements). Written by dose; read by plan.
  double medicine_magnesium_mg = 0;
  /// Magnesium a day from the supplements listed. Written by dose; read by plan.
  double supplement_mg = 0;

  /// One finding per id (`kind:subject`): a second add returns the first finding unchanged.
  Finding& add(std::string kind, const std::string& subject, Severity severity, std::string title,
               std::string detail, std::string see, const Provenance& prov);
  /// A finding worded by the kb/rules.yaml text `text_name`, its placeholders filled.
  Finding& add_text(const std::string& kind, const std::string& subject,
                    const std::string& text_name, const Values& values);
  /// The kb/evidence.yaml entry `id` as an evidence finding (nothing when the KB lacks it).
  void add_evidence(const Kb& kb, const std::string& id);
  /// Something the timetable (and, for unknowns and amounts, the plan) must wait for; worded by
  /// the rules.yaml text `text_name` (title: reason, detail: what to ask).
  void unresolve(const std::string& field, const std::string& what, const std::string& missing,
                 const char* text_name, const Values& values);
  /// A note worded by the detail of the rules.yaml text `text_name`.
  void note(const char* text_name, const Values& values);
  /// The most severe finding so far.
  Severity verdict() const;

 private:
  const Rules& rules_;
  std::unordered_map<std::string, std::size_t> finding_index_;  ///< keeps add() linear
  std::unordered_set<std::string> pending_keys_;  ///< field, kind and item of each, kept linear
};

}  // namespace willis::core::rules
