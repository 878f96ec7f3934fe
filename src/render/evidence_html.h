// src/render/evidence_html.h: HTML fragments for the web app's Evidence, Sources and Conflicts
// pages, the Ask box and the food picker. Pure: data in, markup out; every text from data is
// escaped here. No <html>/<head>: the web app wraps the fragments in its own page layout.
// Class names (for the stylesheet): verdict verdict-<verdict>, claim, conflict, applied, answer,
// no-match, food, not-reported.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/ask.h"
#include "core/ask_evidence.h"
#include "core/food.h"
#include "core/kb.h"

namespace willis::render {

/// Where a source id links to: `sources_href` + id ("/sources#l-cipro").
struct HtmlLinks {
  std::string sources_href = "/sources#";
  std::string claims_href = "/evidence#claim-";
};

/// A claim verdict as a person reads it: "partly" -> "Partly true" (unknown values as given).
std::string verdict_words(std::string_view verdict);

/// <span class="verdict verdict-contradicted">Contradicted</span>
std::string verdict_badge(std::string_view verdict);

/// One <article class="claim"> per claim, with data-topic, data-article and data-verdict attributes
/// for client-side filtering, inside <section class="claims">.
std::string claims_html(const std::vector<const core::Claim*>& claims,
                        const core::EvidenceSet& evidence, const HtmlLinks& links = {});

/// One <section class="conflict"> per conflict: a table of positions (authority, date, strength,
/// what it says, sources; the applied ones marked class="applied") and what willis applies.
std::string conflicts_html(const std::vector<const core::Conflict*>& conflicts,
                           const HtmlLinks& links = {});

/// <dl class="sources">: each source (id as anchor), its verification and what cites it.
std::string sources_html(const core::Kb& kb, const core::EvidenceSet& evidence);

/// The answers of the Ask box, or the no-match reply with questions for a pharmacist.
std::string ask_html(const core::AskResult& result, const core::AskSettings& settings,
                     const HtmlLinks& links = {});

/// <table class="foods">: NDB number, description, mg per 100 g and per portion ("not reported"
/// when SR28 has no value). Each row has data-ndb-no for the food picker.
std::string foods_html(const std::vector<const core::Food*>& foods);

/// <table class="food-estimate"> of a food list, with the daily total (a lower bound when a food
/// has no value).
std::string food_estimate_html(const core::FoodEstimate& estimate);

}  // namespace willis::render
