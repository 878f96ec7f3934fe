// Age: infants are ruled out; children get a caution naming their upper limit.
#include "core/assess.h"
#include "core/rules/passes.h"

namespace willis::core::rules {

void age_rules(const Context& cx, Findings& out) {
  if (cx.p.age < cx.threshold("infant_below_y")) {
    out.add_text("contraindication", "infant", "infant", {});
  } else if (!cx.adult()) {
    const auto limit = cx.upper_limit();
    // A sleep-only profile (no RLS symptoms) gets sleep wording; every other keeps "child".
    out.add_text("caution", "child", cx.sleep_only() ? "child_sleep" : "child",
                 {{"age", format_number(cx.p.age)},
                  {"limit", limit && limit->mg ? format_number(*limit->mg) : "no"}});
  }
}

}  // namespace willis::core::rules
