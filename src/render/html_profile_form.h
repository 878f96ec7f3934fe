// src/render/html_profile_form.h: the profile form (every contract field), red-flag questions
// first, medicines and supplements as rows added and removed one by one. Field names are the
// contract's paths ("labs.egfr", "medicines[1].times"), so a parser error's path points at
// its field.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "render/html.h"
#include "core/kb.h"

namespace willis::render::html {

/// Rows of a list in a form: one more than the highest N in "<list>[N].…" (0 when none).
int form_rows(const FormData& form, std::string_view list);

/// What the profile page shows besides the form values.
struct ProfileFormView {
  std::vector<FieldError> errors;
  std::string csrf;
  std::string notice;  ///< e.g. "Saved (version 3)." or "Not saved yet."
  std::string focus;   ///< a field to focus on load (a row just added), or ""
};

/// The Profile page body.
std::string profile_form_page(const FormData& form, const core::Kb& kb,
                              const ProfileFormView& view);

}  // namespace willis::render::html
