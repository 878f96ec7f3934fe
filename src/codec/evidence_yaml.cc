#include "codec/evidence_yaml.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "codec/yaml_fields.h"

namespace willis::codec {

using core::Errc;

namespace {

const char* const kClaimsFile = "claims.yaml";
const char* const kConflictsFile = "conflicts.yaml";
const char* const kAskFile = "ask.yaml";

// "000" for a seed claim id "000-14"; empty for any other id.
std::string seed_article(const std::string& id) {
  if (id.size() < 5 || id[3] != '-') return "";
  for (std::size_t pos = 0; pos < id.size(); ++pos)
    if (pos != 3 && !std::isdigit(static_cast<unsigned char>(id[pos]))) return "";
  return id.substr(0, 3);
}

struct Loader {
  const core::Kb& kb;
  ErrorSink sink;
  core::EvidenceSet out;

  void check_sources(Fields& fields, const char* key, const std::vector<std::string>& sources) {
    for (const auto& id : sources)
      if (!kb.sources.count(id))
        fields.error(Errc::invalid_kb, key, "source \"" + id + "\" is not in kb/sources.yaml");
  }

  std::vector<std::string> read_sources(Fields& fields, const char* key, bool required) {
    auto sources = fields.texts(key, required);
    if (required && fields.has(key) && sources.empty())
      fields.error(Errc::missing_field, key, "must cite at least one source");
    check_sources(fields, key, sources);
    return sources;
  }

  std::string required_text(Fields& fields, const char* key) {
    auto value = fields.text(key, true);
    if (value && value->empty()) fields.error(Errc::invalid_value, key, "must not be empty");
    return value.value_or("");
  }

  void load_claims(const YAML::Node& root, const std::string& file) {
    Fields top(root, "", file, sink);
    out.last_reviewed = top.text("last_reviewed", true).value_or("");
    const YAML::Node articles = top.node("articles");
    std::set<std::string> article_ids;
    if (!articles.IsSequence()) {
      top.error(Errc::missing_field, "articles",
                "is required: a list of {id, title, publisher, date}");
    } else {
      for (std::size_t idx = 0; idx < articles.size(); ++idx) {
        Fields item(articles[idx], item_path("articles", idx), file, sink);
        core::Article article;
        article.id = required_text(item, "id");
        article.title = required_text(item, "title");
        article.publisher = required_text(item, "publisher");
        article.date = required_text(item, "date");
        item.finish();
        if (!article_ids.insert(article.id).second)
          item.error(Errc::invalid_kb, "id", "duplicate article id \"" + article.id + "\"");
        out.articles.push_back(std::move(article));
      }
    }
    const YAML::Node claims = top.node("claims");
    top.finish();
    if (!claims.IsSequence()) {
      sink.add(Errc::missing_field, "claims", "is required: a list of claims", file, line_of(root));
      return;
    }
    std::set<std::string> ids;
    for (std::size_t idx = 0; idx < claims.size(); ++idx) {
      Fields item(claims[idx], item_path("claims", idx), file, sink);
      core::Claim claim;
      claim.loc = {file, item.line()};
      claim.id = required_text(item, "id");
      claim.article = required_text(item, "article");
      claim.topic =
          item.choice("topic",
                      {"dose", "efficacy", "topical", "safety", "interactions", "diagnosis"}, true)
              .value_or("");
      claim.claim = required_text(item, "claim");
      claim.verdict =
          item.choice("verdict", {"supported", "partly", "contradicted", "unverifiable"}, true)
              .value_or("");
      claim.explanation = required_text(item, "explanation");
      claim.sources = read_sources(item, "sources", true);
      if (!claim.id.empty() && !ids.insert(claim.id).second)
        item.error(Errc::invalid_kb, "id", "duplicate claim id \"" + claim.id + "\"");
      if (!claim.article.empty() && !article_ids.count(claim.article))
        item.error(Errc::invalid_kb, "article",
                   "article \"" + claim.article + "\" is not listed under articles");
      if (const auto prefix = seed_article(claim.id); !prefix.empty() && prefix != claim.article)
        item.error(Errc::invalid_kb, "article",
                   "seed claim " + claim.id + " must belong to article \"" + prefix + "\"");
      if (claim.explanation.find("\n\n") != std::string::npos)
        item.error(Errc::invalid_value, "explanation", "must be one paragraph");
      item.finish();
      out.claims.push_back(std::move(claim));
    }
  }

  // Fills a template from a ref; errors are reported at `key` of `fields`.
  std::string fill(Fields& fields, const char* key, const std::string& text,
                   const core::RefValues& values) {
    auto filled = core::fill_placeholders(text, values.values);
    if (!filled.ok()) {
      fields.error(Errc::invalid_value, key, filled.error().message);
      return text;
    }
    return filled.value();
  }

  core::RefValues resolve(Fields& fields, const char* key, const std::string& ref) {
    if (ref.empty()) return {};
    auto resolved = core::resolve_ref(kb, ref);
    if (!resolved.ok()) {
      fields.error(
          resolved.error().code == Errc::not_found ? Errc::invalid_kb : Errc::invalid_value, key,
          resolved.error().message);
      return {};
    }
    return resolved.value();
  }

  void load_conflicts(const YAML::Node& root, const std::string& file) {
    Fields top(root, "", file, sink);
    top.text("last_reviewed", true);
    const YAML::Node conflicts = top.node("conflicts");
    top.finish();
    if (!conflicts.IsSequence()) {
      sink.add(Errc::missing_field, "conflicts", "is required: a list of conflicts", file,
               line_of(root));
      return;
    }
    std::set<std::string> ids;
    for (std::size_t idx = 0; idx < conflicts.size(); ++idx) {
      Fields item(conflicts[idx], item_path("conflicts", idx), file, sink);
      core::Conflict conflict;
      conflict.loc = {file, item.line()};
      conflict.id = required_text(item, "id");
      conflict.topic =
          item.choice("topic",
                      {"dose", "efficacy", "topical", "safety", "interactions", "diagnosis"}, true)
              .value_or("");
      conflict.title = required_text(item, "title");
      conflict.summary = required_text(item, "summary");
      conflict.applies_template = required_text(item, "applies");
      conflict.applies_ref = item.text("applies_ref").value_or("");
      conflict.sources = read_sources(item, "sources", false);
      const auto applies_values = resolve(item, "applies_ref", conflict.applies_ref);
      conflict.applies = fill(item, "applies", conflict.applies_template, applies_values);
      if (!conflict.id.empty() && !ids.insert(conflict.id).second)
        item.error(Errc::invalid_kb, "id", "duplicate conflict id \"" + conflict.id + "\"");
      const YAML::Node positions = item.node("positions");
      if (!positions.IsSequence() || positions.size() < 2) {
        item.error(Errc::invalid_value, "positions", "a conflict needs at least two positions");
      } else {
        for (std::size_t pos = 0; pos < positions.size(); ++pos) {
          Fields p(positions[pos], item_path(item.child_path("positions"), pos), file, sink);
          core::ConflictPosition position;
          position.loc = {file, p.line()};
          position.authority = required_text(p, "authority");
          position.ref = p.text("ref").value_or("");
          position.date_template = required_text(p, "date");
          position.strength_template = required_text(p, "strength");
          position.says_template = required_text(p, "says");
          position.applied = p.boolean("applied").value_or(false);
          position.sources = read_sources(p, "sources", false);
          const auto values = resolve(p, "ref", position.ref);
          for (const auto& source : values.sources)
            if (std::find(position.sources.begin(), position.sources.end(), source) ==
                position.sources.end())
              position.sources.push_back(source);
          position.date = fill(p, "date", position.date_template, values);
          position.strength = fill(p, "strength", position.strength_template, values);
          position.says = fill(p, "says", position.says_template, values);
          if (position.sources.empty())
            p.error(Errc::missing_field, "sources",
                    "a position needs sources (its own or its ref's)");
          p.finish();
          conflict.positions.push_back(std::move(position));
        }
        if (std::none_of(conflict.positions.begin(), conflict.positions.end(),
                         [](const auto& p) { return p.applied; }))
          item.error(Errc::invalid_value, "positions",
                     "mark the position(s) willis applies with applied: true");
      }
      item.finish();
      out.conflicts.push_back(std::move(conflict));
    }
  }

  void load_ask(const YAML::Node& root, const std::string& file) {
    Fields top(root, "", file, sink);
    auto& ask = out.ask;
    const YAML::Node synonyms = top.node("synonyms");
    if (synonyms.IsDefined() && !synonyms.IsSequence())
      top.error(Errc::invalid_type, "synonyms", "expected a list of {words, add}");
    if (synonyms.IsSequence())
      for (std::size_t idx = 0; idx < synonyms.size(); ++idx) {
        Fields item(synonyms[idx], item_path("synonyms", idx), file, sink);
        core::AskSynonym synonym;
        synonym.words = item.texts("words", true);
        synonym.add = item.texts("add", true);
        item.finish();
        ask.synonyms.push_back(std::move(synonym));
      }
    ask.stop_words = top.texts("stop_words", true);
    ask.weak_words = top.texts("weak_words", true);
    ask.min_score = top.number("min_score", 0, 1000, true).value_or(0);
    ask.max_answers = static_cast<int>(top.integer("max_answers", 1, 20, true).value_or(5));
    Fields no_match(top.node("no_match"), "no_match", file, sink);
    ask.no_match_title = required_text(no_match, "title");
    ask.no_match_detail = required_text(no_match, "detail");
    ask.ask_pharmacist = no_match.texts("ask_pharmacist", true);
    ask.no_match_sources = read_sources(no_match, "sources", true);
    no_match.finish();
    top.finish();
  }
};

}  // namespace

EvidenceLoad load_evidence(const std::vector<KbFile>& files, const core::Kb& kb) {
  Loader loader{kb, {}, {}};
  std::set<std::string> seen;
  for (const auto& file : files) {
    if (file.name != kClaimsFile && file.name != kConflictsFile && file.name != kAskFile) {
      loader.sink.add(Errc::io_error, "",
                      "unknown file in evidence/ (expected claims.yaml, conflicts.yaml, ask.yaml)",
                      file.name, 0);
      continue;
    }
    seen.insert(file.name);
    auto root = parse_yaml_text(file.text, file.name);
    if (!root.ok()) {
      loader.sink.errors.push_back(root.error());
      continue;
    }
    if (file.name == kClaimsFile) loader.load_claims(root.value(), file.name);
    if (file.name == kConflictsFile) loader.load_conflicts(root.value(), file.name);
    if (file.name == kAskFile) loader.load_ask(root.value(), file.name);
  }
  for (const char* name : {kClaimsFile, kConflictsFile, kAskFile})
    if (!seen.count(name))
      loader.sink.add(Errc::io_error, "", std::string("evidence/") + name + " is missing", name, 0);
  return EvidenceLoad{std::move(loader.out), std::move(loader.sink.errors)};
}

}  // namespace willis::codec
