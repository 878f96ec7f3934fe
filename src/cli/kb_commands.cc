// src/cli/kb_commands.cc: `willis kb check` and `willis kb show ID`.
#include <CLI/CLI.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <optional>
#include <map>
#include <set>

#include "app/clock.h"
#include "app/kb_source.h"
#include "cli/commands.h"
#include "codec/yaml_fields.h"
#include "core/date.h"
#include "core/names.h"

namespace willis::cli {

namespace {

int run_check(const GlobalOptions& global) {
  const auto load = app::load_kb(global.kb_dir, /*from_yaml=*/true);
  if (!load.errors.empty()) {
    for (const auto& error : load.errors) report_error(app::describe_error(error), 2);
    std::fprintf(stderr, "willis: knowledge base %s refused: %zu problem(s)\n",
                 global.kb_dir.empty() ? "(built in)" : global.kb_dir.c_str(), load.errors.size());
    return 2;
  }
  const auto& kb = load.kb;
  std::size_t unverified = 0;
  for (const auto& i : kb.interactions) unverified += !i.prov.verified;
  for (const auto& m : kb.medicines) unverified += !m.prov.verified;
  std::printf("knowledge base %s (%s): OK\n", kb.version.c_str(),
              global.kb_dir.empty() ? "built in" : global.kb_dir.c_str());
  std::printf(
      "  %zu sources, %zu forms, %zu salts, %zu medicines in %zu classes, %zu interactions,\n"
      "  %zu conditions, %zu red flags, %zu treatments, %zu evidence summaries, %zu rule texts\n",
      kb.sources.size(), kb.forms.size(), kb.salts.size(), kb.medicines.size(), kb.classes.size(),
      kb.interactions.size(), kb.conditions.size(), kb.red_flags.size(), kb.treatments.size(),
      kb.evidence.size(), kb.rules.texts.size());
  std::printf("  every entry cited; every salt's elemental fraction matches its formula\n");
  return 0;
}

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

int run_report(const GlobalOptions& global, const std::string& today_option) {
  const auto load = app::load_kb(global.kb_dir, /*from_yaml=*/!global.kb_dir.empty());
  if (!load.errors.empty())
    return report_error("the knowledge base has errors: run willis kb check", 2);
  // The local date, as every other command reads "today" (app::Clock; WILLIS_TODAY honoured).
  const auto today_day = global.clock->date_or_today("--today", today_option);
  if (!today_day.ok())
    return report_error(today_day.error().path + ": " + today_day.error().message, 2);
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
  std::printf("willis knowledge base %s: report as of %s\n", kb.version.c_str(), today.c_str());
  std::printf(
      "  %zu sources, %zu forms, %zu salts, %zu medicines, %zu interactions, %zu conditions, %zu "
      "red flags,\n"
      "  %zu treatments, %zu evidence summaries, %zu thresholds, %zu rule texts: %zu reviewed "
      "entries in all\n",
      kb.sources.size(), kb.forms.size(), kb.salts.size(), kb.medicines.size(),
      kb.interactions.size(), kb.conditions.size(), kb.red_flags.size(), kb.treatments.size(),
      kb.evidence.size(), kb.rules.thresholds.size(), kb.rules.texts.size(), entries.size());
  std::map<std::string, int> by_verification;
  for (const auto& [id, source] : kb.sources) ++by_verification[source.verification];
  std::printf("  sources by verification:");
  for (const auto& [level, count] : by_verification) std::printf(" %s %d", level.c_str(), count);
  std::printf(
      "\n\nUnverified entries (%zu): their sources verify them only partly (P) or not at all; a "
      "conservative choice is encoded\n",
      unverified.size());
  for (const auto* entry : unverified)
    std::printf("  %-48s %s:%d  sources: %s\n", entry->what.c_str(), entry->prov->loc.file.c_str(),
                entry->prov->loc.line,
                [&] {
                  std::string list;
                  for (const auto& s : entry->prov->sources) list += (list.empty() ? "" : ", ") + s;
                  return list;
                }()
                    .c_str());
  std::printf("\nOut of date (not reviewed in the 12 months before %s): %zu\n", today.c_str(),
              stale.size());
  for (const auto* entry : stale)
    std::printf("  %-48s last reviewed %s  %s:%d\n", entry->what.c_str(),
                entry->prov->last_reviewed.empty() ? "never" : entry->prov->last_reviewed.c_str(),
                entry->prov->loc.file.c_str(), entry->prov->loc.line);
  return 0;
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

int run_show(const GlobalOptions& global, const std::string& query) {
  const auto load = app::load_kb(global.kb_dir);
  if (!load.errors.empty())
    return report_error("the knowledge base has errors: run willis kb check", 2);
  const auto files = app::kb_files(global.kb_dir);
  if (!files.ok()) return report_error(files.error().message, 2);
  std::map<std::string, YAML::Node> docs;
  for (const auto& file : files.value()) {
    auto node = codec::parse_yaml_text(file.text, file.name);
    if (node.ok()) docs[file.name] = node.value();
  }
  const auto colon = query.find(':');
  const std::string prefix = colon == std::string::npos ? "" : query.substr(0, colon);
  const std::string subject = colon == std::string::npos ? query : query.substr(colon + 1);

  // An interaction finding's subject is a medicine: show the entries that apply to it.
  std::set<std::string> wanted_ids = {subject};
  if (prefix == "interaction" || prefix == "depletion" || prefix == "caution") {
    // As in the engine: entries naming the medicine explicitly beat class-level entries.
    if (const auto* med = load.kb.medicine(subject)) {
      std::set<std::string> explicit_ids, class_ids;
      for (const auto& entry : load.kb.interactions) {
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
      std::printf("# %s:%d (%s)\n%s\n\n", ref.file, codec::line_of(item), ref.list, out.c_str());
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
    return report_error("no KB entry \"" + query + "\"" + hint +
                            ". Ids look like interaction:ciprofloxacin, medicine:levothyroxine, "
                            "salt:citrate-anhydrous, "
                            "condition:myasthenia-gravis, source:l-cipro",
                        2);
  }
  if (!cited.empty() && prefix != "source") {
    std::printf("# sources cited\n");
    for (const auto& id : cited) {
      const auto s = load.kb.sources.find(id);
      if (s == load.kb.sources.end()) continue;
      std::printf("%s: %s. %s%s. %s [%s]\n", id.c_str(), s->second.title.c_str(),
                  s->second.publisher.c_str(),
                  s->second.year ? (", " + std::to_string(*s->second.year)).c_str() : "",
                  s->second.doi.empty() ? s->second.url.c_str() : ("doi:" + s->second.doi).c_str(),
                  s->second.verification.c_str());
    }
  }
  return 0;
}

}  // namespace

void register_kb_commands(CLI::App& app, GlobalOptions& global) {
  auto* kb = app.add_subcommand(
      "kb", "Inspect the knowledge base (kb/): check it, show an entry with its sources");
  kb->require_subcommand(1);
  auto* check = kb->add_subcommand(
      "check",
      "Validate a knowledge base: unknown fields, missing or unknown citations, salt formulas "
      "that\n"
      "do not match their elemental fraction, unknown ids. Prints file:line for every problem.\n\n"
      "Examples:\n  willis kb check\n  willis kb check --kb ./kb");
  check->callback([&global] { global.exit_code = run_check(global); });
  auto today = std::make_shared<std::string>();
  auto* report = kb->add_subcommand(
      "report",
      "Print the KB's version and counts, every entry marked unverified (sources: P or UNVERIFIED, "
      "where a\n"
      "conservative choice is encoded), and every entry not reviewed in the last 12 months.\n\n"
      "Examples:\n  willis kb report\n  willis kb report --today 2027-12-01   # which entries will "
      "be out of date then");
  report->add_option(
      "--today", *today,
      "Date to judge 'out of date' against (YYYY-MM-DD; default: today, local time)");
  report->callback([&global, today] { global.exit_code = run_report(global, *today); });
  auto query = std::make_shared<std::string>();
  auto* show = kb->add_subcommand(
      "show",
      "Show one KB entry as written, with the sources it cites.\n\n"
      "Examples:\n  willis kb show interaction:ciprofloxacin\n  willis kb show "
      "medicine:levothyroxine\n"
      "  willis kb show salt:citrate-nonahydrate\n  willis kb show source:l-cipro");
  show->add_option("id", *query, "Entry id, e.g. interaction:ciprofloxacin")->required();
  show->callback([&global, query] { global.exit_code = run_show(global, *query); });
}

}  // namespace willis::cli
