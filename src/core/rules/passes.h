// src/core/rules/passes.h: the assessment passes, one family per file. core::assess (assess.cc)
// runs them in the order of its table; each reads the Context and writes Findings.
#pragma once

#include "core/rules/context.h"
#include "core/rules/findings.h"

namespace willis::core::rules {

using Pass = void (*)(const Context&, Findings&);

/// Resolves every listed medicine, supplement and condition by name (resolve.cc); unknown names
/// become `unrecognised:` findings and unresolved entries. Runs before every pass.
Context resolve_names(const Kb& kb, const NameIndex& names, const Profile& profile, Findings& out);

void record_labs(const Context& cx, Findings& out);             // labs.cc
void red_flags(const Context& cx, Findings& out);               // red_flags.cc
void age_rules(const Context& cx, Findings& out);               // age.cc
void kidney_rules(const Context& cx, Findings& out);            // kidney.cc
void serum_magnesium_rules(const Context& cx, Findings& out);   // labs.cc
void condition_findings(const Context& cx, Findings& out);      // conditions.cc
void interactions(const Context& cx, Findings& out);            // interactions.cc
void dose_rules(const Context& cx, Findings& out);              // dose.cc
void rls_rules(const Context& cx, Findings& out);               // rls.cc
void iron_rules(const Context& cx, Findings& out);              // iron.cc
void treatment_and_evidence(const Context& cx, Findings& out);  // treatment.cc
void lifestyle_rules(const Context& cx, Findings& out);         // rls.cc
void sleep_rules(const Context& cx, Findings& out);             // sleep.cc
void magnesium_timing(const Context& cx, Findings& out);        // timing.cc
void make_plan(const Context& cx, Findings& out);               // plan.cc
void make_timetable(const Context& cx, Findings& out);          // timetable.cc
void conclude(const Context& cx, Findings& out);                // conclude.cc

// Findings about one listed medicine, written by `interactions` right after that medicine's
// interaction findings (the order findings are shown in).
void exacerbating_medicine(const Context& cx, Findings& out, const Medicine& med);  // rls.cc
void treatment_medicine(const Context& cx, Findings& out, const Medicine& med);     // treatment.cc

/// Counts the magnesium in one item into result.magnesium.contributions (magnesium_count.cc);
/// returns the contribution it added.
const Contribution& count_magnesium(const Context& cx, Findings& out, const Item& item);

}  // namespace willis::core::rules
