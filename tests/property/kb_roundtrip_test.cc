// tests/property/kb_roundtrip_test.cc: YAML -> binary image -> KB loses nothing (issue 12 item 10).
// Users get the image compiled into the binary (app::load_kb("")), not the YAML: every field of
// every entry must come back exactly as the YAML loader built it.
//
// The comparison writes both KBs in a canonical text form. Every struct of core/kb.h is taken
// apart with a structured binding that names ALL its fields, so the build breaks here when a
// struct gains or loses a field. When that happens: add the new field to the binding of its
// struct below (and to the image's field list in src/codec/kb_binary.cc, bumping its
// kFormatVersion); a new struct type needs its own `put` overload.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "app/kb_embedded.h"
#include "app/kb_source.h"
#include "codec/kb_binary.h"
#include "core/kb.h"

namespace willis::testing::canonical {

struct Out {
  std::string text;
};

void put(Out& o, const std::string& v) {
  o.text += "\"" + std::to_string(v.size()) + ":" + v + "\"";
}
void put(Out& o, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", v);  // exact: every bit of the number
  o.text += buf;
}
void put(Out& o, int v) {
  o.text += "i" + std::to_string(v);
}
void put(Out& o, long v) {
  o.text += "l" + std::to_string(v);
}
void put(Out& o, bool v) {
  o.text += v ? "T" : "F";
}
template <typename E>
requires std::is_enum_v<E>
void put(Out& o, E v) {
  o.text += "e" + std::to_string(static_cast<long>(v));
}
template <typename T>
void put(Out& o, const std::optional<T>& v) {
  if (!v) {
    o.text += "none";
    return;
  }
  o.text += "some(";
  put(o, *v);
  o.text += ")";
}
template <typename T>
void put(Out& o, const std::vector<T>& v) {
  o.text += "[" + std::to_string(v.size()) + ":";
  for (const auto& item : v) {
    put(o, item);
    o.text += ",";
  }
  o.text += "]";
}
template <typename A, typename B>
void put(Out& o, const std::pair<A, B>& v) {
  put(o, v.first);
  o.text += "=";
  put(o, v.second);
}
template <typename K, typename T, typename C>
void put(Out& o, const std::map<K, T, C>& m) {
  o.text += "{" + std::to_string(m.size()) + ":";
  for (const auto& [key, value] : m) {
    put(o, key);
    o.text += "=";
    put(o, value);
    o.text += ",";
  }
  o.text += "}";
}
template <typename... T>
void fields(Out& o, const char* name, const T&... all) {
  o.text += name;
  o.text += "(";
  ((put(o, all), o.text += ";"), ...);
  o.text += ")";
}

// ---- one binding per struct of core/kb.h, naming every field (see the comment at the top) ----
void put(Out& o, const core::SourceLoc& v) {
  const auto& [file, line] = v;
  fields(o, "SourceLoc", file, line);
}
void put(Out& o, const core::Provenance& v) {
  const auto& [sources, verified, last_reviewed, loc] = v;
  fields(o, "Provenance", sources, verified, last_reviewed, loc);
}
void put(Out& o, const core::Source& v) {
  const auto& [id, title, publisher, url, doi, pmid, verification, verified_how, year, loc] = v;
  fields(o, "Source", id, title, publisher, url, doi, pmid, verification, verified_how, year, loc);
}
void put(Out& o, const core::Form& v) {
  const auto& [id, name, synonyms, atc, rxnorm, laxative, prov] = v;
  fields(o, "Form", id, name, synonyms, atc, rxnorm, laxative, prov);
}
void put(Out& o, const core::Salt& v) {
  const auto& [id, form, name, formula, synonyms, molar_mass_g_mol, elemental_percent,
               computed_percent, prov] = v;
  fields(o, "Salt", id, form, name, formula, synonyms, molar_mass_g_mol, elemental_percent,
         computed_percent, prov);
}
void put(Out& o, const core::ReferenceIntake& v) {
  const auto& [jurisdiction, kind, age_from_y, age_below_y, sex, state, mg, prov] = v;
  fields(o, "ReferenceIntake", jurisdiction, kind, age_from_y, age_below_y, sex, state, mg, prov);
}
void put(Out& o, const core::UpperLimit& v) {
  const auto& [jurisdiction, age_from_y, age_below_y, mg, determinable, kind, counts, note, prov] =
      v;
  fields(o, "UpperLimit", jurisdiction, age_from_y, age_below_y, mg, determinable, kind, counts,
         note, prov);
}
void put(Out& o, const core::MedicineClass& v) {
  const auto& [id, name, prov] = v;
  fields(o, "MedicineClass", id, name, prov);
}
void put(Out& o, const core::MagnesiumContent& v) {
  const auto& [salt, elemental_mg, salt_mg, per_ml, per, use] = v;
  fields(o, "MagnesiumContent", salt, elemental_mg, salt_mg, per_ml, per, use);
}
void put(Out& o, const core::Medicine& v) {
  const auto& [id, name, synonyms, brands, atc, classes, rxnorm, magnesium, prov] = v;
  fields(o, "Medicine", id, name, synonyms, brands, atc, classes, rxnorm, magnesium, prov);
}
void put(Out& o, const core::Window& v) {
  const auto& [source, after, before, wording, verified] = v;
  fields(o, "Window", source, after, before, wording, verified);
}
void put(Out& o, const core::Interaction& v) {
  const auto& [id, kind, medicines, classes, action, severity, title, detail, mechanism, windows,
               prov] = v;
  fields(o, "Interaction", id, kind, medicines, classes, action, severity, title, detail, mechanism,
         windows, prov);
}
void put(Out& o, const core::FindingTemplate& v) {
  const auto& [kind, severity, title, detail, see, prov] = v;
  fields(o, "FindingTemplate", kind, severity, title, detail, see, prov);
}
void put(Out& o, const core::Condition& v) {
  const auto& [id, name, synonyms, snomed, roles, finding, loc, last_reviewed] = v;
  fields(o, "Condition", id, name, synonyms, snomed, roles, finding, loc, last_reviewed);
}
void put(Out& o, const core::RedFlag& v) {
  const auto& [id, name, possible_cause, title, action, synonyms, see, emergency, prov] = v;
  fields(o, "RedFlag", id, name, possible_cause, title, action, synonyms, see, emergency, prov);
}
void put(Out& o, const core::LabUnit& v) {
  const auto& [unit, prefix, multiply, divide] = v;
  fields(o, "LabUnit", unit, prefix, multiply, divide);
}
void put(Out& o, const core::Lab& v) {
  const auto& [id, name, profile_unit, loinc, units, prov] = v;
  fields(o, "Lab", id, name, profile_unit, loinc, units, prov);
}
void put(Out& o, const core::Treatment& v) {
  const auto& [id, name, guideline, direction, strength, certainty, population, note, superseded_by,
               medicines, jurisdictions, year, age_from_y, prov] = v;
  fields(o, "Treatment", id, name, guideline, direction, strength, certainty, population, note,
         superseded_by, medicines, jurisdictions, year, age_from_y, prov);
}
void put(Out& o, const core::Study& v) {
  const auto& [name, design, n, dose, result, source, duration_weeks] = v;
  fields(o, "Study", name, design, n, dose, result, source, duration_weeks);
}
void put(Out& o, const core::Evidence& v) {
  const auto& [id, topic, certainty, title, detail, studies, prov] = v;
  fields(o, "Evidence", id, topic, certainty, title, detail, studies, prov);
}
void put(Out& o, const core::Threshold& v) {
  const auto& [value, prov] = v;
  fields(o, "Threshold", value, prov);
}
void put(Out& o, const core::RuleText& v) {
  const auto& [title, detail, see, severity, prov] = v;
  fields(o, "RuleText", title, detail, see, severity, prov);
}
void put(Out& o, const core::IronRule& v) {
  const auto& [jurisdiction, ferritin_treat_at_or_below, ferritin_treat_below, tsat_treat_below,
               ferritin_iv_only_up_to, prov] = v;
  fields(o, "IronRule", jurisdiction, ferritin_treat_at_or_below, ferritin_treat_below,
         tsat_treat_below, ferritin_iv_only_up_to, prov);
}
void put(Out& o, const core::IrlsBand& v) {
  const auto& [from, to, band_label] = v;
  fields(o, "IrlsBand", from, to, band_label);
}
void put(Out& o, const core::Rules& v) {
  const auto& [thresholds, texts, iron, irls_bands, irls_prov, topical_words, ignore_words,
               salt_words, default_form, sensitive_stomach_form, disclaimer, exacerbating_classes,
               exacerbating_medicines, route_words, weekly_words, monthly_words, kidney_words,
               sleep_disturbing_classes, sleep_blend_classes] = v;
  fields(o, "Rules", thresholds, texts, iron, irls_bands, irls_prov, topical_words, ignore_words,
         salt_words, default_form, sensitive_stomach_form, disclaimer, exacerbating_classes,
         exacerbating_medicines, route_words, weekly_words, monthly_words, kidney_words,
         sleep_disturbing_classes, sleep_blend_classes);
}
void put(Out& o, const core::NameTable& v) {
  put(o, std::vector<core::NameTable::Entry>(v.begin(), v.end()));
}
void put(Out& o, const core::NameTables& v) {
  const auto& [medicines, supplements, conditions, flags] = v;
  fields(o, "NameTables", medicines, supplements, conditions, flags);
}
void put(Out& o, const core::AuditList& v) {
  const auto& [id, name, classes, medicines, all_forms, rule, interaction_actions, conditions, lab,
               loc] = v;
  fields(o, "AuditList", id, name, classes, medicines, all_forms, rule, interaction_actions,
         conditions, lab, loc);
}
void put(Out& o, const core::IndicatorThreshold& v) {
  const auto& [value, rule] = v;
  fields(o, "IndicatorThreshold", value, rule);
}
void put(Out& o, const core::Indicator& v) {
  const auto& [id, title, denominator, numerator, lists, thresholds, prov] = v;
  fields(o, "Indicator", id, title, denominator, numerator, lists, thresholds, prov);
}
void put(Out& o, const core::Audit& v) {
  const auto& [lists, indicators] = v;
  fields(o, "Audit", lists, indicators);
}

template <typename T>
std::string canon(const T& v) {
  Out o;
  put(o, v);
  return o.text;
}

/// Where two canonical texts first differ, with some context, for the failure message.
std::string first_difference(const std::string& a, const std::string& b) {
  std::size_t at = 0;
  while (at < a.size() && at < b.size() && a[at] == b[at]) ++at;
  const std::size_t from = at > 120 ? at - 120 : 0;
  return "at character " + std::to_string(at) + "\n  yaml:  …" + a.substr(from, 300) +
         "\n  image: …" + b.substr(from, 300);
}

/// Compares two KBs field by field (a list's entries one by one), adding one failure per
/// differing entry. The binding names all of core::Kb's fields (see the comment at the top).
void expect_same_kb(const core::Kb& yaml, const core::Kb& image) {
  const auto& [version, sources, forms, salts, reference_intakes, upper_limits, classes, medicines,
               interactions, conditions, red_flags, treatments, evidence, rules, audit, name_tables,
               labs] = yaml;
  const auto& [version2, sources2, forms2, salts2, reference_intakes2, upper_limits2, classes2,
               medicines2, interactions2, conditions2, red_flags2, treatments2, evidence2, rules2,
               audit2, name_tables2, labs2] = image;
  const auto same = [](const char* what, const auto& a, const auto& b) {
    using T = std::decay_t<decltype(a)>;
    if constexpr (requires {
                    a.size();
                    a.begin();
                    typename T::value_type;
                  } &&
                  !std::is_same_v<T, std::string>) {
      EXPECT_EQ(a.size(), b.size()) << what << ": entry count";
      auto ia = a.begin();
      auto ib = b.begin();
      for (std::size_t idx = 0; ia != a.end() && ib != b.end(); ++ia, ++ib, ++idx) {
        Out oa, ob;
        put(oa, *ia);
        put(ob, *ib);
        EXPECT_EQ(oa.text, ob.text)
            << what << "[" << idx << "] differs " << first_difference(oa.text, ob.text);
      }
    }
    const std::string ca = canon(a), cb = canon(b);
    EXPECT_EQ(ca, cb) << what << " differs " << first_difference(ca, cb);
  };
  same("version", version, version2);
  same("sources", sources, sources2);
  same("forms", forms, forms2);
  same("salts", salts, salts2);
  same("reference_intakes", reference_intakes, reference_intakes2);
  same("upper_limits", upper_limits, upper_limits2);
  same("classes", classes, classes2);
  same("medicines", medicines, medicines2);
  same("interactions", interactions, interactions2);
  same("conditions", conditions, conditions2);
  same("red_flags", red_flags, red_flags2);
  same("treatments", treatments, treatments2);
  same("evidence", evidence, evidence2);
  same("rules", rules, rules2);
  same("audit", audit, audit2);
  same("name_tables", name_tables, name_tables2);
  same("labs", labs, labs2);
}

/// The whole KB in canonical form (every field of core::Kb).
std::string canon_kb(const core::Kb& kb) {
  const auto& [version, sources, forms, salts, reference_intakes, upper_limits, classes, medicines,
               interactions, conditions, red_flags, treatments, evidence, rules, audit, name_tables,
               labs] = kb;
  Out o;
  fields(o, "Kb", version, sources, forms, salts, reference_intakes, upper_limits, classes,
         medicines, interactions, conditions, red_flags, treatments, evidence, rules, audit,
         name_tables, labs);
  return o.text;
}

}  // namespace willis::testing::canonical

namespace {

using namespace willis;
using willis::testing::canonical::canon_kb;
using willis::testing::canonical::expect_same_kb;

const core::Kb& yaml_kb() {
  static const core::Kb kb = [] {
    auto load = app::load_kb(std::string(WILLIS_SOURCE_DIR) + "/kb");
    for (const auto& error : load.errors) ADD_FAILURE() << app::describe_error(error);
    return std::move(load.kb);
  }();
  return kb;
}

TEST(KbRoundTrip, EmbeddedImageEqualsTheYamlOfTheSourceTree) {
  const auto image = app::load_kb("");
  ASSERT_TRUE(image.errors.empty()) << app::describe_error(image.errors.front());
  ASSERT_FALSE(yaml_kb().medicines.empty());
  expect_same_kb(yaml_kb(), image.kb);
  EXPECT_EQ(canon_kb(yaml_kb()), canon_kb(image.kb));
}

TEST(KbRoundTrip, YamlToImageToKbLosesNothing) {
  auto back = codec::kb_from_binary(codec::kb_to_binary(yaml_kb()));
  ASSERT_TRUE(back.ok()) << back.error().message;
  expect_same_kb(yaml_kb(), back.value());
  EXPECT_EQ(canon_kb(yaml_kb()), canon_kb(back.value()));
}

TEST(KbRoundTrip, EmbeddedYamlTextsEqualTheSourceTree) {
  const auto embedded_yaml = app::load_kb("", /*from_yaml=*/true);
  ASSERT_TRUE(embedded_yaml.errors.empty()) << app::describe_error(embedded_yaml.errors.front());
  EXPECT_EQ(canon_kb(yaml_kb()), canon_kb(embedded_yaml.kb));
}

// The comparison is not blind: changing any one field, deep in any entry, makes it differ.
TEST(KbRoundTrip, TheComparisonSeesAOneFieldChange) {
  const core::Kb& kb = yaml_kb();
  const std::string original = canon_kb(kb);
  const auto differs = [&](auto&& change) {
    core::Kb copy = kb;
    change(copy);
    return canon_kb(copy) != original;
  };
  ASSERT_FALSE(kb.medicines.empty());
  ASSERT_FALSE(kb.interactions.empty());
  ASSERT_FALSE(kb.salts.empty());
  EXPECT_FALSE(differs([](core::Kb&) {}));
  EXPECT_TRUE(differs([](core::Kb& k) { k.medicines.back().prov.loc.line += 1; }));
  EXPECT_TRUE(differs([](core::Kb& k) {
    k.salts.front().computed_percent = std::nextafter(k.salts.front().computed_percent, 100.0);
  }));
  EXPECT_TRUE(differs([](core::Kb& k) {
    k.interactions.front().prov.verified = !k.interactions.front().prov.verified;
  }));
  EXPECT_TRUE(differs([](core::Kb& k) { k.rules.thresholds.begin()->second.value += 1; }));
  EXPECT_TRUE(differs([](core::Kb& k) {
    k.name_tables.medicines.entries().erase(k.name_tables.medicines.entries().begin());
  }));
  EXPECT_TRUE(differs(
      [](core::Kb& k) { k.audit.indicators.front().thresholds.begin()->second.rule += "x"; }));
  EXPECT_TRUE(differs([](core::Kb& k) { k.medicines.front().rxnorm.push_back(1); }));
  EXPECT_TRUE(differs([](core::Kb& k) { k.rules.disclaimer += " "; }));
}

}  // namespace
