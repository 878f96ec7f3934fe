#include "support/invariants.h"

#include <cctype>
#include <cmath>
#include <set>
#include <string>

#include "core/severity.h"

namespace willis::testing {

namespace {

constexpr int kDay = 24 * 60;

/// Minutes from `from` forward to `to` on a clock that wraps at midnight: 0..1439.
int forward(core::ClockTime from, core::ClockTime to) {
  return ((to.minutes - from.minutes) % kDay + kDay) % kDay;
}

std::string hours(double h) {
  std::string text = std::to_string(h);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text + " h";
}

/// The profile entry a resolution names ("medicines[2]"), or null for other fields.
const std::vector<core::ClockTime>* times_of(const core::Profile& profile,
                                             const std::string& field) {
  const auto list_index = [&](const char* list) -> std::optional<std::size_t> {
    const std::string prefix = std::string(list) + "[";
    if (field.rfind(prefix, 0) != 0) return std::nullopt;
    return std::stoul(field.substr(prefix.size()));
  };
  if (const auto idx = list_index("medicines"); idx && *idx < profile.medicines.size())
    return &profile.medicines[*idx].times;
  if (const auto idx = list_index("supplements"); idx && *idx < profile.supplements.size())
    return &profile.supplements[*idx].times;
  return nullptr;
}

/// A finding's number or text datum.
std::optional<double> number(const core::Finding& f, const std::string& key) {
  for (const auto& [name, value] : f.data)
    if (name == key)
      if (const double* n = std::get_if<double>(&value)) return *n;
  return std::nullopt;
}
std::string text(const core::Finding& f, const std::string& key) {
  for (const auto& [name, value] : f.data)
    if (name == key)
      if (const std::string* t = std::get_if<std::string>(&value)) return *t;
  return "";
}

}  // namespace

const char* label(Invariant invariant) {
  switch (invariant) {
    case Invariant::window:
      return "a-window";
    case Invariant::unresolved:
      return "b-unresolved";
    case Invariant::avoid:
      return "c-avoid";
    case Invariant::verdict:
      return "d-verdict";
    case Invariant::sources:
      return "e-sources";
    case Invariant::doses:
      return "f-doses";
    case Invariant::contract:
      return "contract";
  }
  return "?";
}

bool in_window(core::ClockTime dose, core::ClockTime drug, double after_h, double before_h) {
  if (after_h <= 0 && before_h <= 0) return false;
  if (dose == drug) return true;
  const int after_drug = forward(drug, dose);   // the dose this many minutes after the drug
  const int before_drug = forward(dose, drug);  // … or this many minutes before it
  return after_drug < after_h * 60 || before_drug < before_h * 60;
}

namespace {

/// One assessment checked against every invariant; each step is one letter of invariants.h.
struct Check {
  const core::Assessment& a;
  const core::Profile& profile;
  const core::Kb& kb;
  std::vector<Violation> out;
  bool doses = false;
  std::string dose_list;

  void fail(Invariant which, std::string cause, std::string message) {
    out.push_back({which, std::move(cause), std::move(message)});
  }

  // (d) verdict, (e) sources, contract: id format and the top-level source list.
  void findings_and_verdict() {
    core::Severity worst = core::Severity::info;
    const std::set<std::string> top(a.sources.begin(), a.sources.end());
    for (const auto& f : a.findings) {
      worst = std::max(worst, f.severity);
      if (f.sources.empty())
        fail(Invariant::sources, "no-source", "finding " + f.id + " cites no source");
      for (const auto& s : f.sources) {
        if (!kb.sources.count(s))
          fail(Invariant::sources, "unknown-source",
               "finding " + f.id + " cites unknown source " + s);
        if (!top.count(s))
          fail(Invariant::contract, "top-level-sources",
               "finding " + f.id + " cites " + s + " which is not in top-level sources");
      }
      if (f.id.find(':') == std::string::npos || f.id.substr(0, f.id.find(':')) != f.kind)
        fail(Invariant::contract, "id-kind",
             "finding id " + f.id + " does not start with its kind " + f.kind);
      for (const char c : f.id)
        if (std::isupper(static_cast<unsigned char>(c)) || c == ' ') {
          fail(Invariant::contract, "id-case",
               "finding id " + f.id + " is not lower case and hyphenated");
          break;
        }
    }
    if (worst != a.verdict)
      fail(Invariant::verdict, "verdict",
           std::string("verdict ") + core::to_string(a.verdict) +
               " is not the highest finding severity " + core::to_string(worst));
  }

  // (c) nothing to take when the verdict is avoid or urgent.
  void nothing_when_avoid() {
    if (a.verdict < core::Severity::avoid) return;
    if (a.magnesium.plan)
      fail(Invariant::avoid, "plan",
           std::string("a plan is given although the verdict is ") + core::to_string(a.verdict));
    if (doses)
      fail(Invariant::avoid, "doses",
           std::string("doses are given although the verdict is ") + core::to_string(a.verdict));
  }

  // (b) nothing to take while anything is unresolved.
  void nothing_while_unresolved() {
    if (!doses) return;
    if (!a.schedule.unresolved.empty())
      fail(Invariant::unresolved, "schedule-unresolved",
           "doses (" + dose_list + ") although schedule.unresolved is not empty");
    // Grouped by the list the unknown name came from ("part": an unknown part of a combination
    // whose other part is known). The finding's title quotes the name as given.
    for (const auto& f : a.findings) {
      if (f.id.rfind("unrecognised:", 0) != 0) continue;
      std::string list = "part";
      for (const auto& r : a.resolved)
        if (r.ids.empty() && !r.input.empty() && f.title.find(r.input) != std::string::npos)
          list = r.field.substr(0, r.field.find('['));
      fail(Invariant::unresolved, "unrecognised:" + list,
           "doses (" + dose_list + ") although " + f.id + " (\"" + f.title + "\")");
    }
  }

  // The doses a window around `t` applies to. A weekly or monthly medicine's window applies on
  // its day only (schedule.keep_apart[].day), where schedule.on_days may give that day doses of
  // its own; a daily window applies to every day's doses, those days' too.
  std::vector<core::Dose> doses_near(const std::string& id, core::ClockTime t) const {
    std::string day;
    for (const auto& k : a.schedule.keep_apart)
      if (k.medicine == id && k.drug_time == t) day = k.day;
    std::vector<core::Dose> apply;
    const core::DaySchedule* own = nullptr;
    for (const auto& d : a.schedule.on_days)
      if (!day.empty() && d.day == day) own = &d;
    if (own)
      apply = own->doses;
    else
      apply = a.schedule.doses;
    if (day.empty())
      for (const auto& d : a.schedule.on_days)
        apply.insert(apply.end(), d.doses.begin(), d.doses.end());
    return apply;
  }

  // (a) no dose inside the window around any time of a medicine to be kept apart.
  void window_of(const core::Resolution& r, const std::vector<core::ClockTime>& times,
                 const std::string& id) {
    const core::Finding* f = a.finding("interaction:" + id);
    if (!f || text(*f, "action") != "separate") return;
    if (times.empty() && doses)
      fail(Invariant::unresolved, "untimed-interacting-medicine",
           "doses (" + dose_list + ") although " + r.field + " \"" + r.input + "\" (" + id +
               ", to be kept apart) has no times");
    const auto after = number(*f, "magnesium_after_drug_h"),
               before = number(*f, "magnesium_before_drug_h");
    if (!after || !before) {
      fail(Invariant::window, "no-window-data",
           "finding " + f->id + " separates but has no magnesium_after/before_drug_h");
      return;
    }
    for (const auto& t : times)
      for (const auto& dose : doses_near(id, t))
        if (in_window(dose.time, t, *after, *before))
          fail(Invariant::window, "window:" + id,
               "dose at " + dose.time.str() + " is inside " + id + "'s window around " + t.str() +
                   " (" + r.field + " \"" + r.input + "\": " + hours(*before) + " before, " +
                   hours(*after) + " after)");
  }

  // Every recognised medicine with a window: its times, or the lack of them.
  void windows() {
    for (const auto& r : a.resolved) {
      const auto* times = times_of(profile, r.field);
      if (!times) continue;
      for (const auto& id : r.ids) window_of(r, *times, id);
    }
  }

  // (f) doses in waking hours, with a plan, summing to its start dose.
  void doses_in_waking_hours() {
    if (!doses) return;
    double total = 0;
    for (const auto& dose : a.schedule.doses) {
      total += dose.elemental_mg;
      if (forward(profile.day.wake, dose.time) > forward(profile.day.wake, profile.day.sleep))
        fail(Invariant::doses, "outside-waking-hours",
             "dose at " + dose.time.str() + " is outside waking hours " + profile.day.wake.str() +
                 "-" + profile.day.sleep.str());
    }
    if (!a.magnesium.plan)
      fail(Invariant::doses, "no-plan", "doses (" + dose_list + ") without a plan");
    else if (std::fabs(total - a.magnesium.plan->start_elemental_mg) > 0.05)
      fail(Invariant::doses, "sum",
           "doses sum to " + std::to_string(total) + " mg, not the plan's start " +
               std::to_string(a.magnesium.plan->start_elemental_mg) + " mg");
  }
};

}  // namespace

std::vector<Violation> check_invariants(const core::Assessment& a, const core::Profile& profile,
                                        const core::Kb& kb) {
  Check check{a, profile, kb, {}, !a.schedule.doses.empty(), {}};
  for (const auto& dose : a.schedule.doses)
    check.dose_list += (check.dose_list.empty() ? "" : ", ") + dose.time.str();
  check.findings_and_verdict();
  check.nothing_when_avoid();
  check.nothing_while_unresolved();
  check.windows();
  check.doses_in_waking_hours();
  return std::move(check.out);
}

}  // namespace willis::testing
