// tests/support/test_kb.h: the real knowledge base from the source tree, loaded once for unit tests.
#pragma once

#include "core/kb.h"
#include "core/names.h"

namespace willis::testing {

/// The repository's kb/ (not the embedded copy), loaded and checked; aborts the test run on KB errors.
const core::Kb& kb();
const core::NameIndex& names();

}  // namespace willis::testing
