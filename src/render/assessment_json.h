// src/render/assessment_json.h: Assessment -> the contract document (willis.assessment/1).
#pragma once

#include <string>

#include "core/assessment.h"
#include "core/kb.h"
#include "core/result.h"

namespace willis::render {

class JsonWriter;

/// The whole contract document; `sources` is filled from the KB for every cited id.
std::string assessment_json(const core::Assessment& assessment, const core::Kb& kb,
                            bool pretty = true);

/// Writes the assessment as one JSON object into `w` (for embedding in other documents).
void write_assessment(JsonWriter& w, const core::Assessment& assessment, const core::Kb& kb);

/// {"error": {"code", "path", "message"}} for the HTTP API and --format json errors.
std::string error_json(const core::Error& error);

}  // namespace willis::render
