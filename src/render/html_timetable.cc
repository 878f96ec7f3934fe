#include "render/html_timetable.h"

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

#include "render/html.h"
#include "render/html_assessment.h"

namespace willis::render::html {
namespace {

constexpr double kWidth = 900;
constexpr double kLabelW = 190;  // the row labels
constexpr double kPlotX = kLabelW + 10;
constexpr double kPlotW = kWidth - kPlotX - 14;
constexpr double kAxisY = 34;
constexpr double kRowH = 40;
constexpr std::size_t kMaxLabelChars = 24;

double x_of(int minutes) {
  return kPlotX + kPlotW * minutes / core::kMinutesPerDay;
}

/// [from, to) on a clock that wraps at midnight, as one or two spans of minutes.
std::vector<std::pair<int, int>> spans(core::ClockTime from, core::ClockTime to) {
  if (from.minutes <= to.minutes) return {{from.minutes, to.minutes}};
  return {{from.minutes, core::kMinutesPerDay}, {0, to.minutes}};
}

/// Cuts on a UTF-8 character boundary, adding "…".
std::string short_label(const std::string& text) {
  if (text.size() <= kMaxLabelChars) return text;
  std::size_t cut = kMaxLabelChars - 1;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "\u2026";
}

struct Row {
  std::string name;
  std::vector<core::ClockTime> times;
  std::vector<const core::KeepApart*> windows;
};

/// One row per medicine with times, in profile order, with the windows the timetable kept.
std::vector<Row> medicine_rows(const core::Assessment& a, const core::Profile& profile) {
  std::vector<Row> rows;
  for (const auto& medicine : profile.medicines) {
    if (medicine.times.empty()) continue;
    Row row{medicine.name, medicine.times, {}};
    for (const auto& window : a.schedule.keep_apart)
      if (window.name == medicine.name) row.windows.push_back(&window);
    rows.push_back(std::move(row));
  }
  // Windows whose medicine is not in the profile list (defensive): their own rows.
  for (const auto& window : a.schedule.keep_apart) {
    const bool placed = std::any_of(rows.begin(), rows.end(),
                                    [&](const Row& row) { return row.name == window.name; });
    if (placed) continue;
    rows.push_back(Row{window.name, {window.drug_time}, {&window}});
  }
  return rows;
}

std::string mg_text(double value) {
  return number_text(value, 0) + " mg";
}

/// A row's name at the left, cut to fit (the whole name as a tooltip).
std::string row_label(int row, const std::string& text) {
  const double y = kAxisY + kRowH * row + kRowH / 2 + 5;
  std::string out =
      format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\" fill=\"#111111\">", kLabelW, y);
  if (short_label(text) != text) out += format("<title>{}</title>", text);
  return out + format("{}</text>\n", short_label(text));
}

/// Hour grid and labels every 3 hours.
std::string hour_grid(double plot_bottom) {
  std::string svg;
  for (int hour = 0; hour <= 24; ++hour) {
    const double x = x_of(hour * 60);
    svg += format("<line x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" stroke=\"{}\"/>\n", x,
                  kAxisY - 6, x, plot_bottom, hour % 3 == 0 ? "#b0b0b0" : "#e4e4e4");
    if (hour % 3 == 0)
      svg += format(
          "<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" fill=\"#333333\">{:02d}:00</text>\n",
          x, kAxisY - 12, hour);
  }
  return svg;
}

/// Row 0: awake, with meals.
std::string awake_row(const core::Schedule& s, const core::Profile& profile) {
  std::string svg = row_label(0, "Awake");
  for (const auto& [from, to] : spans(s.wake, s.sleep))
    svg += format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#fff3c4\" "
        "stroke=\"#c9a227\"/>\n",
        x_of(from), kAxisY + 8, x_of(to) - x_of(from), kRowH - 16);
  for (const auto& meal : profile.day.meals)
    svg += format(
        "<path d=\"M{0:.1f},{1:.1f} l-6,-10 h12 z\" fill=\"#8a6d00\"><title>meal at "
        "{2}</title></path>\n",
        x_of(meal.minutes), kAxisY + kRowH - 8, meal.str());
  return svg;
}

/// A window kept free of magnesium around one medicine time, hatched, with its label.
std::string window_marks(double top, const core::KeepApart* window) {
  std::string svg;
  for (const auto& [from, to] : spans(window->from, window->to)) {
    const double x0 = x_of(from), x1 = x_of(to);
    svg += format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
        "fill=\"url(#tt-hatch)\" stroke=\"#b3261e\"><title>No magnesium {} to {} "
        "({} at {})</title></rect>\n",
        x0, top + 6, x1 - x0, kRowH - 12, window->from.str(), window->to.str(), window->name,
        window->drug_time.str());
  }
  // The label goes in the wider part of the window, clear of the dose mark and its time.
  const int before = core::minutes_forward(window->from, window->drug_time);
  const int after = core::minutes_forward(window->drug_time, window->to);
  const int side = std::max(before, after);
  const int centre = before >= after
                         ? (window->from.minutes + before / 2) % core::kMinutesPerDay
                         : (window->drug_time.minutes + after / 2) % core::kMinutesPerDay;
  if (x_of(side) - x_of(0) > 100 && x_of(centre) > kPlotX + 45 &&
      x_of(centre) < kPlotX + kPlotW - 45)
    svg += format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"12\" fill=\"#7a1a14\" "
        "font-weight=\"bold\" text-anchor=\"middle\">no magnesium</text>\n",
        x_of(centre), top + kRowH / 2 + 4);
  return svg;
}

/// A medicine row: its windows first, then the dose marks on top.
std::string medicine_row_marks(int row, const Row& medicine) {
  const double top = kAxisY + kRowH * row;
  std::string svg = row_label(row, medicine.name);
  for (const auto* window : medicine.windows) svg += window_marks(top, window);
  for (const auto& time : medicine.times) {
    const double x = x_of(time.minutes);
    svg += format(
        "<path d=\"M{0:.1f},{1:.1f} l8,10 l-8,10 l-8,-10 z\" fill=\"#1d3f8a\" "
        "stroke=\"#ffffff\"><title>{2} at {3}</title></path>\n",
        x, top + 4, medicine.name, time.str());
    svg += format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"12\" text-anchor=\"middle\" "
        "fill=\"#1d3f8a\">{}</text>\n",
        x, top + kRowH - 3, time.str());
  }
  return svg;
}

/// The last row: the magnesium doses (or why there are none).
std::string magnesium_row(const core::Assessment& a, int mg_row) {
  const auto& s = a.schedule;
  const double mg_top = kAxisY + kRowH * mg_row;
  std::string svg = row_label(mg_row, "Magnesium");
  if (s.doses.empty())
    svg += format("<text x=\"{}\" y=\"{:.1f}\" fill=\"#555555\">{}</text>\n", kPlotX + 6,
                  mg_top + kRowH / 2 + 5,
                  a.magnesium.plan ? "no time fits: see below" : "no magnesium plan");
  for (const auto& dose : s.doses) {
    const double x = x_of(dose.time.minutes);
    svg += format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"9\" fill=\"#1e7a46\" stroke=\"#ffffff\" "
        "stroke-width=\"2\"><title>Magnesium {} at {}</title></circle>\n",
        x, mg_top + 14, mg_text(dose.elemental_mg), dose.time.str());
    svg += format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"12\" text-anchor=\"middle\" "
        "fill=\"#1e7a46\" font-weight=\"bold\">{} {}</text>\n",
        x, mg_top + kRowH - 2, dose.time.str(), mg_text(dose.elemental_mg));
  }
  return svg;
}

std::string legend(double plot_bottom) {
  std::string svg;
  const double legend_y = plot_bottom + 28;
  svg += format(
      "<path d=\"M{0},{1} l7,9 l-7,9 l-7,-9 z\" fill=\"#1d3f8a\"/>"
      "<text x=\"{2}\" y=\"{3}\">medicine</text>\n",
      kPlotX + 8, legend_y - 13, kPlotX + 22, legend_y);
  svg += format(
      "<rect x=\"{}\" y=\"{}\" width=\"28\" height=\"16\" fill=\"url(#tt-hatch)\" "
      "stroke=\"#b3261e\"/>"
      "<text x=\"{}\" y=\"{}\">no magnesium</text>\n",
      kPlotX + 110, legend_y - 13, kPlotX + 144, legend_y);
  svg += format(
      "<circle cx=\"{}\" cy=\"{}\" r=\"8\" fill=\"#1e7a46\"/><text x=\"{}\" y=\"{}\">magnesium "
      "dose</text>\n",
      kPlotX + 290, legend_y - 5, kPlotX + 304, legend_y);
  svg += format(
      "<rect x=\"{}\" y=\"{}\" width=\"28\" height=\"16\" fill=\"#fff3c4\" stroke=\"#c9a227\"/>"
      "<text x=\"{}\" y=\"{}\">awake</text>\n",
      kPlotX + 450, legend_y - 13, kPlotX + 484, legend_y);
  return svg;
}

}  // namespace

std::string timetable_svg(const core::Assessment& a, const core::Profile& profile) {
  const auto rows = medicine_rows(a, profile);
  const auto& s = a.schedule;
  const int row_count = static_cast<int>(rows.size()) + 2;  // awake, medicines, magnesium
  const double height = kAxisY + kRowH * row_count + 44;
  std::string svg = format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timetable\" viewBox=\"0 0 {} {}\" "
      "font-family=\"sans-serif\" font-size=\"14\" role=\"img\" aria-labelledby=\"tt-title "
      "tt-desc\">\n"
      "<title id=\"tt-title\">Your day, 00:00 to 24:00</title>\n"
      "<desc id=\"tt-desc\">Awake from {} to {}. {} medicine row(s) with the hours kept free of "
      "magnesium hatched; magnesium doses as green circles on the last row. The table below "
      "lists the same times.</desc>\n",
      kWidth, height, s.wake.str(), s.sleep.str(), rows.size());
  svg +=
      "<defs><pattern id=\"tt-hatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#fde3e1\"/>"
      "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#b3261e\" stroke-width=\"3\"/>"
      "</pattern></defs>\n";
  svg += format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", kWidth,
                height);

  const double plot_bottom = kAxisY + kRowH * row_count;
  svg += hour_grid(plot_bottom);
  svg += awake_row(s, profile);
  for (std::size_t idx = 0; idx < rows.size(); ++idx)
    svg += medicine_row_marks(static_cast<int>(idx) + 1, rows[idx]);
  svg += magnesium_row(a, row_count - 1);
  svg += legend(plot_bottom);
  svg += "</svg>\n";
  return svg;
}

std::string timetable_table(const core::Assessment& a, const core::Profile& profile) {
  // (time, order within the time, what, details)
  std::vector<std::tuple<int, int, std::string, std::string>> items;
  const auto& s = a.schedule;
  items.emplace_back(s.wake.minutes, 0, "Wake", "");
  items.emplace_back(s.sleep.minutes, 3, "Sleep", "");
  for (const auto& meal : profile.day.meals) items.emplace_back(meal.minutes, 1, "Meal", "");
  for (const auto& medicine : profile.medicines)
    for (const auto& time : medicine.times) {
      std::string detail;
      for (const auto& window : s.keep_apart)
        if (window.name == medicine.name && window.drug_time == time)
          detail += (detail.empty() ? "" : "; ") + std::string("no magnesium from ") +
                    window.from.str() + " to " + window.to.str();
      items.emplace_back(time.minutes, 1, medicine.name, detail);
    }
  for (const auto& dose : s.doses)
    items.emplace_back(dose.time.minutes, 2, "Magnesium " + mg_text(dose.elemental_mg),
                       dose.with_food ? "with food" : "");
  std::stable_sort(items.begin(), items.end(), [](const auto& x, const auto& y) {
    return std::tie(std::get<0>(x), std::get<1>(x)) < std::tie(std::get<0>(y), std::get<1>(y));
  });
  std::string rows;
  for (const auto& [minutes, order, what, detail] : items)
    rows += format("<tr{}><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                   Raw{order == 2 ? " class=\"mg\"" : ""}, core::ClockTime{minutes}.str(), what,
                   detail);
  return format(
      "<table class=\"day\"><caption>Your day in time order</caption><thead><tr><th "
      "scope=\"col\">Time</th>"
      "<th scope=\"col\">What</th><th scope=\"col\">Keep in "
      "mind</th></tr></thead><tbody>\n{}</tbody></table>\n",
      Raw{rows});
}

std::string timetable_page(const core::Assessment& a, const core::Profile& profile) {
  std::string out = "<h1>Your timetable</h1>\n";
  if (a.verdict >= core::Severity::avoid)
    out += verdict_html(a);
  else if (a.magnesium.plan && !a.schedule.doses.empty())
    out += format(
        "<p class=\"lead\">Take magnesium at the green times; never inside a hatched "
        "window. {} elemental a day to start, magnesium {}.</p>\n",
        mg_text(a.magnesium.plan->start_elemental_mg), a.magnesium.plan->form);
  out += format("<figure class=\"timetable\">{}</figure>\n", Raw{timetable_svg(a, profile)});
  if (!a.schedule.unresolved.empty() || !a.schedule.untimed.empty()) {
    const std::string items = schedule_problem_items(
        a.schedule, "Add its times in your <a href=\"/profile\">profile</a>.");
    const bool withheld = a.schedule.doses.empty() && !a.schedule.unresolved.empty();
    out += format(
        "<div class=\"problems\" role=\"status\"><h2>{}</h2>{}<ul>{}</ul></div>\n",
        withheld ? "No dose times yet" : "Problems",
        Raw{withheld
                ? "<p>willis shows no magnesium dose times until it has checked every medicine, "
                  "supplement and condition you listed. What is missing:</p>"
                : ""},
        Raw{items});
  }
  out += timetable_table(a, profile);
  // No calendar file without dose times: a reminder with nothing safe in it would mislead.
  if (a.schedule.doses.empty()) return out;
  out +=
      "<p><a class=\"button\" href=\"/timetable.ics\" download=\"willis-timetable.ics\" "
      "id=\"ics-download\">Add to my calendar (.ics)</a></p>\n"
      "<p class=\"hint\">The file holds one daily repeating reminder for each magnesium dose "
      "and each medicine time, in your phone's local time.</p>\n";
  return out;
}

}  // namespace willis::render::html
