// src/codec/fhir/sleep.cc: sleep answers in Observations -> the profile's `sleep:` block, and
// sleep-looking Observations willis does not read, each named in the notes.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "codec/fhir/mapper.h"

namespace willis::codec {

using namespace fhir;

namespace {

// Sleep answers (issue 15): the profile's `sleep:` block where a standard code says the same thing.
// Items of LOINC panel 62636-6 "PhenX - respiratory - sleep apnea - adult protocol 091501" (the
// Berlin Questionnaire; item list read on loinc.org/62636-6, LOINC 2.78). Only yes/no answers are
// read (valueBoolean, or LOINC answers LA33-6 Yes / LA32-8 No): the Berlin frequency answer lists
// were not verified, so any other answer is reported, not guessed. Items that do not say what a
// profile question says are recognised and reported as not mapped. LOINC has no Epworth Sleepiness
// Scale total that willis could verify (the ESS is licensed): an ESS Observation is reported, never
// read. What has no code stays unmapped (docs/fhir.md lists it).
struct SleepLoinc {
  std::string_view code;
  SleepItem item;
  std::string_view why;  // for not_mapped: why it is not a profile answer
};
constexpr std::array<SleepLoinc, 4> kSleepLoinc = {{
    {"64491-4", SleepItem::witnessed_pauses,
     ""},  // Has anyone noticed that you quit breathing during your sleep?
    {"64494-8", SleepItem::nodded_off_driving,
     ""},  // Have you ever nodded off or fallen asleep while driving a vehicle?
    {"64487-2", SleepItem::not_mapped,
     "it asks about any snoring, not loud snoring"},  // Do you snore?
    {"64488-0", SleepItem::not_mapped,
     "its loudness answers are not ones willis has verified"},  // Your snoring is:
}};

const SleepLoinc* sleep_loinc(std::string_view code) {
  for (const auto& entry : kSleepLoinc)
    if (entry.code == code) return &entry;
  return nullptr;
}

std::optional<bool> yes_no_answer(std::string_view code) {
  if (code == "LA33-6") return true;
  if (code == "LA32-8") return false;
  return std::nullopt;
}

// Words that make an Observation look like a sleep answer: one with such a name and a code willis
// does not map is reported by name, not only counted.
bool looks_like_sleep(std::string name) {
  for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const char* word : {"sleep", "snor", "apnoea", "apnea", "epworth", "insomnia", "stop-bang",
                           "stopbang", "stop bang", "drows", "somnol", "nocturia"})
    if (name.find(word) != std::string::npos) return true;
  return false;
}

/// The yes/no answer of a sleep Observation; `has_value` says whether it gave any value.
std::optional<bool> sleep_answer(const element& r, bool& has_value) {
  std::optional<bool> answer;
  if (auto b = child(r, "valueBoolean")) {
    has_value = true;
    bool value = false;
    if (!b->get(value)) answer = value;
  }
  if (auto value = child(r, "valueCodeableConcept")) {
    has_value = true;
    for (const auto& coding : concept_of(*value).codings)
      if (coding.system == kLoincSystem)
        if (auto yn = yes_no_answer(coding.code)) answer = yn;
  }
  return answer;
}

}  // namespace

/// An Observation outside the lab value sets: a sleep answer willis maps, a sleep answer it
/// reports by name, or (anything else) one more Observation counted as outside the value sets.
void FhirMapper::Impl::read_sleep_observation(const element& r) {
  Concept code;
  if (auto cc = child(r, "code")) code = concept_of(*cc);
  const SleepLoinc* entry = nullptr;
  for (const auto& coding : code.codings)
    if (coding.system == kLoincSystem && (entry = sleep_loinc(coding.code))) break;
  std::vector<std::string> shown{code.text};
  for (const auto& coding : code.codings) shown.push_back(coding.display);
  const bool sleepy_name = std::any_of(shown.begin(), shown.end(),
                                       [](const std::string& n) { return looks_like_sleep(n); });
  const std::string_view id = str(r, "id");
  const std::string label =
      entry ? fmt::format("Observation/{} (LOINC {} \"{}\")", id, entry->code, code.label())
            : fmt::format("Observation/{} (\"{}\")", id, code.label());
  if (!entry) {
    if (!sleepy_name) {
      ++obs_outside;
      return;
    }
    // Fail closed: it looks like a sleep answer, so it is named, not just counted.
    sleep_not_used.push_back(
        fmt::format("{} looks like a sleep answer, but its code is not one willis maps to the "
                    "sleep questions: not used. "
                    "Answer the sleep questions in the profile instead.",
                    label));
    return;
  }
  if (entry->item == SleepItem::not_mapped) {
    sleep_not_used.push_back(
        fmt::format("{} is a sleep question willis recognises but does not map ({}): not used.",
                    label, entry->why));
    return;
  }
  read_sleep_answer(r, entry->item, label);
}

void FhirMapper::Impl::read_sleep_answer(const element& r, SleepItem item,
                                         const std::string& label) {
  const std::string status(str(r, "status"));
  if (status != "final" && status != "amended" && status != "corrected" &&
      status != "preliminary") {
    ++obs_skipped_status[status.empty() ? "without status" : status];
    return;
  }
  bool has_value = false;
  const std::optional<bool> answer = sleep_answer(r, has_value);
  if (!answer) {
    sleep_not_used.push_back(fmt::format(
        "{}: {}; only Yes or No (valueBoolean, LOINC LA33-6 / LA32-8) is read: not used.", label,
        has_value ? "the answer is not a yes or no willis reads" : "no answer"));
    return;
  }
  SleepRecord rec;
  rec.item = item;
  rec.answer = *answer;
  rec.label = label;
  rec.subject = subject_of(r);
  rec.order = ++order;
  if (const auto parsed = core::parse_fhir_datetime(effective_time(r)))
    rec.when = parsed->utc_seconds;
  sleep_answers.push_back(std::move(rec));
}

// Sleep answers (issue 15): the latest answer to "stopped breathing"; "ever nodded off while
// driving" counts when any answer was yes (ever is ever), and a "no" is not "not sleepy while
// driving", so it sets nothing.
void FhirMapper::Impl::map_sleep_answers(FhirProfile& out) {
  const SleepRecord* pauses = nullptr;
  const SleepRecord* driving_yes = nullptr;
  const auto later = [](const SleepRecord& a, const SleepRecord* b) {
    return !b || std::tie(a.when, a.order) > std::tie(b->when, b->order);
  };
  for (const auto& rec : sleep_answers) {
    if (!is_patient(rec.subject)) {
      ++other_subject;
      continue;
    }
    if (rec.item == SleepItem::witnessed_pauses) {
      if (later(rec, pauses)) pauses = &rec;
    } else if (rec.item == SleepItem::nodded_off_driving) {
      if (rec.answer) {
        if (later(rec, driving_yes)) driving_yes = &rec;
      } else {
        out.notes.push_back(fmt::format(
            "{} answered No: not used (never nodding off at the wheel does not mean not "
            "feeling sleepy while driving).",
            rec.label));
      }
    }
  }
  auto& sleep = out.profile.sleep;
  if (pauses) {
    sleep.witnessed_pauses = pauses->answer;
    sleep.given = true;
    out.notes.push_back(fmt::format("{} read as sleep.witnessed_pauses: {}.", pauses->label,
                                    pauses->answer ? "yes" : "no"));
  }
  if (driving_yes) {
    sleep.sleepy_while_driving = true;
    sleep.given = true;
    out.notes.push_back(fmt::format("{} answered Yes: read as sleep.sleepy_while_driving: yes.",
                                    driving_yes->label));
  }
}

}  // namespace willis::codec
