// Sleep: the findings of core/sleep_rules.cc, worded by kb/rules.yaml texts.
#include "core/rules/passes.h"
#include "core/sleep_rules.h"

namespace willis::core::rules {
namespace {

constexpr const char* kCbtIEvidence = "cbt-i-insomnia";

}  // namespace

void sleep_rules(const Context& cx, Findings& out) {
  SleepInput input;
  input.rls = cx.rls_suspected();
  input.insomnia_condition = cx.has_condition("insomnia");
  input.osa_condition = cx.has_condition("obstructive-sleep-apnoea");
  for (const auto& item : cx.items)
    for (const Medicine* med : item.medicines) input.medicines.push_back(med);
  bool cbt_i = false;
  for (const auto& sf : sleep_findings(cx.p, cx.kb, input)) {
    Finding& f = out.add_text(sf.kind, sf.subject, sf.text, sf.values);
    for (const auto& d : sf.data) f.data.push_back(d);
    // A finding that recommends CBT-I names its evidence entry (kb/evidence.yaml), shown after it.
    if (sf.subject == "cbt-i-first" && cx.kb.evidence_entry(kCbtIEvidence)) {
      f.data.emplace_back("evidence", std::string(kCbtIEvidence));
      cbt_i = true;
    }
  }
  if (cbt_i) out.add_evidence(cx.kb, kCbtIEvidence);
}

}  // namespace willis::core::rules
