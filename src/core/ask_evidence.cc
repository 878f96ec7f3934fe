#include "core/ask_evidence.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace willis::core {

const std::vector<std::string> kClaimTopics = {"dose",   "efficacy",     "topical",
                                               "safety", "interactions", "diagnosis"};
const std::vector<std::string> kClaimVerdicts = {"supported", "partly", "contradicted",
                                                 "unverifiable"};

namespace {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.emplace_back(
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

void add_unique(std::vector<std::string>& list, const std::vector<std::string>& more) {
  for (const auto& item : more)
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// The year of the first source that has one (sources.yaml), or nothing.
void add_year(const Kb& kb, const std::vector<std::string>& sources, RefValues& out,
              std::optional<int> own = {}) {
  if (own) {
    out.values["year"] = std::to_string(*own);
    return;
  }
  for (const auto& id : sources) {
    const auto source = kb.sources.find(id);
    if (source != kb.sources.end() && source->second.year) {
      out.values["year"] = std::to_string(*source->second.year);
      return;
    }
  }
}

std::optional<Jurisdiction> jurisdiction_of(std::string_view text) {
  if (text == "us") return Jurisdiction::us;
  if (text == "uk") return Jurisdiction::uk;
  if (text == "eu") return Jurisdiction::eu;
  return std::nullopt;
}

std::optional<double> number_of(const std::string& text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

Error not_found(std::string_view ref, std::string_view what) {
  return Error{Errc::not_found, "",
               "reference \"" + std::string(ref) + "\" names no " + std::string(what) +
                   " in the knowledge base"};
}

/// `out` citing `sources`, with the year of the first source that has one (or `own`).
RefValues cited(const Kb& kb, RefValues out, std::vector<std::string> sources,
                std::optional<int> own = {}) {
  out.sources = std::move(sources);
  add_year(kb, out.sources, out, own);
  return out;
}

}  // namespace

std::vector<std::string> Conflict::all_sources() const {
  std::vector<std::string> out = sources;
  for (const auto& position : positions) add_unique(out, position.sources);
  return out;
}

const Claim* EvidenceSet::claim(std::string_view id) const {
  for (const auto& item : claims)
    if (item.id == id) return &item;
  return nullptr;
}

const Conflict* EvidenceSet::conflict(std::string_view id) const {
  for (const auto& item : conflicts)
    if (item.id == id) return &item;
  return nullptr;
}

const Article* EvidenceSet::article(std::string_view id) const {
  for (const auto& item : articles)
    if (item.id == id) return &item;
  return nullptr;
}

std::string format_quantity(double value) {
  const double rounded = std::round(value * 100.0) / 100.0;
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, rounded);
  if (ec != std::errc()) return "?";
  return std::string(buffer, end);
}

std::string treatment_words(std::string_view code) {
  if (code == "level-a") return "Level A";
  if (code == "level-b") return "Level B";
  if (code == "level-c") return "Level C";
  if (code == "off-label-use") return "used off-label";
  std::string out(code);
  std::replace(out.begin(), out.end(), '-', ' ');
  return out;
}

namespace {

/// "upper_limit:JUR:AGE": the upper-limit row of that jurisdiction and age.
Result<RefValues> resolve_upper_limit(const Kb& kb, const std::vector<std::string>& parts,
                                      std::string_view ref) {
  RefValues out;
  const auto jurisdiction = jurisdiction_of(parts[1]);
  const auto age = number_of(parts[2]);
  for (const auto& row : kb.upper_limits) {
    if (!jurisdiction || !age || row.jurisdiction != *jurisdiction || row.age_from_y != *age)
      continue;
    if (row.mg) out.values["mg"] = format_quantity(*row.mg);
    out.values["kind"] = row.kind == "ul" ? "upper limit (UL)" : treatment_words(row.kind);
    out.values["counts"] = join(row.counts, ", ");
    out.values["age_from"] = format_quantity(row.age_from_y);
    out.values["note"] = row.note;
    return cited(kb, std::move(out), row.prov.sources);
  }
  return not_found(ref, "upper-limit row");
}

/// "reference_intake:JUR:AGE:SEX": the reference-intake row (any state).
Result<RefValues> resolve_reference_intake(const Kb& kb, const std::vector<std::string>& parts,
                                           std::string_view ref) {
  RefValues out;
  const auto jurisdiction = jurisdiction_of(parts[1]);
  const auto age = number_of(parts[2]);
  for (const auto& row : kb.reference_intakes) {
    if (!jurisdiction || !age || row.jurisdiction != *jurisdiction || row.age_from_y != *age ||
        row.sex != parts[3] || row.state != "any")
      continue;
    out.values["mg"] = format_quantity(row.mg);
    std::string kind_upper = row.kind;
    std::transform(kind_upper.begin(), kind_upper.end(), kind_upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    out.values["kind"] = kind_upper;
    return cited(kb, std::move(out), row.prov.sources);
  }
  return not_found(ref, "reference-intake row");
}

/// "interaction:ID" (the entry's windows) or "window:ID:SOURCE" (one window).
Result<RefValues> resolve_interaction(const Kb& kb, const std::vector<std::string>& parts,
                                      std::string_view ref) {
  RefValues out;
  for (const auto& entry : kb.interactions) {
    if (entry.id != parts[1]) continue;
    if (parts[0] == "interaction") {
      out.values["after_h"] = format_quantity(entry.after_h());
      out.values["before_h"] = format_quantity(entry.before_h());
      out.values["action"] = entry.action;
      std::vector<std::string> sources = entry.prov.sources;
      for (const auto& window : entry.windows) add_unique(sources, {window.source});
      return cited(kb, std::move(out), std::move(sources));
    }
    const Window* found = nullptr;
    for (const auto& window : entry.windows) {
      if (window.source != parts[2]) continue;
      if (found)
        return Error{Errc::invalid_value, "",
                     "reference \"" + std::string(ref) +
                         "\" is ambiguous: the entry has two windows from that source"};
      found = &window;
    }
    if (!found) return not_found(ref, "window from that source in that interaction");
    out.values["after_h"] = format_quantity(found->magnesium_after_drug_h);
    out.values["before_h"] = format_quantity(found->magnesium_before_drug_h);
    out.values["wording"] = found->wording;
    return cited(kb, std::move(out), {found->source});
  }
  return not_found(ref, "interaction");
}

/// "iron:JUR": the iron rule of that jurisdiction.
Result<RefValues> resolve_iron(const Kb& kb, const std::vector<std::string>& parts,
                               std::string_view ref) {
  RefValues out;
  const auto jurisdiction = jurisdiction_of(parts[1]);
  for (const auto& rule : kb.rules.iron) {
    if (!jurisdiction || rule.jurisdiction != *jurisdiction) continue;
    if (rule.ferritin_treat_at_or_below >= 0)
      out.values["ferritin_at_or_below"] = format_quantity(rule.ferritin_treat_at_or_below);
    if (rule.ferritin_treat_below >= 0)
      out.values["ferritin_below"] = format_quantity(rule.ferritin_treat_below);
    out.values["tsat_below"] = format_quantity(rule.tsat_treat_below);
    if (rule.ferritin_iv_only_up_to)
      out.values["iv_up_to"] = format_quantity(*rule.ferritin_iv_only_up_to);
    return cited(kb, std::move(out), rule.prov.sources);
  }
  return not_found(ref, "iron rule");
}

/// "treatment:ID": the guideline treatment entry.
Result<RefValues> resolve_treatment(const Kb& kb, const std::vector<std::string>& parts,
                                    std::string_view ref) {
  RefValues out;
  for (const auto& entry : kb.treatments) {
    if (entry.id != parts[1]) continue;
    out.values["name"] = entry.name;
    out.values["direction"] = treatment_words(entry.direction);
    out.values["strength"] = treatment_words(entry.strength);
    out.values["certainty"] = treatment_words(entry.certainty);
    out.values["population"] = entry.population;
    return cited(kb, std::move(out), entry.prov.sources, entry.year);
  }
  return not_found(ref, "treatment");
}

/// "threshold:NAME": a rules.yaml threshold.
Result<RefValues> resolve_threshold(const Kb& kb, const std::vector<std::string>& parts,
                                    std::string_view ref) {
  RefValues out;
  const auto found = kb.rules.thresholds.find(parts[1]);
  if (found == kb.rules.thresholds.end()) return not_found(ref, "threshold");
  out.values["value"] = format_quantity(found->second.value);
  return cited(kb, std::move(out), found->second.prov.sources);
}

}  // namespace

Result<RefValues> resolve_ref(const Kb& kb, std::string_view ref) {
  const auto parts = split(ref, ':');
  const std::string& kind = parts[0];
  if (kind == "upper_limit" && parts.size() == 3) return resolve_upper_limit(kb, parts, ref);
  if (kind == "reference_intake" && parts.size() == 4)
    return resolve_reference_intake(kb, parts, ref);
  if ((kind == "window" && parts.size() == 3) || (kind == "interaction" && parts.size() == 2))
    return resolve_interaction(kb, parts, ref);
  if (kind == "iron" && parts.size() == 2) return resolve_iron(kb, parts, ref);
  if (kind == "treatment" && parts.size() == 2) return resolve_treatment(kb, parts, ref);
  if (kind == "threshold" && parts.size() == 2) return resolve_threshold(kb, parts, ref);
  return Error{
      Errc::invalid_value, "",
      "reference \"" + std::string(ref) +
          "\" has an unknown form; use upper_limit:JUR:AGE, reference_intake:JUR:AGE:SEX, "
          "window:INTERACTION:SOURCE, interaction:ID, iron:JUR, treatment:ID or threshold:NAME"};
}

Result<std::string> fill_placeholders(
    std::string_view text, const std::map<std::string, std::string, std::less<>>& values) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find('{', pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    const auto close = text.find('}', open);
    if (close == std::string_view::npos)
      return Error{Errc::invalid_value, "", "unclosed '{' in \"" + std::string(text) + "\""};
    const std::string_view name = text.substr(open + 1, close - open - 1);
    const auto found = values.find(name);
    if (found == values.end())
      return Error{
          Errc::invalid_value, "",
          "placeholder {" + std::string(name) + "} cannot be filled (the ref gives no such value)"};
    out += found->second;
    pos = close + 1;
  }
  return out;
}

}  // namespace willis::core

namespace willis::core {

std::map<std::string, std::vector<std::string>> source_citations(const Kb& kb,
                                                                 const EvidenceSet& evidence) {
  std::map<std::string, std::vector<std::string>> cited;
  for (const auto& [id, source] : kb.sources) cited[id];
  const auto cite = [&cited](const std::vector<std::string>& sources, const std::string& by) {
    for (const auto& id : sources) {
      auto& list = cited[id];
      if (std::find(list.begin(), list.end(), by) == list.end()) list.push_back(by);
    }
  };
  const auto age = [](double years) { return format_quantity(years); };
  for (const auto& form : kb.forms) cite(form.prov.sources, "form:" + form.id);
  for (const auto& salt : kb.salts) cite(salt.prov.sources, "salt:" + salt.id);
  for (const auto& row : kb.reference_intakes)
    cite(row.prov.sources, std::string("reference-intake:") + to_string(row.jurisdiction) + ":" +
                               age(row.age_from_y) + ":" + row.sex +
                               (row.state == "any" ? "" : ":" + row.state));
  for (const auto& row : kb.upper_limits)
    cite(row.prov.sources,
         std::string("upper-limit:") + to_string(row.jurisdiction) + ":" + age(row.age_from_y));
  for (const auto& cls : kb.classes) cite(cls.prov.sources, "class:" + cls.id);
  for (const auto& med : kb.medicines) cite(med.prov.sources, "medicine:" + med.id);
  for (const auto& entry : kb.interactions) {
    const std::string by = entry.kind + ":" + entry.id;
    cite(entry.prov.sources, by);
    for (const auto& window : entry.windows) cite({window.source}, by);
  }
  for (const auto& condition : kb.conditions)
    if (condition.finding)
      cite(condition.finding->prov.sources, condition.finding->kind + ":" + condition.id);
  for (const auto& flag : kb.red_flags) cite(flag.prov.sources, "red-flag:" + flag.id);
  for (const auto& treatment : kb.treatments)
    cite(treatment.prov.sources, "treatment:" + treatment.id);
  for (const auto& entry : kb.evidence) {
    cite(entry.prov.sources, "evidence:" + entry.id);
    for (const auto& study : entry.studies) cite({study.source}, "evidence:" + entry.id);
  }
  for (const auto& [name, threshold] : kb.rules.thresholds)
    cite(threshold.prov.sources, "threshold:" + name);
  for (const auto& [name, text] : kb.rules.texts) cite(text.prov.sources, "rule-text:" + name);
  for (const auto& rule : kb.rules.iron)
    cite(rule.prov.sources, std::string("iron:") + to_string(rule.jurisdiction));
  cite(kb.rules.irls_prov.sources, "irls-bands");
  for (const auto& claim : evidence.claims) cite(claim.sources, "claim:" + claim.id);
  for (const auto& conflict : evidence.conflicts)
    cite(conflict.all_sources(), "conflict:" + conflict.id);
  cite(evidence.ask.no_match_sources, "ask:no-match");
  return cited;
}

}  // namespace willis::core
