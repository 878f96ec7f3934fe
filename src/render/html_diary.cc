#include "render/html_diary.h"

#include <algorithm>
#include <map>

#include "render/trial_chart.h"

namespace willis::render::html {

const std::vector<SideEffectChoice> kSideEffectChoices = {
    {core::SideEffectKind::loose_stools, "se.loose_stools", "Loose stools"},
    {core::SideEffectKind::nausea, "se.nausea", "Nausea"},
    {core::SideEffectKind::cramping, "se.cramping", "Stomach cramps"},
    {core::SideEffectKind::other, "se.other", "Something else (describe it in the note)"},
};

namespace {

std::string radio_scale(const FormData& form, const std::vector<FieldError>& errors,
                        const std::string& name, const std::string& question,
                        const std::string& hint, int from, int to,
                        const std::map<int, std::string>& words) {
  const std::string id = field_id(name);
  const std::string current = form.get(name);
  const std::string error = error_for(errors, name);
  std::string radios;
  for (int value = from; value <= to; ++value) {
    const std::string text = std::to_string(value);
    const auto word = words.find(value);
    radios += format(
        "<span class=\"scale-item\"><input type=\"radio\" id=\"{0}-{1}\" name=\"{2}\" "
        "value=\"{1}\"{3}>"
        "<label for=\"{0}-{1}\">{1}{4}</label></span>",
        id, text, name, Raw{current == text ? " checked" : ""},
        Raw{word == words.end() ? std::string()
                                : format("<span class=\"word\"> {}</span>", word->second)});
  }
  return format(
      "<fieldset class=\"scale{}\" id=\"{}\"><legend>{}</legend>{}<div "
      "class=\"scale-items\">{}</div></fieldset>\n",
      Raw{error.empty() ? "" : " has-error"}, id, question, Raw{hint_and_error(id, hint, error)},
      Raw{radios});
}

std::string dash(const std::string& text) {
  return text.empty() ? "\u2013" : text;
}

std::string minutes_as_hours(const std::string& minutes_text) {
  if (minutes_text.empty()) return "\u2013";
  const int minutes = std::atoi(minutes_text.c_str());
  return format("{}:{:02d}", minutes / 60, minutes % 60);
}

std::string history_table(const std::vector<core::DiaryEntry>& entries) {
  if (entries.empty()) return "<p>No entries yet. Your first one appears here.</p>\n";
  std::string rows;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const auto& e = *it;
    const auto f = [&](std::string_view field) { return core::field_text(e, field); };
    rows += format(
        "<tr><th scope=\"row\"><a href=\"/diary?date={0}\" aria-label=\"Edit "
        "{0}\">{0}</a></th><td>{1}</td><td>{2}</td>"
        "<td>{3}</td><td>{4}</td><td>{5}</td><td>{6}</td><td>{7}</td><td>{8}</td><td "
        "class=\"note\">{9}</td></tr>\n",
        e.date.str(), dash(f("rls")), dash(f("sleep_quality")), dash(f("bed")), dash(f("wake")),
        minutes_as_hours(f("tst_min")), dash(f("se_percent")), dash(f("magnesium_mg")),
        dash(f("side_effects")), e.note);
  }
  return format(
      "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"h-history\">"
      "<table class=\"history\"><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">RLS "
      "0\u201310</th>"
      "<th scope=\"col\">Sleep 1\u20135</th><th scope=\"col\">Bed</th><th scope=\"col\">Wake</th>"
      "<th scope=\"col\">Asleep h:mm</th><th scope=\"col\">Efficiency %</th><th scope=\"col\">Mg "
      "mg</th>"
      "<th scope=\"col\">Side effects</th><th "
      "scope=\"col\">Note</th></tr></thead><tbody>\n{}</tbody></table></div>\n"
      "<p class=\"hint\">Efficiency = time asleep \u00f7 time in bed. {} entr{}. Export: "
      "<a href=\"/api/diary\">JSON</a>.</p>\n",
      Raw{rows}, entries.size(), entries.size() == 1 ? "y" : "ies");
}

}  // namespace

FormData diary_form_data(const core::DiaryEntry& entry) {
  FormData form;
  for (const auto field : core::kEntryFields) {
    if (field == "side_effects") continue;
    form.add(std::string(field), core::field_text(entry, field));
  }
  if (entry.side_effects) {
    if (entry.side_effects->empty()) form.add("se.none", "true");
    for (const auto& effect : *entry.side_effects)
      for (const auto& choice : kSideEffectChoices)
        if (choice.kind == effect.kind) form.set(choice.field, core::to_string(effect.severity));
  }
  return form;
}

namespace {

/// Grid lines and their values from 0 to `max` every `step`, across the chart.
template <typename YOf>
std::string grid_lines(int max, int step, double left, double right, YOf y_of) {
  std::string svg;
  for (int v = 0; v <= max; v += step)
    svg += format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#dddddd\"/><text "
        "x=\"{3}\" "
        "y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
        left, right, y_of(v), left - 6, y_of(v) + 4, v);
  return svg;
}

/// The 7-day mean as polylines, broken where there is no mean.
template <typename XOf, typename YOf>
std::string mean_lines(const std::vector<std::optional<double>>& means, int span, XOf x_of,
                       YOf y_of) {
  std::string points;
  std::string lines;
  for (int day = 0; day < span; ++day) {
    const auto& mean = means[static_cast<std::size_t>(day)];
    if (mean)
      points += format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", x_of(day), y_of(*mean));
    if ((!mean || day == span - 1) && !points.empty()) {
      lines += format(
          "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f4e9c\" stroke-width=\"2.5\"/>\n",
          points);
      points.clear();
    }
  }
  return lines;
}

std::string chart_legend(double left, double height) {
  std::string svg;
  svg += format(
      "<circle cx=\"{0}\" cy=\"{1}\" r=\"4\" fill=\"#c85a12\"/><text x=\"{2}\" y=\"{3}\">RLS each "
      "night</text>"
      "<line x1=\"{4}\" x2=\"{5}\" y1=\"{1}\" y2=\"{1}\" stroke=\"#1f4e9c\" stroke-width=\"2.5\"/>"
      "<text x=\"{6}\" y=\"{3}\">7-day mean</text>"
      "<rect x=\"{7}\" y=\"{8}\" width=\"7\" height=\"7\" fill=\"#2a7f62\"/><text x=\"{9}\" "
      "y=\"{3}\">sleep "
      "efficiency</text>\n",
      left + 4, height - 16, left + 12, height - 12, left + 150, left + 172, left + 178, left + 300,
      height - 19.5, left + 312);
  return svg;
}

/// "No side effects" and one no/mild/moderate/severe choice per kind.
std::string side_effect_fields(const FormData& form, const std::vector<FieldError>& errors) {
  std::string effects = format(
      "<div class=\"check\"><input type=\"checkbox\" id=\"f-se-none\" name=\"se.none\" "
      "value=\"true\"{}>"
      "<label for=\"f-se-none\">No side effects</label></div>\n",
      Raw{form.get("se.none") == "true" ? " checked" : ""});
  for (const auto& choice : kSideEffectChoices) {
    const std::string current = form.get(choice.field);
    std::string options;
    for (const auto& [value, label] :
         {std::pair{"", "no"}, std::pair{"mild", "mild"}, std::pair{"moderate", "moderate"},
          std::pair{"severe", "severe"}})
      options += format("<option value=\"{}\"{}>{}</option>", value,
                        Raw{current == value ? " selected" : ""}, label);
    effects += format(
        "<div class=\"field\"><label for=\"{0}\">{1}</label><select id=\"{0}\" "
        "name=\"{2}\">{3}</select></div>\n",
        field_id(choice.field), choice.label, choice.field, Raw{options});
  }
  return format(
      "<fieldset class=\"effects{}\" id=\"{}\"><legend>Side effects "
      "today</legend>{}{}</fieldset>\n",
      Raw{error_for(errors, "side_effects").empty() ? "" : " has-error"}, field_id("side_effects"),
      Raw{hint_and_error(field_id("side_effects"), "", error_for(errors, "side_effects"))},
      Raw{effects});
}

}  // namespace

std::string diary_chart_svg(const std::vector<core::DiaryEntry>& entries, int max_days) {
  if (entries.empty()) return {};
  const core::CalendarDate last = entries.back().date;
  const core::CalendarDate first_logged = entries.front().date;
  const int span = std::min(max_days, core::days_between(first_logged, last) + 1);
  const core::CalendarDate first = core::add_days(last, -(span - 1));
  constexpr double kW = 860, kLeft = 60, kRight = 20, kTopY = 50, kTopH = 200, kBotY = 300,
                   kBotH = 110, kH = 460;
  const double day_w = (kW - kLeft - kRight) / span;
  const auto x_of = [&](int day) { return kLeft + (day + 0.5) * day_w; };
  const auto y_rls = [&](double v) { return kTopY + kTopH * (1 - v / 10); };
  const auto y_se = [&](double v) { return kBotY + kBotH * (1 - v / 100); };
  std::vector<std::optional<double>> rls(static_cast<std::size_t>(span));
  std::string svg = format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" "
      "font-size=\"13\" role=\"img\" aria-labelledby=\"dc-title dc-desc\" class=\"chart\">\n"
      "<title id=\"dc-title\">Your diary, {2} to {3}</title>\n<desc id=\"dc-desc\">Each night's "
      "RLS "
      "severity from 0 (none) to 10 (worst) as orange dots with the 7-day mean as a blue line; "
      "sleep "
      "efficiency in percent as green dots below. The history table lists the same "
      "numbers.</desc>\n"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n",
      kW, kH, first.str(), last.str());
  svg += grid_lines(10, 2, kLeft, kW - kRight, y_rls);
  svg += grid_lines(100, 25, kLeft, kW - kRight, y_se);
  svg += format("<text x=\"{}\" y=\"{}\" font-weight=\"bold\">RLS severity (0\u201310)</text>\n",
                kLeft, kTopY - 14);
  svg += format("<text x=\"{}\" y=\"{}\" font-weight=\"bold\">Sleep efficiency (%)</text>\n", kLeft,
                kBotY - 14);
  svg += format(
      "<text x=\"{}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
      kLeft, kBotY + kBotH + 20, first.str(), kW - kRight, kBotY + kBotH + 20, last.str());
  std::string dots, se_dots;
  for (const auto& e : entries) {
    const int day = core::days_between(first, e.date);
    if (day < 0 || day >= span) continue;
    if (e.rls) {
      rls[static_cast<std::size_t>(day)] = *e.rls;
      dots +=
          format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\"><title>{}: RLS {}</title></circle>\n",
                 x_of(day), y_rls(*e.rls), e.date.str(), *e.rls);
    }
    if (const auto se = core::sleep_efficiency_percent(e))
      se_dots += format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"7\" height=\"7\"><title>{}: {} "
          "%</title></rect>\n",
          x_of(day) - 3.5, y_se(*se) - 3.5, e.date.str(), number_text(*se, 1));
  }
  const std::string lines = mean_lines(rolling_mean_7(rls), span, x_of, y_rls);
  svg += lines;
  svg += format("<g fill=\"#c85a12\">\n{}</g>\n<g fill=\"#2a7f62\">\n{}</g>\n", Raw{dots},
                Raw{se_dots});
  svg += chart_legend(kLeft, kH);
  svg += "</svg>\n";
  return svg;
}

std::string diary_page(const FormData& form, const std::vector<core::DiaryEntry>& entries,
                       const std::string& chart_svg, const DiaryView& view) {
  const auto& errors = view.errors;
  std::string out = "<h1>Your diary</h1>\n";
  if (!view.notice.empty())
    out += format("<p class=\"notice\" role=\"status\">{}</p>\n", view.notice);
  out += error_summary(errors).html;
  std::string quick;
  quick += input_field(form, errors,
                       {"date", "Date (the evening the night began)", "", "date",
                        "max=\"" + escape(view.today) + "\" required"});
  quick +=
      radio_scale(form, errors, "rls", "Restless legs this evening and night",
                  "0 = none, 10 = the worst you can imagine", 0, 10, {{0, "none"}, {10, "worst"}});
  quick += radio_scale(form, errors, "sleep_quality", "How well did you sleep?", "", 1, 5,
                       {{1, "very poor"}, {3, "fair"}, {5, "very good"}});
  std::string times;
  times += input_field(form, errors, {"bed", "Got into bed", "", "time", ""});
  times += input_field(form, errors, {"wake", "Woke for the day", "", "time", ""});
  times += input_field(form, errors,
                       {"magnesium_mg", "Magnesium taken, mg (0 if none)", "", "text",
                        "inputmode=\"decimal\" autocomplete=\"off\""});
  quick += format("<div class=\"inline-fields\">{}</div>\n", Raw{times});

  std::string more;
  more += input_field(form, errors, {"try_sleep", "Started trying to sleep", "", "time", ""});
  more += input_field(form, errors,
                      {"sol_min", "Minutes to fall asleep", "", "text",
                       "inputmode=\"numeric\" autocomplete=\"off\""});
  more += input_field(form, errors,
                      {"awakenings", "Times you woke in the night", "", "text",
                       "inputmode=\"numeric\" autocomplete=\"off\""});
  more += input_field(form, errors,
                      {"waso_min", "Minutes awake in the night", "", "text",
                       "inputmode=\"numeric\" autocomplete=\"off\""});
  more += input_field(form, errors, {"out_of_bed", "Got out of bed", "", "time", ""});
  more += input_field(form, errors, {"magnesium_time", "Time you took magnesium", "", "time", ""});
  more += side_effect_fields(form, errors);
  more += input_field(form, errors,
                      {"irls_total", "Weekly IRLS total, 0\u201340 (numbers only)", "", "text",
                       "inputmode=\"numeric\" autocomplete=\"off\""});
  const std::string note_error = error_for(errors, "note");
  more += format(
      "<div class=\"field\"><label for=\"f-note\">Note</label>{}<textarea id=\"f-note\" "
      "name=\"note\" rows=\"2\"{}>{}</textarea></div>\n",
      Raw{hint_and_error("f-note", "", note_error)},
      Raw{described_by("f-note", false, !note_error.empty())}, form.get("note"));
  bool open_more = false;
  for (const char* field : {"try_sleep", "sol_min", "awakenings", "waso_min", "out_of_bed",
                            "magnesium_time", "irls_total", "note", "side_effects"})
    if (!form.get(field).empty() || !error_for(errors, field).empty()) open_more = true;

  out += format(
      "<section aria-labelledby=\"h-entry\"><h2 id=\"h-entry\">Tonight's entry</h2>\n"
      "<form method=\"post\" action=\"/diary\" class=\"diary\" novalidate>{}{}"
      "<details class=\"more\"{}><summary>More: sleep details, side effects, "
      "note</summary>{}</details>\n"
      "<div class=\"actions\"><button type=\"submit\" class=\"primary\" id=\"save-entry\">Save "
      "entry</button></div>"
      "</form></section>\n",
      Raw{csrf_field(view.csrf).html}, Raw{quick}, Raw{open_more ? " open" : ""}, Raw{more});
  if (!chart_svg.empty())
    out += format(
        "<section aria-labelledby=\"h-chart\"><h2 id=\"h-chart\">Chart</h2><figure "
        "class=\"chart\">{}</figure></section>\n",
        Raw{chart_svg});
  out += format(
      "<section aria-labelledby=\"h-history\"><h2 id=\"h-history\">History</h2>\n{}</section>\n",
      Raw{history_table(entries)});
  return out;
}

}  // namespace willis::render::html
