// Red flags: symptoms that need a doctor before anything else.
#include "core/rules/passes.h"

namespace willis::core::rules {

void red_flags(const Context& cx, Findings& out) {
  const std::string jurisdiction = to_string(cx.p.jurisdiction);
  for (std::size_t idx = 0; idx < cx.p.symptoms.red_flags.size(); ++idx) {
    const auto& given = cx.p.symptoms.red_flags[idx];
    Resolution resolution{"symptoms.red_flags[" + std::to_string(idx) + "]", given, {}};
    const auto id = cx.names.red_flag(given);
    const RedFlag* flag = id ? cx.kb.red_flag(*id) : nullptr;
    if (!flag) {
      out.add_text("unrecognised", cx.names.slug(given), "unrecognised_flag",
                   {{"name", given}, {"suggestion", ""}});
      out.unresolve(resolution.field, given, "unknown-symptom", "unresolved_symptom",
                    {{"name", given}});
      out.result.resolved.push_back(std::move(resolution));
      continue;
    }
    resolution.ids.push_back(flag->id);
    out.result.resolved.push_back(std::move(resolution));
    const auto see = flag->see.count(jurisdiction) ? flag->see.at(jurisdiction) : std::string();
    Finding& f =
        out.add("red-flag", flag->id, Severity::urgent, flag->title,
                flag->action + " Possible cause: " + flag->possible_cause + ".", see, flag->prov);
    f.data.emplace_back("emergency", flag->emergency);
  }
}

}  // namespace willis::core::rules
