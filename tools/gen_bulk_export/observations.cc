// tools/gen_bulk_export/observations.cc: lab observations on both sides of the thresholds of
// docs/audit.md (eGFR, ferritin, TSAT, magnesium), and unrelated labs and vitals.
#include "generator.h"

namespace gen {

Generator::LabValue Generator::pick_value(Lab lab, bool plain) {
  Rng& rng = *rng_;
  LabValue v;
  switch (lab) {
    case Lab::egfr: {
      static constexpr std::array<std::string_view, 4> kUnits = {
          "mL/min/{1.73_m2}", "mL/min/1.73m2", "mL/min", "mg/dL"};
      v.unit = kUnits[weighted(rng, std::array<int, 4>{80, 12, 4, 4})];
      const int kind = plain ? 0 : static_cast<int>(weighted(rng, std::array<int, 3>{55, 30, 15}));
      if (kind == 0) {
        v.scaled = rng.range(50, 1200), v.places = 1;
      } else if (kind == 1) {
        static constexpr std::array<long, 6> kEdge = {29, 30, 31, 299, 300, 301};
        const std::size_t i = rng.below(6);
        v.scaled = kEdge[i], v.places = i < 3 ? 0 : 1;
      } else {
        static constexpr std::array<std::string_view, 7> kCmp = {
            ">", "<", "<", "<=", "<=", ">=", "<"};
        static constexpr std::array<long, 7> kBound = {90, 15, 30, 30, 29, 60, 31};
        const std::size_t i = rng.below(7);
        v.comparator = kCmp[i], v.scaled = kBound[i];
      }
      if (!plain && rng.chance(20)) v.unit = "";
      return v;
    }
    case Lab::ferritin: {
      static constexpr std::array<std::string_view, 4> kUnits = {"ng/mL", "ug/L", "µg/L", "pmol/L"};
      v.unit = kUnits[weighted(rng, std::array<int, 4>{60, 20, 12, 8})];
      const int kind = plain ? 0 : static_cast<int>(weighted(rng, std::array<int, 3>{55, 32, 13}));
      if (kind == 0) {
        v.scaled = rng.range(5, 400);
      } else if (kind == 1) {
        static constexpr std::array<long, 6> kEdge = {740, 750, 755, 760, 75, 76};
        const std::size_t i = rng.below(6);
        v.scaled = kEdge[i], v.places = i < 4 ? 1 : 0;
      } else {
        static constexpr std::array<std::string_view, 6> kCmp = {"<", "<", "<=", "<", ">", ">="};
        static constexpr std::array<long, 6> kBound = {10, 75, 75, 76, 400, 75};
        const std::size_t i = rng.below(6);
        v.comparator = kCmp[i], v.scaled = kBound[i];
      }
      return v;
    }
    case Lab::tsat: {
      v.unit = rng.chance(50) ? "mg/dL" : "%";
      const int kind = plain ? 0 : static_cast<int>(weighted(rng, std::array<int, 3>{55, 32, 13}));
      if (kind == 0) {
        v.scaled = rng.range(5, 50);
      } else if (kind == 1) {
        static constexpr std::array<long, 6> kEdge = {19, 20, 21, 199, 200, 201};
        const std::size_t i = rng.below(6);
        v.scaled = kEdge[i], v.places = i < 3 ? 0 : 1;
      } else {
        static constexpr std::array<std::string_view, 4> kCmp = {"<", "<=", "<=", ">"};
        static constexpr std::array<long, 4> kBound = {20, 20, 19, 50};
        const std::size_t i = rng.below(4);
        v.comparator = kCmp[i], v.scaled = kBound[i];
      }
      return v;
    }
    case Lab::magnesium:
      if (rng.chance(500)) {
        v.unit = "mmol/L", v.scaled = rng.range(45, 110), v.places = 2;
      } else {
        v.unit = "mg/dL", v.scaled = rng.range(11, 27), v.places = 1;
      }
      return v;
  }
  return v;
}

int Generator::effective_day(int day, DateForm form) {
  const willis::core::CalendarDate c = willis::core::CalendarDate::from_serial(day);
  if (form == DateForm::year) return willis::core::CalendarDate{c.year, 1, 1}.serial();
  if (form == DateForm::year_month) return willis::core::CalendarDate{c.year, c.month, 1}.serial();
  return day;
}

void Generator::write_labs(Lab lab, int count) {
  Rng& rng = *rng_;
  const bool twin = count > 0 && rng.chance(80);
  std::array<int, 8> days{};
  int used = 0;
  for (int i = 0; i < count && used < 7; ++i) {
    int day = 0;
    DateForm form = DateForm::date_time;
    for (int tries = 0; tries < 20; ++tries) {
      day = pick_day(false);
      form = (twin && i == 0) ? DateForm::date_time : pick_form();
      bool clash = false;
      for (int j = 0; j < used; ++j) clash = clash || days[j] == effective_day(day, form);
      if (!clash) break;
    }
    days[used++] = effective_day(day, form);
    write_observation(lab, day, form, usable_plain(lab, twin && i == 0));
  }
  if (twin)
    write_observation(lab, days[0], DateForm::date_time, usable_plain(lab, true),
                      /*same_day_twin=*/true);
}

Generator::LabValue Generator::usable_plain(Lab lab, bool plain) {
  LabValue v = pick_value(lab, plain);
  if (plain) {
    if (lab == Lab::ferritin) v.unit = "ng/mL";
    if (lab == Lab::tsat) v.unit = "%";
    if (lab == Lab::egfr) v.unit = "mL/min/{1.73_m2}";
  }
  return v;
}

void Generator::write_observation(Lab lab, int day, DateForm date_form, const LabValue& value,
                                  bool same_day_twin) {
  Rng& rng = *rng_;
  std::string& out = begin(kObservation).buf;
  put(out, R"({"resourceType":"Observation","id":")");
  put_uuid(out, new_uuid(rng));
  put(out, R"(",)");
  put_meta(out, "us-core-observation-lab");
  static constexpr std::array<std::string_view, 8> kStatus = {
      "final",      "amended",   "corrected",        "preliminary",
      "registered", "cancelled", "entered-in-error", "unknown"};
  put(out, R"(,"status":")");
  put(out, same_day_twin ? "final"
                         : kStatus[weighted(rng, std::array<int, 8>{80, 4, 3, 3, 3, 3, 3, 1})]);
  put(out,
      R"(","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory","display":"Laboratory"}],"text":"Laboratory"}],"code":{"coding":[)");
  const Code code = lab_code(lab);
  put_coding(out, kLoinc, code.code, code.display);
  put(out, R"(],"text":")");
  put(out, code.display);
  put(out, R"("},)");
  put_subject(out);
  put_observation_dates(out, day, date_form, same_day_twin);
  put_lab_value(out, value);
  end(kObservation);
}

Code Generator::lab_code(Lab lab) {
  Rng& rng = *rng_;
  Code code{};
  switch (lab) {
    case Lab::egfr:
      code = rng.pick(kEgfrCodes);
      break;
    case Lab::ferritin:
      code = kFerritin;
      break;
    case Lab::tsat:
      code = kTsat;
      break;
    case Lab::magnesium:
      code = rng.pick(kMagnesiumLab);
      break;
  }
  return code;
}

void Generator::put_observation_dates(std::string& out, int day, DateForm date_form,
                                      bool same_day_twin) {
  Rng& rng = *rng_;
  // Date: effectiveDateTime, else effectivePeriod.start, else effectiveInstant, else issued.
  // `issued` (when present) is a day or two later, so reading it first would move the date.
  int form =
      same_day_twin ? 0 : static_cast<int>(weighted(rng, std::array<int, 5>{78, 8, 5, 6, 3}));
  // An instant is never partial: a partial date goes into effectiveDateTime instead.
  if ((form == 2 || form == 3) &&
      (date_form == DateForm::year || date_form == DateForm::year_month))
    form = 0;
  switch (form) {
    case 0:
      put(out, R"(,"effectiveDateTime":")");
      put_when(out, rng, day, date_form);
      put(out, R"(")");
      break;
    case 1:
      put(out, R"(,"effectivePeriod":{"start":")");
      put_when(out, rng, day, date_form);
      put(out, R"(","end":")");
      put_when(out, rng, day + rng.range(0, 3), DateForm::date_time);
      put(out, R"("})");
      break;
    case 2:
      put(out, R"(,"effectiveInstant":")");
      put_when(out, rng, day, DateForm::instant);
      put(out, R"(")");
      break;
    default:
      break;  // 3: issued only; 4: no date at all
  }
  if (form != 4) {
    put(out, R"(,"issued":")");
    put_when(out, rng, form == 3 ? day : day + rng.range(1, 2), DateForm::instant);
    put(out, R"(")");
  }
}

void Generator::put_lab_value(std::string& out, const LabValue& value) {
  if (value.unit.empty()) {
    put(out, R"(,"valueString":"see report"})");
  } else {
    put(out, R"(,"valueQuantity":{"value":)");
    put_fixed(out, value.scaled, value.places);
    if (!value.comparator.empty()) {
      put(out, R"(,"comparator":")");
      put(out, value.comparator);
      put(out, R"(")");
    }
    put(out, R"(,"unit":")");
    put(out, value.unit);
    put(out, R"(","system":"http://unitsofmeasure.org","code":")");
    put(out, value.unit == "µg/L" ? std::string_view("ug/L") : value.unit);
    put(out, R"("}})");
  }
}

void Generator::write_noise_lab(const NoiseLab& lab) {
  Rng& rng = *rng_;
  std::string& out = begin(kObservation).buf;
  put(out, R"({"resourceType":"Observation","id":")");
  put_uuid(out, new_uuid(rng));
  put(out, R"(",)");
  put_meta(out, lab.category == "laboratory" ? "us-core-observation-lab" : "us-core-vital-signs");
  put(out,
      R"(,"status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":")");
  put(out, lab.category);
  put(out, R"("}]}],"code":{"coding":[)");
  put_coding(out, kLoinc, lab.code, lab.display);
  put(out, R"(],"text":")");
  put(out, lab.display);
  put(out, R"("},)");
  put_subject(out);
  put(out, R"(,"effectiveDateTime":")");
  const int day = opt_.as_of - rng.range(0, 4 * 365);
  put_when(out, rng, day, DateForm::date_time);
  put(out, R"(","issued":")");
  put_when(out, rng, day, DateForm::instant);
  put(out, R"(","valueQuantity":{"value":)");
  put_fixed(out, rng.range(lab.lo, lab.hi), lab.places);
  put(out, R"(,"unit":")");
  put(out, lab.unit);
  put(out, R"(","system":")");
  put(out, kUcum);
  put(out, R"(","code":")");
  put(out, lab.unit);
  put(out, R"("}})");
  end(kObservation);
}

}  // namespace gen
