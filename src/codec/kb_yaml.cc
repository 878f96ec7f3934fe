#include "codec/kb_yaml.h"

#include <fmt/format.h>

#include <functional>
#include <map>

#include "codec/yaml_fields.h"
#include "core/formula.h"
#include "core/kb_check.h"
#include "core/names.h"

namespace willis::codec {

using core::Errc;

namespace {

constexpr double kMaxHours = 48;

std::optional<core::Jurisdiction> parse_jurisdiction(const std::string& text) {
  if (text == "uk") return core::Jurisdiction::uk;
  if (text == "us") return core::Jurisdiction::us;
  if (text == "eu") return core::Jurisdiction::eu;
  return std::nullopt;
}

core::Jurisdiction jurisdiction_field(Fields& fields) {
  const auto text = fields.choice("jurisdiction", {"uk", "us", "eu"}, true);
  return text ? *parse_jurisdiction(*text) : core::Jurisdiction::us;
}

core::Severity severity_field(Fields& fields, bool allow_urgent) {
  const auto text = allow_urgent
                        ? fields.choice("severity", {"info", "caution", "avoid", "urgent"}, true)
                        : fields.choice("severity", {"info", "caution", "avoid"}, true);
  return text ? *core::parse_severity(*text) : core::Severity::caution;
}

/// Calls `each(item_fields)` for every map in the list under `key`.
void for_each_item(Fields& parent, const char* key, bool required,
                   const std::function<void(Fields&)>& each) {
  const YAML::Node list = parent.node(key);
  if (!list.IsDefined() || list.IsNull()) {
    if (required) parent.error(Errc::missing_field, key, "is required");
    return;
  }
  if (!list.IsSequence()) {
    parent.error(Errc::invalid_type, key, "expected a list");
    return;
  }
  for (std::size_t item_idx = 0; item_idx < list.size(); ++item_idx) {
    Fields item(list[item_idx], item_path(parent.child_path(key), item_idx), parent.file(),
                parent.sink());
    each(item);
    item.finish();
  }
}

void read_sources(Fields& top, core::Kb& kb) {
  for_each_item(top, "sources", true, [&](Fields& f) {
    core::Source source;
    source.id = f.text("id", true).value_or("");
    source.title = f.text("title", true).value_or("");
    source.publisher = f.text("publisher").value_or("");
    source.url = f.text("url").value_or("");
    source.doi = f.text("doi").value_or("");
    source.pmid = f.text("pmid").value_or("");
    source.verification =
        f.choice("verification", {"V", "V2", "P", "UNVERIFIED", "COMPUTED"}, true).value_or("");
    source.verified_how = f.text("verified_how").value_or("");
    if (auto year = f.integer("year", 1900, 2100)) source.year = static_cast<int>(*year);
    source.loc = {f.file(), f.line()};
    if (kb.sources.count(source.id))
      f.error(Errc::invalid_kb, "id", fmt::format("duplicate source id \"{}\"", source.id));
    kb.sources[source.id] = std::move(source);
  });
}

void read_salts(Fields& top, core::Kb& kb) {
  for_each_item(top, "forms", true, [&](Fields& f) {
    core::Form form;
    form.id = f.text("id", true).value_or("");
    form.name = f.text("name", true).value_or("");
    form.synonyms = f.texts("synonyms");
    form.atc = f.texts("atc");
    form.rxnorm = f.integers("rxnorm");
    form.laxative = f.boolean("laxative").value_or(false);
    form.prov = f.provenance();
    kb.forms.push_back(std::move(form));
  });
  for_each_item(top, "salts", true, [&](Fields& f) {
    core::Salt salt;
    salt.id = f.text("id", true).value_or("");
    salt.form = f.text("form", true).value_or("");
    salt.name = f.text("name", true).value_or("");
    salt.synonyms = f.texts("synonyms");
    salt.formula = f.text("formula", true).value_or("");
    salt.molar_mass_g_mol = f.number("molar_mass_g_mol", 24, 5000, true).value_or(0);
    salt.elemental_percent = f.number("elemental_percent", 0.1, 100, true).value_or(0);
    salt.prov = f.provenance();
    kb.salts.push_back(std::move(salt));
  });
}

void read_age_range(Fields& f, double& from, std::optional<double>& below) {
  from = f.number("age_from_y", 0, 150, true).value_or(0);
  below = f.number("age_below_y", 0, 200);
  if (below && *below <= from)
    f.error(Errc::invalid_value, "age_below_y", "must be above age_from_y");
}

void read_intakes(Fields& top, core::Kb& kb) {
  for_each_item(top, "reference_intakes", true, [&](Fields& f) {
    core::ReferenceIntake intake;
    intake.jurisdiction = jurisdiction_field(f);
    intake.kind = f.choice("kind", {"rda", "ai", "rni"}, true).value_or("");
    read_age_range(f, intake.age_from_y, intake.age_below_y);
    intake.sex = f.choice("sex", {"female", "male", "any"}).value_or("any");
    intake.state =
        f.choice("state", {"any", "pregnant", "breastfeeding", "not-pregnant-or-breastfeeding"})
            .value_or("any");
    intake.mg = f.number("mg", 1, 2000, true).value_or(0);
    f.text("note");
    intake.prov = f.provenance();
    kb.reference_intakes.push_back(std::move(intake));
  });
  for_each_item(top, "upper_limits", true, [&](Fields& f) {
    core::UpperLimit limit;
    limit.jurisdiction = jurisdiction_field(f);
    read_age_range(f, limit.age_from_y, limit.age_below_y);
    limit.determinable = f.boolean("determinable").value_or(true);
    limit.mg = f.number("mg", 1, 5000, limit.determinable);
    if (!limit.determinable && limit.mg)
      f.error(Errc::invalid_kb, "mg", "must be absent when determinable is false");
    limit.kind = f.choice("kind", {"ul", "guidance-level"}).value_or("ul");
    limit.counts = f.texts("counts", true);
    limit.note = f.text("note").value_or("");
    limit.prov = f.provenance();
    kb.upper_limits.push_back(std::move(limit));
  });
}

void read_medicines(Fields& top, core::Kb& kb) {
  for_each_item(top, "classes", true, [&](Fields& f) {
    core::MedicineClass cls;
    cls.id = f.text("id", true).value_or("");
    cls.name = f.text("name", true).value_or("");
    cls.prov = f.provenance();
    kb.classes.push_back(std::move(cls));
  });
  for_each_item(top, "medicines", true, [&](Fields& f) {
    core::Medicine med;
    med.id = f.text("id", true).value_or("");
    med.name = f.text("name", true).value_or("");
    med.synonyms = f.texts("synonyms");
    med.brands = f.texts("brands");
    med.rxnorm = f.integers("rxnorm");
    med.atc = f.texts("atc");
    med.classes = f.texts("classes");
    f.text("note");
    const YAML::Node mg = f.node("magnesium");
    if (mg.IsDefined() && !mg.IsNull()) {
      Fields m(mg, f.child_path("magnesium"), f.file(), f.sink());
      core::MagnesiumContent content;
      content.salt = m.text("salt", true).value_or("");
      content.elemental_mg = m.number("elemental_mg", 0.1, 5000, true).value_or(0);
      content.salt_mg = m.number("salt_mg", 0.1, 50000);
      content.per_ml = m.number("per_ml", 0.1, 1000);
      content.per = m.choice("per", {"tablet", "capsule", "sachet", "gram", "dose"}).value_or("");
      if (content.per.empty() && !content.per_ml)
        m.error(Errc::missing_field, "per",
                "give per_ml (liquids) or per (tablet | capsule | sachet | gram | dose)");
      content.use =
          m.choice("use", {"antacid", "laxative", "supplement", "medicine"}, true).value_or("");
      m.text("note");
      m.finish();
      med.magnesium = content;
    }
    med.prov = f.provenance();
    kb.medicines.push_back(std::move(med));
  });
}

void read_interactions(Fields& top, core::Kb& kb) {
  for_each_item(top, "interactions", true, [&](Fields& f) {
    core::Interaction entry;
    entry.id = f.text("id", true).value_or("");
    entry.kind = f.choice("kind", {"interaction", "depletion", "caution"}, true).value_or("");
    entry.medicines = f.texts("medicines");
    entry.classes = f.texts("classes");
    if (entry.medicines.empty() && entry.classes.empty())
      f.error(Errc::missing_field, "medicines", "name at least one medicine or class");
    entry.action = f.choice("action", {"separate", "avoid", "monitor"}, true).value_or("");
    entry.severity = severity_field(f, false);
    entry.title = f.text("title", true).value_or("");
    entry.detail = f.text("detail", true).value_or("");
    entry.mechanism = f.text("mechanism").value_or("");
    for_each_item(f, "windows", entry.action == "separate", [&](Fields& w) {
      core::Window window;
      window.source = w.text("source", true).value_or("");
      window.magnesium_after_drug_h =
          w.number("magnesium_after_drug_h", 0, kMaxHours, true).value_or(0);
      window.magnesium_before_drug_h =
          w.number("magnesium_before_drug_h", 0, kMaxHours, true).value_or(0);
      window.wording = w.text("wording").value_or("");
      window.verified = w.boolean("verified").value_or(true);
      w.text("note");
      entry.windows.push_back(std::move(window));
    });
    entry.prov = f.provenance();
    kb.interactions.push_back(std::move(entry));
  });
}

core::FindingTemplate read_finding(Fields& f) {
  core::FindingTemplate finding;
  finding.kind =
      f.choice("kind", {"contraindication", "caution", "rls", "exacerbating", "evidence", "info"},
               true)
          .value_or("");
  finding.severity = severity_field(f, false);
  finding.title = f.text("title", true).value_or("");
  finding.detail = f.text("detail", true).value_or("");
  finding.see = f.text("see").value_or("");
  finding.prov = f.provenance();
  return finding;
}

void read_conditions(Fields& top, core::Kb& kb) {
  for_each_item(top, "conditions", true, [&](Fields& f) {
    core::Condition condition;
    condition.id = f.text("id", true).value_or("");
    condition.name = f.text("name", true).value_or("");
    condition.synonyms = f.texts("synonyms");
    condition.snomed = f.texts("snomed");
    condition.roles = f.texts("roles");
    f.text("note");
    f.texts("sources");
    f.boolean("verified");
    condition.last_reviewed = f.text("last_reviewed").value_or("");
    condition.loc = {f.file(), f.line()};
    YAML::Node finding = f.node("finding");
    if (finding.IsDefined() && !finding.IsNull()) {
      // A condition's finding is reviewed with the condition unless it says otherwise.
      if (finding.IsMap() && !finding["last_reviewed"] && !condition.last_reviewed.empty())
        finding["last_reviewed"] = condition.last_reviewed;
      Fields ff(finding, f.child_path("finding"), f.file(), f.sink());
      condition.finding = read_finding(ff);
      ff.finish();
    }
    kb.conditions.push_back(std::move(condition));
  });
}

void read_red_flags(Fields& top, core::Kb& kb) {
  for_each_item(top, "red_flags", true, [&](Fields& f) {
    core::RedFlag flag;
    flag.id = f.text("id", true).value_or("");
    flag.name = f.text("name", true).value_or("");
    flag.synonyms = f.texts("synonyms");
    flag.possible_cause = f.text("possible_cause", true).value_or("");
    flag.title = f.text("title", true).value_or("");
    flag.action = f.text("action", true).value_or("");
    flag.emergency = f.boolean("emergency").value_or(false);
    const YAML::Node see = f.node("see");
    if (see.IsMap()) {
      Fields s(see, f.child_path("see"), f.file(), f.sink());
      for (const char* j : {"uk", "us", "eu"})
        if (auto text = s.text(j, true)) flag.see[j] = *text;
      s.finish();
    } else {
      f.error(Errc::missing_field, "see",
              "give whom to see per jurisdiction: {uk: …, us: …, eu: …}");
    }
    flag.prov = f.provenance();
    kb.red_flags.push_back(std::move(flag));
  });
}

void read_treatments(Fields& top, core::Kb& kb) {
  for_each_item(top, "treatments", true, [&](Fields& f) {
    core::Treatment t;
    t.id = f.text("id", true).value_or("");
    t.name = f.text("name", true).value_or("");
    t.medicines = f.texts("medicines");
    for (const auto& j : f.texts("jurisdictions", true)) {
      if (auto parsed = parse_jurisdiction(j))
        t.jurisdictions.push_back(*parsed);
      else
        f.error(Errc::invalid_value, "jurisdictions", fmt::format("\"{}\" is not uk | us | eu", j));
    }
    t.guideline = f.text("guideline", true).value_or("");
    if (auto year = f.integer("year", 1900, 2100)) t.year = static_cast<int>(*year);
    t.age_from_y = f.number("age_from_y", 0, 130);
    t.direction = f.choice("direction",
                           {"for", "against", "against-standard-use", "licensed", "off-label-use",
                            "not-graded"},
                           true)
                      .value_or("");
    t.strength =
        f.choice("strength",
                 {"strong", "conditional", "level-a", "level-b", "level-c", "not-graded"}, true)
            .value_or("");
    t.certainty = f.choice("certainty", {"high", "moderate", "low", "very-low", "not-stated"}, true)
                      .value_or("");
    t.population = f.text("population").value_or("");
    t.note = f.text("note").value_or("");
    t.superseded_by = f.text("superseded_by").value_or("");
    t.prov = f.provenance();
    kb.treatments.push_back(std::move(t));
  });
}

void read_evidence(Fields& top, core::Kb& kb) {
  for_each_item(top, "evidence", true, [&](Fields& f) {
    core::Evidence e;
    e.id = f.text("id", true).value_or("");
    e.topic = f.choice("topic", {"rls", "sleep", "topical", "cramps"}, true).value_or("");
    e.certainty = f.choice("certainty", {"very-low", "low", "moderate", "high"}, true).value_or("");
    e.title = f.text("title", true).value_or("");
    e.detail = f.text("detail", true).value_or("");
    for_each_item(f, "studies", false, [&](Fields& s) {
      core::Study study;
      study.name = s.text("name", true).value_or("");
      study.design = s.text("design").value_or("");
      study.n = s.text("n").value_or("");
      study.dose = s.text("dose").value_or("");
      study.duration_weeks = s.number("duration_weeks", 0, 520);
      study.result = s.text("result").value_or("");
      study.source = s.text("source", true).value_or("");
      e.studies.push_back(std::move(study));
    });
    e.prov = f.provenance();
    kb.evidence.push_back(std::move(e));
  });
}

core::Threshold read_threshold(Fields& f) {
  core::Threshold t;
  t.value = f.number("value", 0, 100000, true).value_or(0);
  f.text("note");
  t.prov = f.provenance();
  return t;
}

core::RuleText read_rule_text(Fields& f) {
  core::RuleText t;
  t.severity = severity_field(f, true);
  t.title = f.text("title", true).value_or("");
  t.detail = f.text("detail", true).value_or("");
  t.see = f.text("see").value_or("");
  t.prov = f.provenance();
  return t;
}

/// Reads a map of name -> entry (thresholds:, texts:).
template <typename Entry>
void read_named(Fields& top, const char* key, std::map<std::string, Entry, std::less<>>& out,
                Entry (*read)(Fields&)) {
  const YAML::Node map = top.node(key);
  if (!map.IsMap()) {
    top.error(Errc::missing_field, key, "expected a map of named entries");
    return;
  }
  for (const auto& item : map) {
    const std::string name = item.first.Scalar();
    Fields f(item.second, top.child_path(key) + "." + name, top.file(), top.sink());
    out[name] = read(f);
    f.finish();
  }
}

void read_rules(Fields& top, core::Kb& kb) {
  auto& rules = kb.rules;
  read_named(top, "thresholds", rules.thresholds, &read_threshold);
  read_named(top, "texts", rules.texts, &read_rule_text);
  for_each_item(top, "iron", true, [&](Fields& f) {
    core::IronRule rule;
    rule.jurisdiction = jurisdiction_field(f);
    rule.ferritin_treat_at_or_below = f.number("ferritin_treat_at_or_below", 0, 1000).value_or(-1);
    rule.ferritin_treat_below = f.number("ferritin_treat_below", 0, 1000).value_or(-1);
    if (rule.ferritin_treat_at_or_below < 0 && rule.ferritin_treat_below < 0)
      f.error(Errc::missing_field, "ferritin_treat_below",
              "give ferritin_treat_below or ferritin_treat_at_or_below");
    rule.tsat_treat_below = f.number("tsat_treat_below", 0, 100, true).value_or(20);
    rule.ferritin_iv_only_up_to = f.number("ferritin_iv_only_up_to", 0, 1000);
    f.text("note");
    rule.prov = f.provenance();
    rules.iron.push_back(std::move(rule));
  });
  const YAML::Node bands = top.node("irls_bands");
  Fields b(bands, "irls_bands", top.file(), top.sink());
  for_each_item(b, "bands", true, [&](Fields& f) {
    core::IrlsBand band;
    band.from = static_cast<int>(f.integer("from", 0, 40, true).value_or(0));
    band.to = static_cast<int>(f.integer("to", 0, 40, true).value_or(0));
    band.label = f.text("label", true).value_or("");
    rules.irls_bands.push_back(std::move(band));
  });
  rules.irls_prov = b.provenance();
  b.finish();
  const YAML::Node plan = top.node("plan");
  Fields p(plan, "plan", top.file(), top.sink());
  rules.default_form = p.text("default_form", true).value_or("");
  rules.sensitive_stomach_form = p.text("sensitive_stomach_form", true).value_or("");
  p.finish();
  const YAML::Node exacerbating = top.node("exacerbating");
  Fields x(exacerbating, "exacerbating", top.file(), top.sink());
  rules.exacerbating_classes = x.texts("classes", true);
  rules.exacerbating_medicines = x.texts("medicines");
  x.finish();
  rules.topical_words = top.texts("topical_words", true);
  rules.ignore_words = top.texts("ignore_words", true);
  rules.salt_words = top.texts("salt_words", true);
  {
    const YAML::Node routes = top.node("route_words");
    Fields r(routes, "route_words", top.file(), top.sink());
    for (const char* route :
         {"eye", "ear", "nose", "skin", "inhaled", "injected", "rectal", "vaginal"})
      rules.route_words[route] = r.texts(route, true);
    r.finish();
  }
  rules.weekly_words = top.texts("weekly_words", true);
  rules.monthly_words = top.texts("monthly_words", true);
  rules.kidney_words = top.texts("kidney_words", true);
  rules.sleep_disturbing_classes = top.texts("sleep_disturbing_classes", true);
  rules.sleep_blend_classes = top.texts("sleep_blend_classes", true);
  rules.disclaimer = top.text("disclaimer", true).value_or("");
}

void read_indicators(Fields& top, core::Kb& kb) {
  for_each_item(top, "lists", true, [&](Fields& f) {
    core::AuditList list;
    list.id = f.text("id", true).value_or("");
    list.name = f.text("name", true).value_or("");
    list.classes = f.texts("classes");
    list.medicines = f.texts("medicines");
    list.all_forms = f.boolean("all_forms").value_or(false);
    list.rule = f.choice("rule", {"exacerbating"}).value_or("");
    list.interaction_actions = f.texts("interaction_actions");
    list.conditions = f.texts("conditions");
    list.lab = f.choice("lab", {"egfr", "ferritin", "tsat", "magnesium"}).value_or("");
    f.text("note");
    list.loc = {f.file(), f.line()};
    const bool medicine = !list.classes.empty() || !list.medicines.empty() || list.all_forms ||
                          !list.rule.empty() || !list.interaction_actions.empty();
    const int kinds = int(medicine) + int(!list.conditions.empty()) + int(!list.lab.empty());
    if (kinds != 1)
      f.error(Errc::invalid_kb, "id",
              "a list selects exactly one kind: medicines (classes, medicines, all_forms, rule, "
              "interaction_actions), conditions, or lab");
    kb.audit.lists.push_back(std::move(list));
  });
  for_each_item(top, "indicators", true, [&](Fields& f) {
    core::Indicator indicator;
    indicator.id = f.text("id", true).value_or("");
    indicator.title = f.text("title", true).value_or("");
    indicator.denominator = f.text("denominator", true).value_or("");
    indicator.numerator = f.text("numerator", true).value_or("");
    indicator.lists = f.texts("lists", true);
    f.text("note");
    const YAML::Node thresholds = f.node("thresholds");
    if (thresholds.IsDefined() && !thresholds.IsNull()) {
      if (!thresholds.IsMap()) {
        f.error(Errc::invalid_type, "thresholds", "expected a map of name: {value, rule}");
      } else {
        for (const auto& item : thresholds) {
          const std::string name = item.first.Scalar();
          Fields t(item.second, f.child_path("thresholds") + "." + name, f.file(), f.sink());
          core::IndicatorThreshold threshold;
          threshold.value = t.number("value", 0, 100000, true).value_or(0);
          threshold.rule = t.text("rule").value_or("");
          t.text("note");
          t.finish();
          indicator.thresholds[name] = threshold;
        }
      }
    }
    indicator.prov = f.provenance();
    kb.audit.indicators.push_back(std::move(indicator));
  });
}

// kb/labs.yaml: the LOINC codes and units the FHIR mapper reads.
void read_labs(Fields& top, core::Kb& kb) {
  for_each_item(top, "labs", true, [&](Fields& f) {
    core::Lab lab;
    lab.id = f.text("id", true).value_or("");
    lab.name = f.text("name", true).value_or("");
    lab.profile_unit = f.text("profile_unit").value_or("");
    lab.loinc = f.texts("loinc", true);
    for_each_item(f, "units", false, [&](Fields& u) {
      core::LabUnit unit;
      unit.unit = u.text("unit", true).value_or("");
      unit.prefix = u.boolean("prefix").value_or(false);
      unit.multiply = u.number("multiply", 1e-9, 1e9).value_or(1);
      unit.divide = u.number("divide", 1e-9, 1e9).value_or(1);
      u.text("note");
      lab.units.push_back(std::move(unit));
    });
    lab.prov = f.provenance();
    kb.labs.push_back(std::move(lab));
  });
}

struct FileReader {
  const char* name;
  void (*read)(Fields&, core::Kb&);
};

constexpr FileReader kReaders[] = {
    {"sources.yaml", &read_sources},           {"salts.yaml", &read_salts},
    {"intakes.yaml", &read_intakes},           {"medicines.yaml", &read_medicines},
    {"interactions.yaml", &read_interactions}, {"conditions.yaml", &read_conditions},
    {"red_flags.yaml", &read_red_flags},       {"treatments.yaml", &read_treatments},
    {"evidence.yaml", &read_evidence},         {"rules.yaml", &read_rules},
    {"indicators.yaml", &read_indicators},     {"labs.yaml", &read_labs},
};

}  // namespace

KbLoad load_kb(const std::vector<KbFile>& files) {
  KbLoad load;
  ErrorSink sink;
  std::map<std::string, const KbFile*> by_name;
  for (const auto& file : files) by_name[file.name] = &file;
  if (auto version = by_name.find("VERSION"); version != by_name.end()) {
    std::string text = version->second->text;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r'))
      text.pop_back();
    load.kb.version = text;
  } else {
    sink.add(Errc::invalid_kb, "", "VERSION is missing", "VERSION", 0);
  }
  for (const auto& reader : kReaders) {
    const auto found = by_name.find(reader.name);
    if (found == by_name.end()) {
      sink.add(Errc::invalid_kb, "", "file is missing", reader.name, 0);
      continue;
    }
    auto parsed = parse_yaml_text(found->second->text, reader.name);
    if (!parsed.ok()) {
      sink.errors.push_back(parsed.error());
      continue;
    }
    try {
      Fields top(parsed.value(), "", reader.name, sink);
      reader.read(top, load.kb);
      top.finish();
    } catch (const YAML::Exception& error) {
      sink.add(Errc::parse_error, "", error.msg, reader.name, error.mark.line + 1);
    }
  }
  for (const auto& [name, file] : by_name) {
    if (name == "VERSION") continue;
    bool known = false;
    for (const auto& reader : kReaders) known = known || name == reader.name;
    if (!known)
      sink.add(Errc::invalid_kb, "", "unknown KB file (expected one of the files in kb/README.md)",
               name, 0);
  }
  if (sink.empty()) {
    for (auto& error : core::check_kb(load.kb)) sink.errors.push_back(std::move(error));
    for (auto& salt : load.kb.salts)
      if (const auto mass = core::formula_mass(salt.formula); mass.ok())
        salt.computed_percent = mass.value().elemental_percent();
    if (sink.empty()) load.kb.name_tables = core::NameIndex::build_tables(load.kb, nullptr);
  }
  load.errors = std::move(sink.errors);
  return load;
}

}  // namespace willis::codec
