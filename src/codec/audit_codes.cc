// src/codec/audit_codes.cc: kb/indicators.yaml lists -> codes (docs/audit.md "Code lists").
#include "codec/audit_codes.h"

#include <algorithm>
#include <set>

#include "codec/fhir_profile.h"
#include "codec/rxnorm_table.h"

namespace willis::codec {

using core::audit::Lab;
using core::audit::List;
using core::audit::ListMask;

namespace {

std::optional<List> list_of(std::string_view id) {
  for (int index = 0; index < core::audit::kListCount; ++index)
    if (core::audit::list_id(static_cast<List>(index)) == id) return static_cast<List>(index);
  return std::nullopt;
}

std::optional<LabKind> lab_kind(std::string_view name) {
  if (name == "egfr") return LabKind::egfr;
  if (name == "ferritin") return LabKind::ferritin;
  if (name == "tsat") return LabKind::tsat;
  if (name == "magnesium") return LabKind::magnesium;
  return std::nullopt;
}

Lab audit_lab(LabKind kind) {
  switch (kind) {
    case LabKind::ferritin:
      return Lab::ferritin;
    case LabKind::tsat:
      return Lab::tsat;
    case LabKind::magnesium:
      return Lab::magnesium;
    default:
      return Lab::egfr;
  }
}

bool contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

/// Whether `list` (a list of medicines) selects KB medicine `med`: by id, class, the RLS
/// exacerbating rule, or an interaction whose action the list names.
bool selects(const core::Kb& kb, const core::AuditList& list, const core::Medicine& med) {
  bool in = contains(list.medicines, med.id);
  for (const auto& cls : med.classes) in = in || contains(list.classes, cls);
  if (list.rule == "exacerbating") {
    in = in || contains(kb.rules.exacerbating_medicines, med.id);
    for (const auto& cls : med.classes) in = in || contains(kb.rules.exacerbating_classes, cls);
  }
  for (const auto& entry : kb.interactions) {
    if (entry.kind != "interaction" || !contains(list.interaction_actions, entry.action)) continue;
    in = in || contains(entry.medicines, med.id);
    for (const auto& cls : med.classes) in = in || contains(entry.classes, cls);
  }
  return in;
}

}  // namespace

AuditCodes::AuditCodes(const core::Kb& kb, const core::NameIndex& names) : kb_(kb), names_(names) {
  std::vector<CodeSet> per_list(kb.audit.lists.size());
  for (std::size_t list_idx = 0; list_idx < kb.audit.lists.size(); ++list_idx) {
    const core::AuditList& list = kb.audit.lists[list_idx];
    const auto which = list_of(list.id);
    // Lists the engine does not read still print their codes (a reviewer may add one first).
    const ListMask mask = which ? core::audit::bit(*which) : 0;
    auto& codes = per_list[list_idx];
    if (!list.lab.empty())
      add_lab_list(list, which.has_value(), codes);
    else if (!list.conditions.empty())
      add_condition_list(list, mask, codes);
    else
      add_medicine_list(list, mask, codes);
  }
  for (std::size_t list_idx = 0; list_idx < kb.audit.lists.size(); ++list_idx)
    add_rows(kb.audit.lists[list_idx].id, per_list[list_idx]);
}

void AuditCodes::add_lab_list(const core::AuditList& list, bool read, CodeSet& codes) {
  const auto kind = lab_kind(list.lab);
  for (const auto code : loinc_codes_read(kb_))
    if (kind && lab_kind_of_loinc(kb_, code) == *kind) {
      codes.emplace(std::string(kLoincSystem), std::string(code));
      if (read) loinc_.emplace(std::string(code), audit_lab(*kind));
    }
}

void AuditCodes::add_condition_list(const core::AuditList& list, ListMask mask, CodeSet& codes) {
  for (const auto& id : list.conditions)
    for (const auto& code : snomed_codes_of_condition(kb_, id)) {
      codes.emplace(std::string(kSnomedSystem), code);
      snomed_[code] |= mask;
    }
}

void AuditCodes::add_medicine_list(const core::AuditList& list, ListMask mask, CodeSet& codes) {
  std::set<std::string> medicine_ids;
  for (const auto& med : kb_.medicines)
    if (selects(kb_, list, med)) medicine_ids.insert(med.id);
  for (const auto& med : kb_.medicines) {
    if (!medicine_ids.count(med.id)) continue;
    medicine_lists_[med.id] |= mask;
    add_codes(med.rxnorm, med.atc, mask, codes);
  }
  if (list.all_forms) {
    for (const auto& form : kb_.forms) {
      form_lists_[form.id] |= mask;
      add_codes(form.rxnorm, form.atc, mask, codes);
    }
    form_lists_[""] |= mask;  // "magnesium" with no form named
  }
  add_products(mask, codes);
}

void AuditCodes::add_codes(const std::vector<long>& rxnorm, const std::vector<std::string>& atc,
                           ListMask mask, CodeSet& codes) {
  for (const long code : rxnorm) {
    codes.emplace(std::string(kRxNormSystem), std::to_string(code));
    rxnorm_[std::to_string(code)] |= mask;
  }
  for (const auto& code : atc) {
    codes.emplace(std::string(kAtcSystem), code);
    atc_[code] |= mask;
  }
}

// RxNorm products count as their ingredients.
void AuditCodes::add_products(ListMask mask, CodeSet& codes) {
  std::set<long> ingredient_codes;
  for (const auto& [system, code] : codes)
    if (system == kRxNormSystem) ingredient_codes.insert(std::stol(code));
  const auto ingredients = rxnorm::ingredients();
  const auto parts = rxnorm::product_ingredients();
  for (const auto& product : rxnorm::products()) {
    bool in = false;
    for (std::size_t part = product.first; part < std::size_t{product.first} + product.count && !in;
         ++part)
      in = ingredient_codes.count(ingredients[parts[part]].rxcui) > 0;
    if (!in) continue;
    codes.emplace(std::string(kRxNormSystem), std::to_string(product.rxcui));
    rxnorm_[std::to_string(product.rxcui)] |= mask;
  }
}

// Codes sorted as numbers where they are numbers (RxNorm), else as text.
void AuditCodes::add_rows(const std::string& list, const CodeSet& codes) {
  std::vector<std::pair<std::string, std::string>> sorted(codes.begin(), codes.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    if (a.second.size() != b.second.size() && a.first == kRxNormSystem)
      return a.second.size() < b.second.size();
    return a.second < b.second;
  });
  for (auto& [system, code] : sorted) rows_.push_back({list, system, code});
}

ListMask AuditCodes::medicine_code(std::string_view system, std::string_view code) const {
  const CodeMap* map = system == kRxNormSystem ? &rxnorm_ : system == kAtcSystem ? &atc_ : nullptr;
  if (!map) return 0;
  const auto found = map->find(code);
  return found == map->end() ? 0 : found->second;
}

ListMask AuditCodes::condition_code(std::string_view system, std::string_view code) const {
  if (system != kSnomedSystem) return 0;
  const auto found = snomed_.find(code);
  return found == snomed_.end() ? 0 : found->second;
}

std::optional<Lab> AuditCodes::lab_code(std::string_view system, std::string_view code) const {
  if (system != kLoincSystem) return std::nullopt;
  const auto found = loinc_.find(code);
  if (found == loinc_.end()) return std::nullopt;
  return found->second;
}

AuditCodes::TextMatch AuditCodes::medicine_text(std::string_view text) const {
  TextMatch out;
  const auto add_supplement = [&](std::string_view part) {
    const core::SupplementMatch supplement = names_.supplement(part);
    switch (supplement.kind) {
      case core::SupplementMatch::Kind::form:
      case core::SupplementMatch::Kind::salt: {
        out.known = true;
        const auto found = form_lists_.find(kb_.form(supplement.form_id) ? supplement.form_id : "");
        if (found != form_lists_.end()) out.lists |= found->second;
        return true;
      }
      case core::SupplementMatch::Kind::product: {
        out.known = true;
        if (auto found = medicine_lists_.find(supplement.id); found != medicine_lists_.end())
          out.lists |= found->second;
        return true;
      }
      case core::SupplementMatch::Kind::topical:
        out.known = true;  // applied to the skin: not a magnesium medicine (docs/audit.md)
        return true;
      default:
        return false;
    }
  };
  const core::MedicineMatch match = names_.medicine(text);
  if (match.ids.empty()) {
    add_supplement(text);
    return out;
  }
  out.known = true;
  for (const auto& id : match.ids)
    if (auto found = medicine_lists_.find(id); found != medicine_lists_.end())
      out.lists |= found->second;
  for (const auto& part : match.unknown) add_supplement(part);
  return out;
}

}  // namespace willis::codec
