// Timing: magnesium the person already takes at set times, checked against every keep-apart
// window of their medicines.
#include "core/assess.h"
#include "core/rules/passes.h"

namespace willis::core::rules {
namespace {

/// Times of day at which no window of any listed medicine is open, nearest to `from` first.
std::optional<ClockTime> nearest_clear_time(ClockTime from,
                                            const std::vector<TimedWindow>& windows) {
  const auto clear = [&](ClockTime m) {
    for (const auto& window : windows)
      for (const auto& t : window.times)
        if (inside_window(m, t, window.after_h, window.before_h)) return false;
    return true;
  };
  for (int step = 0; step <= kMinutesPerDay / 2; step += 15)
    for (const int sign : {1, -1}) {
      const ClockTime m{((from.minutes + sign * step) % kMinutesPerDay + kMinutesPerDay) %
                        kMinutesPerDay};
      if (clear(m)) return m;
    }
  return std::nullopt;
}

/// One magnesium dose inside one medicine dose's window.
void collision(const Context& cx, Findings& out, const Item& item, ClockTime mg_time,
               const TimedWindow& window, ClockTime drug_time) {
  const Medicine* med = cx.kb.medicine(window.medicine);
  const std::string medicine = med ? med->name : window.name;
  const auto clear = nearest_clear_time(mg_time, out.windows);
  const std::string suggestion =
      clear ? fill_text(cx.rules.text("collision_nearest_clear").detail, {{"time", clear->str()}})
            : cx.rules.text("collision_no_clear").detail;
  Finding& f =
      out.add_text("interaction", "timing-" + cx.names.slug(item.name) + "-" + window.medicine,
                   "magnesium_collision",
                   {{"mg_name", item.name},
                    {"mg_time", mg_time.str()},
                    {"medicine", medicine},
                    {"drug_time", drug_time.str()},
                    {"after_h", format_number(window.after_h)},
                    {"before_h", format_number(window.before_h)},
                    {"suggestion", suggestion}});
  if (!f.data.empty()) return;
  f.data.emplace_back("magnesium_time", mg_time.str());
  f.data.emplace_back("drug_time", drug_time.str());
  if (clear) f.data.emplace_back("nearest_clear_time", clear->str());
  if (!window.day.empty()) f.data.emplace_back("day", window.day);
  for (const auto* interaction : cx.entries_for(*med, "interaction"))
    add_missing(f.sources, interaction->prov.sources);
}

}  // namespace

void magnesium_timing(const Context& cx, Findings& out) {
  for (const auto& item : cx.items) {
    if (item.magnesium.kind == SupplementMatch::Kind::unknown ||
        item.magnesium.kind == SupplementMatch::Kind::topical || item.route != Route::oral)
      continue;
    for (const auto& mg_time : item.times)
      for (const auto& window : out.windows)
        for (const auto& drug_time : window.times)
          if (inside_window(mg_time, drug_time, window.after_h, window.before_h))
            collision(cx, out, item, mg_time, window, drug_time);
  }
}

}  // namespace willis::core::rules
