#include "core/ask.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "core/names.h"

namespace willis::core {

namespace {

using Values = std::map<std::string, std::string, std::less<>>;

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

void add_unique(std::vector<std::string>& list, const std::vector<std::string>& more) {
  for (const auto& item : more)
    if (!contains(list, item)) list.push_back(item);
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (item.empty()) continue;
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

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

std::string replace_medicine(const std::string& text, const std::string& name) {
  std::string out;
  std::size_t pos = 0;
  static const std::string token = "{medicine}";
  while (true) {
    const auto found = text.find(token, pos);
    out.append(text, pos, found == std::string::npos ? std::string::npos : found - pos);
    if (found == std::string::npos) break;
    out += name;
    pos = found + token.size();
  }
  return out;
}

std::string id_words(std::string id) {
  std::replace(id.begin(), id.end(), '-', ' ');
  return id;
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

void add_exacerbating(const Kb& kb, std::vector<AskDoc>& docs) {
  const auto& text = kb.rules.texts.find("exacerbating_medicine");
  if (text == kb.rules.texts.end()) return;
  for (const auto& cls_id : kb.rules.exacerbating_classes) {
    const MedicineClass* cls = find_class(kb, cls_id);
    if (!cls) continue;
    AskDoc doc = make_doc("exacerbating", cls_id);
    std::vector<std::string> members;
    for (const Medicine* med : class_members(kb, {cls_id})) {
      doc.class_covers.push_back(med->id);
      members.push_back(medicine_names(*med));
    }
    doc.title = fill_known(text->second.title, {{"group", cls->name}});
    doc.text = fill_known(text->second.detail, {{"group", cls->name}});
    doc.title_medicine = cls->name;
    doc.text_medicine =
        doc.class_covers.empty() ? cls->name : kb.medicine(doc.class_covers.front())->name;
    doc.names = cls->name;
    doc.members = join(members, "; ");
    doc.sources = text->second.prov.sources;
    docs.push_back(std::move(doc));
  }
  for (const auto& med_id : kb.rules.exacerbating_medicines) {
    const Medicine* med = kb.medicine(med_id);
    if (!med) continue;
    AskDoc doc = make_doc("exacerbating", med_id);
    doc.covers = {med->id};
    doc.title = fill_known(text->second.title, {{"group", med->name}});
    doc.text = fill_known(text->second.detail, {{"group", med->name}});
    doc.title_medicine = doc.text_medicine = med->name;
    doc.names = medicine_names(*med);
    doc.sources = text->second.prov.sources;
    docs.push_back(std::move(doc));
  }
}

void add_conditions(const Kb& kb, std::vector<AskDoc>& docs) {
  for (const auto& condition : kb.conditions) {
    if (!condition.finding) continue;
    AskDoc doc = make_doc(condition.finding->kind, condition.id);
    doc.title = condition.finding->title;
    doc.text = condition.finding->detail;
    std::vector<std::string> names = {condition.name, id_words(condition.id)};
    add_unique(names, condition.synonyms);
    doc.names = join(names, "; ");
    doc.body = condition.finding->see;
    doc.sources = condition.finding->prov.sources;
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
    AskDoc doc = make_doc("rule-text", pick.name);
    doc.title = fill_known(text->second.title, pick.values);
    doc.text = fill_known(text->second.detail, pick.values);
    while (!doc.text.empty() && doc.text.front() == ' ') doc.text.erase(doc.text.begin());
    doc.names = pick.names;
    doc.sources = text->second.prov.sources;
    docs.push_back(std::move(doc));
  }
}

void add_red_flags(const Kb& kb, std::vector<AskDoc>& docs) {
  for (const auto& flag : kb.red_flags) {
    AskDoc doc = make_doc("red-flag", flag.id);
    doc.title = flag.title;
    doc.text = flag.action;
    std::vector<std::string> names = {flag.name};
    add_unique(names, flag.synonyms);
    doc.names = join(names, "; ");
    doc.body = flag.possible_cause;
    doc.sources = flag.prov.sources;
    docs.push_back(std::move(doc));
  }
}

void add_treatments(const Kb& kb, std::vector<AskDoc>& docs) {
  for (const auto& entry : kb.treatments) {
    AskDoc doc = make_doc("treatment", entry.id);
    doc.title = entry.name;
    doc.text = entry.note;
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
    doc.sources = entry.prov.sources;
    if (!entry.superseded_by.empty())
      doc.rank_weight = 0.8;  // an older guideline ranks below its successor
    docs.push_back(std::move(doc));
  }
}

void add_evidence(const Kb& kb, std::vector<AskDoc>& docs) {
  for (const auto& entry : kb.evidence) {
    AskDoc doc = make_doc("evidence", entry.id);
    doc.title = entry.title;
    doc.text = entry.detail;
    std::vector<std::string> body;
    for (const auto& study : entry.studies)
      body.push_back(study.name + ": " + study.design + "; " + study.dose + "; " + study.result);
    doc.body = join(body, " ");
    doc.keywords += " " + entry.topic;
    doc.sources = entry.prov.sources;
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
    AskDoc doc = make_doc("claim", claim.id);
    doc.title = claim.claim;
    doc.text = verdict_words(claim.verdict) + ". " + claim.explanation;
    doc.keywords += " " + claim.topic;
    doc.sources = claim.sources;
    docs.push_back(std::move(doc));
  }
  for (const auto& conflict : evidence.conflicts) {
    AskDoc doc = make_doc("conflict", conflict.id);
    doc.title = conflict.title;
    doc.text = conflict.summary + " What willis applies: " + conflict.applies;
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
    doc.sources = conflict.all_sources();
    docs.push_back(std::move(doc));
  }
}

void add_sources(const Kb& kb, std::vector<AskDoc>& docs) {
  for (const auto& [id, source] : kb.sources) {
    AskDoc doc = make_doc("source", id);
    doc.title = source.title;
    doc.text = source.publisher + (source.year ? ", " + std::to_string(*source.year) : "") + ". " +
               source.verified_how;
    doc.names = id_words(id);
    doc.sources = {id};
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

std::vector<std::string> ask_words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (const char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (std::isalnum(c) || c >= 0x80) {
      current += static_cast<char>(std::tolower(c));
    } else if (c == '\'') {
      continue;  // "don't" -> "dont"; "Phillips'" -> "phillips"
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

namespace {

// The question's words as names are normalized (core/names.h), split into words.
std::vector<std::string> question_words(std::string_view text) {
  return ask_words(normalize_name(text));
}

struct MedicineSpan {
  std::size_t start = 0, length = 0;
  std::string id;
};

// Medicine names in `words`: the longest phrase (up to 4 words) at each position that the KB's
// name tables know. A phrase made only of `ignored` words names nothing.
std::vector<MedicineSpan> medicine_spans(const std::vector<std::string>& words, const Kb& kb,
                                         const std::vector<std::string>& ignored) {
  NameTables built;
  const NameTables* tables = &kb.name_tables;
  if (tables->empty()) {
    built = NameIndex::build_tables(kb, nullptr);
    tables = &built;
  }
  std::vector<MedicineSpan> spans;
  for (std::size_t start = 0; start < words.size(); ++start) {
    for (std::size_t length = std::min<std::size_t>(4, words.size() - start); length >= 1;
         --length) {
      std::vector<std::string> phrase(words.begin() + static_cast<long>(start),
                                      words.begin() + static_cast<long>(start + length));
      if (std::all_of(phrase.begin(), phrase.end(),
                      [&ignored](const std::string& word) { return contains(ignored, word); }))
        continue;
      const auto hit = tables->medicines.find(join(phrase, " "));
      if (hit != tables->medicines.end()) {
        spans.push_back({start, length, hit->second});
        start += length - 1;
        break;
      }
    }
  }
  return spans;
}

bool all_free(const std::vector<bool>& consumed, std::size_t start, std::size_t length) {
  for (std::size_t pos = start; pos < start + length; ++pos)
    if (consumed[pos]) return false;
  return true;
}

}  // namespace

AskQuery make_ask_query(std::string_view question, const AskSettings& settings, const Kb* kb) {
  AskQuery query;
  const auto words = question_words(question);
  std::vector<bool> consumed(words.size(), false);
  const auto searchable = [&settings](const std::string& word) {
    return !contains(settings.stop_words, word) && !contains(settings.weak_words, word);
  };
  // Medicine names first: each is one concept, its words plus the words of its KB id
  // ("Synthroid" -> synthroid, levothyroxine; "Mag-Ox" -> mag, ox, oxide).
  if (kb) {
    std::vector<std::string> ignored = settings.weak_words;
    ignored.insert(ignored.end(), settings.stop_words.begin(), settings.stop_words.end());
    for (const auto& span : medicine_spans(words, *kb, ignored)) {
      std::vector<std::string> concept_terms;
      for (std::size_t pos = span.start; pos < span.start + span.length; ++pos) {
        consumed[pos] = true;
        if (searchable(words[pos])) add_unique(concept_terms, {words[pos]});
      }
      for (const auto& word : question_words(id_words(span.id)))
        if (searchable(word) &&
            !std::all_of(word.begin(), word.end(), [](unsigned char c) { return std::isdigit(c); }))
          add_unique(concept_terms, {word});
      if (!concept_terms.empty()) query.concepts.push_back(concept_terms);
    }
  }
  // Then synonym phrases, in file order (specific rules first): each rule that occurs is one
  // concept. A one-word trigger ("dialysis") is searched too; a longer phrase only through what
  // it adds. Words already taken by a medicine name or an earlier rule are not matched again.
  for (const auto& synonym : settings.synonyms) {
    std::vector<std::string> concept_terms;
    bool found = false;
    std::vector<std::vector<std::string>>
        phrases;  // longest first: "leg cramps at night" before "leg cramps"
    for (const auto& phrase : synonym.words) phrases.push_back(question_words(phrase));
    std::stable_sort(phrases.begin(), phrases.end(),
                     [](const auto& a, const auto& b) { return a.size() > b.size(); });
    for (const auto& phrase_words : phrases) {
      if (phrase_words.empty() || phrase_words.size() > words.size()) continue;
      for (std::size_t start = 0; start + phrase_words.size() <= words.size(); ++start) {
        if (!std::equal(phrase_words.begin(), phrase_words.end(),
                        words.begin() + static_cast<long>(start)) ||
            !all_free(consumed, start, phrase_words.size()))
          continue;
        found = true;
        for (std::size_t pos = 0; pos < phrase_words.size(); ++pos) consumed[start + pos] = true;
        if (phrase_words.size() == 1 && searchable(phrase_words.front()))
          add_unique(concept_terms, {phrase_words.front()});
      }
    }
    if (!found) continue;
    for (const auto& term : synonym.add) add_unique(concept_terms, question_words(term));
    query.concepts.push_back(concept_terms);
  }
  // Then every other word: weak words are searched but are not concepts; stop words are dropped.
  std::vector<std::string> weak;
  for (std::size_t pos = 0; pos < words.size(); ++pos) {
    const auto& word = words[pos];
    if (consumed[pos] || contains(settings.stop_words, word)) continue;
    if (contains(settings.weak_words, word)) {
      add_unique(weak, {word});
      continue;
    }
    const bool known =
        std::any_of(query.concepts.begin(), query.concepts.end(),
                    [&word](const std::vector<std::string>& c) { return contains(c, word); });
    if (!known) query.concepts.push_back({word});
  }
  const auto add_term = [&query, &settings](const std::string& word) {
    if (word.empty() || contains(query.terms, word)) return;
    query.terms.push_back(word);
    if (!contains(settings.weak_words, word)) query.informative.push_back(word);
  };
  for (const auto& concept_terms : query.concepts)
    for (const auto& term : concept_terms) add_term(term);
  for (const auto& word : weak) add_term(word);
  return query;
}

std::vector<std::string> mentioned_medicines(std::string_view question, const Kb& kb,
                                             const std::vector<std::string>& ignored) {
  std::vector<std::string> found;
  for (const auto& span : medicine_spans(question_words(question), kb, ignored))
    add_unique(found, {span.id});
  return found;
}

AskAnswer render_answer(const AskDoc& doc, const std::vector<std::string>& mentioned, const Kb& kb,
                        double score) {
  AskAnswer answer;
  answer.kb_id = doc.kb_id;
  answer.kind = doc.kind;
  answer.sources = doc.sources;
  answer.score = score;
  std::string title_name = doc.title_medicine, text_name = doc.text_medicine;
  for (const auto& id : mentioned)
    if (contains(doc.covers, id) || contains(doc.class_covers, id)) {
      if (const Medicine* med = kb.medicine(id)) title_name = text_name = med->name;
      break;
    }
  answer.title = replace_medicine(doc.title, title_name);
  answer.text = replace_medicine(doc.text, text_name);
  return answer;
}

}  // namespace willis::core
