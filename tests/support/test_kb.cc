#include "support/test_kb.h"

#include <cstdio>
#include <cstdlib>

#include "app/kb_source.h"

namespace willis::testing {

const core::Kb& kb() {
  static const core::Kb loaded = [] {
    auto load = app::load_kb("");  // the embedded image
    if (!load.errors.empty()) {
      for (const auto& error : load.errors)
        std::fprintf(stderr, "kb: %s\n", app::describe_error(error).c_str());
      std::abort();
    }
    return std::move(load.kb);
  }();
  return loaded;
}

const core::TrialRules& trial_rules() {
  static const core::TrialRules rules(kb());
  return rules;
}

const core::NameIndex& names() {
  static const core::NameIndex index(kb());
  return index;
}

}  // namespace willis::testing
