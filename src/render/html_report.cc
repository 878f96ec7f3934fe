#include "render/html_report.h"

#include "render/html.h"
#include "render/html_assessment.h"
#include "render/html_diary.h"
#include "render/html_timetable.h"

namespace willis::render::html {
namespace {

std::string answer(const std::optional<bool>& value) {
  if (!value) return "not answered";
  return *value ? "yes" : "no";
}

std::string join_times(const std::vector<core::ClockTime>& times) {
  std::string out;
  for (const auto& time : times) out += (out.empty() ? "" : ", ") + time.str();
  return out;
}

}  // namespace

std::string profile_summary_html(const core::Profile& p) {
  std::string rows;
  std::string person = number_text(p.age, 1) + " years";
  if (p.sex != core::Sex::unspecified) person += p.sex == core::Sex::female ? ", female" : ", male";
  if (p.pregnant) person += ", pregnant";
  if (p.breastfeeding) person += ", breastfeeding";
  person += std::string("; rules: ") + core::to_string(p.jurisdiction);
  rows += format("<dt>Person</dt><dd>{}</dd>", person);
  if (!p.conditions.empty()) {
    std::string list;
    for (const auto& c : p.conditions) list += (list.empty() ? "" : "; ") + c;
    rows += format("<dt>Conditions</dt><dd>{}</dd>", list);
  }
  std::string labs;
  const auto lab = [&](const char* name, const std::optional<double>& value, const char* unit) {
    if (value)
      labs += (labs.empty() ? "" : "; ") + std::string(name) + " " + number_text(*value, 2) + " " +
              unit;
  };
  lab("ferritin", p.labs.ferritin_ng_ml, "ng/mL");
  lab("TSAT", p.labs.tsat_percent, "%");
  lab("eGFR", p.labs.egfr, "mL/min/1.73 m\u00b2");
  lab("serum Mg", p.labs.serum_magnesium_mmol_l, "mmol/L");
  rows += format("<dt>Labs</dt><dd>{}</dd>", labs.empty() ? std::string("none given") : labs);
  const auto& s = p.symptoms;
  std::string rls = "urge to move " + answer(s.urge_to_move_legs) + "; worse at rest " +
                    answer(s.worse_at_rest) + "; relieved by movement " +
                    answer(s.relieved_by_movement) + "; worse evening/night " +
                    answer(s.worse_evening_or_night) + "; explained by another condition " +
                    answer(s.explained_by_other_condition);
  if (s.irls_total) rls += "; IRLS " + std::to_string(*s.irls_total) + "/40";
  rows += format("<dt>RLS answers</dt><dd>{}</dd>", rls);
  if (!s.red_flags.empty()) {
    std::string flags;
    for (const auto& flag : s.red_flags) flags += (flags.empty() ? "" : "; ") + flag;
    rows += format("<dt>Warning signs</dt><dd><strong>{}</strong></dd>", flags);
  }
  std::string medicines;
  for (const auto& m : p.medicines) {
    std::string item = m.name;
    if (m.amount) item += ", " + number_text(m.amount->value, 2) + " " + m.amount->unit;
    if (!m.times.empty())
      item += " at " + join_times(m.times);
    else if (m.per_day)
      item += ", " + std::to_string(*m.per_day) + " a day";
    medicines += format("<li>{}</li>", item);
  }
  rows += format(
      "<dt>Medicines</dt><dd>{}</dd>",
      Raw{medicines.empty() ? std::string("none listed") : format("<ul>{}</ul>", Raw{medicines})});
  std::string supplements;
  for (const auto& sup : p.supplements) {
    std::string item = sup.name;
    if (sup.amount_mg)
      item += ", " + number_text(*sup.amount_mg, 1) + " mg " +
              (sup.amount_basis == core::AmountBasis::compound ? "(whole salt)" : "(elemental)");
    item += ", " + std::to_string(sup.per_day) + " a day";
    if (!sup.times.empty()) item += " at " + join_times(sup.times);
    supplements += format("<li>{}</li>", item);
  }
  if (!supplements.empty())
    rows += format("<dt>Supplements</dt><dd><ul>{}</ul></dd>", Raw{supplements});
  std::string habits;
  if (p.diet_magnesium_mg_per_day)
    habits += "diet Mg about " + number_text(*p.diet_magnesium_mg_per_day, 0) + " mg/day";
  if (p.caffeine_drinks_per_day)
    habits += (habits.empty() ? "" : "; ") + std::string("caffeine ") +
              number_text(*p.caffeine_drinks_per_day, 1) + "/day";
  if (p.alcohol_units_per_week)
    habits += (habits.empty() ? "" : "; ") + std::string("alcohol ") +
              number_text(*p.alcohol_units_per_week, 1) + " units/week";
  if (p.smoker)
    habits += (habits.empty() ? "" : "; ") + std::string(*p.smoker ? "smoker" : "non-smoker");
  if (!habits.empty()) rows += format("<dt>Habits</dt><dd>{}</dd>", habits);
  return format("<dl class=\"profile-summary\">{}</dl>\n", Raw{rows});
}

std::string report_page(const ReportInput& in) {
  std::string out = format(
      "<div class=\"report-tools no-print\"><p>Paper: <a href=\"/report?paper=a4\"{}>A4</a> \u00b7 "
      "<a href=\"/report?paper=letter\"{}>Letter</a></p><button type=\"button\" class=\"primary\" "
      "id=\"print-report\" data-print>Print or save as PDF</button></div>\n",
      Raw{in.paper == "a4" ? " aria-current=\"true\"" : ""},
      Raw{in.paper == "letter" ? " aria-current=\"true\"" : ""});
  out += format(
      "<article class=\"report\"><header class=\"report-head\"><h1>Magnesium for restless legs and "
      "sleep: summary for a clinician</h1><p>Prepared with willis on {}, knowledge base {}. "
      "{}</p></header>\n",
      in.generated, in.assessment ? in.assessment->kb_version : std::string("-"),
      in.assessment
          ? in.assessment->disclaimer
          : std::string("It is information for discussion, not a diagnosis or a prescription."));
  if (!in.assessment || !in.profile || !in.kb) {
    out +=
        "<p>No profile saved yet. <a href=\"/profile\">Fill in the profile</a> "
        "first.</p></article>\n";
    return out;
  }
  const auto& a = *in.assessment;
  const Citations citations(a);
  std::string body;
  body += format(
      "<section aria-labelledby=\"r-profile\"><h2 id=\"r-profile\">Profile</h2>{}</section>\n",
      Raw{profile_summary_html(*in.profile)});
  std::string items;
  for (const auto& f : a.findings) {
    items += format(
        "<li class=\"sev-{}\"><strong><span class=\"tag\">{}</span> {}</strong> {}<br>{}{}</li>\n",
        core::to_string(f.severity), severity_label(f.severity), f.title,
        Raw{citations.marks(f.sources, "cit")}, f.detail,
        Raw{f.see.empty() ? std::string() : format(" <em>Who to see: {}.</em>", f.see)});
  }
  body += format(
      "<section aria-labelledby=\"r-findings\"><h2 id=\"r-findings\">Findings (verdict: {})</h2>"
      "<ol class=\"findings\">{}</ol></section>\n",
      severity_label(a.verdict), Raw{items});
  std::string plan;
  if (a.magnesium.plan) {
    const auto& p = *a.magnesium.plan;
    plan = format(
        "Magnesium {} {}: start {} mg elemental a day, never above {} mg a day (all supplements, "
        "antacids "
        "and laxatives), review after {} weeks. {}",
        p.form, Raw{citations.marks(p.form_sources, "cit")}, number_text(p.start_elemental_mg, 0),
        number_text(p.max_elemental_mg, 0), p.review_after_weeks, p.form_reason);
  } else {
    plan = escape("No magnesium plan (verdict " + std::string(core::to_string(a.verdict)) + ").");
  }
  body +=
      format("<section aria-labelledby=\"r-plan\"><h2 id=\"r-plan\">Plan</h2><p>{}</p></section>\n",
             Raw{plan});
  if (a.magnesium.plan)
    body += format(
        "<section aria-labelledby=\"r-timetable\" class=\"report-timetable\"><h2 "
        "id=\"r-timetable\">Timetable</h2>"
        "<figure class=\"timetable screen-only\">{}</figure>{}</section>\n",
        Raw{timetable_svg(a, *in.profile)}, Raw{timetable_table(a, *in.profile)});
  if (in.plan && in.result)
    body += format(
        "<section aria-labelledby=\"r-trial\"><h2 id=\"r-trial\">Personal trial</h2>{}</section>\n",
        Raw{trial_summary_html(*in.plan, *in.result)});
  else
    body +=
        "<section aria-labelledby=\"r-trial\"><h2 id=\"r-trial\">Personal trial</h2><p>No trial "
        "planned.</p></section>\n";
  out += format("<div class=\"report-body\">{}</div>\n", Raw{body});
  if (in.plan && in.result && !in.chart_svg.empty())
    out += format("<figure class=\"chart report-chart\">{}</figure>\n", Raw{in.chart_svg});
  out += format(
      "<section aria-labelledby=\"r-refs\" class=\"report-refs\"><h2 "
      "id=\"r-refs\">References</h2>{}</section>\n",
      Raw{references_html(citations, *in.kb, "cit")});
  out += "</article>\n";
  return out;
}

}  // namespace willis::render::html
