// src/app/web_sources.cc: evidence, foods and their indexes for the web app.
#include "app/web_sources.h"

#include "app/evidence_source.h"
#include "app/kb_source.h"
#include "core/ask.h"

namespace willis::app {

std::unique_ptr<WebSources> load_web_sources(const core::Kb& kb) {
  auto sources = std::make_unique<WebSources>();
  sources->evidence = load_evidence(kb);
  auto foods = load_food_table();
  if (!sources->evidence.errors.empty()) {
    for (const auto& error : sources->evidence.errors)
      sources->problems.push_back(describe_error(error));
    return sources;
  }
  if (!foods.ok()) {
    sources->problems.push_back(describe_error(foods.error()));
    return sources;
  }
  sources->foods.emplace(std::move(foods).value());
  auto built_ask = store::AskIndex::build(core::build_ask_docs(kb, sources->evidence.evidence));
  auto built_food = store::FoodIndex::build(*sources->foods);
  if (!built_ask.ok()) sources->problems.push_back(built_ask.error().message);
  if (!built_food.ok()) sources->problems.push_back(built_food.error().message);
  if (built_ask.ok() && built_food.ok()) {
    sources->ask_index.emplace(std::move(built_ask).value());
    sources->food_index.emplace(std::move(built_food).value());
  }
  return sources;
}

}  // namespace willis::app
