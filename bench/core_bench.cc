// bench/core_bench.cc: in-process cost of assess() on a typical and a heavy profile, and of the
// steps around it (KB load from the embedded YAML, profile parse, JSON render). Each benchmark
// first checks its answer, so a fast wrong result fails instead of reporting a figure.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "app/kb_source.h"
#include "render/assessment_json.h"
#include "app/answer_hook.h"
#include "codec/fhir_profile.h"
#include "codec/profile_codec.h"
#include "core/assess.h"

namespace {

using namespace willis;

const core::Kb& kb() {
  static const core::Kb loaded = [] {
    auto load = app::load_kb("");
    if (!load.errors.empty()) {
      std::fprintf(stderr, "embedded KB does not load\n");
      std::exit(1);
    }
    return std::move(load.kb);
  }();
  return loaded;
}

core::Profile profile(const char* name) {
  auto text = app::read_file(std::string(WILLIS_SOURCE_DIR) + "/examples/" + name);
  auto parsed = codec::parse_profile(text.ok() ? text.value() : "", name);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s does not parse\n", name);
    std::exit(1);
  }
  return parsed.value();
}

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "wrong answer: %s\n", what);
    std::exit(1);
  }
}

void BM_assess_typical(benchmark::State& state) {
  const core::NameIndex names(kb());
  const auto p = profile("typical.yaml");
  const auto first = core::assess(kb(), names, p);
  check(first.finding("interaction:levothyroxine") && first.finding("iron:treat"),
        "typical: levothyroxine + iron findings");
  for (auto _ : state) benchmark::DoNotOptimize(core::assess(kb(), names, p));
}
BENCHMARK(BM_assess_typical)->Unit(benchmark::kMicrosecond);

void BM_assess_heavy(benchmark::State& state) {
  const core::NameIndex names(kb());
  const auto p = profile("heavy.yaml");
  check(p.medicines.size() == 20 && p.supplements.size() == 5,
        "heavy: 20 medicines, 5 supplements");
  const auto first = core::assess(kb(), names, p);
  check(first.finding("interaction:ciprofloxacin") != nullptr, "heavy: ciprofloxacin interaction");
  for (auto _ : state) benchmark::DoNotOptimize(core::assess(kb(), names, p));
}
BENCHMARK(BM_assess_heavy)->Unit(benchmark::kMicrosecond);

// Many unknown medicines (issue 13 finding 10): time per item should stay flat as the count grows
// (it was quadratic: 50k took 7.6 s). Compare the per-item figures of the three sizes.
void BM_assess_many_unknown_medicines(benchmark::State& state) {
  const core::NameIndex names(kb());
  core::Profile p;
  p.age = 50;
  for (int idx = 0; idx < state.range(0); ++idx) {
    core::MedicineEntry entry;
    entry.name = "zz" + std::to_string(idx) + "qq";
    p.medicines.push_back(entry);
  }
  check(core::assess(kb(), names, p).schedule.unresolved.size() ==
            static_cast<std::size_t>(state.range(0)),
        "many unknown: each is unresolved");
  for (auto _ : state) benchmark::DoNotOptimize(core::assess(kb(), names, p));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_assess_many_unknown_medicines)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(50000)
    ->Unit(benchmark::kMillisecond);

void BM_assess_heavy_with_name_index(benchmark::State& state) {
  const auto p = profile("heavy.yaml");
  for (auto _ : state) benchmark::DoNotOptimize(core::assess(kb(), p));
}
BENCHMARK(BM_assess_heavy_with_name_index)->Unit(benchmark::kMicrosecond);

void BM_render_json_heavy(benchmark::State& state) {
  const auto a = core::assess(kb(), profile("heavy.yaml"));
  for (auto _ : state) benchmark::DoNotOptimize(render::assessment_json(a, kb()));
}
BENCHMARK(BM_render_json_heavy)->Unit(benchmark::kMicrosecond);

// The in-process part of POST /cds-services/willis-order-select (bench/cds_hooks_wrk.sh measures it
// over HTTP): parse the request, map the prefetch, assess, render the cards.
void BM_cds_order_select(benchmark::State& state) {
  const core::NameIndex names(kb());
  const codec::FhirTerms terms(kb(), names);
  const codec::CdsService* service = codec::find_cds_service("willis-order-select");
  auto body = app::read_file(std::string(WILLIS_SOURCE_DIR) +
                             "/tests/fixtures/cds-hooks/willis-order-select-cipro.json");
  check(service && body.ok(), "order-select fixture");
  codec::CdsOptions options;
  options.as_of = core::CalendarDate{2026, 11, 22};
  const auto answer = [&] {
    auto request = codec::parse_cds_request(body.value(), *service);
    check(request.ok(), "request parses");
    return app::answer_hook(request.value(), *service, terms, options);
  };
  const auto first = answer();
  check(first.ok() && first.value().find("\"summary\":\"Ciprofloxacin") != std::string::npos,
        "a ciprofloxacin card");
  for (auto _ : state) benchmark::DoNotOptimize(answer());
}
BENCHMARK(BM_cds_order_select)->Unit(benchmark::kMicrosecond);

void BM_load_embedded_kb(benchmark::State& state) {
  for (auto _ : state) {
    auto load = app::load_kb("");
    check(load.errors.empty(), "embedded KB loads");
    benchmark::DoNotOptimize(load);
  }
}
BENCHMARK(BM_load_embedded_kb)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
