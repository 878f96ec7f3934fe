#include <cstdio>
#include <cstdlib>

#include "app/kb_source.h"
#include "fuzz.h"

namespace willis::fuzz {

const core::Kb& kb() {
  static const core::Kb loaded = [] {
    auto load = app::load_kb("", false);
    if (!load.errors.empty()) {
      std::fprintf(stderr, "fuzz: the embedded KB does not load\n");
      std::abort();
    }
    return std::move(load.kb);
  }();
  return loaded;
}

const core::NameIndex& names() {
  static const core::NameIndex index(kb());
  return index;
}

}  // namespace willis::fuzz
