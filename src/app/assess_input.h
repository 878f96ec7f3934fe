// src/app/assess_input.h: a profile in any input willis reads (YAML, JSON, FHIR R4) -> an
// assessment. The one place the FHIR -> profile -> assess -> notes steps are written.
#pragma once

#include <functional>
#include <string>

#include "codec/fhir_profile.h"
#include "core/assessment.h"
#include "core/date.h"
#include "core/kb.h"
#include "core/names.h"
#include "core/result.h"

namespace willis::app {

/// "Today" for the input, asked only when needed: FHIR ages are computed at it, and dated labs are
/// judged against it. Errors are the caller's (e.g. a bad --as-of).
using TodayFn = std::function<core::Result<core::CalendarDate>()>;

/// Assesses a mapped FHIR profile and appends the mapping's notes (assumptions, what was skipped)
/// to the assessment's notes.
core::Assessment assess_fhir_profile(const core::Kb& kb, const core::NameIndex& names,
                                     const codec::FhirProfile& mapped);

/// `text` as FHIR R4 JSON (a Bundle, a resource or NDJSON, detected from the content) or else as a
/// willis profile (YAML or JSON) named `name` in errors -> its assessment.
/// Errors: today()'s error, or the parser's (file, line and field).
core::Result<core::Assessment> assess_input(const core::Kb& kb, const std::string& text,
                                            const std::string& name, const TodayFn& today);

}  // namespace willis::app
