// tests/ask/ask_runner.cc: runs the `willis ask` question set and prints recall@3.
// Usage: willis_ask_runner KB_DIR EVIDENCE_DIR QUESTIONS.yaml [--verbose]
// Exit 0 when recall@3 >= 90 % and every "expect: none" question gets no answer; 1 otherwise;
// 2 when the inputs cannot be read.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "app/kb_source.h"
#include "codec/evidence_yaml.h"
#include "core/ask.h"
#include "store/ask_index.h"

int main(int argc, char** argv) {
  using namespace willis;
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: willis_ask_runner KB_DIR EVIDENCE_DIR QUESTIONS.yaml [--verbose]\n");
    return 2;
  }
  const bool verbose = argc > 4 && std::strcmp(argv[4], "--verbose") == 0;
  const auto kb = app::load_kb(argv[1]);
  if (!kb.errors.empty()) {
    for (const auto& error : kb.errors)
      std::fprintf(stderr, "kb: %s\n", app::describe_error(error).c_str());
    return 2;
  }
  std::vector<codec::KbFile> files;
  for (const auto& entry : std::filesystem::directory_iterator(argv[2])) {
    if (entry.path().extension() != ".yaml") continue;
    auto text = app::read_file(entry.path().string());
    if (!text.ok()) return std::fprintf(stderr, "%s\n", text.error().message.c_str()), 2;
    files.push_back({entry.path().filename().string(), text.value()});
  }
  const auto evidence = codec::load_evidence(files, kb.kb);
  if (!evidence.errors.empty()) {
    for (const auto& error : evidence.errors)
      std::fprintf(stderr, "evidence: %s\n", app::describe_error(error).c_str());
    return 2;
  }
  auto index = store::AskIndex::build(core::build_ask_docs(kb.kb, evidence.evidence));
  if (!index.ok()) return std::fprintf(stderr, "%s\n", index.error().message.c_str()), 2;

  YAML::Node questions;
  try {
    questions = YAML::LoadFile(argv[3])["questions"];
  } catch (const YAML::Exception& error) {
    std::fprintf(stderr, "%s: %s\n", argv[3], error.what());
    return 2;
  }
  int asked = 0, hits = 0, negatives = 0, negative_hits = 0;
  for (const auto& item : questions) {
    const std::string question = item["q"].as<std::string>();
    const std::string expect = item["expect"].as<std::string>();
    const auto result = index.value().ask(question, evidence.evidence.ask, kb.kb);
    if (!result.ok()) return std::fprintf(stderr, "%s\n", result.error().message.c_str()), 2;
    const auto& answers = result.value().answers;
    std::string top;
    for (std::size_t idx = 0; idx < answers.size() && idx < (verbose ? 5u : 3u); ++idx) {
      char score[32];
      std::snprintf(score, sizeof score, " (%.1f)", answers[idx].score);
      top += (top.empty() ? "" : ", ") + answers[idx].kb_id + score;
    }
    bool ok = false;
    if (expect == "none") {
      ++negatives;
      ok = !result.value().matched;
      negative_hits += ok;
    } else {
      ++asked;
      for (std::size_t idx = 0; idx < answers.size() && idx < 3; ++idx)
        ok = ok || answers[idx].kb_id == expect;
      hits += ok;
    }
    if (!ok || verbose)
      std::printf("%s  %s\n      expected %s; got %s\n", ok ? "ok  " : "MISS", question.c_str(),
                  expect.c_str(), top.empty() ? "no match" : top.c_str());
  }
  const double recall = asked ? 100.0 * hits / asked : 0;
  std::printf(
      "ask: recall@3 = %d/%d = %.1f %% (must be >= 90 %%); no-match questions answered correctly: "
      "%d/%d\n",
      hits, asked, recall, negative_hits, negatives);
  return recall >= 90.0 && negative_hits == negatives ? 0 : 1;
}
