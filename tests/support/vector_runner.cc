// tests/support/vector_runner.cc: runs clinical vectors (tests/vectors/README.md) against the
// engine. Usage: willis_vector_runner [--kb DIR] VECTOR.json [VECTOR.json …] Runs against the KB
// image compiled into the binary (what users get); with --kb DIR, also against DIR's YAML, and
// fails a vector whose two assessments differ. Every assessment must keep the invariants of
// tests/support/invariants.h. Exit: 0 all passed, 1 a vector failed, 77 every vector given is
// pending (ctest: skipped).
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/kb_source.h"
#include "render/assessment_json.h"
#include "codec/profile_codec.h"
#include "codec/yaml_fields.h"
#include "core/assess.h"
#include "core/date.h"
#include "core/schedule.h"
#include "support/invariants.h"

namespace {

using namespace willis;

struct Failures {
  std::vector<std::string> items;
  void add(std::string message) { items.push_back(std::move(message)); }
};

bool id_matches(const std::string& id, const std::string& pattern) {
  if (!pattern.empty() && pattern.back() == ':') return id.rfind(pattern, 0) == 0;
  return id == pattern;
}

std::string describe(simdjson::dom::element e) {
  return simdjson::minify(e);
}

bool same(const YAML::Node& expected, simdjson::dom::element actual) {
  using T = simdjson::dom::element_type;
  if (expected.IsNull()) return actual.type() == T::NULL_VALUE;
  if (expected.IsSequence()) {
    if (actual.type() != T::ARRAY) return false;
    simdjson::dom::array array = actual.get_array();
    if (array.size() != expected.size()) return false;
    std::size_t idx = 0;
    for (auto item : array)
      if (!same(expected[idx++], item)) return false;
    return true;
  }
  if (expected.IsMap()) {
    if (actual.type() != T::OBJECT) return false;
    for (const auto& member : expected) {
      auto child = actual[member.first.Scalar()];
      if (child.error() || !same(member.second, child.value())) return false;
    }
    return true;
  }
  const std::string text = expected.Scalar();
  switch (actual.type()) {
    case T::BOOL:
      return text == (bool(actual) ? "true" : "false");
    case T::INT64:
    case T::UINT64:
    case T::DOUBLE: {
      double want = 0;
      if (expected.Tag() == "!" || !YAML::convert<double>::decode(expected, want)) return false;
      return std::fabs(double(actual) - want) <= 0.05;
    }
    case T::STRING:
      return std::string(std::string_view(actual)) == text;
    default:
      return false;
  }
}

bool same_data(const YAML::Node& expected, const core::DataValue& actual) {
  if (const double* number = std::get_if<double>(&actual)) {
    double want = 0;
    return expected.IsScalar() && YAML::convert<double>::decode(expected, want) &&
           std::fabs(*number - want) <= 0.05;
  }
  if (const std::string* text = std::get_if<std::string>(&actual))
    return expected.IsScalar() && expected.Scalar() == *text;
  if (const bool* flag = std::get_if<bool>(&actual))
    return expected.IsScalar() && expected.Scalar() == (*flag ? "true" : "false");
  const auto& list = std::get<std::vector<std::string>>(actual);
  if (!expected.IsSequence() || expected.size() != list.size()) return false;
  for (std::size_t idx = 0; idx < list.size(); ++idx)
    if (expected[idx].Scalar() != list[idx]) return false;
  return true;
}

std::optional<core::ClockTime> time_of(const YAML::Node& node) {
  return node.IsScalar() ? core::parse_clock_time(node.Scalar()) : std::nullopt;
}

/// True when `t` is strictly between `from` and `to` on the clock (wrapping).
bool strictly_between(core::ClockTime t, core::ClockTime from, core::ClockTime to) {
  const int span = core::minutes_forward(from, to), at = core::minutes_forward(from, t);
  return at > 0 && at < span;
}

bool within(core::ClockTime t, core::ClockTime from, core::ClockTime to) {
  return core::minutes_forward(from, t) <= core::minutes_forward(from, to);
}

/// The KB a vector runs against: the image compiled into the binary (what users get) and, when
/// --kb DIR is given, the YAML of DIR too; both must give the same assessment.
struct Kbs {
  const core::Kb& image;
  const core::NameIndex& image_names;
  const core::Kb* yaml = nullptr;
  const core::NameIndex* yaml_names = nullptr;
};

// The vector's own shape: format, keys, references that are KB source ids.
void check_shape(const YAML::Node& vector, const core::Kb& kb, Failures& fail) {
  if (!vector["format"] || vector["format"].Scalar() != "willis.vector/1")
    fail.add("format must be willis.vector/1");
  for (const char* key : {"title", "reference", "input", "expect"})
    if (!vector[key]) fail.add(std::string("missing key: ") + key);
  static const std::set<std::string> kTop = {"format", "title", "reference", "notes", "tags",
                                             "status", "as_of", "input",     "expect"};
  for (const auto& member : vector)
    if (!kTop.count(member.first.Scalar())) fail.add("unknown key: " + member.first.Scalar());
  if (vector["reference"] && vector["reference"].IsSequence()) {
    if (vector["reference"].size() == 0)
      fail.add("reference is empty: cite the KB source this case checks");
    for (const auto& ref : vector["reference"])
      // "contract" cites design/CONTRACT.md (input-error cases have no clinical source).
      if (ref.Scalar() != "contract" && !kb.sources.count(ref.Scalar()))
        fail.add("reference " + ref.Scalar() + " is not a KB source id");
  }
}

void check_expect_keys(const YAML::Node& expect, Failures& fail) {
  static const std::set<std::string> kExpect = {
      "verdict", "findings", "severity", "finding_data",  "values",
      "plan",    "doses",    "error",    "notes_include", "detail"};
  if (expect.IsMap())
    for (const auto& member : expect)
      if (!kExpect.count(member.first.Scalar()))
        fail.add("unknown expect key: " + member.first.Scalar());
}

// "as_of": the assessment date ("today"), as the CLI's --as-of sets it: dated labs are judged at
// it.
void apply_as_of(const YAML::Node& vector, core::Result<core::Profile>& profile, Failures& fail) {
  const auto as_of = vector["as_of"];
  if (!as_of) return;
  const auto date = as_of.IsScalar() ? core::parse_date(as_of.Scalar()) : std::nullopt;
  if (!date)
    fail.add("as_of must be a date YYYY-MM-DD");
  else if (profile.ok())
    profile.value().as_of = *date;
}

void check_error(const YAML::Node& expected, const core::Result<core::Profile>& profile,
                 Failures& fail) {
  if (profile.ok()) {
    fail.add("the profile was accepted, but an error was expected: " + YAML::Dump(expected));
    return;
  }
  const auto& error = profile.error();
  if (expected["code"] && expected["code"].Scalar() != core::to_string(error.code))
    fail.add("error code " + std::string(core::to_string(error.code)) + ", expected " +
             expected["code"].Scalar() + " (" + error.path + ": " + error.message + ")");
  if (expected["path"] && expected["path"].Scalar() != error.path)
    fail.add("error path \"" + error.path + "\", expected \"" + expected["path"].Scalar() + "\" (" +
             error.message + ")");
}

void check_same_with_yaml(const Kbs& kbs, const core::Profile& profile, const std::string& json,
                          Failures& fail) {
  if (!kbs.yaml) return;
  const core::Assessment from_yaml = core::assess(*kbs.yaml, *kbs.yaml_names, profile);
  const std::string yaml_json = render::assessment_json(from_yaml, *kbs.yaml, false);
  if (yaml_json == json) return;
  std::size_t at = 0;
  while (at < json.size() && at < yaml_json.size() && json[at] == yaml_json[at]) ++at;
  const std::size_t from = at > 80 ? at - 80 : 0;
  fail.add("the embedded KB image and the YAML give different assessments; from byte " +
           std::to_string(at) + ":\n      image: " + json.substr(from, 240) +
           "\n      yaml:  " + yaml_json.substr(from, 240));
}

void check_verdict_and_findings(const YAML::Node& expect, const core::Assessment& a,
                                Failures& fail) {
  if (const auto v = expect["verdict"]) {
    if (v.IsScalar() && v.Scalar() != core::to_string(a.verdict))
      fail.add("verdict " + std::string(core::to_string(a.verdict)) + ", expected " + v.Scalar());
    if (v.IsMap() && v["at_least"]) {
      const auto want = core::parse_severity(v["at_least"].Scalar());
      if (!want || a.verdict < *want)
        fail.add("verdict " + std::string(core::to_string(a.verdict)) + ", expected at least " +
                 v["at_least"].Scalar());
    }
  }
  if (const auto f = expect["findings"]) {
    for (const auto& want : f["include"]) {
      bool found = false;
      for (const auto& finding : a.findings) found = found || id_matches(finding.id, want.Scalar());
      if (!found) fail.add("missing finding " + want.Scalar());
    }
    for (const auto& unwanted : f["exclude"])
      for (const auto& finding : a.findings)
        if (id_matches(finding.id, unwanted.Scalar()))
          fail.add("unexpected finding " + finding.id + " (" + finding.title + ")");
  }
  for (const auto& member : expect["severity"]) {
    const core::Finding* finding = a.finding(member.first.Scalar());
    if (!finding)
      fail.add("missing finding " + member.first.Scalar() + " (severity check)");
    else if (member.second.Scalar() != core::to_string(finding->severity))
      fail.add("finding " + finding->id + " has severity " + core::to_string(finding->severity) +
               ", expected " + member.second.Scalar());
  }
}

void check_finding_data(const YAML::Node& expect, const core::Assessment& a, Failures& fail) {
  for (const auto& member : expect["finding_data"]) {
    const core::Finding* finding = a.finding(member.first.Scalar());
    if (!finding) {
      fail.add("missing finding " + member.first.Scalar() + " (data check)");
      continue;
    }
    for (const auto& want : member.second) {
      bool found = false;
      for (const auto& [key, value] : finding->data)
        if (key == want.first.Scalar()) {
          found = true;
          if (!same_data(want.second, value))
            fail.add("finding " + finding->id + " data." + key + " differs from " +
                     want.second.as<std::string>(""));
        }
      if (!found) fail.add("finding " + finding->id + " has no data." + want.first.Scalar());
    }
  }
}

void check_values_and_plan(const YAML::Node& expect, const core::Assessment& a,
                           simdjson::dom::element doc, Failures& fail) {
  for (const auto& member : expect["values"]) {
    auto actual = doc.at_pointer(member.first.Scalar());
    if (actual.error())
      fail.add("no value at " + member.first.Scalar());
    else if (!same(member.second, actual.value()))
      fail.add("value at " + member.first.Scalar() + " is " + describe(actual.value()) +
               ", expected " + YAML::Dump(member.second));
  }
  if (const auto plan = expect["plan"]) {
    if (plan.IsNull() && a.magnesium.plan) fail.add("a plan is given; expected none");
    if (plan.IsScalar() && plan.Scalar() == "present" && !a.magnesium.plan)
      fail.add("no plan; expected one");
  }
}

void check_dose_times(const YAML::Node& doses, const core::Assessment& a, Failures& fail) {
  for (const auto& range : doses["not_between"]) {
    const auto from = time_of(range[0]), to = time_of(range[1]);
    if (!from || !to) {
      fail.add("bad not_between range");
      continue;
    }
    for (const auto& d : a.schedule.doses)
      if (strictly_between(d.time, *from, *to))
        fail.add("dose at " + d.time.str() + " is between " + from->str() + " and " + to->str());
  }
  if (doses["all_between"]) {
    for (const auto& d : a.schedule.doses) {
      bool inside = false;
      for (const auto& range : doses["all_between"]) {
        const auto from = time_of(range[0]), to = time_of(range[1]);
        inside = inside || (from && to && within(d.time, *from, *to));
      }
      if (!inside) fail.add("dose at " + d.time.str() + " is outside every all_between range");
    }
  }
}

void check_doses(const YAML::Node& expect, const core::Assessment& a, Failures& fail) {
  const auto doses = expect["doses"];
  if (!doses) return;
  if (doses["count"] && doses["count"].as<std::size_t>() != a.schedule.doses.size())
    fail.add("dose count " + std::to_string(a.schedule.doses.size()) + ", expected " +
             doses["count"].Scalar());
  if (doses["total_mg"]) {
    double total = 0;
    for (const auto& d : a.schedule.doses) total += d.elemental_mg;
    if (std::fabs(total - doses["total_mg"].as<double>()) > 0.05)
      fail.add("doses total " + core::format_number(total) + " mg, expected " +
               doses["total_mg"].Scalar());
  }
  check_dose_times(doses, a, fail);
}

// "detail": finding id -> {"include": [...], "exclude": [...]}: words its detail text must /
// must not contain. "notes_include": words some note must contain.
void check_texts(const YAML::Node& expect, const core::Assessment& a, Failures& fail) {
  for (const auto& member : expect["detail"]) {
    const core::Finding* finding = a.finding(member.first.Scalar());
    if (!finding) {
      fail.add("missing finding " + member.first.Scalar() + " (detail check)");
      continue;
    }
    for (const auto& want : member.second["include"])
      if (finding->detail.find(want.Scalar()) == std::string::npos)
        fail.add("finding " + finding->id + " detail does not contain \"" + want.Scalar() + "\"");
    for (const auto& unwanted : member.second["exclude"])
      if (finding->detail.find(unwanted.Scalar()) != std::string::npos)
        fail.add("finding " + finding->id + " detail contains \"" + unwanted.Scalar() + "\"");
  }
  for (const auto& want : expect["notes_include"]) {
    bool found = false;
    for (const auto& note : a.notes) found = found || note.find(want.Scalar()) != std::string::npos;
    if (!found) fail.add("no note contains \"" + want.Scalar() + "\"");
  }
}

// The assessment of an accepted profile against every expectation, and the invariants.
void check_assessment(const YAML::Node& expect, const core::Profile& profile, const Kbs& kbs,
                      Failures& fail) {
  const core::Kb& kb = kbs.image;
  const core::Assessment a = core::assess(kb, kbs.image_names, profile);
  for (const auto& v : testing::check_invariants(a, profile, kb))
    fail.add(std::string("invariant ") + testing::label(v.invariant) + ": " + v.message);
  const std::string json = render::assessment_json(a, kb, false);
  check_same_with_yaml(kbs, profile, json, fail);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc)) fail.add("the assessment is not valid JSON");
  check_verdict_and_findings(expect, a, fail);
  check_finding_data(expect, a, fail);
  check_values_and_plan(expect, a, doc, fail);
  check_doses(expect, a, fail);
  check_texts(expect, a, fail);
  if (!fail.items.empty())
    std::fprintf(stderr, "assessment:\n%s\n", render::assessment_json(a, kb).c_str());
}

int report(const std::string& path, const YAML::Node& vector, const Failures& fail) {
  if (fail.items.empty()) {
    std::printf("%s: ok\n", path.c_str());
    return 0;
  }
  std::fprintf(stderr, "FAIL %s\n  %s\n", path.c_str(),
               vector["title"] ? vector["title"].Scalar().c_str() : "");
  for (const auto& item : fail.items) std::fprintf(stderr, "  - %s\n", item.c_str());
  if (vector["notes"]) std::fprintf(stderr, "  notes: %s\n", vector["notes"].Scalar().c_str());
  return 1;
}

int run_vector(const std::string& path, const Kbs& kbs) {
  auto text = app::read_file(path);
  if (!text.ok()) {
    std::fprintf(stderr, "%s\n", text.error().message.c_str());
    return 1;
  }
  auto parsed = codec::parse_yaml_text(text.value(), path);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s: not valid JSON: %s\n", path.c_str(), parsed.error().message.c_str());
    return 1;
  }
  const YAML::Node vector = parsed.value();
  Failures fail;
  check_shape(vector, kbs.image, fail);
  const std::string status = vector["status"] ? vector["status"].Scalar() : "active";
  if (status.rfind("pending", 0) == 0) {
    std::printf("%s: %s (skipped)\n", path.c_str(), status.c_str());
    return 77;
  }
  const YAML::Node expect = vector["expect"];
  check_expect_keys(expect, fail);
  auto profile = codec::profile_from_node(vector["input"], path);
  apply_as_of(vector, profile, fail);
  if (expect["error"])
    check_error(expect["error"], profile, fail);
  else if (!profile.ok())
    fail.add("the profile was rejected: " + app::describe_error(profile.error()));
  else
    check_assessment(expect, profile.value(), kbs, fail);
  return report(path, vector, fail);
}

}  // namespace

int main(int argc, char** argv) {
  std::string kb_dir;
  std::vector<std::string> vectors;
  for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
    const std::string arg = argv[arg_idx];
    if (arg == "--kb" && arg_idx + 1 < argc)
      kb_dir = argv[++arg_idx];
    else
      vectors.push_back(arg);
  }
  if (vectors.empty()) {
    std::fprintf(stderr, "usage: willis_vector_runner [--kb DIR] VECTOR.json...\n");
    return 2;
  }
  // What users get: the image compiled into the binary.
  const auto image = app::load_kb("");
  if (!image.errors.empty()) {
    for (const auto& error : image.errors)
      std::fprintf(stderr, "kb image: %s\n", app::describe_error(error).c_str());
    return 1;
  }
  const core::NameIndex image_names(image.kb);
  Kbs kbs{image.kb, image_names};
  codec::KbLoad yaml;
  std::optional<core::NameIndex> yaml_names;
  if (!kb_dir.empty()) {
    yaml = app::load_kb(kb_dir);
    if (!yaml.errors.empty()) {
      for (const auto& error : yaml.errors)
        std::fprintf(stderr, "kb: %s\n", app::describe_error(error).c_str());
      return 1;
    }
    yaml_names.emplace(yaml.kb);
    kbs.yaml = &yaml.kb;
    kbs.yaml_names = &*yaml_names;
  }
  int worst = 0, pending = 0;
  for (const auto& path : vectors) {
    const int result = run_vector(path, kbs);
    if (result == 77)
      ++pending;
    else
      worst = std::max(worst, result);
  }
  if (worst == 0 && pending == static_cast<int>(vectors.size())) return 77;
  return worst;
}
