#include "render/assessment_json.h"

#include "render/json_writer.h"

namespace willis::render {

namespace {

void write_strings(JsonWriter& w, const std::vector<std::string>& items) {
  w.begin_array();
  for (const auto& item : items) w.value(item);
  w.end_array();
}

void write_data_value(JsonWriter& w, const core::DataValue& value) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::vector<std::string>>)
          write_strings(w, v);
        else
          w.value(v);
      },
      value);
}

void write_finding(JsonWriter& w, const core::Finding& f) {
  w.begin_object();
  w.member("id", f.id);
  w.member("kind", f.kind);
  w.member("severity", core::to_string(f.severity));
  w.member("title", f.title);
  w.member("detail", f.detail);
  if (!f.see.empty()) w.member("see", f.see);
  w.key("sources");
  write_strings(w, f.sources);
  w.member("verified", f.verified);
  w.key("data");
  w.begin_object();
  for (const auto& [name, value] : f.data) {
    w.key(name);
    write_data_value(w, value);
  }
  if (!f.windows.empty()) {
    w.key("windows");
    w.begin_array();
    for (const auto& window : f.windows) {
      w.begin_object();
      w.member("source", window.source);
      w.member("magnesium_after_drug_h", window.magnesium_after_drug_h);
      w.member("magnesium_before_drug_h", window.magnesium_before_drug_h);
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  w.end_object();
}

void write_optional(JsonWriter& w, const char* name, const std::optional<double>& value) {
  if (value)
    w.member(name, *value);
  else
    w.member_null(name);
}

void write_magnesium(JsonWriter& w, const core::MagnesiumSummary& mg) {
  w.begin_object();
  w.member("supplemental_elemental_mg", mg.supplemental_elemental_mg);
  if (mg.supplemental_low_mg) w.member("supplemental_elemental_low_mg", *mg.supplemental_low_mg);
  write_optional(w, "upper_limit_mg", mg.upper_limit_mg);
  w.member("upper_limit_source",
           mg.upper_limit_sources.empty() ? std::string() : mg.upper_limit_sources.front());
  w.key("upper_limit_sources");
  write_strings(w, mg.upper_limit_sources);
  w.member("upper_limit_kind", mg.upper_limit_kind);
  if (!mg.upper_limit_note.empty()) w.member("upper_limit_note", mg.upper_limit_note);
  write_optional(w, "dietary_mg", mg.dietary_mg);
  write_optional(w, "reference_intake_mg", mg.reference_intake_mg);
  w.member("reference_intake_kind", mg.reference_intake_kind);
  w.member("reference_intake_source", mg.reference_intake_sources.empty()
                                          ? std::string()
                                          : mg.reference_intake_sources.front());
  w.key("plan");
  if (!mg.plan) {
    w.null();
  } else {
    const auto& plan = *mg.plan;
    w.begin_object();
    w.member("form", plan.form);
    w.member("form_reason", plan.form_reason);
    w.key("form_sources");
    write_strings(w, plan.form_sources);
    w.member("start_elemental_mg", plan.start_elemental_mg);
    w.member("max_elemental_mg", plan.max_elemental_mg);
    w.member("review_after_weeks", plan.review_after_weeks);
    w.end_object();
  }
  w.key("contributions");
  w.begin_array();
  for (const auto& c : mg.contributions) {
    w.begin_object();
    w.member("input", c.input);
    w.member("source_kind", c.source_kind);
    w.member("elemental_mg_per_day", c.elemental_mg_per_day);
    if (c.low_mg_per_day) w.member("elemental_low_mg_per_day", *c.low_mg_per_day);
    w.member("counted", c.counted);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_doses(JsonWriter& w, const std::vector<core::Dose>& doses) {
  w.begin_array();
  for (const auto& dose : doses) {
    w.begin_object();
    w.member("time", dose.time.str());
    w.member("elemental_mg", dose.elemental_mg);
    w.member("with_food", dose.with_food);
    w.end_object();
  }
  w.end_array();
}

void write_schedule(JsonWriter& w, const core::Schedule& s) {
  w.begin_object();
  w.key("doses");
  write_doses(w, s.doses);
  w.key("unresolved");
  w.begin_array();
  for (const auto& u : s.unresolved) {
    w.begin_object();
    w.key("medicines");
    write_strings(w, u.medicines);
    w.member("reason", u.reason);
    w.member("ask", u.ask);
    if (!u.field.empty()) w.member("field", u.field);
    if (!u.missing.empty()) w.member("missing", u.missing);
    w.end_object();
  }
  w.end_array();
  w.key("untimed");
  write_strings(w, s.untimed);
  w.key("keep_apart");
  w.begin_array();
  for (const auto& k : s.keep_apart) {
    w.begin_object();
    w.member("medicine", k.medicine);
    w.member("name", k.name);
    w.member("drug_time", k.drug_time.str());
    w.member("from", k.from.str());
    w.member("to", k.to.str());
    if (!k.day.empty()) w.member("day", k.day);
    w.end_object();
  }
  w.end_array();
  w.key("on_days");
  w.begin_array();
  for (const auto& day : s.on_days) {
    w.begin_object();
    w.member("day", day.day);
    w.member("medicine", day.medicine);
    w.key("doses");
    write_doses(w, day.doses);
    w.end_object();
  }
  w.end_array();
  w.member("wake", s.wake.str());
  w.member("sleep", s.sleep.str());
  w.end_object();
}

}  // namespace

void write_assessment(JsonWriter& w, const core::Assessment& a, const core::Kb& kb) {
  w.begin_object();
  w.member("schema", a.schema);
  w.member("kb_version", a.kb_version);
  w.member("jurisdiction", core::to_string(a.jurisdiction));
  w.member("verdict", core::to_string(a.verdict));
  w.key("findings");
  w.begin_array();
  for (const auto& f : a.findings) write_finding(w, f);
  w.end_array();
  w.key("magnesium");
  write_magnesium(w, a.magnesium);
  w.key("schedule");
  write_schedule(w, a.schedule);
  w.key("labs");
  w.begin_array();
  for (const auto& lab : a.labs) {
    w.begin_object();
    w.member("name", lab.name);
    w.member("value", lab.value);
    w.member("unit", lab.unit);
    if (lab.date)
      w.member("date", lab.date->str());
    else {
      w.key("date");
      w.null();
    }
    w.member("out_of_date", lab.out_of_date);
    w.end_object();
  }
  w.end_array();
  w.key("resolved");
  w.begin_array();
  for (const auto& r : a.resolved) {
    w.begin_object();
    w.member("field", r.field);
    w.member("input", r.input);
    w.key("ids");
    write_strings(w, r.ids);
    w.end_object();
  }
  w.end_array();
  w.key("notes");
  write_strings(w, a.notes);
  w.member("disclaimer", a.disclaimer);
  w.key("sources");
  w.begin_object();
  for (const auto& id : a.sources) {
    const auto found = kb.sources.find(id);
    w.key(id);
    w.begin_object();
    if (found != kb.sources.end()) {
      const auto& s = found->second;
      w.member("title", s.title);
      w.member("publisher", s.publisher);
      if (s.year)
        w.member("year", *s.year);
      else
        w.member_null("year");
      w.member("url", s.url);
      if (!s.doi.empty()) w.member("doi", s.doi);
      if (!s.pmid.empty()) w.member("pmid", s.pmid);
      w.member("verification", s.verification);
    }
    w.end_object();
  }
  w.end_object();
  w.end_object();
}

std::string assessment_json(const core::Assessment& a, const core::Kb& kb, bool pretty) {
  JsonWriter w(pretty);
  write_assessment(w, a, kb);
  std::string text = w.take();
  text += '\n';
  return text;
}

std::string error_json(const core::Error& error) {
  JsonWriter w(false);
  w.begin_object();
  w.key("error");
  w.begin_object();
  w.member("code", core::to_string(error.code));
  w.member("path", error.path);
  w.member("message", error.message);
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace willis::render
