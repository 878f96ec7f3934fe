// src/core/audit.cc: docs/audit.md "What counts" and "Indicators", over PatientState.
#include "core/audit.h"

#include <algorithm>
#include <tuple>

namespace willis::core::audit {

namespace {

enum Ind : int {
  kMgEgfr = 0,
  kMgChelator,
  kRaltegravir,
  kRlsNoFerritin,
  kRlsLowIron,
  kRlsExacerbating,
  kRlsDopamineAgonist,
  kPpiNoMg,
  kDiureticDigoxinNoMg,
};

constexpr std::size_t idx(List list) {
  return static_cast<std::size_t>(list);
}

}  // namespace

std::string_view list_id(List list) {
  return kRequiredAuditLists[idx(list)];
}

std::string_view indicator_id(int index) {
  return kRequiredIndicators[static_cast<std::size_t>(index)].id;
}

std::int32_t fhir_date_days(std::string_view text) {
  const auto parsed = parse_fhir_datetime(text);
  return parsed ? parsed->date.first_day().serial() : kNoDate;
}

Params params_from_kb(const Kb& kb, CalendarDate as_of) {
  Params params;
  params.as_of = as_of.serial();
  // Each indicator carries its own look-back; they are all 12 months today, but read each so a
  // change in the KB is a change in the engine.
  const Indicator* low_iron = kb.audit.indicator("rls-low-iron-untreated");
  const Indicator* ppi = kb.audit.indicator("ppi-1y-no-mg-12m");
  const Indicator* egfr = kb.audit.indicator("mg-egfr-below-30");
  const int lookback = low_iron ? static_cast<int>(low_iron->threshold("lookback_months")) : 12;
  params.lookback_start = minus_months(as_of, lookback).serial();
  const int long_term_years = ppi ? static_cast<int>(ppi->threshold("long_term_years")) : 1;
  params.long_term_cutoff = minus_months(as_of, 12 * long_term_years).serial();
  params.egfr_below = egfr ? egfr->threshold("egfr_below") : 0;
  params.ferritin_at_or_below = low_iron ? low_iron->threshold("ferritin_at_or_below") : 0;
  params.tsat_below = low_iron ? low_iron->threshold("tsat_below") : 0;
  return params;
}

Comparator parse_comparator(std::string_view text) {
  if (text.empty()) return Comparator::none;
  if (text == "<") return Comparator::less;
  if (text == "<=") return Comparator::less_or_equal;
  if (text == ">=") return Comparator::greater_or_equal;
  if (text == ">") return Comparator::greater;
  return Comparator::other;  // "ad" and anything else: proves nothing
}

bool LabSlot::later_than(const LabSlot& current) const {
  if (!present()) return false;
  if (!current.present()) return true;
  if (date != current.date) return date > current.date;
  // Same day: the lowest value wins; an observation without a value counts as the highest.
  const auto key = [](const LabSlot& slot) {
    return std::make_tuple(!slot.has_value, slot.has_value ? slot.value : 0.0, slot.comparator,
                           slot.pos);
  };
  return key(*this) < key(current);
}

bool LabSlot::proves_below(double threshold) const {
  if (!present() || !has_value) return false;
  switch (comparator) {
    case Comparator::none:
      return value < threshold;
    case Comparator::less:
      return value <= threshold;  // "<30" is below 30
    case Comparator::less_or_equal:
      return value < threshold;
    default:
      return false;
  }
}

bool LabSlot::proves_at_or_below(double threshold) const {
  if (!present() || !has_value) return false;
  switch (comparator) {
    case Comparator::none:
    case Comparator::less:
    case Comparator::less_or_equal:
      return value <= threshold;
    default:
      return false;
  }
}

LabSlot PatientState::lab(Lab which) const {
  const auto at = static_cast<std::size_t>(which);
  LabSlot slot;
  slot.value = lab_value_[at];
  slot.pos = lab_pos_[at].get();
  slot.date = lab_date_[at];
  slot.comparator = static_cast<Comparator>(lab_meta_[at] & (kHasValue - 1));
  slot.has_value = (lab_meta_[at] & kHasValue) != 0;
  return slot;
}

void PatientState::set_lab(Lab which, const LabSlot& slot) {
  const auto at = static_cast<std::size_t>(which);
  lab_value_[at] = slot.value;
  lab_pos_[at] = PackedPosition(slot.pos);
  lab_date_[at] = slot.date;
  lab_meta_[at] = static_cast<std::uint8_t>(static_cast<unsigned>(slot.comparator) |
                                            (slot.has_value ? kHasValue : 0u));
}

void PatientState::add(const Params& params, const MedicineFact& fact) {
  if (fact.date != kNoDate && fact.date > params.as_of) return;  // not yet happened
  const bool recent = fact.date != kNoDate && fact.date >= params.lookback_start;
  if ((fact.lists & bit(List::iron)) && !fact.entered_in_error && recent) flags |= kIronRecent;
  if (!fact.active) return;
  active |= fact.lists;
  for (int list = 0; list < kMedicineListCount; ++list) {
    if (!(fact.lists & (1u << list))) continue;
    if (list == static_cast<int>(List::iron)) continue;
    if (list == static_cast<int>(List::ppi) &&
        (fact.date == kNoDate || fact.date > params.long_term_cutoff))
      continue;
    medicine_pos_[medicine_slot(static_cast<List>(list))].keep_earliest(fact.pos);
  }
  if (fact.timed && (fact.lists & (bit(List::magnesium) | bit(List::chelation_partner))))
    flags |= kTimed;
}

void PatientState::add(const Params&, const ConditionFact& fact) {
  if (!fact.active) return;
  if (fact.lists & bit(List::rls)) rls_pos_.keep_earliest(fact.pos);
  if (fact.lists & bit(List::ckd_4_5)) ckd_pos_.keep_earliest(fact.pos);
}

void PatientState::add(const Params& params, const ObservationFact& fact) {
  if (!fact.usable_status || fact.date == kNoDate || fact.date > params.as_of) return;
  if (fact.lab == Lab::magnesium) {
    magnesium_date_ = std::max(magnesium_date_, fact.date);
    return;
  }
  LabSlot slot;
  slot.value = fact.has_value ? fact.value : 0;
  slot.pos = fact.pos;
  slot.date = fact.date;
  slot.comparator = fact.comparator;
  slot.has_value = fact.has_value;
  keep_latest(fact.lab, slot);
}

void PatientState::merge(const PatientState& other) {
  for (std::size_t list = 0; list < medicine_pos_.size(); ++list)
    medicine_pos_[list].keep_earliest(other.medicine_pos_[list].get());
  rls_pos_.keep_earliest(other.rls_pos_.get());
  ckd_pos_.keep_earliest(other.ckd_pos_.get());
  for (const Lab which : {Lab::egfr, Lab::ferritin, Lab::tsat})
    keep_latest(which, other.lab(which));
  magnesium_date_ = std::max(magnesium_date_, other.magnesium_date_);
  resources += other.resources;
  unrecognised = static_cast<std::uint16_t>(
      std::min<unsigned>(0xFFFF, unsigned{unrecognised} + other.unrecognised));
  active |= other.active;
  flags |= other.flags;
}

Evaluation evaluate(const Params& params, const PatientState& state) {
  Evaluation out;
  if (!state.exists() || state.deceased()) return out;
  const auto has = [&](List list) { return (state.active & bit(list)) != 0; };
  const auto set = [&](int indicator, bool denominator, bool numerator) {
    if (!denominator) return;
    out.denominator |= static_cast<std::uint16_t>(1u << indicator);
    if (numerator) out.numerator |= static_cast<std::uint16_t>(1u << indicator);
  };
  const bool rls = state.rls_pos() != kNoPosition;
  const bool ckd = state.ckd_pos() != kNoPosition;
  const LabSlot egfr = state.lab(Lab::egfr), ferritin = state.lab(Lab::ferritin),
                tsat = state.lab(Lab::tsat);
  const auto within = [&](std::int32_t date) {
    return date != kNoDate && date >= params.lookback_start;
  };
  const bool magnesium_measured = within(state.magnesium_date());
  const bool ferritin_recent = within(ferritin.date);
  const bool tsat_recent = within(tsat.date);
  const bool low_iron =
      (ferritin_recent && ferritin.proves_at_or_below(params.ferritin_at_or_below)) ||
      (tsat_recent && tsat.proves_below(params.tsat_below));
  const bool iron_therapy = has(List::iron) || (state.flags & PatientState::kIronRecent);

  set(kMgEgfr, has(List::magnesium), egfr.proves_below(params.egfr_below) || ckd);
  set(kMgChelator, has(List::magnesium) && has(List::chelation_partner),
      !(state.flags & PatientState::kTimed));
  set(kRaltegravir, has(List::raltegravir), has(List::magnesium));
  set(kRlsNoFerritin, rls, !ferritin_recent);
  set(kRlsLowIron, rls, low_iron && !iron_therapy);
  set(kRlsExacerbating, rls, has(List::rls_exacerbating));
  set(kRlsDopamineAgonist, rls, has(List::dopamine_agonist));
  set(kPpiNoMg, state.medicine(List::ppi) != kNoPosition, !magnesium_measured);
  set(kDiureticDigoxinNoMg, has(List::loop_or_thiazide) && has(List::digoxin), !magnesium_measured);
  return out;
}

Evidence evidence(const Params& params, const PatientState& state, int indicator) {
  Evidence out;
  const auto add = [&](Position pos) {
    if (pos != kNoPosition && out.count < static_cast<int>(out.positions.size()))
      out.positions[static_cast<std::size_t>(out.count++)] = pos;
  };
  const auto med = [&](List list) { return state.medicine(list); };
  const auto within = [&](std::int32_t date) {
    return date != kNoDate && date >= params.lookback_start;
  };
  const LabSlot egfr = state.lab(Lab::egfr), ferritin = state.lab(Lab::ferritin),
                tsat = state.lab(Lab::tsat);
  switch (indicator) {
    case kMgEgfr:
      add(med(List::magnesium));
      if (egfr.proves_below(params.egfr_below)) add(egfr.pos);
      add(state.ckd_pos());
      break;
    case kMgChelator:
      add(med(List::magnesium));
      add(med(List::chelation_partner));
      break;
    case kRaltegravir:
      add(med(List::raltegravir));
      add(med(List::magnesium));
      break;
    case kRlsNoFerritin:
      add(state.rls_pos());
      add(ferritin.pos);  // an older ferritin, if any: shows when it was last measured
      break;
    case kRlsLowIron:
      add(state.rls_pos());
      if (within(ferritin.date) && ferritin.proves_at_or_below(params.ferritin_at_or_below))
        add(ferritin.pos);
      if (within(tsat.date) && tsat.proves_below(params.tsat_below)) add(tsat.pos);
      break;
    case kRlsExacerbating:
      add(state.rls_pos());
      add(med(List::rls_exacerbating));
      break;
    case kRlsDopamineAgonist:
      add(state.rls_pos());
      add(med(List::dopamine_agonist));
      break;
    case kPpiNoMg:
      add(med(List::ppi));
      break;
    case kDiureticDigoxinNoMg:
      add(med(List::loop_or_thiazide));
      add(med(List::digoxin));
      break;
    default:
      break;
  }
  return out;
}

void Summary::count(const Evaluation& evaluation) {
  for (int indicator = 0; indicator < kIndicatorCount; ++indicator) {
    auto& counts = indicators[static_cast<std::size_t>(indicator)];
    counts.denominator += evaluation.in_denominator(indicator);
    counts.numerator += evaluation.flagged(indicator);
  }
}

void Summary::count(const PatientState& state, const Evaluation& evaluation) {
  if (state.flags & PatientState::kDiedByDate)
    ++deceased_by_date;
  else if (state.flags & PatientState::kDiedFlag)
    ++deceased_by_flag;
  count(evaluation);
}

void Summary::add(const Summary& other) {
  patients += other.patients;
  resources += other.resources;
  errors += other.errors;
  skipped_resources += other.skipped_resources;
  orphan_resources += other.orphan_resources;
  unrecognised_medicines += other.unrecognised_medicines;
  deceased_by_date += other.deceased_by_date;
  deceased_by_flag += other.deceased_by_flag;
  for (std::size_t index = 0; index < indicators.size(); ++index) {
    indicators[index].denominator += other.indicators[index].denominator;
    indicators[index].numerator += other.indicators[index].numerator;
  }
}

}  // namespace willis::core::audit
