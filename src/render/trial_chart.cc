#include "render/trial_chart.h"
#include "render/html.h"

#include <fmt/format.h>

#include <map>

namespace willis::render {
namespace {

constexpr double kWidth = 860;
constexpr double kLeft = 60;  // room for the y axis labels
constexpr double kRight = 20;
constexpr double kTopPanelY = 60;
constexpr double kTopPanelH = 220;
constexpr double kBottomPanelY = 330;
constexpr double kBottomPanelH = 120;
constexpr double kHeight = 500;
constexpr int kMinDaysForRollingMean = 4;

const char* phase_fill(core::PhaseKind kind) {
  return core::takes_magnesium(kind) ? "#dcefdc" : "#ececec";
}

const char* phase_label(core::PhaseKind kind) {
  switch (kind) {
    case core::PhaseKind::baseline:
      return "baseline (no magnesium)";
    case core::PhaseKind::treatment:
      return "magnesium";
    case core::PhaseKind::withdrawal:
      return "withdrawal (no magnesium)";
    case core::PhaseKind::retreatment:
      return "magnesium again";
  }
  return "";
}

std::string polyline_segments(const std::vector<std::optional<double>>& values, const auto& x_of,
                              const auto& y_of) {
  std::string out;
  std::string points;
  const auto flush = [&] {
    if (!points.empty())
      out += fmt::format(
          "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f4e9c\" "
          "stroke-width=\"2\"/>\n",
          points);
    points.clear();
  };
  for (std::size_t day = 0; day < values.size(); ++day) {
    if (!values[day]) {
      flush();
      continue;
    }
    points +=
        fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", x_of(day), y_of(*values[day]));
  }
  flush();
  return out;
}

/// Days across: x of a day's centre, x of a date's left edge.
struct Frame {
  core::CalendarDate first;
  double day_w;
  double x_of(std::size_t day) const { return kLeft + (static_cast<double>(day) + 0.5) * day_w; }
  double x_edge(core::CalendarDate date) const {
    return kLeft + core::days_between(first, date) * day_w;
  }
};

/// A panel from `y` down `h` pixels, 0 at the bottom and `max` at the top.
struct Panel {
  double y, h, max;
  double y_of(double value) const { return y + h * (1 - value / max); }
};

std::string chart_header(const std::string& title, core::CalendarDate first,
                         core::CalendarDate last) {
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\" "
      "aria-labelledby=\"chart-title chart-desc\">\n",
      kWidth, kHeight);
  svg += fmt::format("<title id=\"chart-title\">{}</title>\n", html::escape(title));
  svg += fmt::format(
      "<desc id=\"chart-desc\">{}</desc>\n",
      html::escape("Daily RLS severity from 0 (none) to 10 (worst) with its 7-day rolling mean, "
                   "trial phases shaded and the analysed windows marked; nightly sleep efficiency "
                   "(time asleep as a percentage of time in bed) below. " +
                   std::string("From ") + first.str() + " to " + last.str() + "."));
  svg += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n",
                     kWidth, kHeight);
  svg += fmt::format("<text x=\"{}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{}</text>\n",
                     kLeft, html::escape(title));
  return svg;
}

/// Phases, shaded in both panels, and labelled above the top panel.
std::string phase_shading(const std::vector<core::Phase>& phases, const Frame& frame) {
  std::string svg;
  for (const auto& phase : phases) {
    const double x0 = frame.x_edge(phase.start), x1 = frame.x_edge(phase.end);
    for (const auto& [y, h] :
         {std::pair{kTopPanelY, kTopPanelH}, std::pair{kBottomPanelY, kBottomPanelH}})
      svg += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
          "fill=\"{}\"/>\n",
          x0, y, x1 - x0, h, phase_fill(phase.kind));
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#333333\">{}</text>\n", x0 + 4,
                       kTopPanelY - 8, html::escape(phase_label(phase.kind)));
  }
  return svg;
}

/// Analysed windows: a bar under the top panel.
std::string analysed_windows(const core::TrialResult& result, const Frame& frame) {
  std::string svg;
  for (const auto& analysis : result.phases) {
    if (!analysis.analysed || analysis.days_expected == 0) continue;
    svg += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"5\" "
        "fill=\"#7a7a7a\"><title>{}</title></rect>\n",
        frame.x_edge(analysis.window_start), kTopPanelY + kTopPanelH + 3,
        frame.x_edge(analysis.window_end) - frame.x_edge(analysis.window_start),
        html::escape(std::string("analysed: ") + core::to_string(analysis.phase.kind) + " " +
                     analysis.window_start.str() + " to " +
                     core::add_days(analysis.window_end, -1).str()));
  }
  svg +=
      fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#555555\">{}</text>\n", kLeft,
                  kTopPanelY + kTopPanelH + 22,
                  html::escape("grey bars: days compared (baseline vs last 4 weeks on magnesium)"));
  return svg;
}

/// A panel's y axis: grid lines and values every `step`, and its name written upwards.
std::string axis(const Panel& panel, int step, const char* name) {
  std::string svg;
  for (int value = 0; value <= panel.max; value += step) {
    const double y = panel.y_of(value);
    svg +=
        fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#cccccc\"/>\n",
                    kLeft, y, kWidth - kRight, y);
    svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", kLeft - 6,
                       y + 4, value);
  }
  svg += fmt::format(
      "<text x=\"14\" y=\"{:.1f}\" transform=\"rotate(-90 14 {:.1f})\" "
      "text-anchor=\"middle\">{}</text>\n",
      panel.y + panel.h / 2, panel.y + panel.h / 2, html::escape(name));
  return svg;
}

/// One dot per day with a value.
std::string dots(const std::vector<std::optional<double>>& values, const Frame& frame,
                 const Panel& panel, const char* fill, const char* radius) {
  std::string svg = fmt::format("<g fill=\"{}\">\n", fill);
  for (std::size_t day = 0; day < values.size(); ++day)
    if (values[day])
      svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\"/>\n", frame.x_of(day),
                         panel.y_of(*values[day]), radius);
  return svg + "</g>\n";
}

std::string legend() {
  std::string svg;
  const double legend_y = kHeight - 12;
  svg += fmt::format("<circle cx=\"{}\" cy=\"{:.1f}\" r=\"3\" fill=\"#e07b39\"/>\n", kLeft + 4,
                     legend_y - 4);
  svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\">{}</text>\n", kLeft + 12, legend_y,
                     html::escape("RLS severity, each night"));
  svg += fmt::format(
      "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#1f4e9c\" "
      "stroke-width=\"2\"/>\n",
      kLeft + 190, legend_y - 4, kLeft + 210, legend_y - 4);
  svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\">{}</text>\n", kLeft + 216, legend_y,
                     html::escape("7-day rolling mean (shown when 4+ of 7 days logged)"));
  svg += fmt::format("<circle cx=\"{}\" cy=\"{:.1f}\" r=\"3\" fill=\"#2a7f62\"/>\n", kLeft + 560,
                     legend_y - 4);
  svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\">{}</text>\n", kLeft + 568, legend_y,
                     html::escape("sleep efficiency, each night"));
  return svg;
}

}  // namespace

std::vector<std::optional<double>> rolling_mean_7(const std::vector<std::optional<double>>& daily) {
  std::vector<std::optional<double>> means(daily.size());
  for (std::size_t day = 0; day < daily.size(); ++day) {
    double sum = 0;
    int count = 0;
    for (std::size_t back = 0; back < 7 && back <= day; ++back)
      if (daily[day - back]) {
        sum += *daily[day - back];
        ++count;
      }
    if (count >= kMinDaysForRollingMean) means[day] = sum / count;
  }
  return means;
}

std::string trial_chart_svg(const core::TrialPlan& plan,
                            const std::vector<core::DiaryEntry>& entries,
                            const core::TrialResult& result) {
  const auto phases = core::trial_phases(plan);
  const core::CalendarDate first = phases.front().start;
  const int days = core::days_between(first, phases.back().end);
  std::vector<std::optional<double>> rls(static_cast<std::size_t>(days));
  std::vector<std::optional<double>> efficiency(static_cast<std::size_t>(days));
  for (const auto& entry : entries) {
    const int day = core::days_between(first, entry.date);
    if (day < 0 || day >= days) continue;
    if (entry.rls) rls[static_cast<std::size_t>(day)] = *entry.rls;
    efficiency[static_cast<std::size_t>(day)] = core::sleep_efficiency_percent(entry);
  }
  const Frame frame{first, (kWidth - kLeft - kRight) / days};
  const Panel top{kTopPanelY, kTopPanelH, 10}, bottom{kBottomPanelY, kBottomPanelH, 100};
  const std::string title = fmt::format("Personal magnesium trial ({}): {}",
                                        plan.design == core::TrialDesign::ab ? "AB" : "ABAB",
                                        core::to_string(result.verdict));
  std::string svg = chart_header(title, first, core::add_days(phases.back().end, -1));
  svg += phase_shading(phases, frame);
  svg += analysed_windows(result, frame);
  svg += axis(top, 2, "RLS severity (0-10)");
  svg += axis(bottom, 25, "sleep efficiency (%)");
  // Date ticks: each phase start and the last day.
  for (const auto& phase : phases)
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#333333\">{}</text>\n",
                       frame.x_edge(phase.start), kBottomPanelY + kBottomPanelH + 18,
                       html::escape(phase.start.str()));
  // Data: daily dots, then the rolling mean on top.
  svg += dots(rls, frame, top, "#e07b39", "2.5");
  svg += polyline_segments(
      rolling_mean_7(rls), [&](std::size_t day) { return frame.x_of(day); },
      [&](double value) { return top.y_of(value); });
  svg += dots(efficiency, frame, bottom, "#2a7f62", "2");
  svg += legend();
  svg += "</svg>\n";
  return svg;
}

}  // namespace willis::render
