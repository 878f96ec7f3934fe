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
  for (int v = 0; v <= 10; v += 2)
    svg += format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#dddddd\"/><text "
        "x=\"{3}\" "
        "y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
        kLeft, kW - kRight, y_rls(v), kLeft - 6, y_rls(v) + 4, v);
  for (int v = 0; v <= 100; v += 25)
    svg += format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#dddddd\"/><text "
        "x=\"{3}\" "
        "y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
        kLeft, kW - kRight, y_se(v), kLeft - 6, y_se(v) + 4, v);
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
  std::string points;
  std::string lines;
  const auto means = rolling_mean_7(rls);
  for (int day = 0; day < span; ++day) {
    const auto& mean = means[static_cast<std::size_t>(day)];
    if (mean)
      points += format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", x_of(day), y_rls(*mean));
    if ((!mean || day == span - 1) && !points.empty()) {
      lines += format(
          "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f4e9c\" stroke-width=\"2.5\"/>\n",
          points);
      points.clear();
    }
  }
  svg += lines;
  svg += format("<g fill=\"#c85a12\">\n{}</g>\n<g fill=\"#2a7f62\">\n{}</g>\n", Raw{dots},
                Raw{se_dots});
  svg += format(
      "<circle cx=\"{0}\" cy=\"{1}\" r=\"4\" fill=\"#c85a12\"/><text x=\"{2}\" y=\"{3}\">RLS each "
      "night</text>"
      "<line x1=\"{4}\" x2=\"{5}\" y1=\"{1}\" y2=\"{1}\" stroke=\"#1f4e9c\" stroke-width=\"2.5\"/>"
      "<text x=\"{6}\" y=\"{3}\">7-day mean</text>"
      "<rect x=\"{7}\" y=\"{8}\" width=\"7\" height=\"7\" fill=\"#2a7f62\"/><text x=\"{9}\" "
      "y=\"{3}\">sleep "
      "efficiency</text>\n",
      kLeft + 4, kH - 16, kLeft + 12, kH - 12, kLeft + 150, kLeft + 172, kLeft + 178, kLeft + 300,
      kH - 19.5, kLeft + 312);
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
  more += format(
      "<fieldset class=\"effects{}\" id=\"{}\"><legend>Side effects "
      "today</legend>{}{}</fieldset>\n",
      Raw{error_for(errors, "side_effects").empty() ? "" : " has-error"}, field_id("side_effects"),
      Raw{hint_and_error(field_id("side_effects"), "", error_for(errors, "side_effects"))},
      Raw{effects});
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

namespace {

std::string outcome_title(const std::string& outcome) {
  if (outcome == "rls_severity") return "RLS severity (0\u201310)";
  if (outcome == "sleep_efficiency") return "Sleep efficiency";
  if (outcome == "sleep_onset_latency") return "Minutes to fall asleep";
  if (outcome == "sleep_quality") return "Sleep quality (1\u20135)";
  if (outcome == "irls_total") return "IRLS total (weekly)";
  return outcome;
}

std::string verdict_words(core::Verdict verdict) {
  switch (verdict) {
    case core::Verdict::improved:
      return "Improved";
    case core::Verdict::no_clear_change:
      return "No clear change";
    case core::Verdict::worse:
      return "Worse";
    case core::Verdict::insufficient_data:
      return "Not enough data yet";
  }
  return "";
}

std::string opt(const std::optional<double>& value, int decimals) {
  return value ? number_text(*value, decimals) : std::string("\u2013");
}

std::string outcome_row(const core::OutcomeResult& o) {
  const int decimals = o.outcome == "sleep_onset_latency" ? 0 : 1;
  std::string interval = "\u2013";
  if (o.ci95)
    interval = number_text(o.ci95->at(0), decimals) + " to " + number_text(o.ci95->at(1), decimals);
  std::string change = "\u2013";
  if (o.difference) change = (*o.difference > 0 ? "+" : "") + number_text(*o.difference, decimals);
  std::string reasons;
  for (const auto& reason : o.reasons) reasons += (reasons.empty() ? "" : "; ") + reason;
  const auto with_unit = [&](const std::optional<double>& value) {
    return opt(value, decimals) + (value && o.unit == "%" ? " %" : "");
  };
  return format(
      "<tr><th "
      "scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>\n",
      outcome_title(o.outcome), with_unit(o.baseline_mean), with_unit(o.treatment_mean), change,
      interval, verdict_words(o.assessment),
      Raw{reasons.empty() ? std::string() : format("<br><small>{}</small>", reasons)});
}

std::string effects_summary_text(const core::SideEffectSummary& s) {
  if (s.days_recorded == 0) return "not recorded";
  if (s.days_with_any == 0) return "none on " + std::to_string(s.days_recorded) + " recorded days";
  std::string kinds;
  for (const auto& kind : s.kinds)
    kinds += (kinds.empty() ? "" : ", ") + std::string(core::to_string(kind.kind)) + " " +
             std::to_string(kind.days) + " day" + (kind.days == 1 ? "" : "s") + " (worst " +
             core::to_string(kind.worst) + ")";
  return std::to_string(s.days_with_any) + " of " + std::to_string(s.days_recorded) +
         " recorded days: " + kinds;
}

std::string design_words(core::TrialDesign design) {
  return design == core::TrialDesign::ab ? "AB: a baseline without magnesium, then magnesium"
                                         : "ABAB: baseline, magnesium, a break, magnesium again";
}

std::string phase_words(core::PhaseKind kind) {
  switch (kind) {
    case core::PhaseKind::baseline:
      return "Baseline (no magnesium)";
    case core::PhaseKind::treatment:
      return "Magnesium";
    case core::PhaseKind::withdrawal:
      return "Break (no magnesium)";
    case core::PhaseKind::retreatment:
      return "Magnesium again";
  }
  return "";
}

std::string plan_form(const FormData& form, const TrialView& view, bool replacing) {
  const auto& errors = view.errors;
  std::string fields;
  const std::string design = form.get("design");
  fields += format(
      "<fieldset class=\"question\" id=\"f-design\"><legend>Design</legend>"
      "<span class=\"radio\"><input type=\"radio\" id=\"f-design-ab\" name=\"design\" "
      "value=\"ab\"{}><label "
      "for=\"f-design-ab\">AB: baseline, then magnesium (simplest)</label></span>"
      "<span class=\"radio\"><input type=\"radio\" id=\"f-design-abab\" name=\"design\" "
      "value=\"abab\"{}><label "
      "for=\"f-design-abab\">ABAB: baseline, magnesium, a break, magnesium again (stronger "
      "evidence)</label></span>"
      "</fieldset>\n",
      Raw{design != "abab" ? " checked" : ""}, Raw{design == "abab" ? " checked" : ""});
  {
    // Issue 15: what the trial is judged on (thresholds from kb/rules.yaml, shown in the result).
    const std::string primary = form.get("primary").empty() ? "rls_severity" : form.get("primary");
    const std::pair<const char*, const char*> outcomes[] = {
        {"rls_severity", "Restless legs severity (0-10)"},
        {"sleep_onset", "How long it takes to fall asleep (minutes)"},
        {"sleep_efficiency", "Sleep efficiency (time asleep / time in bed)"},
        {"sleep_quality", "Sleep quality (1-5)"}};
    std::string radios;
    for (const auto& [value, label] : outcomes)
      radios += format(
          "<span class=\"radio\"><input type=\"radio\" id=\"f-primary-{0}\" name=\"primary\" "
          "value=\"{0}\"{1}><label for=\"f-primary-{0}\">{2}</label></span>",
          value, Raw{primary == value ? " checked" : ""}, label);
    fields += format(
        "<fieldset class=\"question\" id=\"f-primary\"><legend>What should the trial be judged "
        "on?</legend>{}</fieldset>\n",
        Raw{radios});
  }
  fields += input_field(
      form, errors,
      {"baseline_start", "Baseline starts", "At least 7 days without magnesium", "date", ""});
  fields += input_field(form, errors, {"treatment_start", "Magnesium starts", "", "date", ""});
  fields += input_field(form, errors,
                        {"treatment_weeks", "Weeks on magnesium (each phase)",
                         "6 to 8 weeks matches the studies", "text", "inputmode=\"numeric\""});
  fields += input_field(
      form, errors,
      {"withdrawal_weeks", "Weeks of break (ABAB only)", "", "text", "inputmode=\"numeric\""});
  if (replacing)
    fields +=
        "<div class=\"check\"><input type=\"checkbox\" id=\"f-replace\" name=\"replace\" "
        "value=\"true\">"
        "<label for=\"f-replace\">Replace the current plan (the old one stays in the diary "
        "file)</label></div>\n";
  return format(
      "<form method=\"post\" action=\"/trial\" class=\"trial\" novalidate>{}{}<div "
      "class=\"actions\">"
      "<button type=\"submit\" class=\"primary\" id=\"start-trial\">{}</button></div></form>\n",
      Raw{csrf_field(view.csrf).html}, Raw{fields},
      replacing ? "Replace the plan" : "Plan my trial");
}

}  // namespace

std::string trial_result_html(const core::TrialPlan& plan, const core::TrialResult& r) {
  std::string out =
      format("<p class=\"trial-verdict verdict-{}\"><strong>Result: {}</strong> ({}; {}).</p>\n",
             core::to_string(r.verdict), verdict_words(r.verdict), design_words(plan.design),
             r.complete ? "the trial is complete" : "the trial is still running: an interim look");
  std::string rows = outcome_row(r.primary);
  for (const auto& outcome : r.secondary) rows += outcome_row(outcome);
  std::string needs;
  if (plan.primary == core::TrialOutcome::rls_severity)
    needs = "RLS at least " + number_text(r.threshold, 1) + " points lower";
  else if (plan.primary == core::TrialOutcome::sleep_onset)
    needs = "falling asleep at least " + number_text(r.threshold, 1) + " minutes sooner";
  else if (plan.primary == core::TrialOutcome::sleep_efficiency)
    needs = "sleep efficiency at least " + number_text(r.threshold, 1) + " points higher";
  else
    needs = "better sleep quality";
  out += format(
      "<div class=\"table-wrap\"><table class=\"outcomes\"><caption>Baseline compared with the "
      "last 4 weeks on "
      "magnesium. \u201cImproved\u201d needs {}, with a 95 % interval that excludes "
      "0.</caption><thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\">Baseline</th><th "
      "scope=\"col\">On "
      "magnesium</th><th scope=\"col\">Change</th><th scope=\"col\">95 % interval</th><th "
      "scope=\"col\">Reading</th>"
      "</tr></thead><tbody>\n{}</tbody></table></div>\n",
      needs, Raw{rows});
  out += format("<p><strong>Side effects</strong> — baseline: {}; on magnesium: {}.</p>\n",
                effects_summary_text(r.baseline_side_effects),
                effects_summary_text(r.treatment_side_effects));
  if (!r.notes.empty()) {
    std::string notes;
    for (const auto& note : r.notes) notes += format("<li>{}</li>", note);
    out += format("<ul class=\"notes\">{}</ul>\n", Raw{notes});
  }
  return out;
}

std::string trial_summary_html(const core::TrialPlan& plan, const core::TrialResult& r) {
  std::vector<const core::OutcomeResult*> outcomes{&r.primary};
  for (const auto& outcome : r.secondary) outcomes.push_back(&outcome);
  std::string rows;
  for (const auto* o : outcomes) {
    const int decimals = o->outcome == "sleep_onset_latency" ? 0 : 1;
    std::string interval = "\u2013";
    if (o->ci95)
      interval =
          number_text(o->ci95->at(0), decimals) + " to " + number_text(o->ci95->at(1), decimals);
    std::string change = "\u2013";
    if (o->difference)
      change = (*o->difference > 0 ? "+" : "") + number_text(*o->difference, decimals);
    rows += format(
        "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        outcome_title(o->outcome), opt(o->baseline_mean, decimals),
        opt(o->treatment_mean, decimals), change, interval, verdict_words(o->assessment));
  }
  return format(
      "<p><strong>{}</strong> \u2014 {}; {}; days analysed: baseline {}, on magnesium {}.</p>"
      "<table class=\"outcomes compact\"><thead><tr><th scope=\"col\">Outcome</th><th "
      "scope=\"col\">Baseline</th>"
      "<th scope=\"col\">On Mg</th><th scope=\"col\">Change</th><th scope=\"col\">95 % "
      "interval</th>"
      "<th scope=\"col\">Reading</th></tr></thead><tbody>{}</tbody></table>"
      "<p>Side effects \u2014 baseline: {}; on magnesium: {}.</p>\n",
      verdict_words(r.verdict), design_words(plan.design),
      r.complete ? "complete" : "still running (interim)", r.primary.baseline_days,
      r.primary.treatment_days, Raw{rows}, effects_summary_text(r.baseline_side_effects),
      effects_summary_text(r.treatment_side_effects));
}

std::string trial_page(const std::optional<core::TrialPlan>& plan,
                       const std::optional<core::TrialStatus>& status,
                       const std::optional<core::TrialResult>& result, const std::string& chart_svg,
                       const FormData& form, const TrialView& view) {
  std::string out = "<h1>Your personal trial</h1>\n";
  if (!view.notice.empty())
    out += format("<p class=\"notice\" role=\"status\">{}</p>\n", view.notice);
  out += error_summary(view.errors).html;
  if (!plan) {
    out +=
        "<p class=\"lead\">A personal trial compares your diary without magnesium (the baseline) "
        "with your diary on magnesium. Log every evening; after the trial willis shows what "
        "changed and how sure that is.</p>\n";
    out += format(
        "<section aria-labelledby=\"h-plan\"><h2 id=\"h-plan\">Plan a trial</h2>{}</section>\n",
        Raw{plan_form(form, view, false)});
    return out;
  }
  std::string phases;
  for (const auto& phase : core::trial_phases(*plan))
    phases += format("<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     phase_words(phase.kind), phase.start.str(),
                     core::add_days(phase.end, -1).str(), phase.days());
  out += format(
      "<section aria-labelledby=\"h-plan\"><h2 id=\"h-plan\">The plan</h2><p>{}</p><table "
      "class=\"phases\"><thead><tr>"
      "<th scope=\"col\">Phase</th><th scope=\"col\">From</th><th scope=\"col\">To</th><th "
      "scope=\"col\">Days</th></tr>"
      "</thead><tbody>{}</tbody></table></section>\n",
      design_words(plan->design), Raw{phases});
  if (status) {
    std::string todo, warnings, progress;
    for (const auto& item : status->todo) todo += format("<li>{}</li>", item);
    for (const auto& item : status->warnings) warnings += format("<li>{}</li>", item);
    for (const auto& p : status->phases) {
      std::string missing;
      const std::size_t shown = std::min<std::size_t>(p.missing.size(), 7);
      for (std::size_t idx = p.missing.size() - shown; idx < p.missing.size(); ++idx)
        missing += (missing.empty() ? "" : ", ") + p.missing[idx].str();
      if (p.missing.size() > shown)
        missing += " and " + std::to_string(p.missing.size() - shown) + " earlier";
      progress += format("<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                         phase_words(p.phase.kind), p.days_elapsed, p.days_logged,
                         missing.empty() ? "none" : missing);
    }
    std::string now = status->phase;
    if (status->day_in_phase > 0)
      now += ", day " + std::to_string(status->day_in_phase) + " of " +
             std::to_string(status->phase_days);
    out += format(
        "<section aria-labelledby=\"h-progress\"><h2 id=\"h-progress\">Progress</h2>"
        "<p><strong>Now:</strong> {}. Days logged: {}; missing: {}.</p>"
        "{}{}<table class=\"progress\"><thead><tr><th scope=\"col\">Phase</th><th "
        "scope=\"col\">Days so far</th>"
        "<th scope=\"col\">Logged</th><th scope=\"col\">Missing "
        "days</th></tr></thead><tbody>{}</tbody></table></section>\n",
        now, status->days_logged, status->days_missing,
        Raw{todo.empty() ? std::string()
                         : format("<h3>What to do today</h3><ul>{}</ul>", Raw{todo})},
        Raw{warnings.empty()
                ? std::string()
                : format(
                      "<div class=\"warnings\" role=\"status\"><h3>Warnings</h3><ul>{}</ul></div>",
                      Raw{warnings})},
        Raw{progress});
  }
  if (result)
    out += format(
        "<section aria-labelledby=\"h-result\"><h2 id=\"h-result\">Result</h2>{}</section>\n",
        Raw{trial_result_html(*plan, *result)});
  if (!chart_svg.empty())
    out += format(
        "<section aria-labelledby=\"h-chart\"><h2 id=\"h-chart\">Chart</h2><figure "
        "class=\"chart\">{}</figure></section>\n",
        Raw{chart_svg});
  out += format("<details class=\"replan\"{}><summary>Change the plan</summary>{}</details>\n",
                Raw{view.errors.empty() ? "" : " open"}, Raw{plan_form(form, view, true)});
  return out;
}

}  // namespace willis::render::html
