#include "codec/kb_binary.h"

#include <cstdint>
#include <cstring>
#include <iterator>
#include <stdexcept>
#include <type_traits>

namespace willis::codec {

namespace {

// Bump when any struct's field list below changes.
constexpr std::uint32_t kFormatVersion = 6;
constexpr char kMagic[8] = {'W', 'I', 'L', 'L', 'I', 'S', 'K', 'B'};

struct Writer {
  std::string out;
  void raw(const void* data, std::size_t size) { out.append(static_cast<const char*>(data), size); }
};

[[noreturn, gnu::noinline, gnu::cold]] void truncated_image() {
  throw std::runtime_error("truncated KB image");
}

// Inlined into every field (a call per field was a sixth of reading the image at start-up).
struct Reader {
  std::string_view in;
  std::size_t pos = 0;
  void raw(void* data, std::size_t size) {
    if (size > in.size() - pos) [[unlikely]]
      truncated_image();
    std::memcpy(data, in.data() + pos, size);
    pos += size;
  }
};

template <typename Ar>
void field(Ar& ar, std::string& s);
template <typename Ar>
void field(Ar& ar, double& v) {
  ar.raw(&v, sizeof v);
}
template <typename Ar>
void field(Ar& ar, int& v) {
  ar.raw(&v, sizeof v);
}
template <typename Ar>
void field(Ar& ar, long& v) {
  ar.raw(&v, sizeof v);
}
template <typename Ar>
void field(Ar& ar, bool& v) {
  std::uint8_t byte = v;
  ar.raw(&byte, 1);
  v = byte != 0;
}
template <typename Ar, typename E>
requires std::is_enum_v<E>
void field(Ar& ar, E& v) {
  std::int32_t number = static_cast<std::int32_t>(v);
  ar.raw(&number, sizeof number);
  v = static_cast<E>(number);
}

template <typename Ar>
void field(Ar& ar, std::string& s) {
  std::uint32_t size = static_cast<std::uint32_t>(s.size());
  ar.raw(&size, sizeof size);
  if constexpr (std::is_same_v<Ar, Reader>) {
    if (size > ar.in.size() - ar.pos) [[unlikely]]
      truncated_image();
    s.assign(ar.in.data() + ar.pos, size);
    ar.pos += size;
  } else {
    ar.raw(s.data(), size);
  }
}

template <typename Ar, typename T>
void field(Ar& ar, std::optional<T>& v);
template <typename Ar>
void field(Ar& ar, std::pair<std::string, std::string>& v) {
  field(ar, v.first);
  field(ar, v.second);
}
template <typename Ar, typename T>
void field(Ar& ar, std::vector<T>& v);
template <typename Ar, typename K, typename T, typename C>
void field(Ar& ar, std::map<K, T, C>& m);

// ---- one field list per struct: the single description used both ways ----
template <typename Ar>
void field(Ar& ar, core::SourceLoc& v) {
  field(ar, v.file);
  field(ar, v.line);
}
template <typename Ar>
void field(Ar& ar, core::Provenance& v) {
  field(ar, v.sources);
  field(ar, v.verified);
  field(ar, v.last_reviewed);
  field(ar, v.loc);
}
template <typename Ar>
void field(Ar& ar, core::Source& v) {
  field(ar, v.id);
  field(ar, v.title);
  field(ar, v.publisher);
  field(ar, v.url);
  field(ar, v.doi);
  field(ar, v.pmid);
  field(ar, v.verification);
  field(ar, v.verified_how);
  field(ar, v.year);
  field(ar, v.loc);
}
template <typename Ar>
void field(Ar& ar, core::Form& v) {
  field(ar, v.id);
  field(ar, v.name);
  field(ar, v.synonyms);
  field(ar, v.atc);
  field(ar, v.rxnorm);
  field(ar, v.laxative);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::Salt& v) {
  field(ar, v.id);
  field(ar, v.form);
  field(ar, v.name);
  field(ar, v.formula);
  field(ar, v.synonyms);
  field(ar, v.molar_mass_g_mol);
  field(ar, v.elemental_percent);
  field(ar, v.computed_percent);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::ReferenceIntake& v) {
  field(ar, v.jurisdiction);
  field(ar, v.kind);
  field(ar, v.age_from_y);
  field(ar, v.age_below_y);
  field(ar, v.sex);
  field(ar, v.state);
  field(ar, v.mg);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::UpperLimit& v) {
  field(ar, v.jurisdiction);
  field(ar, v.age_from_y);
  field(ar, v.age_below_y);
  field(ar, v.mg);
  field(ar, v.determinable);
  field(ar, v.kind);
  field(ar, v.counts);
  field(ar, v.note);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::MedicineClass& v) {
  field(ar, v.id);
  field(ar, v.name);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::MagnesiumContent& v) {
  field(ar, v.salt);
  field(ar, v.elemental_mg);
  field(ar, v.salt_mg);
  field(ar, v.per_ml);
  field(ar, v.per);
  field(ar, v.use);
}
template <typename Ar>
void field(Ar& ar, core::Medicine& v) {
  field(ar, v.id);
  field(ar, v.name);
  field(ar, v.synonyms);
  field(ar, v.brands);
  field(ar, v.atc);
  field(ar, v.classes);
  field(ar, v.rxnorm);
  field(ar, v.magnesium);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::Window& v) {
  field(ar, v.source);
  field(ar, v.magnesium_after_drug_h);
  field(ar, v.magnesium_before_drug_h);
  field(ar, v.wording);
  field(ar, v.verified);
}
template <typename Ar>
void field(Ar& ar, core::Interaction& v) {
  field(ar, v.id);
  field(ar, v.kind);
  field(ar, v.medicines);
  field(ar, v.classes);
  field(ar, v.action);
  field(ar, v.severity);
  field(ar, v.title);
  field(ar, v.detail);
  field(ar, v.mechanism);
  field(ar, v.windows);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::FindingTemplate& v) {
  field(ar, v.kind);
  field(ar, v.severity);
  field(ar, v.title);
  field(ar, v.detail);
  field(ar, v.see);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::Condition& v) {
  field(ar, v.id);
  field(ar, v.name);
  field(ar, v.synonyms);
  field(ar, v.snomed);
  field(ar, v.roles);
  field(ar, v.finding);
  field(ar, v.loc);
  field(ar, v.last_reviewed);
}
template <typename Ar>
void field(Ar& ar, core::RedFlag& v) {
  field(ar, v.id);
  field(ar, v.name);
  field(ar, v.possible_cause);
  field(ar, v.title);
  field(ar, v.action);
  field(ar, v.synonyms);
  field(ar, v.see);
  field(ar, v.emergency);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::Treatment& v) {
  field(ar, v.id);
  field(ar, v.name);
  field(ar, v.guideline);
  field(ar, v.direction);
  field(ar, v.strength);
  field(ar, v.certainty);
  field(ar, v.population);
  field(ar, v.note);
  field(ar, v.superseded_by);
  field(ar, v.medicines);
  field(ar, v.jurisdictions);
  field(ar, v.year);
  field(ar, v.age_from_y);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::Study& v) {
  field(ar, v.name);
  field(ar, v.design);
  field(ar, v.n);
  field(ar, v.dose);
  field(ar, v.result);
  field(ar, v.source);
  field(ar, v.duration_weeks);
}
template <typename Ar>
void field(Ar& ar, core::Evidence& v) {
  field(ar, v.id);
  field(ar, v.topic);
  field(ar, v.certainty);
  field(ar, v.title);
  field(ar, v.detail);
  field(ar, v.studies);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::Threshold& v) {
  field(ar, v.value);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::RuleText& v) {
  field(ar, v.title);
  field(ar, v.detail);
  field(ar, v.see);
  field(ar, v.severity);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::IronRule& v) {
  field(ar, v.jurisdiction);
  field(ar, v.ferritin_treat_at_or_below);
  field(ar, v.ferritin_treat_below);
  field(ar, v.tsat_treat_below);
  field(ar, v.ferritin_iv_only_up_to);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::IrlsBand& v) {
  field(ar, v.from);
  field(ar, v.to);
  field(ar, v.label);
}
template <typename Ar>
void field(Ar& ar, core::Rules& v) {
  field(ar, v.thresholds);
  field(ar, v.texts);
  field(ar, v.iron);
  field(ar, v.irls_bands);
  field(ar, v.irls_prov);
  field(ar, v.topical_words);
  field(ar, v.ignore_words);
  field(ar, v.salt_words);
  field(ar, v.default_form);
  field(ar, v.sensitive_stomach_form);
  field(ar, v.disclaimer);
  field(ar, v.exacerbating_classes);
  field(ar, v.exacerbating_medicines);
  field(ar, v.route_words);
  field(ar, v.weekly_words);
  field(ar, v.monthly_words);
  field(ar, v.kidney_words);
  field(ar, v.sleep_disturbing_classes);
  field(ar, v.sleep_blend_classes);
}
template <typename Ar>
void field(Ar& ar, core::AuditList& v) {
  field(ar, v.id);
  field(ar, v.name);
  field(ar, v.classes);
  field(ar, v.medicines);
  field(ar, v.all_forms);
  field(ar, v.rule);
  field(ar, v.interaction_actions);
  field(ar, v.conditions);
  field(ar, v.lab);
  field(ar, v.loc);
}
template <typename Ar>
void field(Ar& ar, core::IndicatorThreshold& v) {
  field(ar, v.value);
  field(ar, v.rule);
}
template <typename Ar>
void field(Ar& ar, core::Indicator& v) {
  field(ar, v.id);
  field(ar, v.title);
  field(ar, v.denominator);
  field(ar, v.numerator);
  field(ar, v.lists);
  field(ar, v.thresholds);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::Audit& v) {
  field(ar, v.lists);
  field(ar, v.indicators);
}
template <typename Ar>
void field(Ar& ar, core::NameTable& v) {
  auto& entries = v.entries();
  field(ar, entries);
  if constexpr (std::is_same_v<Ar, Reader>) {
    for (std::size_t idx = 1; idx < entries.size(); ++idx)
      if (!(entries[idx - 1].first < entries[idx].first))
        throw std::runtime_error("corrupt KB image (name table out of order)");
  }
}
template <typename Ar>
void field(Ar& ar, core::NameTables& v) {
  field(ar, v.medicines);
  field(ar, v.supplements);
  field(ar, v.conditions);
  field(ar, v.flags);
}
template <typename Ar>
void field(Ar& ar, core::LabUnit& v) {
  field(ar, v.unit);
  field(ar, v.prefix);
  field(ar, v.multiply);
  field(ar, v.divide);
}
template <typename Ar>
void field(Ar& ar, core::Lab& v) {
  field(ar, v.id);
  field(ar, v.name);
  field(ar, v.profile_unit);
  field(ar, v.loinc);
  field(ar, v.units);
  field(ar, v.prov);
}
template <typename Ar>
void field(Ar& ar, core::Kb& v) {
  field(ar, v.version);
  field(ar, v.sources);
  field(ar, v.forms);
  field(ar, v.salts);
  field(ar, v.reference_intakes);
  field(ar, v.upper_limits);
  field(ar, v.classes);
  field(ar, v.medicines);
  field(ar, v.interactions);
  field(ar, v.conditions);
  field(ar, v.red_flags);
  field(ar, v.treatments);
  field(ar, v.evidence);
  field(ar, v.rules);
  field(ar, v.audit);
  field(ar, v.name_tables);
  field(ar, v.labs);
}

template <typename Ar, typename T>
void field(Ar& ar, std::optional<T>& v) {
  bool present = v.has_value();
  field(ar, present);
  if (!present) {
    v.reset();
    return;
  }
  if (!v) v.emplace();
  field(ar, *v);
}

template <typename Ar, typename T>
void field(Ar& ar, std::vector<T>& v) {
  std::uint32_t size = static_cast<std::uint32_t>(v.size());
  ar.raw(&size, sizeof size);
  if constexpr (std::is_same_v<Ar, Reader>) {
    if (size > ar.in.size()) throw std::runtime_error("corrupt KB image");
    v.resize(size);
  }
  for (auto& item : v) field(ar, item);
}

template <typename Ar, typename K, typename T, typename C>
void field(Ar& ar, std::map<K, T, C>& m) {
  std::uint32_t size = static_cast<std::uint32_t>(m.size());
  ar.raw(&size, sizeof size);
  if constexpr (std::is_same_v<Ar, Reader>) {
    // The writer wrote the keys in the map's order: each goes at the end, with no search.
    for (std::uint32_t idx = 0; idx < size; ++idx) {
      K key{};
      field(ar, key);
      if (!m.empty() && !m.key_comp()(std::prev(m.end())->first, key))
        throw std::runtime_error("corrupt KB image (map keys out of order)");
      field(ar, m.emplace_hint(m.end(), std::move(key), T{})->second);
    }
  } else {
    for (auto& [key, value] : m) {
      K copy = key;
      field(ar, copy);
      field(ar, value);
    }
  }
}

}  // namespace

std::string kb_to_binary(const core::Kb& kb) {
  Writer w;
  w.raw(kMagic, sizeof kMagic);
  std::uint32_t version = kFormatVersion;
  w.raw(&version, sizeof version);
  core::Kb copy = kb;
  field(w, copy);
  return std::move(w.out);
}

core::Result<core::Kb> kb_from_binary(std::string_view image) {
  try {
    Reader r{image};
    char magic[sizeof kMagic];
    r.raw(magic, sizeof magic);
    std::uint32_t version = 0;
    r.raw(&version, sizeof version);
    if (std::memcmp(magic, kMagic, sizeof kMagic) != 0 || version != kFormatVersion)
      return core::Error{core::Errc::invalid_kb, "",
                         "not a willis KB image of this version (rebuild)"};
    core::Kb kb;
    field(r, kb);
    if (r.pos != image.size())
      return core::Error{core::Errc::invalid_kb, "", "trailing bytes in the KB image"};
    return kb;
  } catch (const std::exception& error) {
    return core::Error{core::Errc::invalid_kb, "", error.what()};
  }
}

}  // namespace willis::codec
