// src/render/html_timetable.h: the day's timetable as a 24-hour SVG picture and a table:
// medicines at their times, the keep-apart windows around them, and the magnesium doses. The
// times and windows are the assessment's; this only draws them.
#pragma once

#include <string>

#include "core/assessment.h"
#include "core/profile.h"

namespace willis::render::html {

/// A self-contained SVG (no script, no external resources) with a title and description;
/// windows are hatched and labelled, so the picture does not rest on colour alone.
std::string timetable_svg(const core::Assessment& assessment, const core::Profile& profile);

/// The same day as a table in time order (for screen readers, phones and print).
std::string timetable_table(const core::Assessment& assessment, const core::Profile& profile);

/// The Timetable page body: picture, table, problems, and the .ics download link.
std::string timetable_page(const core::Assessment& assessment, const core::Profile& profile);

}  // namespace willis::render::html
