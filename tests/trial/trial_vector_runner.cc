// tests/trial/trial_vector_runner.cc: checks core::evaluate_trial against one statistics vector
// (tests/trial_vectors/*.json, written by tests/trial/compute_expected.py), with the trial numbers
// of the embedded KB image (kb/rules.yaml). Exit 0 = pass.
// On failure it prints every mismatch and the vector's notes (how the numbers were computed).
#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/diary_entry.h"
#include "core/trial.h"
#include "support/test_kb.h"

namespace {

using namespace willis::core;
using simdjson::dom::element;

int failures = 0;

void fail(const std::string& what) {
  std::fprintf(stderr, "FAIL: %s\n", what.c_str());
  ++failures;
}

std::string scalar_text(element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return "";
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(value));
    case simdjson::dom::element_type::INT64:
      return std::to_string(int64_t(value));
    case simdjson::dom::element_type::UINT64:
      return std::to_string(uint64_t(value));
    case simdjson::dom::element_type::DOUBLE: {
      char text[64];
      std::snprintf(text, sizeof text, "%.17g", double(value));
      return text;
    }
    default:
      return "?";
  }
}

void near(const std::string& name, std::optional<double> actual, double expected,
          double tolerance) {
  if (!actual) {
    fail(name + ": missing, expected " + std::to_string(expected));
    return;
  }
  if (!(std::fabs(*actual - expected) <= tolerance)) {
    char text[256];
    std::snprintf(text, sizeof text, "%s: got %.15g, expected %.15g (tolerance %g)", name.c_str(),
                  *actual, expected, tolerance);
    fail(text);
  }
}

void check_outcome(const std::string& name, const OutcomeResult& actual, element expected,
                   element tolerance) {
  near(name + ".baseline_mean", actual.baseline_mean, double(expected["baseline_mean"]),
       double(tolerance["mean"]));
  near(name + ".treatment_mean", actual.treatment_mean, double(expected["treatment_mean"]),
       double(tolerance["mean"]));
  near(name + ".difference", actual.difference, double(expected["difference"]),
       double(tolerance["mean"]));
  if (int64_t(expected["baseline_days"]) != actual.baseline_days)
    fail(name + ".baseline_days: got " + std::to_string(actual.baseline_days));
  if (int64_t(expected["treatment_days"]) != actual.treatment_days)
    fail(name + ".treatment_days: got " + std::to_string(actual.treatment_days));
  element ci;
  if (!expected["ci95"].get(ci)) {
    if (!actual.ci95) {
      fail(name + ".ci95: missing");
    } else {
      near(name + ".ci95[0]", actual.ci95->at(0), double(ci.at(0)), double(tolerance["ci95"]));
      near(name + ".ci95[1]", actual.ci95->at(1), double(ci.at(1)), double(tolerance["ci95"]));
    }
  } else if (actual.ci95) {
    fail(name + ".ci95: present, expected none");
  }
  element welch;
  if (!expected["welch"].get(welch)) {
    if (!actual.welch) {
      fail(name + ".welch: missing");
    } else {
      near(name + ".welch.t", actual.welch->t, double(welch["t"]), double(tolerance["welch_t"]));
      near(name + ".welch.df", actual.welch->df, double(welch["df"]),
           double(tolerance["welch_df"]));
      near(name + ".welch.p", actual.welch->p, double(welch["p"]), double(tolerance["welch_p"]));
    }
  }
  std::string_view assessment;
  if (!expected["assessment"].get(assessment) && assessment != to_string(actual.assessment))
    fail(name + ".assessment: got " + to_string(actual.assessment) + ", expected " +
         std::string(assessment));
}

TrialPlan read_plan(element plan_json) {
  TrialPlan plan = default_plan(willis::testing::trial_rules());
  plan.design = *parse_trial_design(std::string_view(plan_json["design"]));
  plan.baseline_start = *parse_date(std::string_view(plan_json["baseline_start"]));
  plan.treatment_start = *parse_date(std::string_view(plan_json["treatment_start"]));
  int64_t weeks = 0;
  if (!plan_json["treatment_weeks"].get(weeks)) plan.treatment_weeks = static_cast<int>(weeks);
  if (!plan_json["withdrawal_weeks"].get(weeks)) plan.withdrawal_weeks = static_cast<int>(weeks);
  std::string_view primary;
  if (!plan_json["primary"].get(primary)) {
    const auto outcome = parse_trial_outcome(primary);
    if (!outcome)
      fail("plan.primary: unknown outcome " + std::string(primary));
    else
      plan.primary = *outcome;
  }
  return plan;
}

/// The vector's rows (one array of cells per day, in `columns` order) as validated entries.
std::vector<DiaryEntry> read_entries(element input, CalendarDate today) {
  std::vector<std::string> columns;
  const simdjson::dom::array column_list = input["columns"];
  for (const element column : column_list) columns.emplace_back(std::string_view(column));
  std::vector<DiaryEntry> entries;
  std::size_t row_idx = 0;
  const simdjson::dom::array rows = input["rows"];
  for (const element row : rows) {
    DiaryEntry entry;
    std::size_t column_idx = 0;
    const simdjson::dom::array cells = row;
    for (const element cell : cells) {
      if (auto error = set_field(entry, columns.at(column_idx), scalar_text(cell)))
        fail("rows[" + std::to_string(row_idx) + "]." + error->path + ": " + error->message);
      ++column_idx;
    }
    if (auto error = validate_entry(entry, today))
      fail("rows[" + std::to_string(row_idx) + "]." + error->path + ": " + error->message);
    entries.push_back(std::move(entry));
    ++row_idx;
  }
  return entries;
}

void check_secondary(const TrialResult& result, element expect, element tolerance) {
  simdjson::dom::object secondary;
  if (expect["secondary"].get(secondary)) return;
  for (const auto field : secondary) {
    const OutcomeResult* found = nullptr;
    for (const auto& outcome : result.secondary)
      if (outcome.outcome == field.key) found = &outcome;
    if (!found)
      fail("secondary." + std::string(field.key) + ": missing");
    else
      check_outcome("secondary." + std::string(field.key), *found, field.value, tolerance);
  }
}

/// Compares the result with the vector's `expect` block.
void check_result(const TrialResult& result, element doc) {
  const element expect = doc["expect"];
  const element tolerance = doc["tolerance"];
  const std::string_view verdict = expect["verdict"];
  if (verdict != to_string(result.verdict))
    fail(std::string("verdict: got ") + to_string(result.verdict) + ", expected " +
         std::string(verdict));
  check_outcome("primary", result.primary, expect["primary"], tolerance);
  std::string_view primary_outcome;
  if (!expect["primary"]["outcome"].get(primary_outcome) &&
      primary_outcome != result.primary.outcome)
    fail("primary.outcome: got " + result.primary.outcome + ", expected " +
         std::string(primary_outcome));
  check_secondary(result, expect, tolerance);
  int64_t reasons = 0;
  if (!expect["reasons_count"].get(reasons) &&
      static_cast<std::size_t>(reasons) != result.primary.reasons.size())
    fail("primary.reasons: got " + std::to_string(result.primary.reasons.size()) + ", expected " +
         std::to_string(reasons));
  const simdjson::dom::array wanted_notes = expect["notes_include"];
  for (const element wanted : wanted_notes) {
    const std::string_view needle = wanted;
    bool seen = false;
    for (const auto& note : result.notes) seen = seen || note.find(needle) != std::string::npos;
    if (!seen) fail("notes: none mentions \"" + std::string(needle) + "\"");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: willis_trial_vector_runner VECTOR.json\n");
    return 2;
  }
  std::string notes;
  try {
    simdjson::dom::parser parser;
    const simdjson::padded_string text = simdjson::padded_string::load(argv[1]);
    const element doc = parser.parse(text);
    notes = std::string(std::string_view(doc["notes"]));
    const element input = doc["input"];
    const TrialPlan plan = read_plan(input["plan"]);
    if (const auto error = validate_plan(plan, willis::testing::trial_rules())) {
      fail("plan: " + error->path + ": " + error->message);
      return 1;
    }
    const CalendarDate today = *parse_date(std::string_view(input["today"]));
    const auto entries = read_entries(input, today);
    check_result(evaluate_trial(plan, entries, today, trial_options_from(willis::testing::kb())),
                 doc);
  } catch (const simdjson::simdjson_error& error) {
    fail(std::string("vector is not in the expected shape: ") + error.what());
  }
  if (failures > 0) {
    std::fprintf(stderr, "\n%s\nnotes: %s\n", argv[1], notes.c_str());
    return 1;
  }
  std::printf("ok: %s\n", argv[1]);
  return 0;
}
