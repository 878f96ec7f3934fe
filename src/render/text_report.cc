#include "render/text_report.h"

#include "core/utf8.h"
#include "core/assess.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <sstream>

namespace willis::render {

namespace {

constexpr int kWidth = 78;

std::string wrap(const std::string& raw, int indent) {
  // Names and notes come from the person's input: no escape sequence reaches the terminal.
  std::istringstream in(core::terminal_safe(raw));
  std::string out, line, word;
  const std::string pad(indent, ' ');
  while (in >> word) {
    if (!line.empty() && static_cast<int>(line.size() + 1 + word.size()) + indent > kWidth) {
      out += pad + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += pad + line + "\n";
  return out;
}

struct Style {
  bool on;
  std::string operator()(const char* code, const std::string& text) const {
    return on ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : text;
  }
};

const char* severity_colour(core::Severity s) {
  switch (s) {
    case core::Severity::urgent:
      return "1;37;41";
    case core::Severity::avoid:
      return "1;31";
    case core::Severity::caution:
      return "1;33";
    case core::Severity::info:
      return "36";
  }
  return "0";
}

const char* severity_heading(core::Severity s) {
  switch (s) {
    case core::Severity::urgent:
      return "URGENT: get medical help";
    case core::Severity::avoid:
      return "AVOID: do not take magnesium without a clinician";
    case core::Severity::caution:
      return "CAUTION";
    case core::Severity::info:
      return "INFORMATION";
  }
  return "";
}

/// Source ids -> their [n] in the report, in the order the assessment lists them.
struct Citations {
  std::map<std::string, int> number;
  explicit Citations(const std::vector<std::string>& ids) {
    for (const auto& id : ids) number.emplace(id, static_cast<int>(number.size()) + 1);
  }
  std::string operator()(const std::vector<std::string>& ids) const {
    std::string out;
    for (const auto& id : ids) out += fmt::format("[{}]", number.count(id) ? number.at(id) : 0);
    return out;
  }
};

/// The findings, most severe first, under one heading per severity.
std::string findings_section(const core::Assessment& a, const Style& style, const Citations& cite) {
  std::string out;
  for (const auto severity : {core::Severity::urgent, core::Severity::avoid,
                              core::Severity::caution, core::Severity::info}) {
    bool heading = false;
    for (const auto& f : a.findings) {
      if (f.severity != severity) continue;
      if (!heading) {
        out += style(severity_colour(severity), severity_heading(severity)) + "\n";
        heading = true;
      }
      out += wrap("- " + f.title + " " + cite(f.sources) +
                      (f.verified ? "" : " (rests on an unverified KB entry)"),
                  0);
      out += wrap(f.detail, 4);
      if (!f.see.empty()) out += wrap("Who to see: " + f.see, 4);
    }
    if (heading) out += "\n";
  }
  return out;
}

std::string magnesium_section(const core::Assessment& a, const Style& style,
                              const Citations& cite) {
  std::string out;
  const auto& mg = a.magnesium;
  out += style("1", "Magnesium") + "\n";
  out += fmt::format("  From supplements, antacids and laxatives: {:.0f} mg elemental a day",
                     mg.supplemental_elemental_mg);
  if (mg.supplemental_low_mg)
    out += fmt::format(" (between {:.0f} and {:.0f}; the label's elemental figure decides)",
                       *mg.supplemental_low_mg, mg.supplemental_elemental_mg);
  out += "\n";
  if (mg.upper_limit_mg)
    out += fmt::format("  Upper limit for you: {:.0f} mg a day ({}) {}\n", *mg.upper_limit_mg,
                       mg.upper_limit_kind == "ul" ? "upper level" : "guidance level",
                       cite(mg.upper_limit_sources));
  else
    out += "  Upper limit for you: none can be set at this age\n";
  if (mg.dietary_mg)
    out += fmt::format("  From food: about {:.0f} mg a day (food never counts toward the limit)\n",
                       *mg.dietary_mg);
  if (mg.reference_intake_mg)
    out += fmt::format("  Reference intake ({}): {:.0f} mg a day {}\n", mg.reference_intake_kind,
                       *mg.reference_intake_mg, cite(mg.reference_intake_sources));
  if (mg.plan) {
    const auto& plan = *mg.plan;
    out += fmt::format(
        "  Plan: magnesium {}, start {:.0f} mg elemental a day, never above {:.0f} mg; review "
        "after {} weeks {}\n",
        core::terminal_safe(plan.form), plan.start_elemental_mg, plan.max_elemental_mg,
        plan.review_after_weeks, cite(plan.form_sources));
    out += wrap(plan.form_reason, 4);
  } else {
    out += "  Plan: none. " +
           std::string(a.verdict >= core::Severity::avoid
                           ? "The verdict rules out a magnesium plan; see above for whom to see."
                           : "See the findings above.") +
           "\n";
  }
  out += "\n";
  return out;
}

std::string labs_section(const core::Assessment& a, const Style& style) {
  std::string out;
  if (!a.labs.empty()) {
    out += style("1", "Labs used") + "\n";
    for (const auto& lab : a.labs)
      out += fmt::format("  {}: {} {} ({}){}\n", lab.name,
                         lab.name == "serum_magnesium_mmol_l" ? fmt::format("{:.2f}", lab.value)
                                                              : core::format_number(lab.value),
                         lab.unit, lab.date ? "measured " + lab.date->str() : "date not given",
                         lab.out_of_date ? " - out of date" : "");
    out += "\n";
  }
  return out;
}

std::string timetable_section(const core::Assessment& a, const Style& style) {
  std::string out;
  const auto& mg = a.magnesium;
  const auto& s = a.schedule;
  if (mg.plan || !s.unresolved.empty()) {
    out +=
        style("1", "Timetable") + fmt::format("  (awake {} to {})\n", s.wake.str(), s.sleep.str());
    if (s.doses.empty() && !s.unresolved.empty()) out += "  No dose times until these are fixed:\n";
    for (const auto& dose : s.doses)
      out += fmt::format("  {}  magnesium {:.0f} mg{}\n", dose.time.str(), dose.elemental_mg,
                         dose.with_food ? " with food" : "");
    for (const auto& day : s.on_days)
      for (const auto& dose : day.doses)
        out += fmt::format("  On {}: {}  magnesium {:.0f} mg instead\n", day.day, dose.time.str(),
                           dose.elemental_mg);
    for (const auto& k : s.keep_apart)
      out += fmt::format("  {}  {}: no magnesium from {} to {}{}\n", k.drug_time.str(),
                         core::terminal_safe(k.name), k.from.str(), k.to.str(),
                         k.day.empty() ? "" : " (on " + core::terminal_safe(k.day) + " only)");
    for (const auto& u : s.unresolved) out += wrap("- " + u.ask, 2);
    out += "\n";
  }
  return out;
}

std::string sources_section(const core::Assessment& a, const core::Kb& kb, const Style& style,
                            const Citations& cite) {
  std::string out;
  out += style("1", "Sources") + "\n";
  for (const auto& id : a.sources) {
    const auto found = kb.sources.find(id);
    if (found == kb.sources.end()) continue;
    const auto& src = found->second;
    std::string line = fmt::format("[{}] {}", cite.number.at(id), src.title);
    if (!src.publisher.empty()) line += ". " + src.publisher;
    if (src.year) line += fmt::format(", {}", *src.year);
    if (!src.doi.empty())
      line += ". doi:" + src.doi;
    else if (!src.url.empty())
      line += ". " + src.url;
    out += wrap(line, 0);
  }
  return out;
}

}  // namespace

std::string text_report(const core::Assessment& a, const core::Kb& kb, bool colour) {
  const Style style{colour};
  const Citations cite(a.sources);
  std::string out;
  out += style("1", "willis assessment") + fmt::format("  (knowledge base {}, {} rules)\n",
                                                       core::terminal_safe(a.kb_version),
                                                       core::to_string(a.jurisdiction));
  out += "Verdict: " + style(severity_colour(a.verdict), core::to_string(a.verdict)) + "\n";
  out += wrap(a.disclaimer, 0) + "\n";

  out += findings_section(a, style, cite);
  out += magnesium_section(a, style, cite);
  out += labs_section(a, style);
  out += timetable_section(a, style);
  if (!a.notes.empty()) {
    out += style("1", "Notes") + "\n";
    for (const auto& note : a.notes) out += wrap("- " + note, 2);
    out += "\n";
  }
  out += sources_section(a, kb, style, cite);
  return out;
}

}  // namespace willis::render
