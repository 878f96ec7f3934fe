#include "render/evidence_html.h"
#include "render/html.h"

#include <cmath>
#include <cstdio>
#include <optional>

namespace willis::render {

std::string verdict_words(std::string_view verdict) {
  if (verdict == "supported") return "Supported";
  if (verdict == "partly") return "Partly true";
  if (verdict == "contradicted") return "Contradicted";
  if (verdict == "unverifiable") return "Unverifiable";
  return std::string(verdict);
}

namespace {

std::string source_links(const std::vector<std::string>& sources, const HtmlLinks& links) {
  std::string out;
  for (const auto& id : sources) {
    if (!out.empty()) out += ", ";
    out += "<a href=\"" + html::escape(links.sources_href + id) + "\">" + html::escape(id) + "</a>";
  }
  return out;
}

std::string number(double value, const char* format) {
  char text[48];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string mg_cell(const std::optional<double>& mg) {
  return mg ? number(std::round(*mg), "%.0f mg")
            : "<span class=\"not-reported\">not reported</span>";
}

}  // namespace

std::string verdict_badge(std::string_view verdict) {
  return "<span class=\"verdict verdict-" + html::escape(verdict) + "\">" +
         html::escape(verdict_words(verdict)) + "</span>";
}

std::string claims_html(const std::vector<const core::Claim*>& claims,
                        const core::EvidenceSet& evidence, const HtmlLinks& links) {
  std::string out = "<section class=\"claims\">\n";
  for (const core::Claim* claim : claims) {
    const core::Article* article = evidence.article(claim->article);
    out += "<article class=\"claim\" id=\"claim-" + html::escape(claim->id) + "\" data-topic=\"" +
           html::escape(claim->topic) + "\" data-article=\"" + html::escape(claim->article) +
           "\" data-verdict=\"" + html::escape(claim->verdict) + "\">\n";
    out += "  <p class=\"claim-text\">" + verdict_badge(claim->verdict) + " " +
           html::escape(claim->claim) + "</p>\n";
    out += "  <p class=\"explanation\">" + html::escape(claim->explanation) + "</p>\n";
    out += "  <p class=\"meta\">" + html::escape(claim->id) + " &middot; " +
           html::escape(claim->topic) + " &middot; " +
           (article ? html::escape(article->title) + " (" + html::escape(article->publisher) + ")"
                    : html::escape(claim->article)) +
           " &middot; sources: " + source_links(claim->sources, links) + "</p>\n";
    out += "</article>\n";
  }
  return out + "</section>\n";
}

std::string conflicts_html(const std::vector<const core::Conflict*>& conflicts,
                           const HtmlLinks& links) {
  std::string out;
  for (const core::Conflict* conflict : conflicts) {
    out += "<section class=\"conflict\" id=\"conflict-" + html::escape(conflict->id) +
           "\" data-topic=\"" + html::escape(conflict->topic) + "\">\n";
    out += "  <h2>" + html::escape(conflict->title) + "</h2>\n";
    out += "  <p class=\"summary\">" + html::escape(conflict->summary) + "</p>\n";
    out +=
        "  <table>\n    <thead><tr><th>Authority</th><th>Date</th><th>Strength</th><th>What it "
        "says</th><th>Sources</th></tr></thead>\n    <tbody>\n";
    for (const auto& position : conflict->positions) {
      out += std::string("      <tr") + (position.applied ? " class=\"applied\"" : "") + "><td>" +
             html::escape(position.authority) +
             (position.applied ? " <span class=\"applied-mark\">willis applies this</span>" : "") +
             "</td><td>" + html::escape(position.date) + "</td><td>" +
             html::escape(position.strength) + "</td><td>" + html::escape(position.says) +
             "</td><td>" + source_links(position.sources, links) + "</td></tr>\n";
    }
    out += "    </tbody>\n  </table>\n";
    out += "  <p class=\"applies\"><strong>What willis applies, and why:</strong> " +
           html::escape(conflict->applies) + "</p>\n";
    out += "</section>\n";
  }
  return out;
}

std::string sources_html(const core::Kb& kb, const core::EvidenceSet& evidence) {
  const auto cited = core::source_citations(kb, evidence);
  std::string out = "<dl class=\"sources\">\n";
  for (const auto& [id, source] : kb.sources) {
    out += "  <dt id=\"" + html::escape(id) + "\">" + html::escape(id) +
           " <span class=\"verification\">" + html::escape(source.verification) +
           "</span></dt>\n  <dd>";
    const std::string title = html::escape(source.title);
    out += source.url.empty() ? title
                              : "<a href=\"" + html::escape(source.url) + "\">" + title + "</a>";
    out += ". " + html::escape(source.publisher) +
           (source.year ? ", " + std::to_string(*source.year) : "") + ".";
    if (!source.doi.empty()) out += " doi:" + html::escape(source.doi) + ".";
    if (!source.pmid.empty()) out += " PMID " + html::escape(source.pmid) + ".";
    if (!source.verified_how.empty())
      out += "<br><span class=\"verified-how\">" + html::escape(source.verified_how) + "</span>";
    const auto found = cited.find(id);
    std::string by;
    if (found != cited.end())
      for (const auto& entry : found->second) by += (by.empty() ? "" : ", ") + html::escape(entry);
    out += "<br><span class=\"cited-by\">Cited by: " + (by.empty() ? std::string("nothing") : by) +
           "</span></dd>\n";
  }
  return out + "</dl>\n";
}

std::string ask_html(const core::AskResult& result, const core::AskSettings& settings,
                     const HtmlLinks& links) {
  std::string out = "<section class=\"ask\">\n  <p class=\"question\">" +
                    html::escape(result.question) + "</p>\n";
  if (!result.matched) {
    out += "  <div class=\"no-match\">\n    <p><strong>" + html::escape(settings.no_match_title) +
           ".</strong> " + html::escape(settings.no_match_detail) +
           "</p>\n    <p>Questions to ask a pharmacist:</p>\n    <ul>\n";
    for (const auto& question : settings.ask_pharmacist)
      out += "      <li>" + html::escape(question) + "</li>\n";
    out += "    </ul>\n  </div>\n";
    return out + "</section>\n";
  }
  out += "  <ol class=\"answers\">\n";
  for (const auto& answer : result.answers) {
    out += "    <li class=\"answer\" data-kb-id=\"" + html::escape(answer.kb_id) +
           "\">\n      <p class=\"title\">" + html::escape(answer.title) +
           "</p>\n      <p class=\"text\">" + html::escape(answer.text) +
           "</p>\n      <p class=\"meta\">" + html::escape(answer.kb_id) +
           " &middot; sources: " + source_links(answer.sources, links) + "</p>\n    </li>\n";
  }
  return out + "  </ol>\n</section>\n";
}

std::string foods_html(const std::vector<const core::Food*>& foods) {
  std::string out =
      "<table class=\"foods\">\n  <thead><tr><th>NDB</th><th>Food</th><th>Magnesium per 100 "
      "g</th><th>Per portion</th></tr></thead>\n  <tbody>\n";
  for (const core::Food* food : foods) {
    std::string portions;
    for (const auto& portion : food->portions)
      portions += (portions.empty() ? "" : "<br>") + html::escape(portion.measure()) + " (" +
                  number(portion.grams, "%g g") +
                  "): " + mg_cell(core::food_mg(*food, portion.grams));
    out += "    <tr class=\"food\" data-ndb-no=\"" + html::escape(food->ndb_no) + "\"><td>" +
           html::escape(food->ndb_no) + "</td><td>" + html::escape(food->description) +
           "</td><td>" + mg_cell(food->mg_per_100g) + "</td><td>" + portions + "</td></tr>\n";
  }
  return out + "  </tbody>\n</table>\n";
}

std::string food_estimate_html(const core::FoodEstimate& estimate) {
  std::string out =
      "<table class=\"food-estimate\">\n  "
      "<thead><tr><th>Food</th><th>Portion</th><th>Servings</th><th>Magnesium a "
      "day</th></tr></thead>\n  <tbody>\n";
  for (const auto& item : estimate.items) {
    out += "    <tr><td>" +
           html::escape(item.label.empty() ? item.food->description
                                           : item.label + " (" + item.food->description + ")") +
           "</td><td>" + html::escape(item.measure) + "</td><td>" + number(item.servings, "%g") +
           (item.per_week ? " a week" : " a day") + "</td><td>" +
           (item.mg_per_day ? number(*item.mg_per_day, "%.1f mg")
                            : "<span class=\"not-reported\">not reported</span>") +
           "</td></tr>\n";
  }
  out += "  </tbody>\n  <tfoot><tr><td colspan=\"3\">" +
         std::string(estimate.complete() ? "Total" : "Total (at least: some foods have no value)") +
         "</td><td>" + number(std::round(estimate.total_mg_per_day), "%.0f mg") +
         "</td></tr></tfoot>\n</table>\n";
  return out;
}

}  // namespace willis::render
