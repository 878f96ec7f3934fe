// src/cli/evidence_commands.cc: `willis claims | sources | conflicts | ask | foods`. Loads the KB
// and the evidence/ and food data embedded by evidence/CMakeLists.txt, renders; decides nothing.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "app/evidence_source.h"
#include "app/kb_source.h"
#include "cli/commands.h"
#include "codec/evidence_yaml.h"
#include "render/evidence_json.h"
#include "codec/food_csv.h"
#include "render/food_json.h"
#include "core/ask.h"
#include "core/ask_evidence.h"
#include "core/food.h"
#include "store/ask_index.h"

namespace willis::cli {

namespace {

struct EvidenceOptions {
  std::string format = "text";
  std::string evidence_dir;  ///< --evidence DIR: read evidence/*.yaml from a folder instead
  std::string food_dir;  ///< --food-data DIR: read foods.csv and portions.csv from a folder instead
  std::string topic, article, verdict;
  std::string question;
  std::vector<std::string> words;
  std::string food_list;
  int limit = 10;
};

// The KB and the evidence, checked. Reports problems itself; null when they cannot be used.
struct Loaded {
  codec::KbLoad kb;
  core::EvidenceSet evidence;
};

std::unique_ptr<Loaded> load(const GlobalOptions& global, const EvidenceOptions& options) {
  auto loaded = std::make_unique<Loaded>();
  loaded->kb = app::load_kb(global.kb_dir);
  if (!loaded->kb.errors.empty()) {
    for (const auto& error : loaded->kb.errors)
      report_error("knowledge base: " + app::describe_error(error), 2);
    return nullptr;
  }
  auto evidence = app::load_evidence(loaded->kb.kb, options.evidence_dir);
  if (!evidence.errors.empty()) {
    for (const auto& error : evidence.errors)
      report_error("evidence: " + app::describe_error(error), 2);
    return nullptr;
  }
  loaded->evidence = std::move(evidence.evidence);
  return loaded;
}

core::Result<core::FoodTable> load_foods(const EvidenceOptions& options) {
  return app::load_food_table(options.food_dir);
}

// Words of `text` wrapped at `width`, every line starting with `indent`.
std::string wrap(const std::string& text, const std::string& indent, std::size_t width = 96) {
  std::string out, line = indent;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (line.size() > indent.size() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line = indent;
    }
    line += (line.size() > indent.size() ? " " : "") + word;
  }
  if (line.size() > indent.size()) out += line + "\n";
  return out;
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

void print(const std::string& text) {
  std::fputs(text.c_str(), stdout);
  if (!text.empty() && text.back() != '\n') std::fputc('\n', stdout);
}

const char* verdict_label(const std::string& verdict) {
  if (verdict == "supported") return "SUPPORTED";
  if (verdict == "partly") return "PARTLY";
  if (verdict == "contradicted") return "CONTRADICTED";
  return "UNVERIFIABLE";
}

std::string citation(const core::Kb& kb, const std::string& id) {
  const auto found = kb.sources.find(id);
  if (found == kb.sources.end()) return id;
  const auto& s = found->second;
  return id + ": " + s.title + (s.year ? " (" + std::to_string(*s.year) + ")" : "") + " [" +
         s.verification + "]";
}

// ------------------------------------------------------------------------------------- claims
int run_claims(const GlobalOptions& global, const EvidenceOptions& options) {
  const auto loaded = load(global, options);
  if (!loaded) return 2;
  const auto& evidence = loaded->evidence;
  if (!options.article.empty() && !evidence.article(options.article)) {
    std::vector<std::string> ids;
    for (const auto& article : evidence.articles) ids.push_back(article.id);
    return report_error("no article \"" + options.article + "\"; articles are " + join(ids, ", "),
                        2);
  }
  std::vector<const core::Claim*> claims;
  for (const auto& claim : evidence.claims)
    if ((options.topic.empty() || claim.topic == options.topic) &&
        (options.article.empty() || claim.article == options.article) &&
        (options.verdict.empty() || claim.verdict == options.verdict))
      claims.push_back(&claim);
  if (options.format == "json") {
    print(render::claims_json(claims));
    return 0;
  }
  std::map<std::string, int> counts;
  for (const auto* claim : claims) ++counts[claim->verdict];
  std::string out =
      "Claims about magnesium, restless legs and sleep, checked against willis's sources\n";
  out += std::to_string(claims.size()) + " claims";
  for (const auto& verdict : core::kClaimVerdicts)
    out += ", " + std::to_string(counts[verdict]) + " " + verdict;
  out += "\n";
  std::string current_article;
  for (const auto* claim : claims) {
    if (claim->article != current_article) {
      current_article = claim->article;
      const auto* article = evidence.article(current_article);
      out += "\n== " +
             (article ? (current_article == "circulating"
                             ? article->title
                             : current_article + ": \"" + article->title + "\" - " +
                                   article->publisher + ", " + article->date)
                      : current_article) +
             "\n";
    }
    out += "\n[" + std::string(verdict_label(claim->verdict)) + "] " + claim->id + " (" +
           claim->topic + ")\n";
    out += wrap("Claim: " + claim->claim, "  ");
    out += wrap("Why: " + claim->explanation, "  ");
    out += wrap("Sources: " + join(claim->sources, ", "), "  ");
  }
  out += "\nSources in full: willis sources. " + loaded->kb.kb.rules.disclaimer + "\n";
  print(out);
  return 0;
}

// ------------------------------------------------------------------------------------ sources
int run_sources(const GlobalOptions& global, const EvidenceOptions& options) {
  const auto loaded = load(global, options);
  if (!loaded) return 2;
  const auto& kb = loaded->kb.kb;
  if (options.format == "json") {
    print(render::sources_json(kb, loaded->evidence));
    return 0;
  }
  const auto cited = core::source_citations(kb, loaded->evidence);
  std::string out = "Every source in willis's knowledge base (" +
                    std::to_string(kb.sources.size()) +
                    "), and what cites it\nVerification: V primary text read; V2 faithful "
                    "secondary copy; P partly "
                    "verified; COMPUTED derived by willis\n";
  for (const auto& [id, source] : kb.sources) {
    out += "\n" + id + " [" + source.verification + "]\n";
    out += wrap(source.title + ". " + source.publisher +
                    (source.year ? ", " + std::to_string(*source.year) : "") + ".",
                "  ");
    if (!source.doi.empty()) out += "  doi:" + source.doi + "\n";
    if (!source.pmid.empty()) out += "  PMID " + source.pmid + "\n";
    if (!source.url.empty()) out += "  " + source.url + "\n";
    const auto found = cited.find(id);
    const auto& by = found == cited.end() ? std::vector<std::string>{} : found->second;
    out += wrap("Cited by (" + std::to_string(by.size()) +
                    "): " + (by.empty() ? "nothing" : join(by, ", ")),
                "  ");
  }
  print(out);
  return 0;
}

// ---------------------------------------------------------------------------------- conflicts
int run_conflicts(const GlobalOptions& global, const EvidenceOptions& options) {
  const auto loaded = load(global, options);
  if (!loaded) return 2;
  std::vector<const core::Conflict*> conflicts;
  for (const auto& conflict : loaded->evidence.conflicts)
    if (options.topic.empty() || conflict.topic == options.topic) conflicts.push_back(&conflict);
  if (options.format == "json") {
    print(render::conflicts_json(conflicts));
    return 0;
  }
  std::string out =
      "Where sources disagree, side by side (" + std::to_string(conflicts.size()) + ")\n";
  for (const auto* conflict : conflicts) {
    out += "\n== " + conflict->title + "  [" + conflict->id + ", " + conflict->topic + "]\n";
    out += wrap(conflict->summary, "  ");
    for (const auto& position : conflict->positions) {
      out += "\n  " + std::string(position.applied ? "* " : "- ") + position.authority +
             (position.applied ? "  (willis applies this)" : "") + "\n";
      out += wrap("Date: " + position.date + ". Strength: " + position.strength + ".", "      ");
      out += wrap(position.says, "      ");
      out += wrap("Sources: " + join(position.sources, ", ") +
                      (position.ref.empty() ? "" : "  (numbers from kb: " + position.ref + ")"),
                  "      ");
    }
    out += "\n" + wrap("What willis applies, and why: " + conflict->applies, "  ");
  }
  print(out);
  return 0;
}

// ---------------------------------------------------------------------------------------- ask
int run_ask(const GlobalOptions& global, const EvidenceOptions& options) {
  const auto loaded = load(global, options);
  if (!loaded) return 2;
  const auto& kb = loaded->kb.kb;
  if (core::ask_words(options.question).empty())
    return report_error(
        "ask needs a question, e.g. willis ask \"can I take magnesium with levothyroxine?\"", 2);
  auto index = store::AskIndex::build(core::build_ask_docs(kb, loaded->evidence));
  if (!index.ok()) return report_error(index.error().message, 2);
  const auto result = index.value().ask(options.question, loaded->evidence.ask, kb);
  if (!result.ok()) return report_error(result.error().message, 2);
  const auto& answer = result.value();
  const auto& settings = loaded->evidence.ask;
  if (options.format == "json") {
    print(render::ask_json(answer, settings));
    return 0;
  }
  std::string out = "Q: " + answer.question + "\n";
  if (!answer.matched) {
    out += "\n" + wrap(settings.no_match_title + ".", "") + wrap(settings.no_match_detail, "") +
           "\nQuestions to ask a pharmacist:\n";
    for (const auto& question : settings.ask_pharmacist) out += wrap("- " + question, "  ");
  } else {
    out += "From willis's knowledge base (the entries' own words, best match first):\n";
    int number = 0;
    for (const auto& item : answer.answers) {
      char score[32];
      std::snprintf(score, sizeof score, "%.1f", item.score);
      out += "\n" + std::to_string(++number) + ". " + item.title + "\n";
      out += "   [" + item.kb_id + ", score " + score + "]\n";
      out += wrap(item.text, "   ");
      out += "   Sources:\n";
      for (const auto& id : item.sources) out += wrap(citation(kb, id), "     ");
    }
  }
  out += "\n" + wrap(kb.rules.disclaimer, "");
  print(out);
  return 0;
}

// -------------------------------------------------------------------------------------- foods
std::string mg_text(const std::optional<double>& mg) {
  if (!mg) return "not reported";
  char text[32];
  std::snprintf(text, sizeof text, "%.0f mg", std::round(*mg));
  return text;
}

int run_food_search(const EvidenceOptions& options) {
  const std::string words = join(options.words, " ");
  if (core::ask_words(words).empty())
    return report_error("foods search needs words, e.g. willis foods search almonds", 2);
  auto table = load_foods(options);
  if (!table.ok()) return report_error(app::describe_error(table.error()), 2);
  auto index = store::FoodIndex::build(table.value());
  if (!index.ok()) return report_error(index.error().message, 2);
  auto found = index.value().search(words, options.limit);
  if (!found.ok()) return report_error(found.error().message, 2);
  if (options.format == "json") {
    print(render::foods_json(found.value()));
    return 0;
  }
  if (found.value().empty()) {
    print("No food in USDA SR28 matches \"" + words +
          "\". Try fewer or shorter words (\"almond\", \"spinach boiled\").\n");
    return 0;
  }
  std::string out = "Magnesium in foods matching \"" + words + "\" (USDA SR28; best match first)\n";
  for (const core::Food* food : found.value()) {
    char per100[48];
    if (food->mg_per_100g)
      std::snprintf(per100, sizeof per100, "%g mg per 100 g", *food->mg_per_100g);
    else
      std::snprintf(per100, sizeof per100, "magnesium not reported");
    out += "\n" + food->ndb_no + "  " + food->description + "\n      " + per100 + "\n";
    for (const auto& portion : food->portions) {
      char grams[32];
      std::snprintf(grams, sizeof grams, "%g g", portion.grams);
      out += "      " + portion.measure() + " (" + grams +
             "): " + mg_text(core::food_mg(*food, portion.grams)) + "\n";
    }
  }
  out +=
      "\nUse the 5-digit number in a food list for willis foods estimate (see "
      "examples/foods.yaml).\n";
  print(out);
  return 0;
}

int run_food_estimate(const EvidenceOptions& options) {
  auto text = app::read_file(options.food_list);
  if (!text.ok()) return report_error(text.error().message, 2);
  const auto list = codec::parse_food_list(text.value(), options.food_list);
  if (!list.errors.empty()) {
    for (const auto& error : list.errors) report_error(app::describe_error(error), 2);
    return 2;
  }
  auto table = load_foods(options);
  if (!table.ok()) return report_error(app::describe_error(table.error()), 2);
  auto estimate = core::estimate_diet(table.value(), list.items);
  if (!estimate.ok()) {
    core::Error error = estimate.error();
    error.file = options.food_list;
    return report_error(app::describe_error(error), 2);
  }
  const auto& result = estimate.value();
  if (options.format == "json") {
    print(render::food_estimate_json(result));
    return 0;
  }
  std::string out = "Magnesium from food, per day (USDA SR28)\n\n";
  for (const auto& item : result.items) {
    char line[200];
    std::snprintf(line, sizeof line, "%s x %g a %s (%g g a day)", item.measure.c_str(),
                  item.servings, item.per_week ? "week" : "day",
                  std::round(item.grams_per_serving * item.servings_per_day * 10) / 10);
    char mg[32];
    if (item.mg_per_day)
      std::snprintf(mg, sizeof mg, "%.1f mg", *item.mg_per_day);
    else
      std::snprintf(mg, sizeof mg, "not reported");
    out += "  " + item.food->ndb_no + "  " +
           (item.label.empty() ? item.food->description
                               : item.label + " (" + item.food->description + ")") +
           "\n         " + line + ": " + mg + "\n";
  }
  char total[64];
  std::snprintf(total, sizeof total, "%.0f", std::round(result.total_mg_per_day));
  if (result.complete()) {
    out += "\nTotal: about " + std::string(total) + " mg of magnesium a day from these foods.\n";
  } else {
    out += "\nTotal: at least " + std::string(total) + " mg a day. " +
           std::to_string(result.not_reported.size()) +
           " food(s) have no magnesium value in SR28 (" + join(result.not_reported, ", ") +
           "); they are not counted as zero, so the real total is higher.\n";
  }
  out +=
      "\nFor willis assess, add this to your profile (compared with your RDA/RNI; food never "
      "counts\n"
      "toward the upper limit for supplements):\n\n  diet:\n    magnesium_mg_per_day: " +
      std::string(total) + (result.complete() ? "" : "   # a lower bound") + "\n";
  print(out);
  return 0;
}

void add_evidence_option(CLI::App* command, EvidenceOptions& options) {
  command
      ->add_option("--evidence", options.evidence_dir,
                   "Read claims.yaml, conflicts.yaml and ask.yaml from this folder instead of the "
                   "built-in copy")
      ->check(CLI::ExistingDirectory);
}

void add_format_option(CLI::App* command, EvidenceOptions& options) {
  command->add_option("--format", options.format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
}

}  // namespace

void register_evidence_commands(CLI::App& app, GlobalOptions& global) {
  // ---------------------------------------------------------------- claims
  {
    auto options = std::make_shared<EvidenceOptions>();
    auto* claims = app.add_subcommand(
        "claims",
        "Claims about magnesium, restless legs and sleep - from five articles people read, and\n"
        "others that circulate - each with a verdict (supported, partly, contradicted,\n"
        "unverifiable), the reason in one paragraph, and the sources behind it.\n\n"
        "Examples:\n"
        "  willis claims\n"
        "  willis claims --topic topical\n"
        "  willis claims --article 004 --format json\n"
        "  willis claims --verdict contradicted");
    claims
        ->add_option("--topic", options->topic,
                     "Only this topic: dose, efficacy, topical, safety, interactions, diagnosis")
        ->check(CLI::IsMember(core::kClaimTopics));
    claims->add_option("--article", options->article,
                       "Only claims of this article: 000-004, or circulating");
    claims
        ->add_option("--verdict", options->verdict,
                     "Only this verdict: supported, partly, contradicted, unverifiable")
        ->check(CLI::IsMember(core::kClaimVerdicts));
    add_format_option(claims, *options);
    add_evidence_option(claims, *options);
    claims->callback([&global, options] { global.exit_code = run_claims(global, *options); });
  }
  // ---------------------------------------------------------------- sources
  {
    auto options = std::make_shared<EvidenceOptions>();
    auto* sources = app.add_subcommand(
        "sources",
        "Every source willis cites, how it was verified, and every KB entry, claim and conflict\n"
        "that cites it.\n\n"
        "Examples:\n"
        "  willis sources\n"
        "  willis sources --format json");
    add_format_option(sources, *options);
    add_evidence_option(sources, *options);
    sources->callback([&global, options] { global.exit_code = run_sources(global, *options); });
  }
  // ---------------------------------------------------------------- conflicts
  {
    auto options = std::make_shared<EvidenceOptions>();
    auto* conflicts = app.add_subcommand(
        "conflicts",
        "Where sources disagree (upper limits, separation windows, dopamine agonists, iron\n"
        "thresholds, ...), side by side with dates and strength, and which one willis applies\n"
        "and why. The numbers are read from the knowledge base.\n\n"
        "Examples:\n"
        "  willis conflicts\n"
        "  willis conflicts --topic interactions\n"
        "  willis conflicts --format json");
    conflicts
        ->add_option("--topic", options->topic,
                     "Only this topic: dose, efficacy, topical, safety, interactions, diagnosis")
        ->check(CLI::IsMember(core::kClaimTopics));
    add_format_option(conflicts, *options);
    add_evidence_option(conflicts, *options);
    conflicts->callback([&global, options] { global.exit_code = run_conflicts(global, *options); });
  }
  // ---------------------------------------------------------------- ask
  {
    auto options = std::make_shared<EvidenceOptions>();
    auto* ask = app.add_subcommand(
        "ask",
        "Answer a plain question from the knowledge base: the best-matching entries, in their own\n"
        "words, with their sources (SQLite FTS5, bm25). Nothing is generated. When nothing "
        "matches\n"
        "well, willis says so and suggests what to ask a pharmacist.\n\n"
        "Examples:\n"
        "  willis ask \"can I take magnesium with levothyroxine?\"\n"
        "  willis ask \"do epsom salt baths work?\" --format json\n"
        "  willis ask \"how much magnesium is too much?\"");
    ask->add_option("question", options->question, "The question, in quotes")->required();
    add_format_option(ask, *options);
    add_evidence_option(ask, *options);
    ask->callback([&global, options] { global.exit_code = run_ask(global, *options); });
  }
  // ---------------------------------------------------------------- foods
  {
    auto* foods = app.add_subcommand(
        "foods",
        "Magnesium in foods (USDA SR28 table, public domain): search it, or estimate how much\n"
        "magnesium a day you get from a list of foods.\n\n"
        "Examples:\n"
        "  willis foods search almonds\n"
        "  willis foods search \"spinach boiled\" --format json\n"
        "  willis foods estimate examples/foods.yaml");
    foods->require_subcommand(1);
    auto search_options = std::make_shared<EvidenceOptions>();
    auto* search = foods->add_subcommand(
        "search",
        "Find foods by words or word beginnings (all must match), with magnesium per 100 g and "
        "per\n"
        "portion. \"Not reported\" means SR28 has no value: it is not zero.\n\n"
        "Examples:\n"
        "  willis foods search almonds\n"
        "  willis foods search pumpkin seeds --limit 3\n"
        "  willis foods search \"dark chocolate\" --format json");
    search
        ->add_option("words", search_options->words,
                     "Words to find, e.g. almonds, or \"spinach boiled\"")
        ->required();
    search->add_option("--limit", search_options->limit, "At most this many foods (default 10)")
        ->check(CLI::Range(1, 200));
    add_format_option(search, *search_options);
    search
        ->add_option(
            "--food-data", search_options->food_dir,
            "Read foods.csv and portions.csv from this folder instead of the built-in copy")
        ->check(CLI::ExistingDirectory);
    search->callback(
        [&global, search_options] { global.exit_code = run_food_search(*search_options); });

    auto estimate_options = std::make_shared<EvidenceOptions>();
    auto* estimate = foods->add_subcommand(
        "estimate",
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
        "  willis foods estimate my-foods.yaml --format json");
    estimate->add_option("file", estimate_options->food_list, "Food list (YAML)")->required();
    add_format_option(estimate, *estimate_options);
    estimate
        ->add_option(
            "--food-data", estimate_options->food_dir,
            "Read foods.csv and portions.csv from this folder instead of the built-in copy")
        ->check(CLI::ExistingDirectory);
    estimate->callback(
        [&global, estimate_options] { global.exit_code = run_food_estimate(*estimate_options); });
  }
}

}  // namespace willis::cli
