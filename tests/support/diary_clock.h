// tests/support/diary_clock.h: diary options with a fixed clock for tests. The diary never reads
// the system clock (store::DiaryOptions::now is required); the app passes its one app::Clock.
#pragma once

#include <string>
#include <utility>

#include "store/diary.h"

namespace willis::testing {

/// Options whose every timestamp is `stamp`.
inline store::DiaryOptions fixed_clock_diary(std::string stamp = "2026-11-21T07:00:00Z") {
  store::DiaryOptions options;
  options.now = [stamp = std::move(stamp)] { return stamp; };
  return options;
}

}  // namespace willis::testing
