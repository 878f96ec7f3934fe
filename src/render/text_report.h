// src/render/text_report.h: Assessment -> terminal text, most severe first, citations as [n].
#pragma once

#include <string>

#include "core/assessment.h"
#include "core/kb.h"

namespace willis::render {

/// Plain text (colour with ANSI escapes when `colour`), wrapped for an 80-column terminal.
std::string text_report(const core::Assessment& assessment, const core::Kb& kb, bool colour);

}  // namespace willis::render
