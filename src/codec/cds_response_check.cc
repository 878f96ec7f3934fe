// src/codec/cds_response_check.cc: the CDS Hooks 2.0 rules for cards (summary, indicator, source,
// suggestions cds-resp-1..7, links), checked on a response body as an EHR would read it.
#include <fmt/format.h>
#include <simdjson.h>

#include <functional>
#include <optional>

#include "codec/cds_response_check.h"
#include "codec/fhir/json.h"
#include "core/utf8.h"

namespace willis::codec {

using fhir::child;  // the FHIR JSON member readers (codec/fhir/json.h)
using fhir::str;
using simdjson::dom::array;
using simdjson::dom::element;

namespace {

/// Records one violation: field (".summary") and what is wrong.
using Problem = std::function<void(const std::string&, const std::string&)>;

void check_summary_and_source(const element& card, const Problem& problem) {
  std::string_view summary;
  if (card["summary"].get(summary))
    problem(".summary", "missing");
  else if (core::utf8_length(summary) >= 140)
    problem(".summary", fmt::format("{} characters (must be < 140)", core::utf8_length(summary)));
  else if (summary.empty())
    problem(".summary", "empty");
  const std::string_view indicator = str(card, "indicator");
  if (indicator != "info" && indicator != "warning" && indicator != "critical")
    problem(".indicator", fmt::format("\"{}\" is not info, warning or critical", indicator));
  if (str(card, "uuid").empty()) problem(".uuid", "missing (willis sends one on every card)");
  element detail;
  if (!card["detail"].get(detail) && detail.type() != simdjson::dom::element_type::STRING)
    problem(".detail", "not a string");
  const auto source = child(card, "source");
  if (!source)
    problem(".source", "missing");
  else if (str(*source, "label").empty())
    problem(".source.label", "missing");
}

void check_actions(const element& suggestion, const std::string& sat, const Problem& problem) {
  array actions;
  if (suggestion["actions"].get(actions)) return;
  int action_idx = 0;
  for (const element action : actions) {
    const std::string aat = sat + fmt::format(".actions[{}]", action_idx++);
    const std::string_view type = str(action, "type");
    if (type != "create" && type != "update" && type != "delete")
      problem(aat + ".type", "not create, update or delete");
    if (str(action, "description").empty()) problem(aat + ".description", "missing (cds-resp-5)");
    if (type == "delete" && (str(action, "resourceId").empty() || child(action, "resource")))
      problem(aat, "a delete needs resourceId and no resource (cds-resp-2)");
    if ((type == "create" || type == "update") && !child(action, "resource"))
      problem(aat + ".resource", "required for create and update");
  }
}

void check_suggestions(const element& card, const Problem& problem) {
  array suggestions;
  const bool has_suggestions = !card["suggestions"].get(suggestions) && suggestions.size() > 0;
  const std::string_view behaviour = str(card, "selectionBehavior");
  if (has_suggestions && behaviour.empty())
    problem(".selectionBehavior", "required with suggestions (cds-resp-6)");
  if (!behaviour.empty() && behaviour != "at-most-one" && behaviour != "any")
    problem(".selectionBehavior", fmt::format("\"{}\" is not at-most-one or any", behaviour));
  if (!has_suggestions) return;
  int recommended = 0, suggestion_idx = 0;
  for (const element s : suggestions) {
    const std::string sat = fmt::format(".suggestions[{}]", suggestion_idx++);
    if (str(s, "label").empty()) problem(sat + ".label", "missing");
    bool rec = false;
    if (!s["isRecommended"].get(rec) && rec) ++recommended;
    const std::string_view asb = str(s, "actionSelectionBehavior");
    if (!asb.empty() && asb != "all" && asb != "any" && asb != "at-most-one")
      problem(sat + ".actionSelectionBehavior", "not all, any or at-most-one (cds-resp-7)");
    check_actions(s, sat, problem);
  }
  if (behaviour == "at-most-one" && recommended > 1)
    problem(".suggestions", "more than one isRecommended with at-most-one (cds-resp-1)");
}

void check_reasons_and_links(const element& card, const Problem& problem) {
  array reasons;
  if (!card["overrideReasons"].get(reasons)) {
    int reason_idx = 0;
    for (const element reason : reasons)
      if (str(reason, "display").empty())
        problem(fmt::format(".overrideReasons[{}].display", reason_idx++), "missing (cds-resp-4)");
  }
  array links;
  if (card["links"].get(links)) return;
  int link_idx = 0;
  for (const element link : links) {
    const std::string lat = fmt::format(".links[{}]", link_idx++);
    if (str(link, "label").empty()) problem(lat + ".label", "missing");
    if (str(link, "url").empty()) problem(lat + ".url", "missing");
    const std::string_view type = str(link, "type");
    if (type != "absolute" && type != "smart") problem(lat + ".type", "not absolute or smart");
    if (type != "smart" && child(link, "appContext"))
      problem(lat + ".appContext", "only for smart links (cds-resp-3)");
  }
}

}  // namespace

std::vector<std::string> check_cds_response(std::string_view body) {
  std::vector<std::string> problems;
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(body.data(), body.size()).get(root)) return {"body: not JSON"};
  array cards;
  if (root["cards"].get(cards)) return {"cards: missing or not a list"};
  int card_idx = 0;
  for (const element card : cards) {
    const std::string at = fmt::format("cards[{}]", card_idx++);
    const Problem problem = [&](const std::string& field, const std::string& what) {
      problems.push_back(at + field + ": " + what);
    };
    check_summary_and_source(card, problem);
    check_suggestions(card, problem);
    check_reasons_and_links(card, problem);
  }
  return problems;
}

}  // namespace willis::codec
