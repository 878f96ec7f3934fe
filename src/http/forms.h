// src/http/forms.h: HTML form bodies -> the documents the core's parsers read. Where bad input
// arrives, so it is pure and takes buffers. Nothing clinical is decided here: a form becomes
// profile JSON that codec::parse_profile checks, a diary entry that core::validate_entry
// checks, a trial plan that core::validate_plan checks.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "render/html.h"
#include "core/diary_entry.h"
#include "core/profile.h"
#include "core/result.h"
#include "core/trial.h"

namespace willis::http {

/// Decodes an application/x-www-form-urlencoded body ('+' is a space, %XX a byte). Malformed
/// escapes are kept as written; no error, as browsers never send them.
render::html::FormData parse_urlencoded(std::string_view body);

/// "%XX"-decodes one component (and '+' as space).
std::string url_decode(std::string_view text);

/// A form value without leading and trailing blanks (how every field is read).
std::string trim_field(std::string_view text);

/// The profile form as a willis profile JSON document (contract keys), and where each JSON list
/// item came from (blank rows are skipped, so medicines[0] in JSON may be row 2 of the form).
struct ProfileJson {
  std::string json;
  std::vector<int> medicine_rows;
  std::vector<int> supplement_rows;
};

/// Numbers go in as JSON numbers when the whole text is one; anything else goes in as a
/// string, so the profile parser names the field and what is wrong with it.
ProfileJson profile_json_from_form(const render::html::FormData& form);

/// The form field a profile parser error belongs to: "medicines[0].times[1]" -> the row's
/// "medicines[2].times" when JSON item 0 came from form row 2.
render::html::FieldError field_error_for(const core::Error& error, const ProfileJson& json);

/// A saved profile as the form's fields, so the form can be edited.
render::html::FormData form_from_profile(const core::Profile& profile);

/// Applies the form's "action" (add-medicine, remove-supplement-2, …) to the rows, renumbering
/// them 0..n-1. Returns the field to focus (the new row's name) or "".
std::string apply_row_action(render::html::FormData& form, std::string_view action);

/// The diary form as an entry (fields named as core::kEntryFields; side effects from "se.*").
/// Errors name the form field; the entry is not yet validated against "today".
core::Result<core::DiaryEntry> diary_entry_from_form(const render::html::FormData& form);

/// The trial form as a plan; weeks left empty get the KB's defaults (`rules`). Errors name the
/// form field.
core::Result<core::TrialPlan> trial_plan_from_form(const render::html::FormData& form,
                                                   const core::TrialRules& rules);

/// A trial plan from JSON {"design", "baseline_start", "treatment_start", "treatment_weeks",
/// "withdrawal_weeks"}; errors name the key.
core::Result<core::TrialPlan> trial_plan_from_json(std::string_view json,
                                                   const core::TrialRules& rules);

}  // namespace willis::http
