// tests/support/invariants.h: the assessment's safety invariants (issue 12), checked on any
// assessment independently of what a test expects. Shared by the clinical vector runner and the
// property test (tests/property), so that both hold the engine to the same rules.
#pragma once

#include <string>
#include <vector>

#include "core/assessment.h"
#include "core/kb.h"
#include "core/profile.h"

namespace willis::testing {

/// Which rule an assessment broke. The letters are issue 12's item 11.
enum class Invariant {
  window,      ///< (a) a dose inside a recognised medicine's separation window
  unresolved,  ///< (b) doses although something is unresolved (unknown name, untimed interacting
               ///< medicine)
  avoid,       ///< (c) a plan or doses although the verdict is avoid or urgent
  verdict,     ///< (d) the verdict is not the highest finding severity
  sources,     ///< (e) a finding cites no source, or a source the KB does not have
  doses,     ///< (f) a dose outside waking hours, doses without a plan, or doses not summing to the
             ///< plan
  contract,  ///< other contract rules (CONTRACT.md): finding id format, top-level source list
};

/// "a-window", "b-unresolved", …: a stable label for messages and grouping.
const char* label(Invariant invariant);

struct Violation {
  Invariant invariant;
  std::string cause;    ///< a short, generic key for grouping ("unrecognised-finding",
                        ///< "untimed:levothyroxine")
  std::string message;  ///< the specifics, for a person
};

/// Every invariant the assessment `a` of `profile` breaks (empty: all hold). `a.resolved` maps each
/// profile field ("medicines[2]", "supplements[0]") to KB ids; the windows are recomputed here from
/// the `interaction` findings' data and the profile's own times, not from the engine's schedule.
std::vector<Violation> check_invariants(const core::Assessment& a, const core::Profile& profile,
                                        const core::Kb& kb);

/// True when a magnesium dose at `dose` breaks a window around a drug dose at `drug`:
/// drug - before_h < dose < drug + after_h on a 24 h clock that wraps at midnight (edges allowed),
/// or dose == drug when the window is not empty.
bool in_window(core::ClockTime dose, core::ClockTime drug, double after_h, double before_h);

}  // namespace willis::testing
