#include "app/kb_actions.h"

#include <fmt/printf.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>

#include "app/kb_source.h"
#include "codec/yaml_fields.h"
#include "core/date.h"
#include "core/names.h"

namespace willis::app {
namespace {

/// Every clinical entry with its review state, for `kb report`.
struct ReviewedEntry {
  std::string what;
  const core::Provenance* prov;
};

std::vector<ReviewedEntry> reviewed_entries(const core::Kb& kb) {
  std::vector<ReviewedEntry> out;
  for (const auto& x : kb.forms) out.push_back({"form:" + x.id, &x.prov});
  for (const auto& x : kb.salts) out.push_back({"salt:" + x.id, &x.prov});
  for (const auto& x : kb.reference_intakes)
    out.push_back({std::string("intake:") + core::to_string(x.jurisdiction) + "-" + x.kind + "-" +
                       x.sex + "-from-" + std::to_string(static_cast<int>(x.age_from_y)),
                   &x.prov});
  for (const auto& x : kb.upper_limits)
    out.push_back({std::string("upper-limit:") + core::to_string(x.jurisdiction) + "-from-" +
                       std::to_string(static_cast<int>(x.age_from_y)),
                   &x.prov});
  for (const auto& x : kb.classes) out.push_back({"class:" + x.id, &x.prov});
  for (const auto& x : kb.audit.indicators) out.push_back({"indicator:" + x.id, &x.prov});
  for (const auto& x : kb.medicines) out.push_back({"medicine:" + x.id, &x.prov});
  for (const auto& x : kb.interactions) out.push_back({x.kind + ":" + x.id, &x.prov});
  for (const auto& x : kb.conditions)
    if (x.finding) out.push_back({"condition:" + x.id, &x.finding->prov});
  for (const auto& x : kb.red_flags) out.push_back({"red-flag:" + x.id, &x.prov});
  for (const auto& x : kb.treatments) out.push_back({"treatment:" + x.id, &x.prov});
  for (const auto& x : kb.evidence) out.push_back({"evidence:" + x.id, &x.prov});
  for (const auto& [name, x] : kb.rules.thresholds) out.push_back({"threshold:" + name, &x.prov});
  for (const auto& [name, x] : kb.rules.texts) out.push_back({"text:" + name, &x.prov});
  for (const auto& x : kb.rules.iron)
    out.push_back({std::string("iron:") + core::to_string(x.jurisdiction), &x.prov});
  return out;
}

struct ListRef {
  const char* file;
  const char* list;
};

// Which file and list a "prefix:id" names.
const std::map<std::string, std::vector<ListRef>>& prefix_lists() {
  static const std::map<std::string, std::vector<ListRef>> lists = {
      {"interaction", {{"interactions.yaml", "interactions"}}},
      {"depletion", {{"interactions.yaml", "interactions"}}},
      {"caution", {{"interactions.yaml", "interactions"}, {"conditions.yaml", "conditions"}}},
      {"medicine", {{"medicines.yaml", "medicines"}}},
      {"class", {{"medicines.yaml", "classes"}}},
      {"salt", {{"salts.yaml", "salts"}}},
      {"form", {{"salts.yaml", "forms"}}},
      {"condition", {{"conditions.yaml", "conditions"}}},
      {"contraindication", {{"conditions.yaml", "conditions"}}},
      {"rls", {{"conditions.yaml", "conditions"}}},
      {"red-flag", {{"red_flags.yaml", "red_flags"}}},
      {"treatment", {{"treatments.yaml", "treatments"}}},
      {"evidence", {{"evidence.yaml", "evidence"}}},
      {"source", {{"sources.yaml", "sources"}}},
  };
  return lists;
}

/// The ids `prefix:subject` shows. An interaction finding's subject is a medicine: the entries
/// that apply to it.
std::set<std::string> wanted(const core::Kb& kb, const std::string& prefix,
                             const std::string& subject) {
  std::set<std::string> wanted_ids = {subject};
  if (prefix == "interaction" || prefix == "depletion" || prefix == "caution") {
    // As in the engine: entries naming the medicine explicitly beat class-level entries.
    if (const auto* med = kb.medicine(subject)) {
      std::set<std::string> explicit_ids, class_ids;
      for (const auto& entry : kb.interactions) {
        if (entry.kind != prefix) continue;
        if (std::find(entry.medicines.begin(), entry.medicines.end(), med->id) !=
            entry.medicines.end())
          explicit_ids.insert(entry.id);
        for (const auto& cls : entry.classes)
          if (std::find(med->classes.begin(), med->classes.end(), cls) != med->classes.end())
            class_ids.insert(entry.id);
      }
      wanted_ids = explicit_ids.empty() ? class_ids : explicit_ids;
      wanted_ids.insert(subject);
    }
  }
  return wanted_ids;
}

}  // namespace

CommandResult check_kb(const CommandContext& context) {
  CommandResult result;
  const auto load = load_kb(context.kb_dir, /*from_yaml=*/true);
  if (!load.errors.empty()) {
    for (const auto& error : load.errors) result.error(describe_error(error));
    result.note(fmt::sprintf("willis: knowledge base %s refused: %zu problem(s)\n",
                             context.kb_dir.empty() ? "(built in)" : context.kb_dir.c_str(),
                             load.errors.size()));
    return result;
  }
  const auto& kb = load.kb;
  std::size_t unverified = 0;
  for (const auto& i : kb.interactions) unverified += !i.prov.verified;
  for (const auto& m : kb.medicines) unverified += !m.prov.verified;
  result.out += fmt::sprintf("knowledge base %s (%s): OK\n", kb.version.c_str(),
                             context.kb_dir.empty() ? "built in" : context.kb_dir.c_str());
  result.out += fmt::sprintf(
      "  %zu sources, %zu forms, %zu salts, %zu medicines in %zu classes, %zu interactions,\n"
      "  %zu conditions, %zu red flags, %zu treatments, %zu evidence summaries, %zu rule texts\n",
      kb.sources.size(), kb.forms.size(), kb.salts.size(), kb.medicines.size(), kb.classes.size(),
      kb.interactions.size(), kb.conditions.size(), kb.red_flags.size(), kb.treatments.size(),
      kb.evidence.size(), kb.rules.texts.size());
  result.out +=
      fmt::sprintf("  every entry cited; every salt's elemental fraction matches its formula\n");
  return result;
}

CommandResult report_kb(const CommandContext& context, const std::string& today_option) {
  CommandResult result;
  const auto load = load_kb(context.kb_dir, /*from_yaml=*/!context.kb_dir.empty());
  if (!load.errors.empty())
    return result.error("the knowledge base has errors: run willis kb check");
  // The local date, as every other command reads "today" (Clock; WILLIS_TODAY honoured).
  const auto today_day = context.clock->date_or_today("--today", today_option);
  if (!today_day.ok())
    return result.error(today_day.error().path + ": " + today_day.error().message);
  const std::string today = today_day.value().str();
  const auto& kb = load.kb;
  const auto entries = reviewed_entries(kb);
  std::vector<const ReviewedEntry*> unverified, stale;
  for (const auto& entry : entries) {
    if (!entry.prov->verified) unverified.push_back(&entry);
    const auto reviewed = core::parse_date(entry.prov->last_reviewed);
    // Out of date: not reviewed in the last 12 months (365 days).
    if (!reviewed || core::days_between(*reviewed, today_day.value()) > 365)
      stale.push_back(&entry);
  }
  result.out += fmt::sprintf("willis knowledge base %s: report as of %s\n", kb.version.c_str(),
                             today.c_str());
  result.out += fmt::sprintf(
      "  %zu sources, %zu forms, %zu salts, %zu medicines, %zu interactions, %zu conditions, %zu "
      "red flags,\n"
      "  %zu treatments, %zu evidence summaries, %zu thresholds, %zu rule texts: %zu reviewed "
      "entries in all\n",
      kb.sources.size(), kb.forms.size(), kb.salts.size(), kb.medicines.size(),
      kb.interactions.size(), kb.conditions.size(), kb.red_flags.size(), kb.treatments.size(),
      kb.evidence.size(), kb.rules.thresholds.size(), kb.rules.texts.size(), entries.size());
  std::map<std::string, int> by_verification;
  for (const auto& [id, source] : kb.sources) ++by_verification[source.verification];
  result.out += fmt::sprintf("  sources by verification:");
  for (const auto& [level, count] : by_verification)
    result.out += fmt::sprintf(" %s %d", level.c_str(), count);
  result.out += fmt::sprintf(
      "\n\nUnverified entries (%zu): their sources verify them only partly (P) or not at all; a "
      "conservative choice is encoded\n",
      unverified.size());
  for (const auto* entry : unverified)
    result.out += fmt::sprintf("  %-48s %s:%d  sources: %s\n", entry->what.c_str(),
                               entry->prov->loc.file.c_str(), entry->prov->loc.line,
                               [&] {
                                 std::string list;
                                 for (const auto& s : entry->prov->sources)
                                   list += (list.empty() ? "" : ", ") + s;
                                 return list;
                               }()
                                   .c_str());
  result.out += fmt::sprintf("\nOut of date (not reviewed in the 12 months before %s): %zu\n",
                             today.c_str(), stale.size());
  for (const auto* entry : stale)
    result.out += fmt::sprintf(
        "  %-48s last reviewed %s  %s:%d\n", entry->what.c_str(),
        entry->prov->last_reviewed.empty() ? "never" : entry->prov->last_reviewed.c_str(),
        entry->prov->loc.file.c_str(), entry->prov->loc.line);
  return result;
}

CommandResult show_kb_entry(const CommandContext& context, const std::string& query) {
  CommandResult result;
  const auto load = load_kb(context.kb_dir);
  if (!load.errors.empty())
    return result.error("the knowledge base has errors: run willis kb check");
  const auto files = kb_files(context.kb_dir);
  if (!files.ok()) return result.error(files.error().message);
  std::map<std::string, YAML::Node> docs;
  for (const auto& file : files.value()) {
    auto node = codec::parse_yaml_text(file.text, file.name);
    if (node.ok()) docs[file.name] = node.value();
  }
  const auto colon = query.find(':');
  const std::string prefix = colon == std::string::npos ? "" : query.substr(0, colon);
  const std::string subject = colon == std::string::npos ? query : query.substr(colon + 1);

  const std::set<std::string> wanted_ids = wanted(load.kb, prefix, subject);
  std::vector<ListRef> lists;
  if (auto found = prefix_lists().find(prefix); found != prefix_lists().end())
    lists = found->second;
  else
    for (const auto& [name, refs] : prefix_lists())
      for (const auto& ref : refs) lists.push_back(ref);

  std::set<std::string> cited;
  int shown = 0;
  std::set<std::string> printed;
  for (const auto& ref : lists) {
    const auto doc = docs.find(ref.file);
    if (doc == docs.end() || !doc->second[ref.list].IsSequence()) continue;
    for (const auto& item : doc->second[ref.list]) {
      if (!item["id"] || !wanted_ids.count(item["id"].Scalar())) continue;
      const std::string key = std::string(ref.file) + ":" + item["id"].Scalar() + ":" + ref.list;
      if (!printed.insert(key).second) continue;
      YAML::Emitter out;
      out << item;
      result.out += fmt::sprintf("# %s:%d (%s)\n%s\n\n", ref.file, codec::line_of(item), ref.list,
                                 out.c_str());
      ++shown;
      if (item["sources"] && item["sources"].IsSequence())
        for (const auto& s : item["sources"]) cited.insert(s.Scalar());
      if (item["windows"] && item["windows"].IsSequence())
        for (const auto& w : item["windows"])
          if (w["source"]) cited.insert(w["source"].Scalar());
    }
  }
  if (shown == 0) {
    const core::NameIndex names(load.kb);
    std::string hint;
    if (auto suggestion = names.suggest_medicine(subject))
      hint = " (did you mean \"" + *suggestion + "\"?)";
    return result.error("no KB entry \"" + query + "\"" + hint +
                        ". Ids look like interaction:ciprofloxacin, medicine:levothyroxine, "
                        "salt:citrate-anhydrous, "
                        "condition:myasthenia-gravis, source:l-cipro");
  }
  if (!cited.empty() && prefix != "source") {
    result.out += fmt::sprintf("# sources cited\n");
    for (const auto& id : cited) {
      const auto s = load.kb.sources.find(id);
      if (s == load.kb.sources.end()) continue;
      result.out += fmt::sprintf(
          "%s: %s. %s%s. %s [%s]\n", id.c_str(), s->second.title.c_str(),
          s->second.publisher.c_str(),
          s->second.year ? (", " + std::to_string(*s->second.year)).c_str() : "",
          s->second.doi.empty() ? s->second.url.c_str() : ("doi:" + s->second.doi).c_str(),
          s->second.verification.c_str());
    }
  }
  return result;
}

}  // namespace willis::app
