#include <algorithm>
#include <cctype>
#include <map>

#include "core/ask.h"
#include "core/ask_detail.h"

namespace willis::core {
namespace {

using namespace ask_detail;
using Values = std::map<std::string, std::string, std::less<>>;

// Fills every placeholder it can; {medicine} stays for render_answer. Unknown ones stay as written
// (the KB loader has already checked the engine's own placeholders).
std::string fill_known(std::string_view text, Values values) {
  values.emplace("medicine", "{medicine}");
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find('{', pos);
    const auto close = open == std::string_view::npos ? open : text.find('}', open);
    if (open == std::string_view::npos || close == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    const auto found = values.find(text.substr(open + 1, close - open - 1));
    out += found == values.end() ? std::string(text.substr(open, close - open + 1)) : found->second;
    pos = close + 1;
  }
  return out;
}

std::string medicine_names(const Medicine& med) {
  std::vector<std::string> names = {med.name, id_words(med.id)};
  add_unique(names, med.synonyms);
  add_unique(names, med.brands);
  return join(names, "; ");
}

const MedicineClass* find_class(const Kb& kb, const std::string& id) {
  for (const auto& cls : kb.classes)
    if (cls.id == id) return &cls;
  return nullptr;
}

std::vector<const Medicine*> class_members(const Kb& kb, const std::vector<std::string>& classes) {
  std::vector<const Medicine*> out;
  for (const auto& med : kb.medicines)
    for (const auto& cls : med.classes)
      if (contains(classes, cls)) {
        out.push_back(&med);
        break;
      }
  return out;
}

std::string verdict_words(const std::string& verdict) {
  if (verdict == "supported") return "Supported";
  if (verdict == "partly") return "Partly true";
  if (verdict == "contradicted") return "Contradicted";
  return "Unverifiable";
}

const char* jurisdiction_name(Jurisdiction jurisdiction) {
  switch (jurisdiction) {
    case Jurisdiction::us:
      return "United States";
    case Jurisdiction::uk:
      return "United Kingdom";
    case Jurisdiction::eu:
      return "European Union";
  }
  return "";
}

std::string age_range(double from, const std::optional<double>& below) {
  if (!below) return format_quantity(from) + " y and over";
  if (*below < 1)
    return format_quantity(from * 12) + "-" + format_quantity(*below * 12) + " months";
  return format_quantity(from) + "-" + format_quantity(*below - 1) + " y";
}

// Words that help a question find each kind of entry; searched, never shown.
const std::map<std::string, std::string>& kind_keywords() {
  static const std::map<std::string, std::string> words = {
      {"interaction",
       "interact interaction interactions together same time apart separate space gap hours timing "
       "wait before after"},
      {"depletion",
       "lower lowers low level levels deplete depletes deficiency deficient loss lose"},
      {"caution", "caution careful effect"},
      {"contraindication", "safe avoid contraindicated condition"},
      {"rls", "mimic mimics confused mistaken look like restless legs"},
      {"exacerbating", "worse worsen worsens trigger triggers aggravate cause"},
      {"evidence", "evidence study studies trial trials research work works help helps effective"},
      {"treatment", "guideline guidelines recommend recommended recommendation treatment option"},
      {"red-flag", "urgent emergency serious danger warning sign"},
      {"upper-limit",
       "upper limit maximum max most too much safe tolerable ul overdose adult adults children"},
      {"reference-intake",
       "need daily recommended intake rda rni allowance requirement how much adult adults "
       "children"},
      {"form", "form forms type types elemental content percent contains"},
      {"medicine", "contains content elemental product"},
      {"claim", "true myth claim claims"},
      {"conflict", "disagree disagreement differ different conflict sources"},
      {"rule-text", ""},
      {"source", "source reference study paper label"},
  };
  return words;
}

const char* jurisdiction_words(Jurisdiction jurisdiction) {
  switch (jurisdiction) {
    case Jurisdiction::us:
      return "us usa america american united states";
    case Jurisdiction::uk:
      return "uk britain british england scotland wales nhs united kingdom";
    case Jurisdiction::eu:
      return "eu europe european efsa union";
  }
  return "";
}

AskDoc make_doc(std::string kind, const std::string& id) {
  AskDoc doc;
  doc.kind = std::move(kind);
  doc.kb_id = doc.kind + ":" + id;
  const auto words = kind_keywords().find(doc.kind);
  if (words != kind_keywords().end()) doc.keywords = words->second;
  return doc;
}

/// One document: its kind and id, the title and text shown, and the sources cited.
AskDoc titled_doc(std::string kind, const std::string& id, std::string title, std::string text,
                  std::vector<std::string> sources) {
  AskDoc doc = make_doc(std::move(kind), id);
  doc.title = std::move(title);
  doc.text = std::move(text);
  doc.sources = std::move(sources);
  return doc;
}

/// "name; synonym; ..." with each name once.
std::string name_list(std::vector<std::string> names, const std::vector<std::string>& synonyms) {
  add_unique(names, synonyms);
  return join(names, "; ");
}

void add_interactions(const Kb& kb, std::vector<AskDoc>& docs) {
  for (const auto& entry : kb.interactions) {
    AskDoc doc = make_doc(entry.kind, entry.id);
    Values values = {{"after_h", format_quantity(entry.after_h())},
                     {"before_h", format_quantity(entry.before_h())}};
    std::vector<std::string> explicit_names, names, members, class_names;
    for (const auto& id : entry.medicines)
      if (const Medicine* med = kb.medicine(id)) {
        doc.covers.push_back(med->id);
        explicit_names.push_back(med->name);
        names.push_back(medicine_names(*med));
      }
    for (const auto& id : entry.classes)
      if (const MedicineClass* cls = find_class(kb, id)) class_names.push_back(cls->name);
    for (const Medicine* med : class_members(kb, entry.classes)) {
      if (contains(doc.covers, med->id)) continue;
      doc.class_covers.push_back(med->id);
      members.push_back(medicine_names(*med));
    }
    doc.title = fill_known(entry.title, values);
    doc.text = fill_known(entry.detail, values);
    doc.title_medicine =
        explicit_names.empty() ? join(class_names, " / ") : join(explicit_names, " / ");
    doc.text_medicine = !explicit_names.empty()    ? explicit_names.front()
                        : doc.class_covers.empty() ? doc.title_medicine
                                                   : kb.medicine(doc.class_covers.front())->name;
    doc.names = join(names, "; ");
    doc.members = join(class_names, "; ") + "; " + join(members, "; ");
    std::vector<std::string> body = {entry.mechanism};
    for (const auto& window : entry.windows) body.push_back(window.wording);
    doc.body = join(body, " ");
    doc.sources = entry.prov.sources;
    for (const auto& window : entry.windows) add_unique(doc.sources, {window.source});
    docs.push_back(std::move(doc));
  }
}

/// A rule text as a document, its placeholders filled with `values`.
AskDoc rule_text_doc(std::string kind, const std::string& id, const RuleText& text,
                     const Values& values) {
  return titled_doc(std::move(kind), id, fill_known(text.title, values),
                    fill_known(text.detail, values), text.prov.sources);
}

void add_exacerbating(const Kb& kb, std::vector<AskDoc>& docs) {
  const auto& text = kb.rules.texts.find("exacerbating_medicine");
  if (text == kb.rules.texts.end()) return;
  for (const auto& cls_id : kb.rules.exacerbating_classes) {
    const MedicineClass* cls = find_class(kb, cls_id);
    if (!cls) continue;
    AskDoc doc = rule_text_doc("exacerbating", cls_id, text->second, {{"group", cls->name}});
    std::vector<std::string> members;
    for (const Medicine* med : class_members(kb, {cls_id})) {
      doc.class_covers.push_back(med->id);
      members.push_back(medicine_names(*med));
    }
    doc.title_medicine = cls->name;
    doc.text_medicine =
        doc.class_covers.empty() ? cls->name : kb.medicine(doc.class_covers.front())->name;
    doc.names = cls->name;
    doc.members = join(members, "; ");
    docs.push_back(std::move(doc));
  }
  for (const auto& med_id : kb.rules.exacerbating_medicines) {
    const Medicine* med = kb.medicine(med_id);
    if (!med) continue;
    AskDoc doc = rule_text_doc("exacerbating", med_id, text->second, {{"group", med->name}});
    doc.covers = {med->id};
    doc.title_medicine = doc.text_medicine = med->name;
    doc.names = medicine_names(*med);
    docs.push_back(std::move(doc));
  }
}

void add_conditions(const Kb& kb, std::vector<AskDoc>& docs) {
  for (const auto& condition : kb.conditions) {
    if (!condition.finding) continue;
    const auto& finding = *condition.finding;
    AskDoc doc =
        titled_doc(finding.kind, condition.id, finding.title, finding.detail, finding.prov.sources);
    doc.names = name_list({condition.name, id_words(condition.id)}, condition.synonyms);
    doc.body = finding.see;
    docs.push_back(std::move(doc));
  }
}

// Rule texts that answer a general question once their placeholders get general values.
void add_rule_texts(const Kb& kb, std::vector<AskDoc>& docs) {
  const auto threshold = [&kb](const char* name) {
    const auto found = kb.rules.thresholds.find(name);
    return found == kb.rules.thresholds.end() ? std::string("?")
                                              : format_quantity(found->second.value);
  };
  std::vector<std::string> kidney_names;
  for (const auto& condition : kb.conditions)
    if (condition.has_role("kidney") || condition.has_role("kidney-moderate") ||
        condition.has_role("kidney-severe")) {
      kidney_names.push_back(condition.name);
      add_unique(kidney_names, condition.synonyms);
    }
  struct Pick {
    const char* name;
    Values values;
    std::string names;
  };
  const std::vector<Pick> picks = {
      {"kidney_severe",
       {{"reason", ""}, {"threshold", threshold("egfr_contraindicated_below")}},
       join(kidney_names, "; ")},
      {"iron_check",
       {{"missing", "ferritin and TSAT"}},
       "iron; ferritin; transferrin saturation; blood test"},
      {"dose_topical",
       {{"name", "A magnesium oil, spray, cream, flakes or bath"}},
       "topical; oil; spray; cream; lotion; flakes; bath; skin; transdermal"},
      {"plan_trial", {{"weeks", threshold("plan_review_weeks")}}, "how long; weeks; diary; trial"},
      {"plan_form_reason", {}, "citrate; which form; best form"},
      {"plan_form_reason_sensitive",
       {},
       "glycinate; sensitive stomach; diarrhoea; diarrhea; laxative"},
      {"dopamine_agonist",
       {{"medicine", "A dopamine agonist"}, {"sides", ""}},
       "dopamine agonist; augmentation; pramipexole; ropinirole; rotigotine"},
  };
  for (const auto& pick : picks) {
    const auto text = kb.rules.texts.find(pick.name);
    if (text == kb.rules.texts.end()) continue;
    AskDoc doc = rule_text_doc("rule-text", pick.name, text->second, pick.values);
    while (!doc.text.empty() && doc.text.front() == ' ') doc.text.erase(doc.text.begin());
    doc.names = pick.names;
    docs.push_back(std::move(doc));
  }
}

void add_red_flags(const Kb& kb, std::vector<AskDoc>& docs) {
  for (const auto& flag : kb.red_flags) {
    AskDoc doc = titled_doc("red-flag", flag.id, flag.title, flag.action, flag.prov.sources);
    doc.names = name_list({flag.name}, flag.synonyms);
    doc.body = flag.possible_cause;
    docs.push_back(std::move(doc));
  }
}

void add_treatments(const Kb& kb, std::vector<AskDoc>& docs) {
  for (const auto& entry : kb.treatments) {
    AskDoc doc = titled_doc("treatment", entry.id, entry.name, entry.note, entry.prov.sources);
    std::vector<std::string> names;
    for (const auto& id : entry.medicines)
      if (const Medicine* med = kb.medicine(id)) {
        doc.covers.push_back(med->id);
        names.push_back(medicine_names(*med));
      }
    doc.names = join(names, "; ");
    doc.body = entry.population + " " + treatment_words(entry.direction) + " " +
               treatment_words(entry.strength);
    if (entry.direction == "not-graded") doc.keywords += " status no recommendation";
    if (!entry.superseded_by.empty())
      doc.rank_weight = 0.8;  // an older guideline ranks below its successor
    docs.push_back(std::move(doc));
  }
}

void add_evidence(const Kb& kb, std::vector<AskDoc>& docs) {
  for (const auto& entry : kb.evidence) {
    AskDoc doc = titled_doc("evidence", entry.id, entry.title, entry.detail, entry.prov.sources);
    std::vector<std::string> body;
    for (const auto& study : entry.studies)
      body.push_back(study.name + ": " + study.design + "; " + study.dose + "; " + study.result);
    doc.body = join(body, " ");
    doc.keywords += " " + entry.topic;
    for (const auto& study : entry.studies) add_unique(doc.sources, {study.source});
    doc.rank_weight =
        1.25;  // the KB's graded summary answers "does it work" before any single claim
    docs.push_back(std::move(doc));
  }
}

void add_intakes(const Kb& kb, std::vector<AskDoc>& docs) {
  for (const auto jurisdiction : {Jurisdiction::us, Jurisdiction::uk, Jurisdiction::eu}) {
    AskDoc limit = make_doc("upper-limit", to_string(jurisdiction));
    limit.title = std::string("Upper limit for magnesium from supplements and medicines (") +
                  jurisdiction_name(jurisdiction) + ")";
    std::vector<std::string> rows, notes;
    for (const auto& row : kb.upper_limits) {
      if (row.jurisdiction != jurisdiction) continue;
      rows.push_back(age_range(row.age_from_y, row.age_below_y) + ": " +
                     (row.mg
                          ? format_quantity(*row.mg) + " mg a day (" +
                                (row.kind == "ul" ? "upper limit" : treatment_words(row.kind)) + ")"
                          : "none can be set"));
      add_unique(notes, {row.note});
      add_unique(limit.sources, row.prov.sources);
    }
    limit.text = join(rows, "; ") + ". " + join(notes, " ");
    limit.keywords += std::string(" ") + jurisdiction_words(jurisdiction);
    docs.push_back(std::move(limit));

    AskDoc intake = make_doc("reference-intake", to_string(jurisdiction));
    rows.clear();
    std::string kinds;
    for (const auto& row : kb.reference_intakes) {
      if (row.jurisdiction != jurisdiction || (row.sex == "any" && row.age_from_y >= 14))
        continue;  // skip "sex not given" fallbacks
      std::string who = row.sex == "any" ? "" : row.sex == "male" ? "men" : "women";
      if (row.state != "any") who = row.state == "pregnant" ? "pregnancy" : row.state;
      std::string kind = row.kind;
      std::transform(kind.begin(), kind.end(), kind.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      if (kinds.find(kind) == std::string::npos) kinds += (kinds.empty() ? "" : "/") + kind;
      rows.push_back(age_range(row.age_from_y, row.age_below_y) + (who.empty() ? "" : " " + who) +
                     ": " + format_quantity(row.mg) + " mg (" + kind + ")");
      add_unique(intake.sources, row.prov.sources);
    }
    if (rows.empty()) continue;
    intake.title =
        std::string(
            "How much magnesium people need each day, from food and supplements together (") +
        jurisdiction_name(jurisdiction) + ", " + kinds + ")";
    intake.text = join(rows, "; ") + ".";
    intake.keywords += std::string(" ") + jurisdiction_words(jurisdiction);
    docs.push_back(std::move(intake));
  }
}

void add_forms(const Kb& kb, std::vector<AskDoc>& docs) {
  for (const auto& form : kb.forms) {
    AskDoc doc = make_doc("form", form.id);
    doc.title = "Magnesium " + form.id + ": how much of it is magnesium";
    std::vector<std::string> parts, names = {form.name};
    add_unique(names, form.synonyms);
    for (const auto& salt : kb.salts) {
      if (salt.form != form.id) continue;
      parts.push_back(salt.name + " (" + salt.formula + "): " + format_quantity(salt.percent()) +
                      "% magnesium");
      add_unique(names, {salt.name});
      add_unique(names, salt.synonyms);
      add_unique(doc.sources, salt.prov.sources);
    }
    doc.text = join(parts, "; ") + "." +
               (form.laxative ? " Also classed as an osmotic laxative (ATC A06AD)." : "");
    doc.names = join(names, "; ");
    add_unique(doc.sources, form.prov.sources);
    docs.push_back(std::move(doc));
  }
  for (const auto& med : kb.medicines) {
    if (!med.magnesium) continue;
    AskDoc doc = make_doc("medicine", med.id);
    doc.title = med.name;
    const auto& mg = *med.magnesium;
    const Salt* salt = kb.salt(mg.salt);
    std::string unit = mg.per_ml ? format_quantity(*mg.per_ml) + " mL" : mg.per;
    doc.text = format_quantity(mg.elemental_mg) + " mg of elemental magnesium per " + unit +
               (mg.salt_mg ? " (" + format_quantity(*mg.salt_mg) + " mg of " +
                                 (salt ? salt->name : mg.salt) + ")"
                           : "") +
               "; used as " + mg.use + ".";
    doc.covers = {med.id};
    doc.names = medicine_names(med);
    doc.sources = med.prov.sources;
    docs.push_back(std::move(doc));
  }
}

void add_evidence_set(const EvidenceSet& evidence, std::vector<AskDoc>& docs) {
  for (const auto& claim : evidence.claims) {
    AskDoc doc = titled_doc("claim", claim.id, claim.claim,
                            verdict_words(claim.verdict) + ". " + claim.explanation, claim.sources);
    doc.keywords += " " + claim.topic;
    docs.push_back(std::move(doc));
  }
  for (const auto& conflict : evidence.conflicts) {
    AskDoc doc = titled_doc("conflict", conflict.id, conflict.title,
                            conflict.summary + " What willis applies: " + conflict.applies,
                            conflict.all_sources());
    std::vector<std::string> body;
    for (const auto& position : conflict.positions)
      body.push_back(position.authority + " (" + position.strength + "): " + position.says);
    doc.body = join(body, " ");
    doc.keywords += " " + conflict.topic;
    for (const auto& position : conflict.positions) {
      const auto& who = position.authority;
      if (who.find("United States") != std::string::npos || who.find("US ") != std::string::npos)
        doc.keywords += " us usa american";
      if (who.find("European") != std::string::npos || who.find("EU") != std::string::npos)
        doc.keywords += " eu europe european";
      if (who.find("United Kingdom") != std::string::npos || who.find("UK") != std::string::npos)
        doc.keywords += " uk britain british";
    }
    docs.push_back(std::move(doc));
  }
}

void add_sources(const Kb& kb, std::vector<AskDoc>& docs) {
  for (const auto& [id, source] : kb.sources) {
    AskDoc doc =
        titled_doc("source", id, source.title,
                   source.publisher + (source.year ? ", " + std::to_string(*source.year) : "") +
                       ". " + source.verified_how,
                   {id});
    doc.names = id_words(id);
    doc.rank_weight = 0.5;  // the entries that cite a source answer better than the source itself
    docs.push_back(std::move(doc));
  }
}

}  // namespace

std::vector<AskDoc> build_ask_docs(const Kb& kb, const EvidenceSet& evidence) {
  std::vector<AskDoc> docs;
  add_interactions(kb, docs);
  add_exacerbating(kb, docs);
  add_conditions(kb, docs);
  add_rule_texts(kb, docs);
  add_red_flags(kb, docs);
  add_treatments(kb, docs);
  add_evidence(kb, docs);
  add_intakes(kb, docs);
  add_forms(kb, docs);
  add_evidence_set(evidence, docs);
  add_sources(kb, docs);
  return docs;
}

}  // namespace willis::core
