// src/store/ask_index.h: in-memory SQLite FTS5 indexes. AskIndex ranks KB entries for a plain
// question (bm25; the answer is the entries' own text and citations); FoodIndex finds foods of
// the USDA SR28 table by words and word prefixes. Both are deterministic: equal scores are
// ordered by KB order / NDB number.
#pragma once

#include <string_view>
#include <vector>

#include "core/ask.h"
#include "core/food.h"
#include "core/result.h"
#include "store/sqlite.h"

namespace willis::store {

/// bm25 weights of the searched columns: title, names, members, body, keywords.
inline constexpr double kAskColumnWeights[] = {4.0, 8.0, 1.5, 1.0, 3.0};

class AskIndex {
 public:
  /// Indexes `docs` (core::build_ask_docs). Errors: io_error if SQLite lacks FTS5.
  static core::Result<AskIndex> build(std::vector<core::AskDoc> docs);

  /// The best entries for `question`, best first: at most settings.max_answers, each scoring at
  /// least settings.min_score. `matched` is false (and `answers` empty) when none does, or when
  /// too little of the question is about things the KB covers (core::AskQuery::concepts).
  /// {medicine} in an entry is the medicine the question names, when the entry covers it.
  ///
  ///     auto result = index.ask("can I take magnesium with Synthroid?", evidence.ask, kb);
  ///     // result.answers[0].kb_id == "interaction:levothyroxine"
  core::Result<core::AskResult> ask(std::string_view question, const core::AskSettings& settings,
                                    const core::Kb& kb) const;

  const std::vector<core::AskDoc>& docs() const { return docs_; }

 private:
  Connection db_;
  std::vector<core::AskDoc> docs_;
};

class FoodIndex {
 public:
  /// Indexes the descriptions and groups of `table` (which must outlive the index).
  static core::Result<FoodIndex> build(const core::FoodTable& table);

  /// Foods whose description (or group) has every word of `words`, each as a word prefix
  /// ("almond" finds "almonds"), at most `limit`, best first: foods whose description has every
  /// word as written, then those where a comma-separated part starts with the first word ("Nuts,
  /// almonds" before "Oil, almond"), then by bm25 and NDB number. No words: no foods.
  core::Result<std::vector<const core::Food*>> search(std::string_view words, int limit) const;

 private:
  Connection db_;
  const core::FoodTable* table_ = nullptr;
};

}  // namespace willis::store
