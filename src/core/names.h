// src/core/names.h: free-text medicines, supplements, conditions and red flags -> KB ids.
// Case, punctuation, strengths, units and dose forms are ignored; brands and salts map to the
// ingredient. Unknown names are reported by the caller, never auto-corrected.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/kb.h"

namespace willis::core {

/// Lower case; letters and digits kept; '.' kept between digits; everything else a single space.
std::string normalize_name(std::string_view text);

/// What a supplement name turned out to be.
struct SupplementMatch {
  enum class Kind { unknown, form, salt, product, topical };
  Kind kind = Kind::unknown;
  std::string id;       ///< form, salt or medicine (product) id; for topical, the form if named
  std::string form_id;  ///< the form of a salt or form match
};

/// Look-up tables built once from a KB; cheap to query.
class NameIndex {
 public:
  explicit NameIndex(const Kb& kb);

  /// Medicine ids named by `text`: one for a single medicine, several for a combination
  /// ("amiloride/furosemide"); empty when any part is unknown.
  std::vector<std::string> medicines(std::string_view text) const;
  SupplementMatch supplement(std::string_view text) const;
  std::optional<std::string> condition(std::string_view text) const;
  std::optional<std::string> red_flag(std::string_view text) const;

  /// A close KB name for an unknown one ("levothyroxin" -> "levothyroxine"), for "did you mean".
  std::optional<std::string> suggest_medicine(std::string_view text) const;
  std::optional<std::string> suggest_condition(std::string_view text) const;
  std::optional<std::string> suggest_supplement(std::string_view text) const;

  /// Lower-case hyphenated slug of an unknown name, for `unrecognised:<slug>` ids.
  std::string slug(std::string_view text) const;

  /// Names that point at two different entries (a KB error).
  std::vector<std::string> clashes() const { return clashes_; }

 private:
  std::string strip_words(const std::string& normalized, bool salts) const;
  std::optional<std::string> lookup_medicine(const std::string& part, bool leading_words) const;
  std::vector<std::string> combination(std::string_view text) const;
  void add(std::map<std::string, std::string>& index, const std::string& key, const std::string& id,
           const char* what);

  const Kb& kb_;
  std::vector<std::string> ignore_, salt_words_, topical_;
  std::map<std::string, std::string> medicine_index_, supplement_index_, condition_index_, flag_index_;
  std::vector<std::string> clashes_;
};

/// Names that point at two different entries in `kb` (checked by the KB loader).
std::vector<std::string> find_name_clashes(const Kb& kb);

/// Edit distance between two short strings (for "did you mean").
int edit_distance(std::string_view a, std::string_view b);

}  // namespace willis::core
