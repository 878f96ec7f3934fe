// src/core/ask_evidence.h: graded claims, conflicts between sources, and the ask settings
// (evidence/*.yaml, loaded by codec::load_evidence). Plain data plus the pure look-up that fills a
// conflict's {placeholders} from the knowledge base, so a number is written once, in kb/.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/kb.h"
#include "core/result.h"

namespace willis::core {

/// A seed article (or "circulating" for claims that are not from one article).
struct Article {
  std::string id, title, publisher, date;
};

/// One claim as willis words it, with its verdict and the sources behind the verdict.
struct Claim {
  std::string id, article, topic, claim, verdict, explanation;
  std::vector<std::string> sources;
  SourceLoc loc;
};

/// One side of a disagreement. The `*_template` texts are as written in evidence/conflicts.yaml;
/// `date`, `strength` and `says` are the same with {placeholders} filled from `ref`.
struct ConflictPosition {
  std::string authority, ref;
  std::string date_template, strength_template, says_template;
  std::string date, strength, says;
  std::vector<std::string> sources;  ///< own sources, then those of the ref; never empty
  bool applied = false;              ///< willis uses this position (for some jurisdiction)
  SourceLoc loc;
};

struct Conflict {
  std::string id, topic, title, summary;
  std::string applies_template, applies_ref,
      applies;  ///< applies = template filled from applies_ref
  std::vector<ConflictPosition> positions;
  std::vector<std::string> sources;  ///< the conflict's own sources (the positions carry theirs)
  SourceLoc loc;
  /// Every source the conflict cites, own first, each once.
  std::vector<std::string> all_sources() const;
};

/// Lay words that add terms to an ask query ("water pill" -> diuretic).
struct AskSynonym {
  std::vector<std::string> words;  ///< phrases as people write them
  std::vector<std::string> add;    ///< terms added to the query when any phrase occurs
};

/// What `willis ask` needs beyond the KB: synonyms, ignored words and the "no good match" reply.
struct AskSettings {
  std::vector<AskSynonym> synonyms;
  std::vector<std::string> stop_words;  ///< never searched for ("can", "i", "with")
  std::vector<std::string> weak_words;  ///< searched, but a match on these alone is not an answer
  double min_score = 0;                 ///< a best answer scoring below this is "no good match"
  int max_answers = 5;
  std::string no_match_title, no_match_detail;
  std::vector<std::string> ask_pharmacist;  ///< questions to take to a pharmacist
  std::vector<std::string> no_match_sources;
};

/// Everything in evidence/.
struct EvidenceSet {
  std::string last_reviewed;
  std::vector<Article> articles;
  std::vector<Claim> claims;
  std::vector<Conflict> conflicts;
  AskSettings ask;

  const Claim* claim(std::string_view id) const;
  const Conflict* conflict(std::string_view id) const;
  const Article* article(std::string_view id) const;
};

/// The allowed values of Claim::topic and Claim::verdict, in display order.
extern const std::vector<std::string> kClaimTopics;
extern const std::vector<std::string> kClaimVerdicts;

/// What a KB reference offers to {placeholders}, and the sources of the entry it names.
struct RefValues {
  std::map<std::string, std::string, std::less<>> values;
  std::vector<std::string> sources;
};

/// Resolves a conflict reference ("window:eltrombopag:l-promacta", "upper_limit:us:9", ...; the
/// forms are listed in evidence/conflicts.yaml). Errors: not_found when it names no KB entry,
/// invalid_value when the form is unknown.
Result<RefValues> resolve_ref(const Kb& kb, std::string_view ref);

/// `text` with every {name} replaced from `values`. Errors: invalid_value naming the first
/// placeholder that `values` lacks (an unclosed '{' is also an error).
Result<std::string> fill_placeholders(
    std::string_view text, const std::map<std::string, std::string, std::less<>>& values);

/// Every source id in the KB -> what cites it, in KB order: "interaction:ciprofloxacin",
/// "medicine:levothyroxine", "upper-limit:us:9", "claim:000-14", "conflict:upper-limits", ...
/// Sources nothing cites map to an empty list.
std::map<std::string, std::vector<std::string>> source_citations(const Kb& kb,
                                                                 const EvidenceSet& evidence);

/// A number as people write it: 4, 0.5, 28.35 (no trailing zeros, at most 2 decimals).
std::string format_quantity(double value);

/// Words for the KB's treatment codes: "against-standard-use" -> "against standard use",
/// "level-a" -> "Level A", "very-low" -> "very low".
std::string treatment_words(std::string_view code);

}  // namespace willis::core
