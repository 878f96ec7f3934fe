#include "core/rules/findings.h"

#include <algorithm>

#include "core/assess.h"

namespace willis::core::rules {

Finding& Findings::add(std::string kind, const std::string& subject, Severity severity,
                       std::string title, std::string detail, std::string see,
                       const Provenance& prov) {
  const std::string id = kind + ":" + subject;
  // One finding per subject; an index keeps this linear however many items a profile lists.
  if (const auto found = finding_index_.find(id); found != finding_index_.end())
    return result.findings[found->second];
  finding_index_.emplace(id, result.findings.size());
  Finding f;
  f.id = id;
  f.kind = std::move(kind);
  f.severity = severity;
  f.title = std::move(title);
  f.detail = std::move(detail);
  f.see = std::move(see);
  f.sources = prov.sources;
  f.verified = prov.verified;
  result.findings.push_back(std::move(f));
  return result.findings.back();
}

Finding& Findings::add_text(const std::string& kind, const std::string& subject,
                            const std::string& text_name, const Values& values) {
  const RuleText& text = rules_.text(text_name);
  return add(kind, subject, text.severity, fill_text(text.title, values),
             fill_text(text.detail, values), fill_text(text.see, values), text.prov);
}

void Findings::add_evidence(const Kb& kb, const std::string& id) {
  const Evidence* e = kb.evidence_entry(id);
  if (!e) return;
  Finding& f = add("evidence", id, Severity::info, e->title, e->detail, "", e->prov);
  f.data.emplace_back("certainty", e->certainty);
}

void Findings::unresolve(const std::string& field, const std::string& what,
                         const std::string& missing, const char* text_name, const Values& values) {
  const RuleText& text = rules_.text(text_name);
  Unresolved u;
  u.medicines = {what};
  u.field = field;
  u.missing = missing;
  u.reason = fill_text(text.title, values);
  u.ask = fill_text(text.detail, values);
  if (!pending_keys_.insert(u.field + '\n' + u.missing + '\n' + what).second) return;
  pending.push_back(std::move(u));
}

void Findings::note(const char* text_name, const Values& values) {
  result.notes.push_back(fill_text(rules_.text(text_name).detail, values));
}

Severity Findings::verdict() const {
  Severity worst = Severity::info;
  for (const auto& f : result.findings) worst = std::max(worst, f.severity);
  return worst;
}

}  // namespace willis::core::rules
