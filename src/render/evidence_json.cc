#include "render/evidence_json.h"

#include <cmath>
#include <map>

#include "render/json_writer.h"

namespace willis::render {

namespace {

void write_strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& items) {
  w.key(key);
  w.begin_array();
  for (const auto& item : items) w.value(item);
  w.end_array();
}

void write_or_null(JsonWriter& w, std::string_view key, const std::string& value) {
  if (value.empty())
    w.member_null(key);
  else
    w.member(key, value);
}

}  // namespace

std::string claims_json(const std::vector<const core::Claim*>& claims, bool pretty) {
  JsonWriter w(pretty);
  w.begin_object();
  w.key("claims");
  w.begin_array();
  for (const core::Claim* claim : claims) {
    w.begin_object();
    w.member("id", claim->id);
    w.member("article", claim->article);
    w.member("topic", claim->topic);
    w.member("claim", claim->claim);
    w.member("verdict", claim->verdict);
    w.member("explanation", claim->explanation);
    write_strings(w, "sources", claim->sources);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

std::string sources_json(const core::Kb& kb, const core::EvidenceSet& evidence, bool pretty) {
  const auto cited = core::source_citations(kb, evidence);
  JsonWriter w(pretty);
  w.begin_object();
  w.key("sources");
  w.begin_array();
  for (const auto& [id, source] : kb.sources) {
    w.begin_object();
    w.member("id", id);
    w.member("title", source.title);
    write_or_null(w, "publisher", source.publisher);
    if (source.year)
      w.member("year", *source.year);
    else
      w.member_null("year");
    write_or_null(w, "url", source.url);
    write_or_null(w, "doi", source.doi);
    write_or_null(w, "pmid", source.pmid);
    w.member("verification", source.verification);
    write_or_null(w, "verified_how", source.verified_how);
    const auto found = cited.find(id);
    write_strings(w, "cited_by", found == cited.end() ? std::vector<std::string>{} : found->second);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

std::string conflicts_json(const std::vector<const core::Conflict*>& conflicts, bool pretty) {
  JsonWriter w(pretty);
  w.begin_object();
  w.key("conflicts");
  w.begin_array();
  for (const core::Conflict* conflict : conflicts) {
    w.begin_object();
    w.member("id", conflict->id);
    w.member("topic", conflict->topic);
    w.member("title", conflict->title);
    w.member("summary", conflict->summary);
    w.key("positions");
    w.begin_array();
    for (const auto& position : conflict->positions) {
      w.begin_object();
      w.member("authority", position.authority);
      w.member("date", position.date);
      w.member("strength", position.strength);
      w.member("says", position.says);
      write_or_null(w, "ref", position.ref);
      w.member("applied", position.applied);
      write_strings(w, "sources", position.sources);
      w.end_object();
    }
    w.end_array();
    w.member("applies", conflict->applies);
    write_strings(w, "sources", conflict->all_sources());
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

std::string ask_json(const core::AskResult& result, const core::AskSettings& settings,
                     bool pretty) {
  JsonWriter w(pretty);
  w.begin_object();
  w.member("question", result.question);
  w.member("matched", result.matched);
  write_strings(w, "searched", result.terms);
  w.key("answers");
  w.begin_array();
  for (const auto& answer : result.answers) {
    w.begin_object();
    w.member("kb_id", answer.kb_id);
    w.member("kind", answer.kind);
    w.member("title", answer.title);
    w.member("text", answer.text);
    write_strings(w, "sources", answer.sources);
    w.member("score", std::round(answer.score * 100.0) / 100.0);
    w.end_object();
  }
  w.end_array();
  if (!result.matched) {
    w.key("no_match");
    w.begin_object();
    w.member("title", settings.no_match_title);
    w.member("detail", settings.no_match_detail);
    write_strings(w, "ask_pharmacist", settings.ask_pharmacist);
    write_strings(w, "sources", settings.no_match_sources);
    w.end_object();
  }
  w.end_object();
  return w.take();
}

}  // namespace willis::render
