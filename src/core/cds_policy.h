// src/core/cds_policy.h: the CDS Hooks services willis offers and which findings each hook shows.
// Pure logic: codec/cds_request.h reads requests, render/cds_cards.h writes the chosen cards,
// app/answer_hook.h joins them.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/assessment.h"
#include "core/kb.h"
#include "core/names.h"
#include "core/profile.h"

namespace willis::core {

/// The hooks willis answers.
enum class CdsHook { patient_view, order_select, order_sign };

/// One CDS service as the discovery document lists it.
struct CdsService {
  std::string_view id;  ///< "willis-order-select"
  CdsHook hook;
  std::string_view hook_name;  ///< "order-select"
  std::string_view title, description;
};

/// willis-patient-view, willis-order-select, willis-order-sign.
std::span<const CdsService> cds_services();
/// The service with this id, or nullptr.
const CdsService* find_cds_service(std::string_view id);

/// What a hook's draft orders change: worked out once from the profile and the assessment.
struct HookContext {
  std::set<std::string> draft_ids;    ///< KB ids (medicines, forms, salts, products) of drafts
  std::set<std::string> draft_slugs;  ///< unrecognised:<slug> subjects a draft order would produce
  std::map<std::string, std::size_t> draft_medicine_of;  ///< KB medicine id -> profile.medicines
  bool draft_magnesium = false;                          ///< magnesium itself is being ordered
  bool on_magnesium = false;                             ///< the active list has magnesium
  bool rls = false;  ///< RLS suspected (the engine added its evidence finding)
};

/// `draft_medicines` / `draft_supplements`: indices into the profile's lists of the entries that
/// came from draft orders.
HookContext hook_context(const Profile& profile, std::span<const std::size_t> draft_medicines,
                         std::span<const std::size_t> draft_supplements, const Assessment& a,
                         const Kb& kb, const NameIndex& names);

/// One card the hook shows, before it is written.
struct CardChoice {
  enum class Kind { finding, unrecognised, summary };
  Kind kind = Kind::finding;
  std::vector<const Finding*> findings;  ///< finding: one; unrecognised: the group; summary: none
  bool order_now = false;                ///< about what is being ordered now
  /// A finding about a draft medicine: its index in profile.medicines, so its order may carry
  /// the separation advice as a note.
  std::optional<std::size_t> draft_medicine;
};

/// Which findings become cards:
/// - patient-view: when magnesium is in play (the person takes it, or RLS is suspected, or the
///   verdict is urgent), one card per finding at caution or above (unchecked medicines grouped in
///   one card), plus a summary card with the plan and timetable; otherwise no cards.
/// - order-select / order-sign: only what the draft orders change: a draft that cannot be checked;
///   a draft's own interaction, depletion, caution or RLS effects (interactions only when
///   magnesium is taken or ordered); and, when magnesium itself is ordered, every
///   contraindication, caution, dose and interaction finding plus the summary card.
std::vector<CardChoice> choose_cards(CdsHook hook, const HookContext& ctx, const Assessment& a,
                                     const Kb& kb);

/// "interaction:levothyroxine" -> "levothyroxine"; "" when the id has no subject.
std::string finding_subject(const Finding& f);

}  // namespace willis::core
