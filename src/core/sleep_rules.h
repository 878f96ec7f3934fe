// src/core/sleep_rules.h: the sleep half of the assessment (issue 15): insomnia, possible sleep
// apnoea, drowsy driving, caffeine and alcohol, medicines that can disturb sleep, melatonin.
// Pure: no I/O. Every number and sentence comes from kb/rules.yaml; assess.cc adds the findings.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/assessment.h"
#include "core/kb.h"
#include "core/profile.h"

namespace willis::core {

/// One finding the sleep rules ask for: id `kind:subject`, text `text` filled with `values`.
struct SleepFinding {
  std::string kind, subject, text;
  std::vector<std::pair<std::string, std::string>> values;
  std::vector<std::pair<std::string, DataValue>> data;
};

struct SleepInput {
  bool rls = false;                        ///< RLS symptoms or condition
  bool insomnia_condition = false;         ///< a listed condition with the `insomnia` id
  bool osa_condition = false;              ///< obstructive sleep apnoea already listed
  std::vector<const Medicine*> medicines;  ///< every KB medicine the profile names
};

/// True when the person reports a sleep problem (insomnia answers, an insomnia condition, or
/// any feature of possible sleep apnoea).
bool sleep_complaint(const Profile& profile, bool insomnia_condition);

/// The sleep findings for this person, in display order.
std::vector<SleepFinding> sleep_findings(const Profile& profile, const Kb& kb,
                                         const SleepInput& input);

}  // namespace willis::core
