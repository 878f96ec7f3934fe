// src/render/audit_report.cc: summary JSON / text / HTML, text table and flagged lines of
// `willis audit`.
#include "render/audit_report.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>

#include "render/csv.h"
#include "render/html.h"
#include "render/json_writer.h"
#include "render/trial_chart.h"

namespace willis::render {

namespace {

using core::audit::kIndicatorCount;

const core::Indicator* indicator_at(const core::Kb& kb, int index) {
  return kb.audit.indicator(core::audit::indicator_id(index));
}

std::string percent_text(std::uint64_t numerator, std::uint64_t denominator) {
  if (denominator == 0) return "-";
  return fmt::format("{:.1f} %",
                     100.0 * static_cast<double>(numerator) / static_cast<double>(denominator));
}

std::string source_label(const core::Kb& kb, const std::string& id) {
  const auto found = kb.sources.find(id);
  if (found == kb.sources.end()) return id;
  const auto& source = found->second;
  return source.year ? fmt::format("{} ({})", source.title, *source.year) : source.title;
}

/// Counts are whole numbers written as JSON numbers; a fraction or a negative number is refused.
bool read_count(simdjson::dom::element parent, const char* key, std::uint64_t& into,
                std::string& error) {
  simdjson::dom::element value;
  if (parent[key].get(value)) {
    error = std::string("no \"") + key + "\"";
    return false;
  }
  double number = 0;
  if (value.get_double().get(number) || number < 0 ||
      number != static_cast<double>(static_cast<std::uint64_t>(number))) {
    error = std::string("\"") + key + "\" is not a count";
    return false;
  }
  into = static_cast<std::uint64_t>(number);
  return true;
}

/// as_of, kb_version and the counts before "indicators".
bool read_summary_counts(simdjson::dom::element doc, ParsedAuditSummary& out, std::string& error) {
  auto& s = out.summary;
  const auto count = [&](simdjson::dom::element parent, const char* key, std::uint64_t& into) {
    return read_count(parent, key, into, error);
  };
  std::string_view text;
  if (doc["as_of"].get_string().get(text)) {
    error = "no \"as_of\"";
    return false;
  }
  const auto as_of = core::parse_date(text);
  if (!as_of) {
    error = "\"as_of\" is not a date";
    return false;
  }
  s.as_of = *as_of;
  if (doc["kb_version"].get_string().get(text)) {
    error = "no \"kb_version\"";
    return false;
  }
  out.kb_version = std::string(text);
  if (!count(doc, "patients", s.patients) || !count(doc, "resources", s.resources) ||
      !count(doc, "errors", s.errors) || !count(doc, "skipped_resources", s.skipped_resources) ||
      !count(doc, "orphan_resources", s.orphan_resources) ||
      !count(doc, "unrecognised_medicines", s.unrecognised_medicines))
    return false;
  simdjson::dom::element excluded;
  if (doc["excluded"].get(excluded)) {
    error = "no \"excluded\"";
    return false;
  }
  return count(excluded, "deceased_date", s.deceased_by_date) &&
         count(excluded, "deceased_boolean", s.deceased_by_flag);
}

/// "indicators": one object per indicator, in order, with id, title, counts and sources.
bool read_indicators(simdjson::dom::element doc, ParsedAuditSummary& out, std::string& error) {
  auto& s = out.summary;
  simdjson::dom::array indicators;
  if (doc["indicators"].get_array().get(indicators) || indicators.size() != s.indicators.size()) {
    error = fmt::format("\"indicators\" is not an array of {}", s.indicators.size());
    return false;
  }
  std::size_t index = 0;
  for (simdjson::dom::element item : indicators) {
    std::string_view id, title;
    if (item["id"].get_string().get(id) || item["title"].get_string().get(title)) {
      error = "an indicator without id or title";
      return false;
    }
    out.ids.emplace_back(id);
    out.titles.emplace_back(title);
    auto& counts = s.indicators[index++];
    if (!read_count(item, "denominator", counts.denominator, error) ||
        !read_count(item, "numerator", counts.numerator, error))
      return false;
    simdjson::dom::array sources;
    if (item["sources"].get_array().get(sources)) {
      error = "an indicator without sources";
      return false;
    }
    out.sources.emplace_back();
    for (simdjson::dom::element source : sources) {
      std::string_view name;
      if (source.get_string().get(name)) {
        error = "a source that is not a string";
        return false;
      }
      out.sources.back().emplace_back(name);
    }
  }
  return true;
}

/// The chart: one horizontal bar per indicator, its length the flagged share of the denominator.
std::string summary_chart_svg(const core::audit::Summary& summary) {
  constexpr int kLabelWidth = 230, kBarWidth = 380, kRow = 30, kTop = 30, kRight = 150;
  const int height = kTop + kIndicatorCount * kRow + 30;
  const int width = kLabelWidth + kBarWidth + kRight;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
      "height=\"{1}\" role=\"img\" "
      "aria-labelledby=\"chart-title chart-desc\">\n",
      width, height);
  svg += fmt::format("<title id=\"chart-title\">{}</title>\n",
                     html::escape("Patients flagged, as a share of each indicator's denominator"));
  svg +=
      fmt::format("<desc id=\"chart-desc\">{}</desc>\n",
                  html::escape("One bar per indicator; the table above gives the same numbers."));
  for (int tick = 0; tick <= 100; tick += 25) {
    const int x = kLabelWidth + kBarWidth * tick / 100;
    svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" class=\"grid\"/>\n", x,
                       kTop - 6, kTop + kIndicatorCount * kRow);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}%</text>\n",
                       x, kTop - 10, tick);
  }
  for (int index = 0; index < kIndicatorCount; ++index) {
    const auto& counts = summary.indicators[static_cast<std::size_t>(index)];
    const double share = counts.denominator ? static_cast<double>(counts.numerator) /
                                                  static_cast<double>(counts.denominator)
                                            : 0;
    const int y = kTop + index * kRow;
    svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"label\" text-anchor=\"end\">{}</text>\n",
                       kLabelWidth - 8, y + kRow / 2 + 4,
                       html::escape(core::audit::indicator_id(index)));
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"track\"/>\n",
                       kLabelWidth, y + 5, kBarWidth, kRow - 10);
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" class=\"bar\"/>\n",
                       kLabelWidth, y + 5, share * kBarWidth, kRow - 10);
    svg +=
        fmt::format("<text x=\"{}\" y=\"{}\" class=\"value\">{}</text>\n",
                    kLabelWidth + kBarWidth + 8, y + kRow / 2 + 4,
                    html::escape(fmt::format("{} / {} ({})", counts.numerator, counts.denominator,
                                             percent_text(counts.numerator, counts.denominator))));
  }
  svg += "</svg>\n";

  return svg;
}

/// The table's rows: one per indicator, with its definitions, counts and sources.
std::string indicator_rows(const core::audit::Summary& summary, const core::Kb& kb) {
  std::string rows;
  for (int index = 0; index < kIndicatorCount; ++index) {
    const core::Indicator* indicator = indicator_at(kb, index);
    const auto& counts = summary.indicators[static_cast<std::size_t>(index)];
    std::string sources;
    if (indicator)
      for (const auto& id : indicator->prov.sources)
        sources += html::format("<li>{}</li>", source_label(kb, id));
    rows += html::format(
        "<tr><th scope=\"row\"><code>{}</code><br>{}</th><td>{}</td><td>{}</td><td "
        "class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td><ul>{}</ul></td></tr>\n",
        std::string(core::audit::indicator_id(index)), indicator ? indicator->title : std::string(),
        indicator ? indicator->denominator : std::string(),
        indicator ? indicator->numerator : std::string(), counts.numerator, counts.denominator,
        percent_text(counts.numerator, counts.denominator), html::Raw{sources});
  }

  return rows;
}

constexpr const char* kPageStyle =
    "body{font:15px/1.45 system-ui,sans-serif;color:#111;margin:2rem "
    "auto;max-width:70rem;padding:0 1rem}\n"
    "table{border-collapse:collapse;width:100%;margin:1rem 0}\n"
    "th,td{border:1px solid #999;padding:.35rem .5rem;vertical-align:top;text-align:left}\n"
    "caption{text-align:left;font-weight:600;margin-bottom:.3rem}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "ul{margin:0;padding-left:1rem}\n"
    "svg{max-width:100%;height:auto}\n.grid{stroke:#bbb}\n.track{fill:#eee}\n.bar{fill:#"
    "1d4f91}\n"
    ".label,.value,.tick{font:13px system-ui,sans-serif;fill:#111}\n.note{color:#333}\n"
    "@media print{body{margin:0;max-width:none;font-size:11px}tr,figure{break-inside:avoid}"
    ".bar{fill:#000}.track{fill:#ddd}}\n";

}  // namespace

std::string audit_summary_json(const core::audit::Summary& summary, const core::Kb& kb) {
  JsonWriter w;
  w.begin_object();
  w.member("as_of", summary.as_of.str());
  w.member("kb_version", kb.version);
  w.member("patients", static_cast<double>(summary.patients));
  w.member("resources", static_cast<double>(summary.resources));
  w.member("errors", static_cast<double>(summary.errors));
  w.member("skipped_resources", static_cast<double>(summary.skipped_resources));
  w.member("orphan_resources", static_cast<double>(summary.orphan_resources));
  w.member("unrecognised_medicines", static_cast<double>(summary.unrecognised_medicines));
  // docs/audit.md "Who is in the population": patients left out of every denominator, and why.
  w.member("excluded_patients",
           static_cast<double>(summary.deceased_by_date + summary.deceased_by_flag));
  w.key("excluded");
  w.begin_object();
  w.member("deceased_date", static_cast<double>(summary.deceased_by_date));
  w.member("deceased_boolean", static_cast<double>(summary.deceased_by_flag));
  w.end_object();
  w.key("indicators");
  w.begin_array();
  for (int index = 0; index < kIndicatorCount; ++index) {
    const core::Indicator* indicator = indicator_at(kb, index);
    const auto& counts = summary.indicators[static_cast<std::size_t>(index)];
    w.begin_object();
    w.member("id", core::audit::indicator_id(index));
    w.member("title", indicator ? indicator->title : std::string());
    w.member("denominator", static_cast<double>(counts.denominator));
    w.member("numerator", static_cast<double>(counts.numerator));
    w.key("sources");
    w.begin_array();
    if (indicator)
      for (const auto& source : indicator->prov.sources) w.value(source);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take() + "\n";
}

std::optional<ParsedAuditSummary> parse_audit_summary_json(std::string_view json,
                                                           std::string& error) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc)) {
    error = std::string("not JSON: ") + simdjson::error_message(err);
    return std::nullopt;
  }
  ParsedAuditSummary out;
  if (!read_summary_counts(doc, out, error) || !read_indicators(doc, out, error))
    return std::nullopt;
  return out;
}

std::string audit_summary_text(const core::audit::Summary& summary, const core::Kb& kb) {
  std::string out = fmt::format(
      "willis audit as of {} (knowledge base {})\n"
      "{} patients, {} resources ({} skipped, {} orphan), {} bad lines, {} unrecognised medicines\n"
      "{} patients excluded as deceased on that date ({} by deceasedDateTime, {} by "
      "deceasedBoolean)\n\n",
      summary.as_of.str(), kb.version, summary.patients, summary.resources,
      summary.skipped_resources, summary.orphan_resources, summary.errors,
      summary.unrecognised_medicines, summary.deceased_by_date + summary.deceased_by_flag,
      summary.deceased_by_date, summary.deceased_by_flag);
  out += fmt::format("{:<28} {:>10} {:>12} {:>8}  {}\n", "indicator", "flagged", "of patients",
                     "percent", "title");
  for (int index = 0; index < kIndicatorCount; ++index) {
    const core::Indicator* indicator = indicator_at(kb, index);
    const auto& counts = summary.indicators[static_cast<std::size_t>(index)];
    out += fmt::format("{:<28} {:>10} {:>12} {:>8}  {}\n", core::audit::indicator_id(index),
                       counts.numerator, counts.denominator,
                       percent_text(counts.numerator, counts.denominator),
                       indicator ? indicator->title : std::string());
  }
  out += "\n" + kb.rules.disclaimer + "\n";
  return out;
}

std::string audit_summary_html(const core::audit::Summary& summary, const core::Kb& kb) {
  const std::string svg = summary_chart_svg(summary);
  const std::string rows = indicator_rows(summary, kb);
  std::string page = html::format(
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>willis audit {}</title>\n<style>\n{}</style>\n</head>\n<body>\n<main>\n"
      "<h1>Magnesium and RLS prescribing audit</h1>\n"
      "<p>As of <strong>{}</strong>, knowledge base {}. {} patients, {} resources read ({} of "
      "other types skipped, "
      "{} naming no known patient), {} bad lines, {} medicines willis could not identify. {} "
      "patients who had died "
      "by that date ({} by deceasedDateTime, {} by deceasedBoolean) are in no denominator.</p>\n"
      "<table>\n<caption>Indicators: patients flagged (numerator) of patients counted "
      "(denominator)</caption>\n"
      "<thead><tr><th scope=\"col\">Indicator</th><th scope=\"col\">Counted</th><th "
      "scope=\"col\">Flagged</th>"
      "<th scope=\"col\">Flagged patients</th><th scope=\"col\">Of</th><th scope=\"col\">Share</th>"
      "<th scope=\"col\">Sources</th></tr></thead>\n<tbody>\n{}</tbody>\n</table>\n"
      "<figure>\n{}<figcaption>Share of each indicator's patients who are "
      "flagged.</figcaption>\n</figure>\n"
      "<p class=\"note\">{}</p>\n</main>\n</body>\n</html>\n",
      summary.as_of.str(), html::Raw{kPageStyle}, summary.as_of.str(), kb.version, summary.patients,
      summary.resources, summary.skipped_resources, summary.orphan_resources, summary.errors,
      summary.unrecognised_medicines, summary.deceased_by_date + summary.deceased_by_flag,
      summary.deceased_by_date, summary.deceased_by_flag, html::Raw{rows}, html::Raw{svg},
      kb.rules.disclaimer);
  return page;
}

std::string audit_text_lists_csv(
    const std::vector<std::pair<std::string, core::audit::ListMask>>& texts) {
  std::string out = "text,list\n";
  for (const auto& [text, lists] : texts) {
    if (!lists) {
      out += csv_quoted(text) + ",\n";
      continue;
    }
    for (int list = 0; list < core::audit::kListCount; ++list) {
      const auto id = static_cast<core::audit::List>(list);
      if (lists & core::audit::bit(id))
        out += csv_quoted(text) + "," + std::string(core::audit::list_id(id)) + "\n";
    }
  }
  return out;
}

std::string audit_flagged_line(std::string_view patient, std::string_view indicator,
                               const std::vector<const core::audit::EvidenceItem*>& evidence) {
  JsonWriter w(false);
  w.begin_object();
  w.member("patient", patient);
  w.member("indicator", indicator);
  w.key("evidence");
  w.begin_array();
  for (const core::audit::EvidenceItem* item : evidence) {
    w.begin_object();
    w.member("resource", item->resource);
    if (item->date.empty())
      w.member_null("date");
    else
      w.member("date", item->date);
    if (item->code.empty())
      w.member_null("code");
    else
      w.member("code", item->code);
    if (!item->text.empty()) w.member("text", item->text);
    if (item->value) {
      w.member("value", *item->value);
      if (!item->comparator.empty()) w.member("comparator", item->comparator);
      w.member("unit", item->unit);
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take() + "\n";
}

}  // namespace willis::render
