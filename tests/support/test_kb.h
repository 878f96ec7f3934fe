// tests/support/test_kb.h: the knowledge base unit tests run against, loaded once.
#pragma once

#include "core/kb.h"
#include "core/names.h"
#include "core/trial.h"

namespace willis::testing {

/// The KB image compiled into the binary (what users get; built at build time from the repository's
/// kb/), loaded and checked; aborts the test run on errors. tests/property/kb_roundtrip_test.cc
/// proves it equal, field for field, to kb/'s YAML.
const core::Kb& kb();
const core::NameIndex& names();
/// The personal-trial numbers of kb() (kb/rules.yaml thresholds trial_*).
const core::TrialRules& trial_rules();

}  // namespace willis::testing
