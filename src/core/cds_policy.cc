// src/core/cds_policy.cc: which findings matter to each CDS hook. Decides nothing clinical of its
// own: it picks among the findings of core::assess.
#include "core/cds_policy.h"

#include <array>
#include <cctype>

namespace willis::core {

namespace {

constexpr std::array<CdsService, 3> kServices = {{
    {"willis-patient-view", CdsHook::patient_view, "patient-view",
     "willis: magnesium for restless legs and sleep",
     "When a record is opened and the patient takes magnesium or may have restless legs: is "
     "magnesium safe "
     "(kidney function, heart block, myasthenia), which medicines must be kept apart from it and "
     "by how many "
     "hours, what to check first (iron), with a cited source for every statement."},
    {"willis-order-select", CdsHook::order_select, "order-select",
     "willis: magnesium check of the selected order",
     "When a medicine is selected: warns if it interacts with magnesium the patient takes (with "
     "the separation "
     "window), if magnesium being ordered is unsafe for this patient (e.g. eGFR below 30), or if "
     "the medicine "
     "cannot be checked against magnesium."},
    {"willis-order-sign", CdsHook::order_sign, "order-sign",
     "willis: magnesium check before signing",
     "Before orders are signed: the same checks as willis-order-select over every draft order, "
     "assessed "
     "together with the active medicines."},
}};

int index_in(std::string_view field, std::string_view list) {
  // "medicines[3]" -> 3 for list "medicines"; -1 otherwise.
  if (field.size() < list.size() + 3 || field.substr(0, list.size()) != list ||
      field[list.size()] != '[')
    return -1;
  int value = 0;
  for (std::size_t pos = list.size() + 1; pos < field.size() && field[pos] != ']'; ++pos) {
    if (!std::isdigit(static_cast<unsigned char>(field[pos]))) return -1;
    value = value * 10 + (field[pos] - '0');
  }
  return value;
}

bool is_magnesium(const Kb& kb, const std::string& id) {
  if (kb.form(id) || kb.salt(id)) return true;
  const Medicine* med = kb.medicine(id);
  return med && med->magnesium.has_value();
}

/// The KB ids resolved from each list entry, split into drafts and the active list.
void add_resolved_ids(HookContext& ctx, std::span<const std::size_t> draft_medicines,
                      std::span<const std::size_t> draft_supplements, const Assessment& a,
                      const Kb& kb) {
  const std::set<std::size_t> draft_meds(draft_medicines.begin(), draft_medicines.end());
  const std::set<std::size_t> draft_sups(draft_supplements.begin(), draft_supplements.end());
  for (const auto& r : a.resolved) {
    const int med_idx = index_in(r.field, "medicines");
    const int sup_idx = index_in(r.field, "supplements");
    if (med_idx < 0 && sup_idx < 0) continue;
    const bool draft = med_idx >= 0 ? draft_meds.count(static_cast<std::size_t>(med_idx)) > 0
                                    : draft_sups.count(static_cast<std::size_t>(sup_idx)) > 0;
    for (const auto& id : r.ids) {
      const bool mg = is_magnesium(kb, id);
      if (draft) {
        ctx.draft_ids.insert(id);
        ctx.draft_magnesium |= mg;
        if (med_idx >= 0) ctx.draft_medicine_of.emplace(id, static_cast<std::size_t>(med_idx));
      } else {
        ctx.on_magnesium |= mg;
      }
    }
  }
}

CardChoice finding_choice(const Finding& f, bool order_now) {
  CardChoice choice;
  choice.findings.push_back(&f);
  choice.order_now = order_now;
  return choice;
}

CardChoice summary_choice(bool order_hook) {
  CardChoice choice;
  choice.kind = CardChoice::Kind::summary;
  choice.order_now = order_hook;
  return choice;
}

std::vector<CardChoice> patient_view_cards(const HookContext& ctx, const Assessment& a) {
  std::vector<CardChoice> cards;
  const bool urgent = a.verdict == Severity::urgent;
  if (!ctx.on_magnesium && !ctx.rls && !urgent) return cards;  // magnesium is not in play
  CardChoice unrecognised;
  unrecognised.kind = CardChoice::Kind::unrecognised;
  for (const auto& f : a.findings) {
    if (f.kind == "unrecognised")
      unrecognised.findings.push_back(&f);
    else if (f.severity >= Severity::caution)
      cards.push_back(finding_choice(f, false));
  }
  if (!unrecognised.findings.empty()) cards.push_back(std::move(unrecognised));
  cards.push_back(summary_choice(false));
  return cards;
}

bool order_hook_shows(const Finding& f, const HookContext& ctx, const Kb& kb) {
  const std::string subject = finding_subject(f);
  const bool about_draft = ctx.draft_ids.count(subject) > 0;
  const bool mg_in_play = ctx.on_magnesium || ctx.draft_magnesium;
  if (f.kind == "unrecognised") return ctx.draft_slugs.count(subject) > 0;
  if (f.kind == "interaction") return (about_draft && mg_in_play) || ctx.draft_magnesium;
  if (f.kind == "depletion" || f.kind == "exacerbating" || f.kind == "treatment")
    return about_draft;
  if (f.kind == "caution") return about_draft || (ctx.draft_magnesium && !kb.medicine(subject));
  if (f.kind == "contraindication" || f.kind == "dose" || f.kind == "red-flag")
    return ctx.draft_magnesium;
  return false;
}

std::vector<CardChoice> order_cards(const HookContext& ctx, const Assessment& a, const Kb& kb) {
  std::vector<CardChoice> cards;
  for (const auto& f : a.findings) {
    if (!order_hook_shows(f, ctx, kb)) continue;
    const std::string subject = finding_subject(f);
    CardChoice choice =
        finding_choice(f, ctx.draft_ids.count(subject) > 0 || ctx.draft_slugs.count(subject) > 0 ||
                              ctx.draft_magnesium);
    if (const auto it = ctx.draft_medicine_of.find(subject); it != ctx.draft_medicine_of.end())
      choice.draft_medicine = it->second;
    cards.push_back(std::move(choice));
  }
  if (ctx.draft_magnesium) cards.push_back(summary_choice(true));
  return cards;
}

}  // namespace

std::span<const CdsService> cds_services() {
  return kServices;
}

const CdsService* find_cds_service(std::string_view id) {
  for (const auto& service : kServices)
    if (service.id == id) return &service;
  return nullptr;
}

std::string finding_subject(const Finding& f) {
  const auto colon = f.id.find(':');
  return colon == std::string::npos ? std::string() : f.id.substr(colon + 1);
}

HookContext hook_context(const Profile& profile, std::span<const std::size_t> draft_medicines,
                         std::span<const std::size_t> draft_supplements, const Assessment& a,
                         const Kb& kb, const NameIndex& names) {
  HookContext ctx;
  add_resolved_ids(ctx, draft_medicines, draft_supplements, a, kb);
  for (const std::size_t idx : draft_medicines) {
    const auto& name = profile.medicines[idx].name;
    ctx.draft_slugs.insert(names.slug(name));
    for (const auto& part : names.medicine(name).unknown) ctx.draft_slugs.insert(names.slug(part));
  }
  for (const std::size_t idx : draft_supplements)
    ctx.draft_slugs.insert(names.slug(profile.supplements[idx].name));
  ctx.rls = a.finding("evidence:magnesium-rls") != nullptr;
  return ctx;
}

std::vector<CardChoice> choose_cards(CdsHook hook, const HookContext& ctx, const Assessment& a,
                                     const Kb& kb) {
  return hook == CdsHook::patient_view ? patient_view_cards(ctx, a) : order_cards(ctx, a, kb);
}

}  // namespace willis::core
