#include "render/html_assessment.h"

#include "core/assess.h"

namespace willis::render::html {
namespace {

constexpr core::Severity kSeverities[] = {core::Severity::urgent, core::Severity::avoid,
                                          core::Severity::caution, core::Severity::info};

/// A shape as well as a colour, so severity never rests on colour alone.
const char* severity_icon(core::Severity severity) {
  switch (severity) {
    case core::Severity::urgent:
      return "\u203C";  // ‼
    case core::Severity::avoid:
      return "\u26D4";  // ⛔
    case core::Severity::caution:
      return "\u26A0";  // ⚠
    case core::Severity::info:
      return "\u2139";  // ℹ
  }
  return "";
}

const char* severity_heading(core::Severity severity) {
  switch (severity) {
    case core::Severity::urgent:
      return "Urgent: get medical help";
    case core::Severity::avoid:
      return "Avoid: do not take magnesium without a clinician";
    case core::Severity::caution:
      return "Caution";
    case core::Severity::info:
      return "For information";
  }
  return "";
}

std::string hours_text(double hours) {
  return number_text(hours, 1) + " h";
}

std::string mg(double value) {
  return number_text(value, 0) + " mg";
}

std::string window_table(const core::Finding& finding, const Citations& citations) {
  if (finding.windows.empty()) return {};
  std::string rows;
  for (const auto& window : finding.windows)
    rows +=
        format("<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
               Raw{citations.marks({window.source})}, hours_text(window.magnesium_before_drug_h),
               hours_text(window.magnesium_after_drug_h));
  const std::string caption =
      finding.windows.size() > 1
          ? "Hours without magnesium around each dose. Each source is shown; the "
            "timetable keeps the longest gap."
          : "Hours without magnesium around each dose.";
  return format(
      "<table class=\"windows\"><caption>{}</caption><thead><tr><th scope=\"col\">Source</th>"
      "<th scope=\"col\">Before a dose</th><th scope=\"col\">After a "
      "dose</th></tr></thead><tbody>{}</tbody></table>",
      caption, Raw{rows});
}

std::string card(const core::Finding& finding, std::size_t index, const Citations& citations,
                 const core::Kb& kb) {
  const std::string id = "finding-" + std::to_string(index);
  std::string sources;
  for (const auto& source_id : finding.sources) {
    const auto found = kb.sources.find(source_id);
    sources +=
        format("<li value=\"{}\">{}</li>", citations.number(source_id),
               Raw{found == kb.sources.end() ? escape(source_id) : citation_html(found->second)});
  }
  std::string body = format("<p class=\"detail\">{}</p>", finding.detail);
  if (!finding.see.empty())
    body += format("<p class=\"see\"><strong>Who to see:</strong> {}</p>", finding.see);
  body += window_table(finding, citations);
  if (!finding.verified)
    body +=
        "<p class=\"unverified\">This rests on a knowledge-base entry not yet checked against "
        "its source; willis takes the cautious reading.</p>";
  const char* sev = core::to_string(finding.severity);
  return format(
      "<article class=\"card sev-{0}\" aria-labelledby=\"{1}\" data-finding=\"{2}\">\n"
      "<p class=\"sev\"><span class=\"icon\" aria-hidden=\"true\">{3}</span> {4}</p>\n"
      "<h3 id=\"{1}\">{5} <span class=\"cites\">{6}</span></h3>\n{8}\n"
      "<details class=\"sources\"><summary>Sources ({7})</summary><ol>{9}</ol></details>\n"
      "</article>\n",
      sev, id, finding.id, severity_icon(finding.severity), severity_label(finding.severity),
      finding.title, Raw{citations.marks(finding.sources)}, finding.sources.size(), Raw{body},
      Raw{sources});
}

}  // namespace

Citations::Citations(const core::Assessment& assessment) {
  for (const auto& id : assessment.sources)
    if (numbers_.emplace(id, static_cast<int>(order_.size()) + 1).second) order_.push_back(id);
  // Sources cited by findings but missing from the list (should not happen) still get numbers.
  for (const auto& finding : assessment.findings)
    for (const auto& id : finding.sources)
      if (numbers_.emplace(id, static_cast<int>(order_.size()) + 1).second) order_.push_back(id);
}

int Citations::number(const std::string& source_id) const {
  const auto found = numbers_.find(source_id);
  return found == numbers_.end() ? 0 : found->second;
}

std::string Citations::marks(const std::vector<std::string>& ids, std::string_view prefix) const {
  std::string out;
  for (const auto& id : ids) {
    const int n = number(id);
    if (n == 0) continue;
    out += format("<a class=\"cite\" href=\"#{}-{}\">[{}]</a>", prefix, n, n);
  }
  return out;
}

const char* severity_label(core::Severity severity) {
  switch (severity) {
    case core::Severity::urgent:
      return "Urgent";
    case core::Severity::avoid:
      return "Avoid";
    case core::Severity::caution:
      return "Caution";
    case core::Severity::info:
      return "For information";
  }
  return "";
}

std::string citation_html(const core::Source& source) {
  std::string out = format("<cite>{}</cite>", source.title);
  if (!source.publisher.empty()) out += format(". {}", source.publisher);
  if (source.year) out += format(", {}", *source.year);
  out += ".";
  if (!source.doi.empty()) out += format(" doi:{}.", source.doi);
  if (!source.pmid.empty()) out += format(" PMID {}.", source.pmid);
  // Only web links become links; anything else is shown as text.
  if (source.url.rfind("https://", 0) == 0 || source.url.rfind("http://", 0) == 0)
    out += format(" <a href=\"{0}\" rel=\"noreferrer noopener\">{0}</a>", source.url);
  else if (!source.url.empty())
    out += format(" {}", source.url);
  return out;
}

std::string references_html(const Citations& citations, const core::Kb& kb,
                            std::string_view prefix) {
  std::string items;
  for (const auto& id : citations.ids()) {
    const auto found = kb.sources.find(id);
    items += format("<li id=\"{}-{}\" value=\"{}\">{}</li>\n", prefix, citations.number(id),
                    citations.number(id),
                    Raw{found == kb.sources.end() ? escape(id) : citation_html(found->second)});
  }
  return format("<ol class=\"references\">\n{}</ol>\n", Raw{items});
}

std::string verdict_html(const core::Assessment& a) {
  if (a.verdict >= core::Severity::avoid) {
    std::string items;
    for (const auto& finding : a.findings) {
      if (finding.severity < core::Severity::avoid) continue;
      items += format("<li><strong>{}</strong>", finding.title);
      if (!finding.see.empty())
        items += format(" — <span class=\"who\">see: {}</span>", finding.see);
      items += "</li>\n";
    }
    const bool urgent = a.verdict == core::Severity::urgent;
    return format(
        "<section class=\"alert alert-{0}\" role=\"alert\" aria-labelledby=\"verdict-heading\">\n"
        "<h2 id=\"verdict-heading\"><span class=\"icon\" aria-hidden=\"true\">{1}</span> {2}</h2>\n"
        "<ul>\n{3}</ul>\n<p>{4}</p>\n</section>\n",
        core::to_string(a.verdict), severity_icon(a.verdict),
        urgent ? "Urgent: get medical help now" : "Do not take magnesium without a clinician",
        Raw{items},
        urgent ? "willis gives no magnesium plan or timetable while this is open. Read the "
                 "cards below for what to do."
               : "willis gives no magnesium plan or timetable. The cards below say whom to see "
                 "and why.");
  }
  const char* words =
      a.verdict == core::Severity::caution
          ? "Magnesium may be possible, with the cautions below."
          : "Nothing in your profile stands in the way of a careful magnesium trial.";
  return format(
      "<p class=\"verdict verdict-{0}\"><span class=\"icon\" aria-hidden=\"true\">{1}</span> "
      "<strong>Overall: {2}.</strong> {3}</p>\n",
      core::to_string(a.verdict), severity_icon(a.verdict), severity_label(a.verdict), words);
}

std::string findings_html(const core::Assessment& a, const core::Kb& kb) {
  const Citations citations(a);
  std::string out;
  std::size_t index = 0;
  for (const auto severity : kSeverities) {
    std::string cards;
    for (const auto& finding : a.findings) {
      if (finding.severity != severity) continue;
      cards += card(finding, ++index, citations, kb);
    }
    if (cards.empty()) continue;
    out += format(
        "<section class=\"group group-{0}\" aria-labelledby=\"group-{0}\">\n"
        "<h2 id=\"group-{0}\"><span class=\"icon\" aria-hidden=\"true\">{1}</span> {2}</h2>\n{3}"
        "</section>\n",
        core::to_string(severity), severity_icon(severity), severity_heading(severity), Raw{cards});
  }
  return out;
}

std::string magnesium_html(const core::Assessment& a, const Citations& citations) {
  const auto& m = a.magnesium;
  std::string rows;
  std::string from = mg(m.supplemental_elemental_mg) + " elemental a day";
  if (m.supplemental_low_mg)
    from = "between " + mg(*m.supplemental_low_mg) + " and " + mg(m.supplemental_elemental_mg) +
           " elemental a day (the label's elemental figure decides)";
  rows += format("<dt>From supplements, antacids and laxatives</dt><dd>{}</dd>", from);
  if (m.upper_limit_mg)
    rows += format(
        "<dt>Upper limit for you</dt><dd>{} a day ({}) {}{}</dd>", mg(*m.upper_limit_mg),
        m.upper_limit_kind == "ul" ? "upper level" : "guidance level",
        Raw{citations.marks(m.upper_limit_sources)},
        Raw{m.upper_limit_note.empty() ? std::string() : format(" <br>{}", m.upper_limit_note)});
  else
    rows += "<dt>Upper limit for you</dt><dd>none can be set at this age</dd>";
  if (m.dietary_mg)
    rows += format("<dt>From food</dt><dd>about {} a day (food never counts toward the limit)</dd>",
                   mg(*m.dietary_mg));
  if (m.reference_intake_mg)
    rows += format("<dt>Reference intake ({})</dt><dd>{} a day {}</dd>", m.reference_intake_kind,
                   mg(*m.reference_intake_mg), Raw{citations.marks(m.reference_intake_sources)});
  std::string contributions;
  for (const auto& c : m.contributions) {
    std::string amount = mg(c.elemental_mg_per_day) + " a day";
    if (c.low_mg_per_day) amount = mg(*c.low_mg_per_day) + " to " + amount;
    contributions += format("<li>{} ({}): {}{}</li>", c.input, c.source_kind, amount,
                            c.counted ? "" : " — not counted toward the limit");
  }
  if (!contributions.empty())
    rows += format("<dt>Where it comes from</dt><dd><ul>{}</ul></dd>", Raw{contributions});

  std::string plan;
  if (m.plan) {
    const auto& p = *m.plan;
    plan = format(
        "<div class=\"plan\"><h3>The plan</h3>\n<dl>"
        "<dt>Form</dt><dd>magnesium {} {}<br>{}</dd>"
        "<dt>Start with</dt><dd>{} elemental a day</dd>"
        "<dt>Never more than</dt><dd>{} elemental a day (supplements, antacids and laxatives "
        "together)</dd>"
        "<dt>Review after</dt><dd>{} weeks, with your diary</dd></dl>\n"
        "<p><a class=\"button\" href=\"/timetable\">See when to take it</a> "
        "<a class=\"button secondary\" href=\"/trial\">Plan a personal trial</a></p></div>\n",
        p.form, Raw{citations.marks(p.form_sources)}, p.form_reason, mg(p.start_elemental_mg),
        mg(p.max_elemental_mg), p.review_after_weeks);
  } else {
    plan = format("<div class=\"plan none\"><h3>The plan</h3><p>{}</p></div>\n",
                  a.verdict >= core::Severity::avoid
                      ? "No magnesium plan: the verdict above rules it out. See whom to see in the "
                        "cards above."
                      : "No magnesium plan; see the findings above.");
  }
  return format(
      "<section aria-labelledby=\"h-magnesium\">\n<h2 id=\"h-magnesium\">Magnesium for you</h2>\n"
      "<dl class=\"summary\">{}</dl>\n{}</section>\n",
      Raw{rows}, Raw{plan});
}

std::string schedule_problem_items(const core::Schedule& schedule, std::string_view add_times) {
  std::string items;
  for (const auto& u : schedule.unresolved) items += format("<li>{} {}</li>", u.reason, u.ask);
  for (const auto& name : schedule.untimed)
    items += format(
        "<li>{}: no times given, so the timetable cannot keep magnesium away from it. {}</li>",
        name, Raw{std::string(add_times)});
  return items;
}

std::string assessment_page(const core::Assessment& a, const core::Kb& kb) {
  const Citations citations(a);
  std::string out = "<h1>Your assessment</h1>\n";
  out += verdict_html(a);
  out += findings_html(a, kb);
  out += magnesium_html(a, citations);
  if (!a.schedule.unresolved.empty() || !a.schedule.untimed.empty()) {
    const std::string items = schedule_problem_items(a.schedule, "Add its times to your profile.");
    out += format(
        "<section aria-labelledby=\"h-unresolved\"><h2 id=\"h-unresolved\">Timetable "
        "problems</h2><ul>{}</ul></section>\n",
        Raw{items});
  }
  if (!a.notes.empty()) {
    std::string items;
    for (const auto& note : a.notes) items += format("<li>{}</li>", note);
    out += format(
        "<section aria-labelledby=\"h-notes\"><h2 id=\"h-notes\">Notes</h2><ul>{}</ul></section>\n",
        Raw{items});
  }
  if (!a.resolved.empty()) {
    std::string rows;
    for (const auto& r : a.resolved) {
      std::string ids;
      for (const auto& id : r.ids) ids += (ids.empty() ? "" : ", ") + id;
      rows += format("<tr><td>{}</td><td>{}</td></tr>", r.input,
                     ids.empty() ? std::string("not recognised: not checked") : ids);
    }
    out += format(
        "<details class=\"resolved\"><summary>How willis read your entries</summary><table>"
        "<thead><tr><th scope=\"col\">You wrote</th><th scope=\"col\">Understood as</th></tr>"
        "</thead><tbody>{}</tbody></table></details>\n",
        Raw{rows});
  }
  out +=
      format("<section aria-labelledby=\"h-refs\"><h2 id=\"h-refs\">Sources</h2>\n{}</section>\n",
             Raw{references_html(citations, kb)});
  out += format("<p class=\"meta\">Knowledge base {} · {} rules · contract {}</p>\n", a.kb_version,
                core::to_string(a.jurisdiction), a.schema);
  return out;
}

}  // namespace willis::render::html
