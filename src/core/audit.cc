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

constexpr std::size_t idx(List list) { return static_cast<std::size_t>(list); }

bool read_digits(std::string_view text, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > text.size()) return false;
  out = 0;
  for (std::size_t at = pos; at < pos + len; ++at) {
    const char c = text[at];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

void keep_earliest(Position& slot, Position pos) { slot = std::min(slot, pos); }

}  // namespace

std::string_view list_id(List list) { return kRequiredAuditLists[idx(list)]; }

std::string_view indicator_id(int index) { return kRequiredIndicators[static_cast<std::size_t>(index)].id; }

std::int32_t fhir_date_days(std::string_view text) {
  int year = 0, month = 1, day = 1;
  if (!read_digits(text, 0, 4, year) || year < 1) return kNoDate;
  if (text.size() > 4) {
    // YYYY-MM and YYYY-MM-DD; anything else after the year is not a date.
    if (text[4] != '-' || !read_digits(text, 5, 2, month) || month < 1 || month > 12) return kNoDate;
    if (text.size() > 7) {
      if (text[7] != '-' || !read_digits(text, 8, 2, day) || day < 1 || day > days_in_month(year, month)) return kNoDate;
      // After the day only a time may follow (THH:MM...).
      if (text.size() > 10 && text[10] != 'T') return kNoDate;
    }
  }
  return CalendarDate{year, month, day}.serial();
}

CalendarDate minus_months(CalendarDate date, int months) {
  int total = date.year * 12 + (date.month - 1) - months;
  CalendarDate out;
  out.year = total / 12;
  out.month = total % 12 + 1;
  out.day = std::min(date.day, days_in_month(out.year, out.month));
  return out;
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
    return std::make_tuple(!slot.has_value, slot.has_value ? slot.value : 0.0, slot.comparator, slot.pos);
  };
  return key(*this) < key(current);
}

bool LabSlot::proves_below(double threshold) const {
  if (!present() || !has_value) return false;
  switch (comparator) {
    case Comparator::none: return value < threshold;
    case Comparator::less: return value <= threshold;  // "<30" is below 30
    case Comparator::less_or_equal: return value < threshold;
    default: return false;
  }
}

bool LabSlot::proves_at_or_below(double threshold) const {
  if (!present() || !has_value) return false;
  switch (comparator) {
    case Comparator::none:
    case Comparator::less:
    case Comparator::less_or_equal: return value <= threshold;
    default: return false;
  }
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
    if (list == static_cast<int>(List::ppi) && (fact.date == kNoDate || fact.date > params.long_term_cutoff)) continue;
    keep_earliest(medicine_pos[medicine_slot(static_cast<List>(list))], fact.pos);
  }
  if (fact.timed && (fact.lists & (bit(List::magnesium) | bit(List::chelation_partner)))) flags |= kTimed;
}

void PatientState::add(const Params&, const ConditionFact& fact) {
  if (!fact.active) return;
  if (fact.lists & bit(List::rls)) keep_earliest(rls_pos, fact.pos);
  if (fact.lists & bit(List::ckd_4_5)) keep_earliest(ckd_pos, fact.pos);
}

void PatientState::add(const Params& params, const ObservationFact& fact) {
  if (!fact.usable_status || fact.date == kNoDate || fact.date > params.as_of) return;
  if (fact.lab == Lab::magnesium) {
    magnesium_date = std::max(magnesium_date, fact.date);
    return;
  }
  LabSlot slot;
  slot.value = fact.has_value ? fact.value : 0;
  slot.pos = fact.pos;
  slot.date = fact.date;
  slot.comparator = fact.comparator;
  slot.has_value = fact.has_value;
  LabSlot& current = fact.lab == Lab::egfr ? egfr : fact.lab == Lab::ferritin ? ferritin : tsat;
  if (slot.later_than(current)) current = slot;
}

void PatientState::merge(const PatientState& other) {
  for (std::size_t list = 0; list < medicine_pos.size(); ++list) keep_earliest(medicine_pos[list], other.medicine_pos[list]);
  keep_earliest(rls_pos, other.rls_pos);
  keep_earliest(ckd_pos, other.ckd_pos);
  if (other.egfr.later_than(egfr)) egfr = other.egfr;
  if (other.ferritin.later_than(ferritin)) ferritin = other.ferritin;
  if (other.tsat.later_than(tsat)) tsat = other.tsat;
  magnesium_date = std::max(magnesium_date, other.magnesium_date);
  resources += other.resources;
  unrecognised = static_cast<std::uint16_t>(std::min<unsigned>(0xFFFF, unsigned{unrecognised} + other.unrecognised));
  active |= other.active;
  flags |= other.flags;
}

Evaluation evaluate(const Params& params, const PatientState& state) {
  Evaluation out;
  if (!state.exists()) return out;
  const auto has = [&](List list) { return (state.active & bit(list)) != 0; };
  const auto set = [&](int indicator, bool denominator, bool numerator) {
    if (!denominator) return;
    out.denominator |= static_cast<std::uint16_t>(1u << indicator);
    if (numerator) out.numerator |= static_cast<std::uint16_t>(1u << indicator);
  };
  const bool rls = state.rls_pos != kNoPosition;
  const bool ckd = state.ckd_pos != kNoPosition;
  const auto within = [&](std::int32_t date) { return date != kNoDate && date >= params.lookback_start; };
  const bool magnesium_measured = within(state.magnesium_date);
  const bool ferritin_recent = within(state.ferritin.date);
  const bool tsat_recent = within(state.tsat.date);
  const bool low_iron = (ferritin_recent && state.ferritin.proves_at_or_below(params.ferritin_at_or_below)) ||
                        (tsat_recent && state.tsat.proves_below(params.tsat_below));
  const bool iron_therapy = has(List::iron) || (state.flags & PatientState::kIronRecent);

  set(kMgEgfr, has(List::magnesium), state.egfr.proves_below(params.egfr_below) || ckd);
  set(kMgChelator, has(List::magnesium) && has(List::chelation_partner), !(state.flags & PatientState::kTimed));
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
    if (pos != kNoPosition && out.count < static_cast<int>(out.positions.size())) out.positions[static_cast<std::size_t>(out.count++)] = pos;
  };
  const auto med = [&](List list) { return state.medicine(list); };
  const auto within = [&](std::int32_t date) { return date != kNoDate && date >= params.lookback_start; };
  switch (indicator) {
    case kMgEgfr:
      add(med(List::magnesium));
      if (state.egfr.proves_below(params.egfr_below)) add(state.egfr.pos);
      add(state.ckd_pos);
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
      add(state.rls_pos);
      add(state.ferritin.pos);  // an older ferritin, if any: shows when it was last measured
      break;
    case kRlsLowIron:
      add(state.rls_pos);
      if (within(state.ferritin.date) && state.ferritin.proves_at_or_below(params.ferritin_at_or_below))
        add(state.ferritin.pos);
      if (within(state.tsat.date) && state.tsat.proves_below(params.tsat_below)) add(state.tsat.pos);
      break;
    case kRlsExacerbating:
      add(state.rls_pos);
      add(med(List::rls_exacerbating));
      break;
    case kRlsDopamineAgonist:
      add(state.rls_pos);
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

}  // namespace willis::core::audit
