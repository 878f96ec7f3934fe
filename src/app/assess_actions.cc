// src/app/assess_actions.cc: parse, assess, render. Decides nothing clinical.
#include "app/assess_actions.h"

#include <iostream>
#include <iterator>

#include "app/assess_input.h"
#include "app/kb_source.h"
#include "render/assessment_json.h"
#include "render/text_report.h"

namespace willis::app {

CommandResult assess_profile(const CommandContext& context, const AssessRequest& request) {
  CommandResult result;
  const auto& load = load_kb_for_process(context.kb_dir);
  if (!load.errors.empty()) {
    for (const auto& error : load.errors) result.error("knowledge base: " + describe_error(error));
    return result;
  }
  std::string text;
  std::string name = request.profile_path;
  if (request.profile_path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
    name = "<stdin>";
  } else {
    auto read = read_file(request.profile_path);
    if (!read.ok()) return result.error(read.error().message);
    text = std::move(read).value();
  }
  auto assessed = assess_input(
      load.kb, text, name, [&] { return context.clock->date_or_today("--as-of", request.as_of); });
  if (!assessed.ok()) return result.error(describe_error(assessed.error()));
  result.out = request.format == "json"
                   ? render::assessment_json(assessed.value(), load.kb)
                   : render::text_report(assessed.value(), load.kb, request.colour);
  return result;
}

}  // namespace willis::app
