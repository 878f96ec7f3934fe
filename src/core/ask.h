// src/core/ask.h: the pure half of `willis ask`. The knowledge base and evidence become
// documents (their own text, never generated), and a question becomes search terms; the SQLite
// FTS5 index (store/ask_index.h) ranks documents for the terms with bm25.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/ask_evidence.h"
#include "core/kb.h"

namespace willis::core {

/// One searchable entry. `title` and `text` are shown as the answer; the other texts are only
/// searched. Everything comes from the KB entry (placeholders filled from the KB's own numbers).
struct AskDoc {
  std::string kb_id;        ///< "interaction:levothyroxine", "claim:004-6", "source:l-cipro", ...
  std::string kind;         ///< the part of kb_id before ':'
  std::string title, text;  ///< may still hold {medicine}; every other placeholder is filled
  std::string title_medicine, text_medicine;  ///< {medicine} when the question names none it covers
  std::vector<std::string> covers;            ///< medicine ids the entry names explicitly
  std::vector<std::string> class_covers;      ///< medicine ids it covers through their class
  std::string names;     ///< names, synonyms and brands of what the entry is about (weighted high)
  std::string members;   ///< names of class members (weighted low: a named entry beats its class)
  std::string body;      ///< more of the entry's own words (mechanism, source wordings, studies)
  std::string keywords;  ///< topic words of the entry's kind ("upper limit", "ferritin")
  std::vector<std::string> sources;
  double rank_weight = 1.0;  ///< multiplies the score: sources rank below the entries citing them
};

/// Every KB entry and evidence item as a document, in a fixed order.
std::vector<AskDoc> build_ask_docs(const Kb& kb, const EvidenceSet& evidence);

/// A question turned into search terms.
struct AskQuery {
  std::vector<std::string> terms;  ///< every searched word, synonyms added, in order, once each
  std::vector<std::string>
      informative;  ///< the terms that are not weak words: at least one must match
  /// What the question is about: each concept is one word of the question, or one synonym rule
  /// (its phrase's words and the terms it adds), or one medicine name. AskIndex::ask answers only
  /// when at least 60 % of the concepts occur somewhere in the KB, and scales each entry's score by
  /// the share of the concepts it matches.
  std::vector<std::vector<std::string>> concepts;
};

/// Lower-cases, splits into words, drops stop words, groups synonym phrases with the terms they
/// add. With `kb`, a medicine named by name, synonym or brand is one concept with its KB id's
/// words.
AskQuery make_ask_query(std::string_view question, const AskSettings& settings,
                        const Kb* kb = nullptr);

/// Lower-case words of `text` (letters and digits; everything else separates).
std::vector<std::string> ask_words(std::string_view text);

/// KB medicine ids named in `question` (names, synonyms, brands; 1-4 word phrases), in order.
/// A phrase made only of `ignored` words ("magnesium") names nothing.
std::vector<std::string> mentioned_medicines(std::string_view question, const Kb& kb,
                                             const std::vector<std::string>& ignored = {});

struct AskAnswer {
  std::string kb_id, kind, title, text;
  std::vector<std::string> sources;
  double score = 0;  ///< higher is better (negated bm25 times the document's rank weight)
};

/// The answer shown for `doc`: {medicine} is the first medicine of `mentioned` that the entry
/// covers, else the entry's own default.
AskAnswer render_answer(const AskDoc& doc, const std::vector<std::string>& mentioned, const Kb& kb,
                        double score);

/// How much a document's score is multiplied when the question names a medicine it covers.
inline constexpr double kNamedMedicineBoost = 2.0;
inline constexpr double kClassMedicineBoost = 1.5;

struct AskResult {
  std::string question;
  std::vector<std::string> terms;  ///< what was searched
  std::vector<AskAnswer> answers;  ///< best first; empty when nothing matched well
  bool matched = false;
};

}  // namespace willis::core
