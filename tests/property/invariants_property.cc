// tests/property/invariants_property.cc: the safety invariants (tests/support/invariants.h, issue
// 12 item 11) on thousands of random profiles built from the KB's own names.
//
// Usage: willis_property_test [--seed N] [--count N] [--examples N] [--verbose]
// Each profile is written as YAML, read back by the profile parser (the same one `willis assess`
// uses) and assessed in process against the KB image compiled into the binary. Seeded: the same
// seed gives the same profiles. A failure prints, per invariant and cause, the number of profiles
// that broke it and a shrunk profile as YAML: save it as p.yaml and run `willis assess p.yaml`.
// Exit: 0 every invariant held, 1 some did not, 2 a generated profile was rejected (a bug here).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/kb_source.h"
#include "codec/profile_codec.h"
#include "core/assess.h"
#include "core/names.h"
#include "support/invariants.h"

namespace {

using namespace willis;

// ---- a seeded generator of our own (std distributions differ between standard libraries) ----
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {  // splitmix64
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }  // 0..n-1
  int between(int lo, int hi) { return lo + below(hi - lo + 1); }  // inclusive
  bool chance(int percent) { return below(100) < percent; }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(below(static_cast<int>(items.size())))];
  }
};

// ---- the KB's names, by kind ----
struct Pools {
  std::vector<std::string>
      medicines;  ///< names, synonyms, brands, ids of medicines without magnesium
  std::vector<std::string>
      interacting;  ///< the same, of medicines magnesium must be kept apart from
  std::vector<std::string> mg_products;  ///< medicines that contain magnesium (antacids, laxatives)
  std::vector<std::string> supplements;  ///< magnesium forms and salts, as people name them
  std::vector<std::string> conditions;
  std::vector<std::string> red_flags;
  std::vector<std::string> topical;  ///< "magnesium oil"-like names
  /// Medicines people list as supplements (issue 12: levothyroxine, iron, calcium, zinc).
  std::vector<std::string> wrong_list;

  explicit Pools(const core::Kb& kb) {
    std::set<std::string> separate_ids, separate_classes;
    for (const auto& i : kb.interactions)
      if (i.kind == "interaction" && i.action == "separate") {
        separate_ids.insert(i.medicines.begin(), i.medicines.end());
        separate_classes.insert(i.classes.begin(), i.classes.end());
      }
    for (const auto& m : kb.medicines) {
      std::vector<std::string> names = {m.name, m.id};
      names.insert(names.end(), m.synonyms.begin(), m.synonyms.end());
      names.insert(names.end(), m.brands.begin(), m.brands.end());
      bool separate = separate_ids.count(m.id) > 0;
      for (const auto& c : m.classes) separate = separate || separate_classes.count(c) > 0;
      auto& pool = m.magnesium ? mg_products : separate ? interacting : medicines;
      pool.insert(pool.end(), names.begin(), names.end());
      if (separate) wrong_list.insert(wrong_list.end(), names.begin(), names.end());
    }
    for (const char* name : {"levothyroxine", "iron", "ferrous sulfate 200 mg", "calcium",
                             "calcium carbonate", "zinc", "zinc gluconate", "iron tablets"})
      wrong_list.push_back(name);
    for (const auto& f : kb.forms) {
      supplements.push_back(f.name);
      if (f.name.find("agnesium") == std::string::npos)
        supplements.push_back("magnesium " + f.name);
      supplements.insert(supplements.end(), f.synonyms.begin(), f.synonyms.end());
    }
    for (const auto& s : kb.salts) {
      supplements.push_back(s.name);
      supplements.insert(supplements.end(), s.synonyms.begin(), s.synonyms.end());
    }
    for (const auto& c : kb.conditions) {
      conditions.push_back(c.name);
      conditions.insert(conditions.end(), c.synonyms.begin(), c.synonyms.end());
    }
    for (const auto& f : kb.red_flags) {
      red_flags.push_back(f.id);
      red_flags.insert(red_flags.end(), f.synonyms.begin(), f.synonyms.end());
    }
    for (const auto& word : kb.rules.topical_words) topical.push_back("magnesium " + word);
    if (topical.empty()) topical.push_back("magnesium oil spray");
  }
};

// ---- a profile as the generator holds it (shrinkable), written out as YAML ----
struct GenMedicine {
  std::string name, amount;
  std::vector<int> times;  ///< minutes after midnight
  std::optional<int> per_day;
};
struct GenSupplement {
  std::string name;
  std::optional<int> amount_mg;
  bool compound = false;
  std::optional<int> per_day;
  std::vector<int> times;
};
struct GenProfile {
  std::string jurisdiction = "uk";
  int age = 40;
  std::string sex;
  bool pregnant = false, breastfeeding = false;
  std::vector<std::string> conditions;
  std::optional<double> egfr, serum_mg, ferritin, tsat;
  bool symptoms = false;
  std::optional<int> irls;
  std::vector<std::string> red_flags;
  std::vector<GenMedicine> medicines;
  std::vector<GenSupplement> supplements;
  std::optional<int> wake, sleep;
  std::vector<int> meals;
  std::optional<int> diet_mg;
  bool sensitive_stomach = false;
};

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
std::string clock(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}
std::string time_list(const std::vector<int>& times) {
  std::string out = "[";
  for (std::size_t idx = 0; idx < times.size(); ++idx)
    out += (idx ? ", " : "") + quoted(clock(times[idx]));
  return out + "]";
}
std::string number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

std::string to_yaml(const GenProfile& p) {
  std::string y = "jurisdiction: " + p.jurisdiction + "\nage: " + std::to_string(p.age) + "\n";
  if (!p.sex.empty()) y += "sex: " + p.sex + "\n";
  if (p.pregnant) y += "pregnant: true\n";
  if (p.breastfeeding) y += "breastfeeding: true\n";
  if (!p.conditions.empty()) {
    y += "conditions:\n";
    for (const auto& c : p.conditions) y += "  - " + quoted(c) + "\n";
  }
  if (p.egfr || p.serum_mg || p.ferritin || p.tsat) {
    y += "labs:\n";
    if (p.ferritin) y += "  ferritin_ng_ml: " + number(*p.ferritin) + "\n";
    if (p.tsat) y += "  tsat_percent: " + number(*p.tsat) + "\n";
    if (p.egfr) y += "  egfr: " + number(*p.egfr) + "\n";
    if (p.serum_mg) y += "  serum_magnesium_mmol_l: " + number(*p.serum_mg) + "\n";
  }
  if (p.symptoms || p.irls || !p.red_flags.empty()) {
    y += "symptoms:\n";
    if (p.symptoms)
      y += "  urge_to_move_legs: true\n  worse_at_rest: true\n  relieved_by_movement: true\n"
           "  worse_evening_or_night: true\n  explained_by_other_condition: false\n";
    if (p.irls) y += "  irls_total: " + std::to_string(*p.irls) + "\n";
    if (!p.red_flags.empty()) {
      y += "  red_flags:\n";
      for (const auto& f : p.red_flags) y += "    - " + quoted(f) + "\n";
    }
  }
  if (!p.medicines.empty()) {
    y += "medicines:\n";
    for (const auto& m : p.medicines) {
      y += "  - name: " + quoted(m.name) + "\n";
      if (!m.amount.empty()) y += "    amount: " + quoted(m.amount) + "\n";
      if (!m.times.empty()) y += "    times: " + time_list(m.times) + "\n";
      if (m.per_day) y += "    per_day: " + std::to_string(*m.per_day) + "\n";
    }
  }
  if (!p.supplements.empty()) {
    y += "supplements:\n";
    for (const auto& s : p.supplements) {
      y += "  - name: " + quoted(s.name) + "\n";
      if (s.amount_mg) y += "    amount_mg: " + std::to_string(*s.amount_mg) + "\n";
      if (s.compound) y += "    amount_basis: compound\n";
      if (s.per_day) y += "    per_day: " + std::to_string(*s.per_day) + "\n";
      if (!s.times.empty()) y += "    times: " + time_list(s.times) + "\n";
    }
  }
  if (p.diet_mg) y += "diet:\n  magnesium_mg_per_day: " + std::to_string(*p.diet_mg) + "\n";
  if (p.wake || p.sleep || !p.meals.empty()) {
    y += "day:\n";
    if (p.wake) y += "  wake: " + quoted(clock(*p.wake)) + "\n";
    if (p.sleep) y += "  sleep: " + quoted(clock(*p.sleep)) + "\n";
    if (!p.meals.empty()) y += "  meals: " + time_list(p.meals) + "\n";
  }
  if (p.sensitive_stomach) y += "preferences:\n  sensitive_stomach: true\n";
  return y;
}

// ---- generation ----
struct Generator {
  const Pools& pools;
  Rng rng;

  int any_time() {
    switch (rng.below(4)) {
      case 0:
        return rng.below(24 * 60);  // any minute
      case 1:
        return (23 * 60 + rng.below(120)) % (24 * 60);  // 23:00-00:59, across midnight
      case 2:
        return rng.between(6, 23) * 60;  // on the hour, by day
      default:
        return (rng.between(5, 23) * 60 + rng.below(12) * 5) % (24 * 60);
    }
  }
  std::vector<int> times(int max) {
    std::vector<int> out;
    const int n = rng.between(1, max);
    for (int idx = 0; idx < n; ++idx) out.push_back(any_time());
    return out;
  }
  std::string misspelt(std::string name) {
    if (name.size() < 4) return name + "x";
    const std::size_t at =
        1 + static_cast<std::size_t>(rng.below(static_cast<int>(name.size()) - 2));
    switch (rng.below(3)) {
      case 0:
        name.erase(at, 1);
        break;  // "ciprofloxacn"
      case 1:
        std::swap(name[at], name[at + 1]);
        break;  // "ciprolfoxacin"
      default:
        name.insert(at, 1, name[at]);
        break;  // "ciproofloxacin"
    }
    return name;
  }
  std::string unknown() {
    static const std::vector<std::string> syllables = {"zor",  "qua", "vex", "lin", "tam",
                                                       "brix", "olo", "pex", "dra"};
    std::string out;
    const int n = rng.between(2, 4);
    for (int idx = 0; idx < n; ++idx) out += rng.pick(syllables);
    return out + (rng.chance(50) ? "amab" : "ol");
  }
  std::string strength() {
    static const std::vector<std::string> suffixes = {
        " 500 mg tablets", " 75 microgram", " 10 mg", " 20mg capsules", " tablets", " 250 mg"};
    return rng.chance(30) ? rng.pick(suffixes) : "";
  }
  std::string medicine_name() {
    switch (rng.below(12)) {
      case 0:
      case 1:
      case 2:
      case 3:
        return rng.pick(pools.interacting) + strength();
      case 4:
      case 5:
        return rng.pick(pools.medicines) + strength();
      case 6:
        return rng.pick(pools.mg_products);  // an antacid / laxative
      case 7:
        return rng.pick(pools.supplements);  // a supplement in the wrong list
      case 8:
        return misspelt(rng.pick(pools.interacting));
      case 9:
        return unknown();
      case 10:
        return rng.pick(pools.interacting) + "/" +
               (rng.chance(60) ? unknown() : misspelt(rng.pick(pools.medicines)));
      default:
        return rng.pick(pools.interacting) + "/" +
               rng.pick(rng.chance(50) ? pools.medicines : pools.interacting);
    }
  }
  std::string supplement_name() {
    switch (rng.below(10)) {
      case 0:
      case 1:
      case 2:
      case 3:
        return rng.pick(pools.supplements);
      case 4:
        return rng.pick(pools.mg_products);
      case 5:
      case 6:
        return rng.pick(pools.wrong_list);  // levothyroxine, iron, calcium, zinc …
      case 7:
        return misspelt(rng.pick(pools.supplements));
      case 8:
        return rng.pick(pools.topical);
      default:
        return unknown();
    }
  }

  GenProfile profile() {
    GenProfile p;
    static const std::vector<std::string> jurisdictions = {"uk", "us", "eu"};
    p.jurisdiction = rng.pick(jurisdictions);
    p.age = rng.chance(10) ? rng.between(0, 17) : rng.between(0, 100);
    const int sex = rng.below(3);
    p.sex = sex == 0 ? "" : sex == 1 ? "female" : "male";
    if (p.sex == "female" && p.age >= 15 && p.age <= 50) {
      p.pregnant = rng.chance(8);
      p.breastfeeding = !p.pregnant && rng.chance(5);
    }
    for (int n = rng.chance(40) ? rng.between(1, 2) : 0; n > 0; --n)
      p.conditions.push_back(rng.chance(85)   ? rng.pick(pools.conditions)
                             : rng.chance(50) ? unknown()
                                              : misspelt(rng.pick(pools.conditions)));
    if (rng.chance(35)) p.egfr = rng.between(5, 120);
    if (rng.chance(25)) p.serum_mg = rng.between(30, 150) / 100.0;
    if (rng.chance(35)) p.ferritin = rng.between(5, 300);
    if (rng.chance(15)) p.tsat = rng.between(5, 50);
    p.symptoms = rng.chance(60);
    if (rng.chance(30)) p.irls = rng.between(0, 40);
    if (rng.chance(4))
      p.red_flags.push_back(rng.chance(85) ? rng.pick(pools.red_flags) : unknown());
    // Several windows at once: up to four medicines, most with times.
    for (int n = rng.between(0, 4); n > 0; --n) {
      GenMedicine m;
      m.name = medicine_name();
      if (rng.chance(75))
        m.times = times(3);
      else if (rng.chance(40))
        m.per_day = rng.between(1, 3);
      if (rng.chance(20))
        m.amount = rng.pick(
            std::vector<std::string>{"10 ml", "2 tablets", "1 tablet", "1 sachet", "5 ml"});
      p.medicines.push_back(std::move(m));
    }
    for (int n = rng.chance(60) ? rng.between(1, 3) : 0; n > 0; --n) {
      GenSupplement s;
      s.name = supplement_name();
      if (rng.chance(70)) s.amount_mg = rng.between(1, 16) * 50;
      s.compound = s.amount_mg && rng.chance(30);
      if (rng.chance(40)) s.per_day = rng.between(1, 3);
      if (rng.chance(50)) s.times = times(2);
      p.supplements.push_back(std::move(s));
    }
    if (rng.chance(70)) {
      p.wake = rng.between(4 * 12, 12 * 12 - 1) * 5;  // 04:00-11:55
      p.sleep = (rng.between(19 * 12, 27 * 12) * 5) %
                (24 * 60);  // 19:00-03:00: late sleepers past midnight
    }
    if (rng.chance(30))
      p.meals = {rng.between(6, 10) * 60, rng.between(12, 14) * 60, rng.between(17, 21) * 60};
    if (rng.chance(20)) p.diet_mg = rng.between(100, 500);
    p.sensitive_stomach = rng.chance(20);
    return p;
  }
};

// ---- running one profile ----
struct Outcome {
  std::string parse_error;  ///< non-empty: the profile parser refused the YAML
  std::vector<testing::Violation> violations;
};

Outcome run(const GenProfile& g, const core::Kb& kb, const core::NameIndex& names) {
  Outcome out;
  const auto profile = codec::parse_profile(to_yaml(g), "generated.yaml");
  if (!profile.ok()) {
    out.parse_error = app::describe_error(profile.error());
    return out;
  }
  const core::Assessment a = core::assess(kb, names, profile.value());
  out.violations = testing::check_invariants(a, profile.value(), kb);
  return out;
}

std::string key(const testing::Violation& v) {
  return std::string(testing::label(v.invariant)) + " " + v.cause;
}

bool breaks(const GenProfile& g, const std::string& wanted, const core::Kb& kb,
            const core::NameIndex& names) {
  const Outcome o = run(g, kb, names);
  for (const auto& v : o.violations)
    if (key(v) == wanted) return true;
  return false;
}

/// Shrinking steps that drop list items: medicines, supplements, conditions, dose times.
/// `g` is the profile being shrunk; `attempt(edit)` keeps an edit that still breaks the invariant.
template <class Attempt>
void drop_list_items(const GenProfile& g, Attempt& attempt) {
  for (std::size_t idx = g.medicines.size(); idx-- > 0;)
    attempt([&](GenProfile& c) {
      return idx < c.medicines.size() && (c.medicines.erase(c.medicines.begin() + idx), true);
    });
  for (std::size_t idx = g.supplements.size(); idx-- > 0;)
    attempt([&](GenProfile& c) {
      return idx < c.supplements.size() && (c.supplements.erase(c.supplements.begin() + idx), true);
    });
  for (std::size_t idx = g.conditions.size(); idx-- > 0;)
    attempt([&](GenProfile& c) {
      return idx < c.conditions.size() && (c.conditions.erase(c.conditions.begin() + idx), true);
    });
  for (std::size_t m = 0; m < g.medicines.size(); ++m)
    for (std::size_t t = g.medicines[m].times.size(); t-- > 0;)
      attempt([&](GenProfile& c) {
        auto& times = c.medicines[m].times;
        return t < times.size() && (times.erase(times.begin() + t), true);
      });
  for (std::size_t s = 0; s < g.supplements.size(); ++s)
    for (std::size_t t = g.supplements[s].times.size(); t-- > 0;)
      attempt([&](GenProfile& c) {
        auto& times = c.supplements[s].times;
        return t < times.size() && (times.erase(times.begin() + t), true);
      });
}

/// Shrinking steps that clear details: amounts, labs, flags, times of day, the person.
template <class Attempt>
void clear_details(const GenProfile& g, Attempt& attempt) {
  for (std::size_t m = 0; m < g.medicines.size(); ++m) {
    attempt([&](GenProfile& c) {
      return !c.medicines[m].amount.empty() && (c.medicines[m].amount.clear(), true);
    });
    attempt([&](GenProfile& c) {
      return c.medicines[m].per_day && (c.medicines[m].per_day.reset(), true);
    });
  }
  for (std::size_t s = 0; s < g.supplements.size(); ++s) {
    attempt([&](GenProfile& c) {
      return c.supplements[s].per_day && (c.supplements[s].per_day.reset(), true);
    });
    attempt([&](GenProfile& c) {
      return c.supplements[s].compound && !(c.supplements[s].compound = false);
    });
    attempt([&](GenProfile& c) {
      return c.supplements[s].amount_mg &&
             (c.supplements[s].amount_mg.reset(), c.supplements[s].compound = false, true);
    });
  }
  attempt([](GenProfile& c) { return !c.red_flags.empty() && (c.red_flags.clear(), true); });
  attempt([](GenProfile& c) { return c.egfr && (c.egfr.reset(), true); });
  attempt([](GenProfile& c) { return c.serum_mg && (c.serum_mg.reset(), true); });
  attempt([](GenProfile& c) { return c.ferritin && (c.ferritin.reset(), true); });
  attempt([](GenProfile& c) { return c.tsat && (c.tsat.reset(), true); });
  attempt([](GenProfile& c) { return c.irls && (c.irls.reset(), true); });
  attempt([](GenProfile& c) { return c.symptoms && !(c.symptoms = false); });
  attempt([](GenProfile& c) { return !c.meals.empty() && (c.meals.clear(), true); });
  attempt(
      [](GenProfile& c) { return (c.wake || c.sleep) && (c.wake.reset(), c.sleep.reset(), true); });
  attempt([](GenProfile& c) { return c.diet_mg && (c.diet_mg.reset(), true); });
  attempt([](GenProfile& c) { return c.sensitive_stomach && !(c.sensitive_stomach = false); });
  attempt([](GenProfile& c) {
    return (c.pregnant || c.breastfeeding) && !(c.pregnant = c.breastfeeding = false);
  });
  attempt([](GenProfile& c) {
    return !c.sex.empty() && (c.sex.clear(), c.pregnant = c.breastfeeding = false, true);
  });
  attempt([](GenProfile& c) { return c.age != 40 && (c.age = 40, true); });
  attempt([](GenProfile& c) { return c.jurisdiction != "uk" && (c.jurisdiction = "uk", true); });
}

/// Greedy shrinking: drop list items, times, labs and details while the same invariant (and cause)
/// still breaks; repeat until nothing more can go.
GenProfile shrink(GenProfile g, const std::string& wanted, const core::Kb& kb,
                  const core::NameIndex& names) {
  for (bool changed = true; changed;) {
    changed = false;
    const auto attempt = [&](auto&& edit) {
      GenProfile candidate = g;
      if (!edit(candidate)) return;
      if (breaks(candidate, wanted, kb, names)) {
        g = std::move(candidate);
        changed = true;
      }
    };
    drop_list_items(g, attempt);
    clear_details(g, attempt);
  }
  return g;
}

struct Group {
  int count = 0;
  GenProfile first;
  std::uint64_t case_seed = 0;
};

/// Each broken invariant: how many profiles broke it and, for the first `examples`, the first
/// profile that did, shrunk.
void print_failures(const std::map<std::string, Group>& groups, long count, int examples,
                    bool verbose, const core::Kb& kb, const core::NameIndex& names) {
  int shown = 0;
  for (const auto& [name, group] : groups) {
    std::printf("\nFAIL %s: %d of %ld profiles\n", name.c_str(), group.count, count);
    if (shown++ >= examples) continue;
    const GenProfile small = shrink(group.first, name, kb, names);
    for (const auto& v : run(small, kb, names).violations)
      if (key(v) == name || verbose)
        std::printf("  - %s: %s\n", testing::label(v.invariant), v.message.c_str());
    std::printf("  shrunk profile (first seen with case seed %llu):\n---\n%s---\n",
                static_cast<unsigned long long>(group.case_seed), to_yaml(small).c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed =
      20261205;  // fixed by default: every run of the suite checks the same profiles
  long count = 10000;
  int examples = 60;
  bool verbose = false;
  for (int idx = 1; idx < argc; ++idx) {
    const std::string arg = argv[idx];
    if (arg == "--seed" && idx + 1 < argc)
      seed = std::strtoull(argv[++idx], nullptr, 10);
    else if (arg == "--count" && idx + 1 < argc)
      count = std::strtol(argv[++idx], nullptr, 10);
    else if (arg == "--examples" && idx + 1 < argc)
      examples = std::atoi(argv[++idx]);
    else if (arg == "--verbose")
      verbose = true;
    else {
      std::fprintf(
          stderr,
          "usage: willis_property_test [--seed N] [--count N] [--examples N] [--verbose]\n");
      return 2;
    }
  }
  std::printf(
      "property test: seed %llu, %ld profiles (rerun: willis_property_test --seed %llu --count "
      "%ld)\n",
      static_cast<unsigned long long>(seed), count, static_cast<unsigned long long>(seed), count);
  std::fflush(stdout);

  // What users get: the KB image compiled into the binary.
  const auto load = app::load_kb("");
  if (!load.errors.empty()) {
    for (const auto& error : load.errors)
      std::fprintf(stderr, "kb: %s\n", app::describe_error(error).c_str());
    return 2;
  }
  const core::Kb& kb = load.kb;
  const core::NameIndex names(kb);
  const Pools pools(kb);

  Rng master{seed};
  std::map<std::string, Group> groups;
  long failing = 0, rejected = 0;
  const auto start = std::chrono::steady_clock::now();
  for (long n = 0; n < count; ++n) {
    const std::uint64_t case_seed = master.next();
    Generator gen{pools, Rng{case_seed}};
    const GenProfile g = gen.profile();
    const Outcome o = run(g, kb, names);
    if (!o.parse_error.empty()) {
      ++rejected;
      std::fprintf(stderr, "generator bug: profile %ld was rejected: %s\n%s\n", n,
                   o.parse_error.c_str(), to_yaml(g).c_str());
      continue;
    }
    if (!o.violations.empty()) ++failing;
    std::set<std::string> seen;
    for (const auto& v : o.violations) {
      if (!seen.insert(key(v)).second) continue;
      Group& group = groups[key(v)];
      if (group.count++ == 0) {
        group.first = g;
        group.case_seed = case_seed;
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%ld profiles in %.2f s (%.0f profiles/s); %ld broke an invariant\n", count, seconds,
              seconds > 0 ? count / seconds : 0.0, failing);

  print_failures(groups, count, examples, verbose, kb, names);
  if (rejected) return 2;
  return groups.empty() ? 0 : 1;
}
