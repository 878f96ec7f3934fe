// src/render/cds_cards.cc: CDS Hooks 2.0 bodies out. Writes the cards core/cds_policy.h chose;
// medicine names come from the EHR, so every text is Markdown-escaped.
#include "render/cds_cards.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <tuple>

#include "core/assess.h"
#include "core/utf8.h"
#include "render/json_writer.h"

namespace willis::render {

using core::Severity;
using core::utf8_length;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

namespace {

constexpr std::string_view kOverrideSystem = "urn:willis:cds:override-reason";
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kOverrideReasons = {{
    {"already-separated", "Doses are already kept apart"},
    {"benefit-outweighs-risk", "Benefit outweighs the risk for this patient"},
    {"discussed-with-patient", "Discussed with the patient"},
    {"not-taking", "The patient is not taking this"},
}};

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

class CardWriter {
 public:
  CardWriter(const core::Assessment& a, const core::Kb& kb, const CdsCardsInput& input)
      : a_(a), kb_(kb), input_(input) {}

  std::string render(const std::vector<core::CardChoice>& choices) {
    std::vector<Card> cards;
    for (const auto& choice : choices) cards.push_back(card_for(choice));
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
  Card card_for(const core::CardChoice& choice) {
    switch (choice.kind) {
      case core::CardChoice::Kind::finding:
        return finding_card(*choice.findings.front(), choice);
      case core::CardChoice::Kind::unrecognised:
        return unrecognised_card(choice.findings);
      case core::CardChoice::Kind::summary:
        return summary_card(choice.order_now);
    }
    return summary_card(choice.order_now);
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

  Card finding_card(const core::Finding& f, const core::CardChoice& choice) {
    Card card;
    card.key = f.id;
    card.severity = f.severity;
    const std::string subject = core::finding_subject(f);
    card.order_now = choice.order_now;
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
      if (choice.draft_medicine && *choice.draft_medicine < input_.medicine_origins.size()) {
        const std::string& origin = input_.medicine_origins[*choice.draft_medicine];
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
    w.member("uuid", card_uuid(input_.hook_instance, card.key));
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
    if (!input_.report_link.empty()) {
      w.key("links");
      w.begin_array();
      w.begin_object();
      w.member("label", "willis report for this patient");
      w.member("url", input_.report_link);
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
    if (parser.parse(input_.draft_orders.data(), input_.draft_orders.size()).get(bundle)) return;
    std::optional<element> resource;
    array entries;
    if (!bundle["entry"].get(entries))
      for (const element entry : entries) {
        element r;
        std::string_view type, id;
        if (!entry["resource"].get(r) && !r["resourceType"].get(type) &&
            type == "MedicationRequest" && !r["id"].get(id) && id == card.suggestion->resource_id)
          resource = r;
      }
    if (!resource) return;
    w.member("selectionBehavior", "at-most-one");
    w.key("suggestions");
    w.begin_array();
    w.begin_object();
    w.member("label", card.suggestion->label);
    w.member("uuid", card_uuid(input_.hook_instance, card.key + "#suggestion"));
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

  const core::Assessment& a_;
  const core::Kb& kb_;
  const CdsCardsInput& input_;
};

}  // namespace

std::string cds_discovery_json(const std::vector<std::pair<std::string, std::string>>& prefetch,
                               const CdsVersions& versions) {
  JsonWriter w(true);
  w.begin_object();
  // CDS Hooks 2.0: the discovery response may carry `extension` (names made unique the
  // reverse-domain way); the three versions a bug report needs, as `willis --version` prints them.
  w.key("extension");
  w.begin_object();
  w.member("willis.version", versions.software);
  w.member("willis.kb_version", versions.kb);
  w.member("willis.contract", core::Assessment{}.schema);
  w.end_object();
  w.key("services");
  w.begin_array();
  for (const auto& service : core::cds_services()) {
    w.begin_object();
    w.member("hook", service.hook_name);
    w.member("title", service.title);
    w.member("description", service.description);
    w.member("id", service.id);
    w.key("prefetch");
    w.begin_object();
    for (const auto& [key, query] : prefetch) w.member(key, query);
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

std::string cds_cards_json(const std::vector<core::CardChoice>& choices,
                           const core::Assessment& assessment, const core::Kb& kb,
                           const CdsCardsInput& input) {
  return CardWriter(assessment, kb, input).render(choices);
}

std::string cds_not_assessed_json(std::string_view hook_instance, const core::Error& error) {
  JsonWriter w(false);
  w.begin_object();
  w.key("cards");
  w.begin_array();
  w.begin_object();
  w.member("uuid", card_uuid(hook_instance, "not-assessed"));
  w.member("summary", shorten("willis could not check magnesium: " + error.message, 140));
  w.member("indicator", "info");
  w.member("detail", md(error.path + ": " + error.message));
  w.key("source");
  w.begin_object();
  w.member("label", "willis");
  w.end_object();
  w.end_object();
  w.end_array();
  w.end_object();
  return w.take();
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

}  // namespace willis::render
