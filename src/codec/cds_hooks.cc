// src/codec/cds_hooks.cc: CDS Hooks 2.0 bodies in and out. Decides nothing clinical: the cards
// render findings of core::assess; this file only chooses which findings matter to the hook.
#include "codec/cds_hooks.h"
#include "codec/fhir/json.h"
#include "codec/strict_input.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <set>

#include "render/json_writer.h"
#include "core/assess.h"

namespace willis::codec {

using core::Errc;
using core::Error;
using core::Severity;
using fhir::child;  // the FHIR JSON member readers (codec/fhir/json.h)
using fhir::str;
using render::JsonWriter;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

namespace {

constexpr std::array<CdsService, 3> kServices = {{
    {"willis-patient-view", CdsHook::patient_view, "patient-view",
     "willis: magnesium for restless legs and sleep",
     "When a record is opened and the patient takes magnesium or may have restless legs: is "
     "magnesium safe "
     "(kidney function, heart block, myasthenia), which medicines must be kept apart from it and "
     "by how many "
     "hours, what to check first (iron), with a cited source for every statement."},
    {"willis-order-select", CdsHook::order_select, "order-select",
     "willis: magnesium check of the selected order",
     "When a medicine is selected: warns if it interacts with magnesium the patient takes (with "
     "the separation "
     "window), if magnesium being ordered is unsafe for this patient (e.g. eGFR below 30), or if "
     "the medicine "
     "cannot be checked against magnesium."},
    {"willis-order-sign", CdsHook::order_sign, "order-sign",
     "willis: magnesium check before signing",
     "Before orders are signed: the same checks as willis-order-select over every draft order, "
     "assessed "
     "together with the active medicines."},
}};

constexpr std::string_view kOverrideSystem = "urn:willis:cds:override-reason";
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kOverrideReasons = {{
    {"already-separated", "Doses are already kept apart"},
    {"benefit-outweighs-risk", "Benefit outweighs the risk for this patient"},
    {"discussed-with-patient", "Discussed with the patient"},
    {"not-taking", "The patient is not taking this"},
}};

// ---------------------------------------------------------------- small helpers

/// Characters, not bytes (UTF-8 continuation bytes are not counted).
std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

/// At most `limit` - 1 characters, cut at a character boundary with an ellipsis.
std::string shorten(std::string_view text, std::size_t limit) {
  if (utf8_length(text) < limit) return std::string(text);
  std::size_t chars = 0, pos = 0;
  while (pos < text.size()) {
    if ((static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80) {
      if (chars == limit - 2) break;
      ++chars;
    }
    ++pos;
  }
  std::string out(text.substr(0, pos));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "\xE2\x80\xA6";  // …
}

/// Text safe inside GitHub-flavoured Markdown: punctuation that could start markup or HTML is
/// backslash-escaped (medicine names come from the EHR, so they are untrusted).
std::string md(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (const char c : text) {
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '|':
      case '~':
      case '&':
      case '#':
        out += '\\';
        break;
      default:
        break;
    }
    out += c;
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

/// A name-based UUID (RFC 9562 version 8: vendor-specific) from the hook instance and the card,
/// so that the same request gets the same card ids (feedback can refer to them; goldens are
/// stable).
std::string card_uuid(std::string_view hook_instance, std::string_view key) {
  auto fnv = [](std::string_view a, std::string_view b, std::uint64_t hash) {
    for (const std::string_view part : {a, std::string_view("\x1f"), b})
      for (const unsigned char c : part) hash = (hash ^ c) * 0x100000001b3ULL;
    return hash;
  };
  std::uint64_t hi = fnv(hook_instance, key, 0xcbf29ce484222325ULL);
  std::uint64_t lo = fnv(key, hook_instance, 0x84222325cbf29ce4ULL);
  hi = (hi & ~0xF000ULL) | 0x8000ULL;                         // version 8
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

/// Writes a parsed JSON value through the one writer (for resources echoed in suggestions).
void write_element(JsonWriter& w, const element& e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      w.begin_object();
      for (const auto field : object(e)) {
        w.key(field.key);
        write_element(w, field.value);
      }
      w.end_object();
      break;
    }
    case simdjson::dom::element_type::ARRAY:
      w.begin_array();
      for (const element item : array(e)) write_element(w, item);
      w.end_array();
      break;
    case simdjson::dom::element_type::STRING:
      w.value(std::string_view(e.get_string().value_unsafe()));
      break;
    case simdjson::dom::element_type::INT64:
      w.value(static_cast<double>(e.get_int64().value_unsafe()));
      break;
    case simdjson::dom::element_type::UINT64:
      w.value(static_cast<double>(e.get_uint64().value_unsafe()));
      break;
    case simdjson::dom::element_type::DOUBLE:
      w.value(e.get_double().value_unsafe());
      break;
    case simdjson::dom::element_type::BOOL:
      w.value(e.get_bool().value_unsafe());
      break;
    case simdjson::dom::element_type::NULL_VALUE:
      w.null();
      break;
  }
}

std::string subject_of(const core::Finding& f) {
  const auto colon = f.id.find(':');
  return colon == std::string::npos ? std::string() : f.id.substr(colon + 1);
}

int index_in(std::string_view field, std::string_view list) {
  // "medicines[3]" -> 3 for list "medicines"; -1 otherwise.
  if (field.size() < list.size() + 3 || field.substr(0, list.size()) != list ||
      field[list.size()] != '[')
    return -1;
  int value = 0;
  for (std::size_t pos = list.size() + 1; pos < field.size() && field[pos] != ']'; ++pos) {
    if (!std::isdigit(static_cast<unsigned char>(field[pos]))) return -1;
    value = value * 10 + (field[pos] - '0');
  }
  return value;
}

// ---------------------------------------------------------------- which findings matter

struct HookContext {
  std::set<std::string> draft_ids;    // KB ids (medicines, forms, salts, products) of draft orders
  std::set<std::string> draft_slugs;  // unrecognised:<slug> subjects a draft order would produce
  std::map<std::string, std::size_t>
      draft_medicine_of;         // KB medicine id -> index in profile.medicines
  bool draft_magnesium = false;  // magnesium itself is being ordered
  bool on_magnesium = false;     // the active list has magnesium
  bool rls = false;              // RLS suspected (the engine added its evidence finding)
};

bool is_magnesium(const core::Kb& kb, const std::string& id) {
  if (kb.form(id) || kb.salt(id)) return true;
  const core::Medicine* med = kb.medicine(id);
  return med && med->magnesium.has_value();
}

HookContext hook_context(const FhirProfile& mapped, const core::Assessment& a,
                         const FhirTerms& terms) {
  HookContext ctx;
  const auto& kb = terms.kb();
  const std::set<std::size_t> draft_meds(mapped.draft_medicines.begin(),
                                         mapped.draft_medicines.end());
  const std::set<std::size_t> draft_sups(mapped.draft_supplements.begin(),
                                         mapped.draft_supplements.end());
  for (const auto& r : a.resolved) {
    const int med_idx = index_in(r.field, "medicines");
    const int sup_idx = index_in(r.field, "supplements");
    if (med_idx < 0 && sup_idx < 0) continue;
    const bool draft = med_idx >= 0 ? draft_meds.count(static_cast<std::size_t>(med_idx)) > 0
                                    : draft_sups.count(static_cast<std::size_t>(sup_idx)) > 0;
    for (const auto& id : r.ids) {
      const bool mg = is_magnesium(kb, id);
      if (draft) {
        ctx.draft_ids.insert(id);
        ctx.draft_magnesium |= mg;
        if (med_idx >= 0) ctx.draft_medicine_of.emplace(id, static_cast<std::size_t>(med_idx));
      } else {
        ctx.on_magnesium |= mg;
      }
    }
  }
  const auto& names = terms.names();
  for (const std::size_t idx : mapped.draft_medicines) {
    const auto& name = mapped.profile.medicines[idx].name;
    ctx.draft_slugs.insert(names.slug(name));
    for (const auto& part : names.medicine(name).unknown) ctx.draft_slugs.insert(names.slug(part));
  }
  for (const std::size_t idx : mapped.draft_supplements)
    ctx.draft_slugs.insert(names.slug(mapped.profile.supplements[idx].name));
  ctx.rls = a.finding("evidence:magnesium-rls") != nullptr;
  return ctx;
}

// ---------------------------------------------------------------- cards

struct Suggestion {
  std::string label, description, resource_id;
  std::string note;  // text added to the draft resource's notes
};

struct Card {
  std::string key;  // stable within a response: the uuid's seed
  Severity severity = Severity::info;
  bool order_now = false;
  std::string summary, detail;
  std::vector<std::string> sources;
  std::optional<Suggestion> suggestion;
};

class CardBuilder {
 public:
  CardBuilder(const CdsRequest& request, const CdsService& service, const FhirProfile& mapped,
              const core::Assessment& a, const FhirTerms& terms, const CdsOptions& options)
      : request_(request),
        service_(service),
        mapped_(mapped),
        a_(a),
        kb_(terms.kb()),
        options_(options),
        ctx_(hook_context(mapped, a, terms)) {}

  std::string render() {
    std::vector<Card> cards =
        service_.hook == CdsHook::patient_view ? patient_view_cards() : order_cards();
    std::stable_sort(cards.begin(), cards.end(), [](const Card& x, const Card& y) {
      return std::tie(x.severity, x.order_now) > std::tie(y.severity, y.order_now);
    });
    JsonWriter w(false);
    w.begin_object();
    w.key("cards");
    w.begin_array();
    for (const auto& card : cards) write_card(w, card);
    w.end_array();
    w.end_object();
    return w.take();
  }

 private:
  std::vector<Card> patient_view_cards() {
    std::vector<Card> cards;
    const bool urgent = a_.verdict == Severity::urgent;
    if (!ctx_.on_magnesium && !ctx_.rls && !urgent) return cards;  // magnesium is not in play
    std::vector<const core::Finding*> unrecognised;
    for (const auto& f : a_.findings) {
      if (f.kind == "unrecognised") {
        unrecognised.push_back(&f);
        continue;
      }
      if (f.severity >= Severity::caution) cards.push_back(finding_card(f, false));
    }
    if (!unrecognised.empty()) cards.push_back(unrecognised_card(unrecognised));
    cards.push_back(summary_card(false));
    return cards;
  }

  std::vector<Card> order_cards() {
    std::vector<Card> cards;
    const bool mg_in_play = ctx_.on_magnesium || ctx_.draft_magnesium;
    for (const auto& f : a_.findings) {
      const std::string subject = subject_of(f);
      const bool about_draft = ctx_.draft_ids.count(subject) > 0;
      bool include = false;
      if (f.kind == "unrecognised")
        include = ctx_.draft_slugs.count(subject) > 0;
      else if (f.kind == "interaction")
        include = (about_draft && mg_in_play) || ctx_.draft_magnesium;
      else if (f.kind == "depletion" || f.kind == "exacerbating" || f.kind == "treatment")
        include = about_draft;
      else if (f.kind == "caution")
        include = about_draft || (ctx_.draft_magnesium && !kb_.medicine(subject));
      else if (f.kind == "contraindication" || f.kind == "dose" || f.kind == "red-flag")
        include = ctx_.draft_magnesium;
      if (include) cards.push_back(finding_card(f, true));
    }
    if (ctx_.draft_magnesium) cards.push_back(summary_card(true));
    return cards;
  }

  void cite(Card& card, const std::vector<std::string>& sources) {
    for (const auto& id : sources)
      if (std::find(card.sources.begin(), card.sources.end(), id) == card.sources.end())
        card.sources.push_back(id);
  }

  std::string citations(const Card& card) const {
    std::string out;
    int number = 0;
    for (const auto& id : card.sources) {
      const auto it = kb_.sources.find(id);
      if (it == kb_.sources.end()) continue;
      const core::Source& s = it->second;
      out += fmt::format("{}. {}", ++number, md(s.title));
      if (!s.publisher.empty()) out += ". " + md(s.publisher);
      if (s.year) out += fmt::format(", {}", *s.year);
      if (!s.verification.empty()) out += fmt::format(" (grade {})", md(s.verification));
      if (!s.url.empty()) out += fmt::format(". <{}>", s.url);
      out += "\n";
    }
    return out;
  }

  std::string footer(const Card& card) const {
    std::string out;
    if (!card.sources.empty()) out += "\n**Sources**\n\n" + citations(card);
    if (!a_.disclaimer.empty()) out += "\n_" + md(a_.disclaimer) + "_\n";
    return out;
  }

  static double number_of(const core::Finding& f, std::string_view key) {
    for (const auto& [name, value] : f.data)
      if (name == key)
        if (const double* number = std::get_if<double>(&value)) return *number;
    return -1;
  }

  Card finding_card(const core::Finding& f, bool order_hook) {
    Card card;
    card.key = f.id;
    card.severity = f.severity;
    const std::string subject = subject_of(f);
    card.order_now = order_hook && (ctx_.draft_ids.count(subject) > 0 ||
                                    ctx_.draft_slugs.count(subject) > 0 || ctx_.draft_magnesium);
    card.summary = f.title;
    std::string detail = md(f.detail) + "\n";
    if (!f.see.empty()) detail += "\n**Who to see:** " + md(f.see) + "\n";
    const double after = number_of(f, "magnesium_after_drug_h");
    const double before = number_of(f, "magnesium_before_drug_h");
    const core::Medicine* med = kb_.medicine(subject);
    const std::string med_name = med ? med->name : subject;
    if (f.kind == "interaction" && after >= 0 && before >= 0) {
      detail += fmt::format(
          "\n**Keep apart:** no magnesium from {} h before to {} h after each dose of {}.\n",
          core::format_number(before), core::format_number(after), md(med_name));
      for (const auto& window : f.windows)
        detail += fmt::format("- {}: {} h before, {} h after\n", md(window.source),
                              core::format_number(window.magnesium_before_drug_h),
                              core::format_number(window.magnesium_after_drug_h));
      std::string times;
      for (const auto& k : a_.schedule.keep_apart)
        if (k.medicine == subject)
          times += fmt::format("- {} dose: no magnesium from {} to {}\n", k.drug_time.str(),
                               k.from.str(), k.to.str());
      if (!times.empty()) detail += "\n**At this patient's times:**\n" + times;
      for (const auto& name : a_.schedule.untimed)
        if (name == subject || (med && name == med->name))
          detail += "\nNo dose times were given for this medicine: ask when it is taken.\n";
      // The order being placed is the interacting medicine: offer the advice as an order note.
      if (auto it = ctx_.draft_medicine_of.find(subject);
          order_hook && it != ctx_.draft_medicine_of.end()) {
        const std::string& origin = mapped_.medicine_origins[it->second];
        const std::string prefix = "MedicationRequest/";
        if (origin.size() > prefix.size() && origin.compare(0, prefix.size(), prefix) == 0)
          card.suggestion = Suggestion{
              "Add the separation advice to this order",
              fmt::format("Adds a note to the {} order; the order is otherwise unchanged.",
                          med_name),
              origin.substr(prefix.size()),
              fmt::format("Keep magnesium-containing products (supplements, antacids, laxatives) "
                          "from {} h before "
                          "to {} h after each dose of {} (willis).",
                          core::format_number(before), core::format_number(after), med_name)};
      }
    }
    if (!f.verified)
      detail +=
          "\n_This rests on a knowledge-base entry marked unverified; willis encoded the "
          "conservative "
          "reading._\n";
    cite(card, f.sources);
    card.detail = detail + footer(card);
    return card;
  }

  Card unrecognised_card(const std::vector<const core::Finding*>& findings) {
    Card card;
    card.key = "unrecognised";
    card.severity = Severity::caution;
    std::vector<std::string> names;
    std::string detail =
        "willis could not check these against magnesium; any of them could interact:\n\n";
    for (const auto* f : findings) {
      card.severity = std::max(card.severity, f->severity);
      names.push_back(f->title);
      detail += "- " + md(f->title) + "\n";
      cite(card, f->sources);
    }
    card.summary = fmt::format(
        "{} not checked against magnesium: ask a pharmacist",
        findings.size() == 1 ? std::string("1 item") : fmt::format("{} items", findings.size()));
    card.detail = detail + footer(card);
    return card;
  }

  Card summary_card(bool order_hook) {
    Card card;
    card.key = "summary";
    card.severity = Severity::info;
    card.order_now = order_hook;
    const auto& plan = a_.magnesium.plan;
    std::vector<std::string> times;
    for (const auto& dose : a_.schedule.doses) times.push_back(dose.time.str());
    if (a_.verdict >= Severity::avoid) {
      card.summary = "Magnesium is not advised for this patient now: see the other cards";
    } else if (plan && !times.empty()) {
      const core::Form* form = kb_.form(plan->form);
      card.summary =
          fmt::format("Magnesium: {} {} mg elemental a day at {}; review after {} weeks",
                      form ? form->name : plan->form, core::format_number(plan->start_elemental_mg),
                      fmt::format("{}", fmt::join(times, " and ")), plan->review_after_weeks);
    } else if (plan) {
      card.summary =
          "Magnesium: no dose time is clear of this patient's medicines: ask a pharmacist";
    } else {
      card.summary = "Magnesium: no self-directed plan for this patient; see the other cards";
    }
    std::string detail;
    if (plan) {
      detail += "**Plan:** " + md(plan->form_reason) + "\n\n";
      for (const auto& dose : a_.schedule.doses)
        detail += fmt::format("- {}: {} mg elemental magnesium{}\n", dose.time.str(),
                              core::format_number(dose.elemental_mg),
                              dose.with_food ? ", with food" : "");
      cite(card, plan->form_sources);
    }
    for (const auto& u : a_.schedule.unresolved)
      detail += "\n**Unresolved:** " + md(u.reason) + (u.ask.empty() ? "" : " " + md(u.ask)) + "\n";
    if (!a_.notes.empty()) {
      detail += "\n**Assumptions and what was not used**\n\n";
      for (const auto& note : a_.notes) detail += "- " + md(note) + "\n";
    }
    if (card.sources.empty())
      for (const auto& f : a_.findings) {
        if (!f.sources.empty()) {
          cite(card, {f.sources.front()});
          break;
        }
      }
    card.detail = detail + footer(card);
    return card;
  }

  void write_card(JsonWriter& w, const Card& card) {
    const std::string_view indicator = cds_indicator(card.severity);
    w.begin_object();
    w.member("uuid", card_uuid(request_.hook_instance, card.key));
    w.member("summary", shorten(card.summary, 140));
    w.member("indicator", indicator);
    w.member("detail", card.detail);
    w.key("source");
    w.begin_object();
    const core::Source* source = nullptr;
    for (const auto& id : card.sources)
      if (auto it = kb_.sources.find(id); it != kb_.sources.end()) {
        source = &it->second;
        break;
      }
    w.member("label", source ? shorten(source->title, 100) : std::string("willis knowledge base"));
    if (source && (source->url.rfind("https://", 0) == 0 || source->url.rfind("http://", 0) == 0))
      w.member("url", source->url);
    w.end_object();
    if (card.suggestion) write_suggestion(w, card);
    if (indicator != "info") {
      w.key("overrideReasons");
      w.begin_array();
      for (const auto& [code, display] : kOverrideReasons) {
        w.begin_object();
        w.member("system", kOverrideSystem);
        w.member("code", code);
        w.member("display", display);
        w.end_object();
      }
      w.end_array();
    }
    if (!options_.report_url.empty() && !request_.patient_id.empty()) {
      w.key("links");
      w.begin_array();
      w.begin_object();
      w.member("label", "willis report for this patient");
      w.member("url", replace_all(options_.report_url, "{patientId}",
                                  percent_encode(request_.patient_id)));
      w.member("type", "absolute");
      w.end_object();
      w.end_array();
    }
    w.end_object();
  }

  void write_suggestion(JsonWriter& w, const Card& card) {
    // Echo the draft MedicationRequest with one note added: an update action of the whole resource.
    simdjson::dom::parser parser;
    element bundle;
    if (parser.parse(request_.draft_orders.data(), request_.draft_orders.size()).get(bundle))
      return;
    std::optional<element> resource;
    array entries;
    if (!bundle["entry"].get(entries))
      for (const element entry : entries)
        if (auto r = child(entry, "resource"))
          if (str(*r, "resourceType") == "MedicationRequest" &&
              str(*r, "id") == card.suggestion->resource_id)
            resource = *r;
    if (!resource) return;
    w.member("selectionBehavior", "at-most-one");
    w.key("suggestions");
    w.begin_array();
    w.begin_object();
    w.member("label", card.suggestion->label);
    w.member("uuid", card_uuid(request_.hook_instance, card.key + "#suggestion"));
    w.key("actions");
    w.begin_array();
    w.begin_object();
    w.member("type", "update");
    w.member("description", card.suggestion->description);
    w.key("resource");
    w.begin_object();
    bool wrote_note = false;
    for (const auto field : object(*resource)) {
      w.key(field.key);
      if (field.key != "note") {
        write_element(w, field.value);
        continue;
      }
      w.begin_array();
      array notes;
      if (!field.value.get(notes))
        for (const element note : notes) write_element(w, note);
      w.begin_object();
      w.member("text", card.suggestion->note);
      w.end_object();
      w.end_array();
      wrote_note = true;
    }
    if (!wrote_note) {
      w.key("note");
      w.begin_array();
      w.begin_object();
      w.member("text", card.suggestion->note);
      w.end_object();
      w.end_array();
    }
    w.end_object();
    w.end_object();
    w.end_array();
    w.end_object();
    w.end_array();
  }

  const CdsRequest& request_;
  const CdsService& service_;
  const FhirProfile& mapped_;
  const core::Assessment& a_;
  const core::Kb& kb_;
  const CdsOptions& options_;
  HookContext ctx_;
};

}  // namespace

// ================================================================= services and discovery

std::span<const CdsService> cds_services() {
  return kServices;
}

const CdsService* find_cds_service(std::string_view id) {
  for (const auto& service : kServices)
    if (service.id == id) return &service;
  return nullptr;
}

const std::vector<std::pair<std::string, std::string>>& cds_prefetch_templates() {
  static const std::vector<std::pair<std::string, std::string>> templates = [] {
    std::string codes;
    for (const auto code : loinc_codes_read())
      codes += (codes.empty() ? "" : ",") + std::string("http://loinc.org|") + std::string(code);
    return std::vector<std::pair<std::string, std::string>>{
        {"patient", "Patient/{{context.patientId}}"},
        {"medicationRequests",
         "MedicationRequest?patient={{context.patientId}}&status=active,on-hold&_include="
         "MedicationRequest:medication"},
        {"medicationStatements",
         "MedicationStatement?patient={{context.patientId}}&status=active,intended,on-hold"},
        {"conditions",
         "Condition?patient={{context.patientId}}&clinical-status=active,recurrence,relapse"},
        {"observations",
         "Observation?patient={{context.patientId}}&code=" + codes + "&_sort=-date"},
    };
  }();
  return templates;
}

std::string cds_discovery_json() {
  JsonWriter w(true);
  w.begin_object();
  w.key("services");
  w.begin_array();
  for (const auto& service : kServices) {
    w.begin_object();
    w.member("hook", service.hook_name);
    w.member("title", service.title);
    w.member("description", service.description);
    w.member("id", service.id);
    w.key("prefetch");
    w.begin_object();
    for (const auto& [key, query] : cds_prefetch_templates()) w.member(key, query);
    w.end_object();
    w.member("usageRequirements",
             "Send the prefetch, or a fhirServer (with fhirAuthorization) willis can read it from. "
             "Information, not "
             "a diagnosis: willis never advises starting or stopping a prescribed medicine.");
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

// ================================================================= requests

const std::string* CdsRequest::prefetched(std::string_view key) const {
  for (const auto& [name, json] : prefetch)
    if (name == key) return &json;
  return nullptr;
}

core::Result<CdsRequest> parse_cds_request(std::string_view body, const CdsService& service) {
  // Strict (issue 13): a duplicate key anywhere (prefetch included), invalid UTF-8 or a control
  // character is an error naming the line, before simdjson (which keeps the first key) reads it.
  if (auto error = check_json(body, "request body")) return *error;
  simdjson::dom::parser parser;
  element root;
  if (const auto err = parser.parse(body.data(), body.size()).get(root))
    return Error(Errc::parse_error, "",
                 fmt::format("the body is not JSON: {}", simdjson::error_message(err)));
  if (root.type() != simdjson::dom::element_type::OBJECT)
    return Error(Errc::invalid_type, "", "the body must be a JSON object");
  CdsRequest request;
  auto text = [&](const element& e, const char* key, const std::string& path, bool required,
                  std::string& out) -> std::optional<Error> {
    element value;
    if (e[key].get(value) || value.is_null()) {
      if (required)
        return Error(Errc::missing_field, path, fmt::format("\"{}\" is required", path));
      return std::nullopt;
    }
    std::string_view s;
    if (value.get(s))
      return Error(Errc::invalid_type, path, fmt::format("\"{}\" must be a string", path));
    out = std::string(s);
    return std::nullopt;
  };
  if (auto e = text(root, "hook", "hook", true, request.hook)) return *e;
  if (request.hook != service.hook_name)
    return Error(Errc::invalid_value, "hook",
                 fmt::format("service {} answers the {} hook, not \"{}\"", service.id,
                             service.hook_name, request.hook));
  if (auto e = text(root, "hookInstance", "hookInstance", true, request.hook_instance)) return *e;
  if (request.hook_instance.empty())
    return Error(Errc::invalid_value, "hookInstance", "\"hookInstance\" is empty");
  if (auto e = text(root, "fhirServer", "fhirServer", false, request.fhir_server)) return *e;
  if (auto auth = child(root, "fhirAuthorization"); auth && !auth->is_null()) {
    if (auth->type() != simdjson::dom::element_type::OBJECT)
      return Error(Errc::invalid_type, "fhirAuthorization",
                   "\"fhirAuthorization\" must be an object");
    if (auto e = text(*auth, "access_token", "fhirAuthorization.access_token", true,
                      request.access_token))
      return *e;
  }
  const auto context = child(root, "context");
  if (!context || context->is_null())
    return Error(Errc::missing_field, "context", "\"context\" is required");
  if (context->type() != simdjson::dom::element_type::OBJECT)
    return Error(Errc::invalid_type, "context", "\"context\" must be an object");
  if (auto e = text(*context, "patientId", "context.patientId", true, request.patient_id))
    return *e;
  if (auto e = text(*context, "userId", "context.userId", false, request.user_id)) return *e;
  if (auto e = text(*context, "encounterId", "context.encounterId", false, request.encounter_id))
    return *e;
  if (service.hook != CdsHook::patient_view) {
    const auto drafts = child(*context, "draftOrders");
    if (!drafts || drafts->is_null())
      return Error(Errc::missing_field, "context.draftOrders",
                   "\"context.draftOrders\" (a Bundle) is required");
    if (drafts->type() != simdjson::dom::element_type::OBJECT ||
        str(*drafts, "resourceType") != "Bundle")
      return Error(Errc::invalid_type, "context.draftOrders",
                   "\"context.draftOrders\" must be a FHIR Bundle");
    request.draft_orders = simdjson::minify(*drafts);
    if (service.hook == CdsHook::order_select) {
      const auto selections = child(*context, "selections");
      if (!selections || selections->is_null())
        return Error(Errc::missing_field, "context.selections",
                     "\"context.selections\" is required");
      array items;
      if (selections->get(items))
        return Error(Errc::invalid_type, "context.selections",
                     "\"context.selections\" must be a list");
      for (const element item : items) {
        std::string_view s;
        if (item.get(s))
          return Error(Errc::invalid_type, "context.selections",
                       "\"context.selections\" must list strings");
        request.selections.emplace_back(s);
      }
    }
  }
  if (auto prefetch = child(root, "prefetch"); prefetch && !prefetch->is_null()) {
    object items;
    if (prefetch->get(items))
      return Error(Errc::invalid_type, "prefetch", "\"prefetch\" must be an object");
    for (const auto field : items) {
      if (field.value.is_null()) continue;  // the client could not fetch it: willis may
      if (field.value.type() != simdjson::dom::element_type::OBJECT)
        return Error(Errc::invalid_type, "prefetch." + std::string(field.key),
                     "a prefetch item must be a FHIR resource or Bundle");
      request.prefetch.emplace_back(std::string(field.key), simdjson::minify(field.value));
    }
  }
  return request;
}

std::vector<std::string> missing_prefetch(const CdsRequest& request) {
  std::vector<std::string> missing;
  for (const auto& [key, query] : cds_prefetch_templates())
    if (!request.prefetched(key)) missing.push_back(key);
  return missing;
}

std::string prefetch_query(std::string_view key, const CdsRequest& request) {
  for (const auto& [name, query] : cds_prefetch_templates())
    if (name == key) {
      std::string filled =
          replace_all(query, "{{context.patientId}}", percent_encode(request.patient_id));
      filled = replace_all(filled, "{{context.userId}}", percent_encode(request.user_id));
      return replace_all(filled, "{{context.encounterId}}", percent_encode(request.encounter_id));
    }
  return {};
}

core::Result<FhirProfile> cds_profile(const CdsRequest& request, const FhirTerms& terms,
                                      const CdsOptions& options) {
  FhirMapper mapper(terms, {options.as_of, options.jurisdiction});
  for (const auto& [key, json] : request.prefetch)
    if (auto error = mapper.add_json(json)) {
      error->path = "prefetch." + key + (error->path.empty() ? "" : "." + error->path);
      return *error;
    }
  if (!request.draft_orders.empty())
    if (auto error = mapper.add_json(request.draft_orders, true)) {
      error->path = "context.draftOrders" + (error->path.empty() ? "" : "." + error->path);
      return *error;
    }
  return std::move(mapper).finish();
}

std::string_view cds_indicator(Severity severity) {
  switch (severity) {
    case Severity::info:
      return "info";
    case Severity::caution:
      return "warning";
    case Severity::avoid:
      return "warning";
    case Severity::urgent:
      return "critical";
  }
  return "warning";
}

std::string cds_response_json(const CdsRequest& request, const CdsService& service,
                              const FhirProfile& mapped, const core::Assessment& assessment,
                              const FhirTerms& terms, const CdsOptions& options) {
  return CardBuilder(request, service, mapped, assessment, terms, options).render();
}

core::Result<std::string> cds_answer(const CdsRequest& request, const CdsService& service,
                                     const FhirTerms& terms, const CdsOptions& options) {
  auto mapped = cds_profile(request, terms, options);
  if (!mapped.ok()) {
    if (mapped.error().code == Errc::parse_error || mapped.error().code == Errc::invalid_type)
      return mapped.error();
    // The data is readable but not enough to assess (no Patient, no birth date): say so in a card
    // rather than fail the EHR's workflow.
    JsonWriter w(false);
    w.begin_object();
    w.key("cards");
    w.begin_array();
    w.begin_object();
    w.member("uuid", card_uuid(request.hook_instance, "not-assessed"));
    w.member("summary",
             shorten("willis could not check magnesium: " + mapped.error().message, 140));
    w.member("indicator", "info");
    w.member("detail", md(mapped.error().path + ": " + mapped.error().message));
    w.key("source");
    w.begin_object();
    w.member("label", "willis");
    w.end_object();
    w.end_object();
    w.end_array();
    w.end_object();
    return w.take();
  }
  FhirProfile& profile = mapped.value();
  core::Assessment assessment = core::assess(terms.kb(), terms.names(), profile.profile);
  assessment.notes.insert(assessment.notes.end(), profile.notes.begin(), profile.notes.end());
  return cds_response_json(request, service, profile, assessment, terms, options);
}

std::string operation_outcome_json(std::string_view code, std::string_view diagnostics,
                                   std::string_view severity) {
  JsonWriter w(false);
  w.begin_object();
  w.member("resourceType", "OperationOutcome");
  w.key("issue");
  w.begin_array();
  w.begin_object();
  w.member("severity", severity);
  w.member("code", code);
  w.member("diagnostics", diagnostics);
  w.end_object();
  w.end_array();
  w.end_object();
  return w.take();
}

core::Result<int> parse_cds_feedback(std::string_view body) {
  simdjson::dom::parser parser;
  element root;
  if (const auto err = parser.parse(body.data(), body.size()).get(root))
    return Error(Errc::parse_error, "",
                 fmt::format("the body is not JSON: {}", simdjson::error_message(err)));
  array items;
  if (root["feedback"].get(items))
    return Error(Errc::missing_field, "feedback", "\"feedback\" (a list) is required");
  int count = 0;
  for (const element item : items) {
    const std::string path = fmt::format("feedback[{}]", count);
    if (item.type() != simdjson::dom::element_type::OBJECT)
      return Error(Errc::invalid_type, path, "each feedback item must be an object");
    for (const char* key : {"card", "outcome", "outcomeTimestamp"})
      if (str(item, key).empty())
        return Error(Errc::missing_field, path + "." + key,
                     fmt::format("\"{}\" (a string) is required", key));
    const std::string_view outcome = str(item, "outcome");
    if (outcome != "accepted" && outcome != "overridden")
      return Error(Errc::invalid_value, path + ".outcome",
                   "\"outcome\" must be accepted or overridden");
    ++count;
  }
  return count;
}

std::vector<std::string> check_cds_response(std::string_view body) {
  std::vector<std::string> problems;
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(body.data(), body.size()).get(root)) return {"body: not JSON"};
  array cards;
  if (root["cards"].get(cards)) return {"cards: missing or not a list"};
  int card_idx = 0;
  for (const element card : cards) {
    const std::string at = fmt::format("cards[{}]", card_idx++);
    auto problem = [&](const std::string& field, const std::string& what) {
      problems.push_back(at + field + ": " + what);
    };
    std::string_view summary;
    if (card["summary"].get(summary))
      problem(".summary", "missing");
    else if (utf8_length(summary) >= 140)
      problem(".summary", fmt::format("{} characters (must be < 140)", utf8_length(summary)));
    else if (summary.empty())
      problem(".summary", "empty");
    const std::string_view indicator = str(card, "indicator");
    if (indicator != "info" && indicator != "warning" && indicator != "critical")
      problem(".indicator", fmt::format("\"{}\" is not info, warning or critical", indicator));
    if (str(card, "uuid").empty()) problem(".uuid", "missing (willis sends one on every card)");
    element detail;
    if (!card["detail"].get(detail) && detail.type() != simdjson::dom::element_type::STRING)
      problem(".detail", "not a string");
    const auto source = child(card, "source");
    if (!source)
      problem(".source", "missing");
    else if (str(*source, "label").empty())
      problem(".source.label", "missing");
    array suggestions;
    const bool has_suggestions = !card["suggestions"].get(suggestions) && suggestions.size() > 0;
    const std::string_view behaviour = str(card, "selectionBehavior");
    if (has_suggestions && behaviour.empty())
      problem(".selectionBehavior", "required with suggestions (cds-resp-6)");
    if (!behaviour.empty() && behaviour != "at-most-one" && behaviour != "any")
      problem(".selectionBehavior", fmt::format("\"{}\" is not at-most-one or any", behaviour));
    if (has_suggestions) {
      int recommended = 0, suggestion_idx = 0;
      for (const element s : suggestions) {
        const std::string sat = fmt::format(".suggestions[{}]", suggestion_idx++);
        if (str(s, "label").empty()) problem(sat + ".label", "missing");
        bool rec = false;
        if (!s["isRecommended"].get(rec) && rec) ++recommended;
        const std::string_view asb = str(s, "actionSelectionBehavior");
        if (!asb.empty() && asb != "all" && asb != "any" && asb != "at-most-one")
          problem(sat + ".actionSelectionBehavior", "not all, any or at-most-one (cds-resp-7)");
        array actions;
        if (s["actions"].get(actions)) continue;
        int action_idx = 0;
        for (const element action : actions) {
          const std::string aat = sat + fmt::format(".actions[{}]", action_idx++);
          const std::string_view type = str(action, "type");
          if (type != "create" && type != "update" && type != "delete")
            problem(aat + ".type", "not create, update or delete");
          if (str(action, "description").empty())
            problem(aat + ".description", "missing (cds-resp-5)");
          if (type == "delete" && (str(action, "resourceId").empty() || child(action, "resource")))
            problem(aat, "a delete needs resourceId and no resource (cds-resp-2)");
          if ((type == "create" || type == "update") && !child(action, "resource"))
            problem(aat + ".resource", "required for create and update");
        }
      }
      if (behaviour == "at-most-one" && recommended > 1)
        problem(".suggestions", "more than one isRecommended with at-most-one (cds-resp-1)");
    }
    array reasons;
    if (!card["overrideReasons"].get(reasons)) {
      int reason_idx = 0;
      for (const element reason : reasons)
        if (str(reason, "display").empty())
          problem(fmt::format(".overrideReasons[{}].display", reason_idx++),
                  "missing (cds-resp-4)");
    }
    array links;
    if (!card["links"].get(links)) {
      int link_idx = 0;
      for (const element link : links) {
        const std::string lat = fmt::format(".links[{}]", link_idx++);
        if (str(link, "label").empty()) problem(lat + ".label", "missing");
        if (str(link, "url").empty()) problem(lat + ".url", "missing");
        const std::string_view type = str(link, "type");
        if (type != "absolute" && type != "smart") problem(lat + ".type", "not absolute or smart");
        if (type != "smart" && child(link, "appContext"))
          problem(lat + ".appContext", "only for smart links (cds-resp-3)");
      }
    }
  }
  return problems;
}

}  // namespace willis::codec
