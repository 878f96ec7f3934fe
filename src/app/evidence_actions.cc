#include "app/evidence_actions.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include "app/evidence_source.h"
#include "app/kb_source.h"
#include "codec/evidence_yaml.h"
#include "codec/food_csv.h"
#include "core/ask.h"
#include "core/ask_evidence.h"
#include "core/food.h"
#include "render/evidence_json.h"
#include "render/food_json.h"
#include "store/ask_index.h"

namespace willis::app {
namespace {

// The KB and the evidence, checked. Reports problems itself; null when they cannot be used.
struct Loaded {
  codec::KbLoad kb;
  core::EvidenceSet evidence;
};

std::unique_ptr<Loaded> load(const CommandContext& context, const EvidenceRequest& options,
                             CommandResult& result) {
  auto loaded = std::make_unique<Loaded>();
  loaded->kb = load_kb(context.kb_dir);
  if (!loaded->kb.errors.empty()) {
    for (const auto& error : loaded->kb.errors)
      result.error("knowledge base: " + describe_error(error));
    return nullptr;
  }
  auto evidence = load_evidence(loaded->kb.kb, options.evidence_dir);
  if (!evidence.errors.empty()) {
    for (const auto& error : evidence.errors) result.error("evidence: " + describe_error(error));
    return nullptr;
  }
  loaded->evidence = std::move(evidence.evidence);
  return loaded;
}

core::Result<core::FoodTable> load_foods(const EvidenceRequest& options) {
  return load_food_table(options.food_dir);
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

/// The text as printed: a line break added when it does not end in one.
std::string printed(std::string text) {
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
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

// -------------------------------------------------------------------------------------- foods
std::string mg_text(const std::optional<double>& mg) {
  if (!mg) return "not reported";
  char text[32];
  std::snprintf(text, sizeof text, "%.0f mg", std::round(*mg));
  return text;
}

}  // namespace

// ------------------------------------------------------------------------------------- claims
CommandResult list_claims(const CommandContext& context, const EvidenceRequest& options) {
  CommandResult result;
  const auto loaded = load(context, options, result);
  if (!loaded) return result;
  const auto& evidence = loaded->evidence;
  if (!options.article.empty() && !evidence.article(options.article)) {
    std::vector<std::string> ids;
    for (const auto& article : evidence.articles) ids.push_back(article.id);
    return result.error("no article \"" + options.article + "\"; articles are " + join(ids, ", "),
                        2);
  }
  std::vector<const core::Claim*> claims;
  for (const auto& claim : evidence.claims)
    if ((options.topic.empty() || claim.topic == options.topic) &&
        (options.article.empty() || claim.article == options.article) &&
        (options.verdict.empty() || claim.verdict == options.verdict))
      claims.push_back(&claim);
  if (options.format == "json") {
    result.out = printed(render::claims_json(claims));
    return result;
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
  result.out = printed(out);
  return result;
}

// ------------------------------------------------------------------------------------ sources
CommandResult list_sources(const CommandContext& context, const EvidenceRequest& options) {
  CommandResult result;
  const auto loaded = load(context, options, result);
  if (!loaded) return result;
  const auto& kb = loaded->kb.kb;
  if (options.format == "json") {
    result.out = printed(render::sources_json(kb, loaded->evidence));
    return result;
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
  result.out = printed(out);
  return result;
}

// ---------------------------------------------------------------------------------- conflicts
CommandResult list_conflicts(const CommandContext& context, const EvidenceRequest& options) {
  CommandResult result;
  const auto loaded = load(context, options, result);
  if (!loaded) return result;
  std::vector<const core::Conflict*> conflicts;
  for (const auto& conflict : loaded->evidence.conflicts)
    if (options.topic.empty() || conflict.topic == options.topic) conflicts.push_back(&conflict);
  if (options.format == "json") {
    result.out = printed(render::conflicts_json(conflicts));
    return result;
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
  result.out = printed(out);
  return result;
}

// ---------------------------------------------------------------------------------------- ask
CommandResult answer_question(const CommandContext& context, const EvidenceRequest& options) {
  CommandResult result;
  const auto loaded = load(context, options, result);
  if (!loaded) return result;
  const auto& kb = loaded->kb.kb;
  if (core::ask_words(options.question).empty())
    return result.error(
        "ask needs a question, e.g. willis ask \"can I take magnesium with levothyroxine?\"");
  auto index = store::AskIndex::build(core::build_ask_docs(kb, loaded->evidence));
  if (!index.ok()) return result.error(index.error().message);
  const auto found = index.value().ask(options.question, loaded->evidence.ask, kb);
  if (!found.ok()) return result.error(found.error().message);
  const auto& answer = found.value();
  const auto& settings = loaded->evidence.ask;
  if (options.format == "json") {
    result.out = printed(render::ask_json(answer, settings));
    return result;
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
  result.out = printed(out);
  return result;
}

// -------------------------------------------------------------------------------------- foods
CommandResult search_foods(const EvidenceRequest& options) {
  CommandResult result;
  const std::string words = join(options.words, " ");
  if (core::ask_words(words).empty())
    return result.error("foods search needs words, e.g. willis foods search almonds");
  auto table = load_foods(options);
  if (!table.ok()) return result.error(describe_error(table.error()));
  auto index = store::FoodIndex::build(table.value());
  if (!index.ok()) return result.error(index.error().message);
  auto found = index.value().search(words, options.limit);
  if (!found.ok()) return result.error(found.error().message);
  if (options.format == "json") {
    result.out = printed(render::foods_json(found.value()));
    return result;
  }
  if (found.value().empty()) {
    result.out = printed("No food in USDA SR28 matches \"" + words +
                         "\". Try fewer or shorter words (\"almond\", \"spinach boiled\").\n");
    return result;
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
  result.out = printed(out);
  return result;
}

CommandResult estimate_food_magnesium(const EvidenceRequest& options) {
  CommandResult result;
  auto text = read_file(options.food_list);
  if (!text.ok()) return result.error(text.error().message);
  const auto list = codec::parse_food_list(text.value(), options.food_list);
  if (!list.errors.empty()) {
    for (const auto& error : list.errors) result.error(describe_error(error));
    return result;
  }
  auto table = load_foods(options);
  if (!table.ok()) return result.error(describe_error(table.error()));
  auto estimate = core::estimate_diet(table.value(), list.items);
  if (!estimate.ok()) {
    core::Error error = estimate.error();
    error.file = options.food_list;
    return result.error(describe_error(error));
  }
  const auto& diet = estimate.value();
  if (options.format == "json") {
    result.out = printed(render::food_estimate_json(diet));
    return result;
  }
  std::string out = "Magnesium from food, per day (USDA SR28)\n\n";
  for (const auto& item : diet.items) {
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
  std::snprintf(total, sizeof total, "%.0f", std::round(diet.total_mg_per_day));
  if (diet.complete()) {
    out += "\nTotal: about " + std::string(total) + " mg of magnesium a day from these foods.\n";
  } else {
    out += "\nTotal: at least " + std::string(total) + " mg a day. " +
           std::to_string(diet.not_reported.size()) + " food(s) have no magnesium value in SR28 (" +
           join(diet.not_reported, ", ") +
           "); they are not counted as zero, so the real total is higher.\n";
  }
  out +=
      "\nFor willis assess, add this to your profile (compared with your RDA/RNI; food never "
      "counts\n"
      "toward the upper limit for supplements):\n\n  diet:\n    magnesium_mg_per_day: " +
      std::string(total) + (diet.complete() ? "" : "   # a lower bound") + "\n";
  result.out = printed(out);
  return result;
}

}  // namespace willis::app
