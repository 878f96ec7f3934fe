// src/codec/fhir/medicines.cc: MedicationStatement / MedicationRequest -> profile medicines and
// magnesium supplements: statuses, Medication references, RxNorm/ATC codes, strengths.
#include <fmt/format.h>

#include <set>

#include "codec/fhir/mapper.h"
#include "core/assess.h"
#include "codec/fhir/text.h"
#include "codec/rxnorm_table.h"

namespace willis::codec {

using namespace fhir;

namespace fhir {

MedicationInfo medication_info(const element& r) {
  MedicationInfo info;
  if (auto code = child(r, "code")) info.code = concept_of(*code);
  for_each(r, "ingredient", [&](const element& ingredient) {
    if (auto item = child(ingredient, "itemCodeableConcept"))
      info.ingredients.push_back(concept_of(*item));
  });
  return info;
}

}  // namespace fhir

namespace {

// The strength of one ingredient in an RxNorm-style name: "magnesium oxide 400 MG Oral Tablet".
std::optional<std::pair<double, bool>> strength_in(const std::string& display,
                                                   const std::string& ingredient) {
  if (ingredient.empty()) return std::nullopt;
  const std::string text = lower(display);
  const auto at = text.find(lower(ingredient));
  if (at == std::string::npos) return std::nullopt;
  std::size_t pos = at + ingredient.size();
  while (pos < text.size() && text[pos] == ' ') ++pos;
  const std::size_t start = pos;
  while (pos < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.'))
    ++pos;
  if (pos == start) return std::nullopt;
  const double value = std::strtod(text.substr(start, pos - start).c_str(), nullptr);
  while (pos < text.size() && text[pos] == ' ') ++pos;
  std::size_t end = pos;
  while (end < text.size() && text[end] != ' ') ++end;
  const std::string unit = text.substr(pos, end - pos);
  if (unit == "mg") return std::make_pair(value, false);
  if (unit == "mg/ml") return std::make_pair(value, true);
  return std::nullopt;
}

/// One medicine record on its way into the profile: its name, times and dose.
struct MedicineEntry {
  const MedRecord& rec;
  FhirProfile& out;
  std::string display;
  Timing timing;
  std::optional<core::Quantity> dose;

  void add_medicine(const std::string& name) const {
    core::MedicineEntry entry;
    entry.name = name;
    entry.amount = dose;
    entry.times = timing.times;
    entry.per_day = timing.per_day;
    entry.prescribed = rec.request;
    if (rec.draft) out.draft_medicines.push_back(out.profile.medicines.size());
    out.profile.medicines.push_back(std::move(entry));
    out.medicine_origins.push_back(rec.label);
  }

  void note_timing() const {
    if (!timing.assumed.empty())
      out.notes.push_back(fmt::format("Times assumed for \"{}\" ({}): {}.", display, rec.label,
                                      join(timing.assumed, "; ")));
    if (timing.as_needed && timing.times.empty())
      out.notes.push_back(fmt::format("\"{}\" is taken as needed: no times were given.", display));
  }

  // No code willis knows: the text goes to the engine's name resolution, which reports it as
  // unrecognised when nothing matches (never dropped).
  void add_unresolved(const Concept& code_concept, const core::NameIndex& names) const {
    if (!code_concept.codings.empty()) {
      std::vector<std::string> codes;
      for (const auto& c : code_concept.codings)
        codes.push_back(c.system == kRxNormSystem   ? "RxNorm " + c.code
                        : c.system == kSnomedSystem ? "SNOMED CT " + c.code
                        : c.system == kAtcSystem    ? "ATC " + c.code
                        : c.system.empty()          ? c.code
                                                    : c.system + "|" + c.code);
      const auto match = names.medicine(display);
      const bool named = !match.ids.empty() ||
                         names.supplement(display).kind != core::SupplementMatch::Kind::unknown;
      out.notes.push_back(fmt::format("\"{}\" ({}): code {} is not in willis's tables; {}.",
                                      display, rec.label, join(codes, ", "),
                                      named ? "identified by its name" : "checked by its name"));
    }
    add_medicine(display);
  }

  // Keep the display text when the engine's name resolution reads it as exactly these
  // ingredients (so the person sees their own words); otherwise name the KB ingredients.
  void add_kb_medicines(const std::vector<const Part*>& medicines, bool only_medicines,
                        const core::NameIndex& names) const {
    std::set<std::string> wanted;
    for (const auto* part : medicines) wanted.insert(part->id);
    const auto match = names.medicine(display);
    const std::set<std::string> got(match.ids.begin(), match.ids.end());
    if (got == wanted && match.unknown.empty() && only_medicines) {
      add_medicine(display);
    } else {
      std::vector<std::string> kb_names;
      for (const auto* part : medicines) kb_names.push_back(part->name);
      add_medicine(join(kb_names, " / "));
    }
  }

  // A magnesium salt: a supplement, so that the elemental amount is counted (the engine
  // converts a compound amount with the salt's fraction).
  void add_form(const Part& part, bool single_part, const core::NameIndex& names) const {
    core::SupplementEntry supplement;
    const auto by_name = names.supplement(display);
    supplement.name = single_part && by_name.form_id == part.id ? display : part.name;
    supplement.times = timing.times;
    supplement.per_day = timing.per_day.value_or(1);
    supplement.prescribed = rec.request;
    if (auto strength = strength_in(display, part.rx_name))
      count_strength(*strength, part, supplement);
    if (rec.draft) out.draft_supplements.push_back(out.profile.supplements.size());
    out.profile.supplements.push_back(std::move(supplement));
    out.supplement_origins.push_back(rec.label);
  }

  void count_strength(std::pair<double, bool> strength, const Part& part,
                      core::SupplementEntry& supplement) const {
    const auto [mg, per_ml] = strength;
    std::optional<double> amount;
    if (per_ml && dose && dose->unit == "ml")
      amount = mg * dose->value;
    else if (!per_ml && dose && dose->unit == "mg")
      amount = dose->value;
    else if (!per_ml)
      amount = mg * unit_count(dose).value_or(1);
    if (!amount) return;
    supplement.amount_mg = *amount;
    supplement.amount_basis = core::AmountBasis::compound;
    out.notes.push_back(fmt::format(
        "\"{}\": {} mg of {} per dose read from the product name and counted as the salt's "
        "weight (RxNorm "
        "strengths are usually the salt; check the label's elemental magnesium){}.",
        display, core::format_number(*amount), part.name,
        !dose && !per_ml ? "; one unit per dose assumed" : ""));
  }

  // Ingredients willis does not know: one entry, which the engine reports as unrecognised.
  void add_unknown(const std::vector<const Part*>& unknown, bool alone,
                   const std::string& via) const {
    std::vector<std::string> unknown_names;
    for (const auto* part : unknown) unknown_names.push_back(part->name);
    if (alone) {
      add_medicine(display);
      return;
    }
    add_medicine(join(unknown_names, ", "));
    out.notes.push_back(fmt::format("\"{}\" ({}): ingredients not in willis's knowledge base: {}.",
                                    display, via, join(unknown_names, ", ")));
  }
};

}  // namespace

void FhirMapper::Impl::read_med(const element& r, std::string_view type, std::string_view full_url,
                                bool draft) {
  const std::string status(str(r, "status"));
  const bool request = type == "MedicationRequest";
  static const std::set<std::string, std::less<>> kRequestCounted = {"active", "on-hold", "draft",
                                                                     "unknown"};
  static const std::set<std::string, std::less<>> kStatementCounted = {"active", "intended",
                                                                       "on-hold", "unknown"};
  const bool counted = draft || (request ? kRequestCounted : kStatementCounted).count(status) > 0;
  if (!counted) {
    ++med_ignored[{std::string(type), status.empty() ? "no status" : status}];
    return;
  }
  if (request && boolean(r, "doNotPerform").value_or(false)) {
    ++med_ignored[{std::string(type), "doNotPerform"}];
    return;
  }
  MedRecord rec;
  const std::string_view id = str(r, "id");
  rec.label = !id.empty()         ? fmt::format("{}/{}", type, id)
              : !full_url.empty() ? std::string(full_url)
                                  : fmt::format("{} without id", type);
  rec.subject = subject_of(r);
  rec.draft = draft || status == "draft";
  rec.request = request;
  rec.order = ++order;
  if (auto cc = child(r, "medicationCodeableConcept")) rec.code_concept = concept_of(*cc);
  if (auto ref = child(r, "medicationReference")) {
    rec.medication_ref = std::string(str(*ref, "reference"));
    rec.medication_display = std::string(str(*ref, "display"));
  }
  for_each(r, "contained", [&](const element& c) {
    if (str(c, "resourceType") == "Medication")
      rec.contained["#" + std::string(str(c, "id"))] = medication_info(c);
  });
  for_each(r, request ? "dosageInstruction" : "dosage",
           [&](const element& d) { rec.dosages.push_back(read_dosage(d)); });
  meds.push_back(std::move(rec));
}

const MedicationInfo* FhirMapper::Impl::find_medication(const MedRecord& rec) const {
  if (rec.medication_ref.empty()) return nullptr;
  if (auto it = rec.contained.find(rec.medication_ref); it != rec.contained.end())
    return &it->second;
  if (auto it = medications.find(rec.medication_ref); it != medications.end()) return &it->second;
  // An absolute reference to a Medication known by Type/id.
  const auto slash = rec.medication_ref.rfind("/Medication/");
  if (slash != std::string::npos)
    if (auto it = medications.find(rec.medication_ref.substr(slash + 1)); it != medications.end())
      return &it->second;
  return nullptr;
}

Part FhirMapper::Impl::part_for_ingredient(long ing) const {
  if (auto it = tables.rx_kb.find(ing); it != tables.rx_kb.end()) return it->second;
  const std::string name(rxnorm::ingredient_name(ing).value_or(""));
  return Part{Part::unknown, "", name.empty() ? fmt::format("RxNorm ingredient {}", ing) : name,
              name};
}

std::optional<Resolved> FhirMapper::Impl::resolve_codes(const Concept& code_concept) const {
  for (const auto& coding : code_concept.codings) {
    if (coding.system != kRxNormSystem) continue;
    const auto code = to_long(coding.code);
    if (!code) continue;
    if (auto it = tables.rx_kb.find(*code); it != tables.rx_kb.end())
      return Resolved{{it->second}, "RxNorm " + coding.code};
    const auto ingredients = rxnorm::product_ingredient_codes(*code);
    if (ingredients.empty()) continue;
    Resolved resolved{{}, "RxNorm " + coding.code};
    for (const long ing : ingredients) resolved.parts.push_back(part_for_ingredient(ing));
    return resolved;
  }
  for (const auto& coding : code_concept.codings) {
    if (coding.system != kAtcSystem) continue;
    if (auto it = tables.atc_kb.find(coding.code); it != tables.atc_kb.end())
      return Resolved{{it->second}, "ATC " + coding.code};
  }
  return std::nullopt;
}

namespace {

/// The concept that names a record's medicine (its own, else its Medication's) and the
/// Medication's ingredients.
struct Named {
  Concept code;
  std::vector<Concept> ingredients;
};

}  // namespace

void FhirMapper::Impl::map_medicine(const MedRecord& rec, FhirProfile& out) {
  Named named{rec.code_concept, {}};
  if (const MedicationInfo* medication = find_medication(rec)) {
    if (named.code.empty()) named.code = medication->code;
    named.ingredients = medication->ingredients;
  } else if (!rec.medication_ref.empty() && named.code.empty()) {
    out.notes.push_back(
        fmt::format("{}: the Medication \"{}\" it refers to was not in the input; {}.", rec.label,
                    rec.medication_ref,
                    rec.medication_display.empty() ? "the medicine could not be identified"
                                                   : "its display text was used"));
    named.code.text = rec.medication_display;
  }
  std::string display = named.code.label();
  std::optional<Resolved> resolved = resolve_codes(named.code);
  if (!resolved && !named.ingredients.empty()) {
    // A Medication with no usable code: its ingredients' codes.
    Resolved all{{}, "Medication.ingredient"};
    for (const auto& ingredient : named.ingredients) {
      if (auto one = resolve_codes(ingredient))
        all.parts.insert(all.parts.end(), one->parts.begin(), one->parts.end());
      else
        all.parts.push_back(Part{Part::unknown, "", ingredient.label(), ""});
    }
    if (!all.parts.empty()) resolved = std::move(all);
    if (display.empty()) {
      std::vector<std::string> labels;
      for (const auto& ingredient : named.ingredients) labels.push_back(ingredient.label());
      display = join(labels, " / ");
    }
  }
  if (display.empty()) display = fmt::format("unidentified medicine ({})", rec.label);

  const MedicineEntry entry{rec, out, display, timing_of(rec.dosages),
                            rec.dosages.empty() ? std::nullopt : rec.dosages.front().dose};
  entry.note_timing();
  if (!resolved) {
    entry.add_unresolved(named.code, names);
    return;
  }
  std::vector<const Part*> medicines, forms, unknown;
  for (const auto& part : resolved->parts)
    (part.kind == Part::medicine ? medicines
     : part.kind == Part::form   ? forms
                                 : unknown)
        .push_back(&part);
  if (!medicines.empty())
    entry.add_kb_medicines(medicines, forms.empty() && unknown.empty(), names);
  for (const auto* part : forms) entry.add_form(*part, resolved->parts.size() == 1, names);
  if (!unknown.empty())
    entry.add_unknown(unknown, medicines.empty() && forms.empty(), resolved->via);
}

}  // namespace willis::codec
