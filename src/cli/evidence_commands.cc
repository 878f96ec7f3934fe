// src/cli/evidence_commands.cc: the command table of `willis claims | sources | conflicts | ask |
// foods`; the use cases are in app/evidence_actions.h.
#include <CLI/CLI.hpp>

#include <memory>

#include "app/evidence_actions.h"
#include "cli/commands.h"

namespace willis::cli {
namespace {

constexpr const char* kClaimsHelp =
    "Claims about magnesium, restless legs and sleep - from five articles people read, and\n"
    "others that circulate - each with a verdict (supported, partly, contradicted,\n"
    "unverifiable), the reason in one paragraph, and the sources behind it.\n\n"
    "Examples:\n"
    "  willis claims\n"
    "  willis claims --topic topical\n"
    "  willis claims --article 004 --format json\n"
    "  willis claims --verdict contradicted";

constexpr const char* kSourcesHelp =
    "Every source willis cites, how it was verified, and every KB entry, claim and conflict\n"
    "that cites it.\n\n"
    "Examples:\n"
    "  willis sources\n"
    "  willis sources --format json";

constexpr const char* kConflictsHelp =
    "Where sources disagree (upper limits, separation windows, dopamine agonists, iron\n"
    "thresholds, ...), side by side with dates and strength, and which one willis applies\n"
    "and why. The numbers are read from the knowledge base.\n\n"
    "Examples:\n"
    "  willis conflicts\n"
    "  willis conflicts --topic interactions\n"
    "  willis conflicts --format json";

constexpr const char* kAskHelp =
    "Answer a plain question from the knowledge base: the best-matching entries, in their own\n"
    "words, with their sources (SQLite FTS5, bm25). Nothing is generated. When nothing "
    "matches\n"
    "well, willis says so and suggests what to ask a pharmacist.\n\n"
    "Examples:\n"
    "  willis ask \"can I take magnesium with levothyroxine?\"\n"
    "  willis ask \"do epsom salt baths work?\" --format json\n"
    "  willis ask \"how much magnesium is too much?\"";

constexpr const char* kFoodsHelp =
    "Magnesium in foods (USDA SR28 table, public domain): search it, or estimate how much\n"
    "magnesium a day you get from a list of foods.\n\n"
    "Examples:\n"
    "  willis foods search almonds\n"
    "  willis foods search \"spinach boiled\" --format json\n"
    "  willis foods estimate examples/foods.yaml";

constexpr const char* kFoodSearchHelp =
    "Find foods by words or word beginnings (all must match), with magnesium per 100 g and "
    "per\n"
    "portion. \"Not reported\" means SR28 has no value: it is not zero.\n\n"
    "Examples:\n"
    "  willis foods search almonds\n"
    "  willis foods search pumpkin seeds --limit 3\n"
    "  willis foods search \"dark chocolate\" --format json";

constexpr const char* kFoodEstimateHelp =
    "Estimate daily magnesium from food, from a YAML list of foods (5-digit numbers from\n"
    "willis foods search) with a portion or grams, and how many servings a day or week.\n"
    "Prints the diet: block to add to a profile for willis assess.\n\n"
    "Food list format:\n"
    "  foods:\n"
    "    - ndb_no: \"12063\"      # almonds, dry roasted\n"
    "      portion: \"1 oz\"      # a measure from willis foods search, or: grams: 30\n"
    "      servings: 2          # optional (default 1)\n"
    "      per: week            # optional: day (default) or week\n"
    "      label: almonds       # optional: your own name for it\n\n"
    "Examples:\n"
    "  willis foods estimate examples/foods.yaml\n"
    "  willis foods estimate my-foods.yaml --format json";

constexpr const char* kTopicHelp =
    "Only this topic: dose, efficacy, topical, safety, interactions, diagnosis";

void add_evidence_option(CLI::App* command, app::EvidenceRequest& request) {
  command
      ->add_option("--evidence", request.evidence_dir,
                   "Read claims.yaml, conflicts.yaml and ask.yaml from this folder instead of the "
                   "built-in copy")
      ->check(CLI::ExistingDirectory);
}

void add_food_data_option(CLI::App* command, app::EvidenceRequest& request) {
  command
      ->add_option("--food-data", request.food_dir,
                   "Read foods.csv and portions.csv from this folder instead of the built-in copy")
      ->check(CLI::ExistingDirectory);
}

void add_format_option(CLI::App* command, app::EvidenceRequest& request) {
  command->add_option("--format", request.format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
}

using Action = app::CommandResult (*)(const app::CommandContext&, const app::EvidenceRequest&);

/// Gives `command` its --format (and --evidence when `evidence`) after its own options, and
/// runs `action` with the request they fill.
void finish(CLI::App* command, GlobalOptions& global,
            const std::shared_ptr<app::EvidenceRequest>& request, Action action,
            bool evidence = true) {
  add_format_option(command, *request);
  if (evidence) add_evidence_option(command, *request);
  on_run(command, global, [request, action](const app::CommandContext& context) {
    return action(context, *request);
  });
}

app::CommandResult search_foods(const app::CommandContext&, const app::EvidenceRequest& request) {
  return app::search_foods(request);
}

app::CommandResult estimate_foods(const app::CommandContext&, const app::EvidenceRequest& request) {
  return app::estimate_food_magnesium(request);
}

void add_claims(CLI::App& app, GlobalOptions& global) {
  auto request = std::make_shared<app::EvidenceRequest>();
  auto* claims = app.add_subcommand("claims", kClaimsHelp);
  claims->add_option("--topic", request->topic, kTopicHelp)
      ->check(CLI::IsMember(app::claim_topics()));
  claims->add_option("--article", request->article,
                     "Only claims of this article: 000-004, or circulating");
  claims
      ->add_option("--verdict", request->verdict,
                   "Only this verdict: supported, partly, contradicted, unverifiable")
      ->check(CLI::IsMember(app::claim_verdicts()));
  finish(claims, global, request, app::list_claims);
}

void add_sources(CLI::App& app, GlobalOptions& global) {
  finish(app.add_subcommand("sources", kSourcesHelp), global,
         std::make_shared<app::EvidenceRequest>(), app::list_sources);
}

void add_conflicts(CLI::App& app, GlobalOptions& global) {
  auto request = std::make_shared<app::EvidenceRequest>();
  auto* conflicts = app.add_subcommand("conflicts", kConflictsHelp);
  conflicts->add_option("--topic", request->topic, kTopicHelp)
      ->check(CLI::IsMember(app::claim_topics()));
  finish(conflicts, global, request, app::list_conflicts);
}

void add_ask(CLI::App& app, GlobalOptions& global) {
  auto request = std::make_shared<app::EvidenceRequest>();
  auto* ask = app.add_subcommand("ask", kAskHelp);
  ask->add_option("question", request->question, "The question, in quotes")->required();
  finish(ask, global, request, app::answer_question);
}

void add_foods(CLI::App& app, GlobalOptions& global) {
  auto* foods = app.add_subcommand("foods", kFoodsHelp);
  foods->require_subcommand(1);
  auto search_request = std::make_shared<app::EvidenceRequest>();
  auto* search = foods->add_subcommand("search", kFoodSearchHelp);
  search
      ->add_option("words", search_request->words,
                   "Words to find, e.g. almonds, or \"spinach boiled\"")
      ->required();
  search->add_option("--limit", search_request->limit, "At most this many foods (default 10)")
      ->check(CLI::Range(1, 200));
  finish(search, global, search_request, search_foods, /*evidence=*/false);
  add_food_data_option(search, *search_request);

  auto estimate_request = std::make_shared<app::EvidenceRequest>();
  auto* estimate = foods->add_subcommand("estimate", kFoodEstimateHelp);
  estimate->add_option("file", estimate_request->food_list, "Food list (YAML)")->required();
  finish(estimate, global, estimate_request, estimate_foods, /*evidence=*/false);
  add_food_data_option(estimate, *estimate_request);
}

}  // namespace

void register_evidence_commands(CLI::App& app, GlobalOptions& global) {
  add_claims(app, global);
  add_sources(app, global);
  add_conflicts(app, global);
  add_ask(app, global);
  add_foods(app, global);
}

}  // namespace willis::cli
