#include "store/ask_index.h"

#include <algorithm>
#include <string>

namespace willis::store {

namespace {

core::Result<Connection> open_memory() {
  return Connection::open(
      ":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY, nullptr);
}

// A term as an FTS5 string (quotes doubled), so no word is read as an operator.
std::string quoted(std::string_view term) {
  std::string out = "\"";
  for (const char c : term) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string any_of(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& term : terms) out += (out.empty() ? "" : " OR ") + quoted(term);
  return out;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

/// How much a document's score is multiplied for the first medicine the question names that
/// the document covers, by name or through its class.
double medicine_boost(const core::AskDoc& doc, const std::vector<std::string>& mentioned) {
  for (const auto& id : mentioned) {
    if (contains(doc.covers, id)) return core::kNamedMedicineBoost;
    if (contains(doc.class_covers, id)) return core::kClassMedicineBoost;
  }
  return 1;
}

/// How many of the question's concepts each document matches, and how many concepts any
/// document matches at all.
struct Coverage {
  std::vector<int> matched;
  int known = 0;
};

core::Result<Coverage> concept_coverage(const Connection& db, const core::AskQuery& query,
                                        std::size_t docs) {
  Coverage coverage;
  coverage.matched.assign(docs, 0);
  int code = 0;
  for (const auto& concept_terms : query.concepts) {
    auto concept_select = Statement::prepare(db, "SELECT rowid FROM ask WHERE ask MATCH ?");
    if (!concept_select.ok()) return concept_select.error();
    concept_select.value().bind(1, any_of(concept_terms));
    while ((code = concept_select.value().step()) == SQLITE_ROW) {
      const auto doc_index = static_cast<std::size_t>(concept_select.value().column_int(0) - 1);
      if (doc_index < coverage.matched.size()) ++coverage.matched[doc_index];
    }
    if (code != SQLITE_DONE) return db.error("searching the knowledge base");
  }
  for (const auto& concept_terms : query.concepts) {
    auto count = Statement::prepare(db, "SELECT count(*) FROM ask WHERE ask MATCH ?");
    if (!count.ok()) return count.error();
    count.value().bind(1, any_of(concept_terms));
    if (count.value().step() != SQLITE_ROW) return db.error("searching the knowledge base");
    coverage.known += count.value().column_int(0) > 0;
  }
  return coverage;
}

}  // namespace

core::Result<AskIndex> AskIndex::build(std::vector<core::AskDoc> docs) {
  auto db = open_memory();
  if (!db.ok()) return db.error();
  AskIndex index;
  index.db_ = std::move(db).value();
  index.docs_ = std::move(docs);
  if (auto error = index.db_.exec(
          "CREATE VIRTUAL TABLE ask USING fts5(title, names, members, body, keywords, "
          "tokenize = 'porter unicode61 remove_diacritics 2')"))
    return core::Error{core::Errc::io_error, "",
                       "cannot build the ask index (SQLite needs FTS5): " + error->message};
  if (auto error = index.db_.exec("BEGIN")) return *error;
  auto insert = Statement::prepare(
      index.db_,
      "INSERT INTO ask(rowid, title, names, members, body, keywords) VALUES (?, ?, ?, ?, ?, ?)");
  if (!insert.ok()) return insert.error();
  auto& stmt = insert.value();
  for (std::size_t idx = 0; idx < index.docs_.size(); ++idx) {
    const auto& doc = index.docs_[idx];
    const auto fill = [](const std::string& text, const std::string& name) {
      std::string out = text;
      for (auto pos = out.find("{medicine}"); pos != std::string::npos;
           pos = out.find("{medicine}", pos + name.size()))
        out.replace(pos, 10, name);
      return out;
    };
    stmt.reset();
    stmt.bind(1, static_cast<std::int64_t>(idx + 1));
    stmt.bind(2, fill(doc.title, doc.title_medicine));
    stmt.bind(3, doc.names);
    stmt.bind(4, doc.members);
    stmt.bind(5, fill(doc.text, doc.text_medicine) + " " + doc.body);
    stmt.bind(6, doc.keywords);
    if (stmt.step() != SQLITE_DONE) return index.db_.error("indexing the knowledge base for ask");
  }
  if (auto error = index.db_.exec("COMMIT")) return *error;
  return index;
}

core::Result<core::AskResult> AskIndex::ask(std::string_view question,
                                            const core::AskSettings& settings,
                                            const core::Kb& kb) const {
  core::AskResult result;
  result.question = std::string(question);
  const auto query = core::make_ask_query(question, settings, &kb);
  result.terms = query.terms;
  if (query.informative.empty()) return result;
  // At least one informative term must match; every term (weak ones too) adds to the rank.
  const std::string match = "(" + any_of(query.informative) + ") AND (" + any_of(query.terms) + ")";
  const std::string sql = "SELECT rowid, bm25(ask, " + std::to_string(kAskColumnWeights[0]) + ", " +
                          std::to_string(kAskColumnWeights[1]) + ", " +
                          std::to_string(kAskColumnWeights[2]) + ", " +
                          std::to_string(kAskColumnWeights[3]) + ", " +
                          std::to_string(kAskColumnWeights[4]) + ") FROM ask WHERE ask MATCH ?";
  auto select = Statement::prepare(db_, sql);
  if (!select.ok()) return select.error();
  auto& stmt = select.value();
  stmt.bind(1, match);
  std::vector<std::string> ignored = settings.weak_words;
  ignored.insert(ignored.end(), settings.stop_words.begin(), settings.stop_words.end());
  const auto mentioned = core::mentioned_medicines(question, kb, ignored);
  struct Hit {
    std::size_t doc;
    double score;
  };
  std::vector<Hit> hits;
  int code = 0;
  while ((code = stmt.step()) == SQLITE_ROW) {
    const auto doc_index = static_cast<std::size_t>(stmt.column_int(0) - 1);
    if (doc_index >= docs_.size()) continue;
    const auto& doc = docs_[doc_index];
    double score = -stmt.column_double(1) * doc.rank_weight;  // bm25: lower is better
    score *= medicine_boost(doc, mentioned);
    hits.push_back({doc_index, score});
  }
  if (code != SQLITE_DONE) return db_.error("searching the knowledge base");
  // Coverage: how many of the question's concepts each hit matches. Too few: not an answer.
  const auto coverage = concept_coverage(db_, query, docs_.size());
  if (!coverage.ok()) return coverage.error();
  const auto& matched = coverage.value().matched;
  // A concept no entry mentions (a word outside the KB) cannot be matched, but it still counts:
  // a question mostly about things willis does not cover gets no answer, and every answer's score
  // is scaled by the share of the question's concepts it matches.
  const int concepts = static_cast<int>(query.concepts.size());
  const int known = coverage.value().known;
  if (known * 5 < concepts * 3)
    return result;  // at least 60 % of the question must be about things the KB covers
  std::vector<Hit> eligible;
  for (const auto& hit : hits)
    eligible.push_back({hit.doc, hit.score * matched[hit.doc] / std::max(1, concepts)});
  hits = std::move(eligible);
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.doc < b.doc;  // KB order breaks ties
  });
  if (hits.empty() || hits.front().score < settings.min_score) return result;
  result.matched = true;
  for (const auto& hit : hits) {
    if (static_cast<int>(result.answers.size()) >= settings.max_answers ||
        hit.score < settings.min_score)
      break;
    result.answers.push_back(core::render_answer(docs_[hit.doc], mentioned, kb, hit.score));
  }
  return result;
}

core::Result<FoodIndex> FoodIndex::build(const core::FoodTable& table) {
  auto db = open_memory();
  if (!db.ok()) return db.error();
  FoodIndex index;
  index.db_ = std::move(db).value();
  index.table_ = &table;
  if (auto error = index.db_.exec("CREATE VIRTUAL TABLE foods USING fts5(description, food_group, "
                                  "tokenize = 'porter unicode61 remove_diacritics 2')"))
    return core::Error{core::Errc::io_error, "",
                       "cannot build the food index (SQLite needs FTS5): " + error->message};
  if (auto error = index.db_.exec("BEGIN")) return *error;
  auto insert = Statement::prepare(
      index.db_, "INSERT INTO foods(rowid, description, food_group) VALUES (?, ?, ?)");
  if (!insert.ok()) return insert.error();
  auto& stmt = insert.value();
  for (std::size_t idx = 0; idx < table.foods.size(); ++idx) {
    stmt.reset();
    stmt.bind(1, static_cast<std::int64_t>(idx + 1));
    stmt.bind(2, table.foods[idx].description);
    stmt.bind(3, table.foods[idx].group);
    if (stmt.step() != SQLITE_DONE) return index.db_.error("indexing the food table");
  }
  if (auto error = index.db_.exec("COMMIT")) return *error;
  return index;
}

namespace {

// Lower-case words of a description, split into its comma-separated parts.
std::vector<std::vector<std::string>> description_parts(const std::string& description) {
  std::vector<std::vector<std::string>> parts;
  std::size_t start = 0;
  while (start <= description.size()) {
    const auto comma = description.find(',', start);
    parts.push_back(core::ask_words(
        description.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return parts;
}

// How well a food's own words fit the query, before bm25: every query word present as written or
// as its plural (not only as a prefix), and how early a part of the description starts with one.
struct FoodFit {
  int missing_words = 0;    ///< query words not in the description (as written or as a plural)
  int inexact_words = 0;    ///< query words found only as a plural or singular
  int leading_part = 1000;  ///< index of the first comma part that starts with a query word
};

// The same word, or its plural ("banana" / "bananas", "peach" / "peaches").
bool same_word(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const auto plural = [](const std::string& one, const std::string& other) {
    return other.size() > one.size() && other.compare(0, one.size(), one) == 0 &&
           (other.substr(one.size()) == "s" || other.substr(one.size()) == "es");
  };
  return plural(a, b) || plural(b, a);
}

FoodFit fit(const core::Food& food, const std::vector<std::string>& words) {
  FoodFit out;
  const auto parts = description_parts(food.description);
  for (const auto& word : words) {
    bool present = false, exact = false;
    for (const auto& part : parts)
      for (const auto& own : part) {
        present = present || same_word(own, word);
        exact = exact || own == word;
      }
    out.missing_words += !present;
    out.inexact_words += present && !exact;
  }
  for (std::size_t idx = 0; idx < parts.size() && out.leading_part == 1000; ++idx)
    for (const auto& word : words)
      if (!parts[idx].empty() && same_word(parts[idx].front(), word)) {
        out.leading_part = static_cast<int>(idx);
        break;
      }
  return out;
}

}  // namespace

core::Result<std::vector<const core::Food*>> FoodIndex::search(std::string_view words,
                                                               int limit) const {
  std::vector<const core::Food*> out;
  const auto query_words = core::ask_words(words);
  std::string match;
  for (const auto& word : query_words) match += (match.empty() ? "" : " AND ") + quoted(word) + "*";
  if (match.empty() || limit <= 0) return out;
  // bm25 over descriptions (five times the food group's weight) finds the candidates; the food's
  // own words then order them (see FoodFit), bm25 and the NDB number break ties.
  auto select =
      Statement::prepare(db_, "SELECT rowid, bm25(foods, 5.0, 1.0) FROM foods WHERE foods MATCH ?");
  if (!select.ok()) return select.error();
  auto& stmt = select.value();
  stmt.bind(1, match);
  struct Candidate {
    const core::Food* food;
    FoodFit fit;
    double bm25;
  };
  std::vector<Candidate> candidates;
  int code = 0;
  while ((code = stmt.step()) == SQLITE_ROW) {
    const auto idx = static_cast<std::size_t>(stmt.column_int(0) - 1);
    if (idx < table_->foods.size()) {
      const core::Food* food = &table_->foods[idx];
      candidates.push_back({food, fit(*food, query_words), stmt.column_double(1)});
    }
  }
  if (code != SQLITE_DONE) return db_.error("searching the food table");
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.fit.missing_words != b.fit.missing_words)
      return a.fit.missing_words < b.fit.missing_words;
    if (a.fit.leading_part != b.fit.leading_part) return a.fit.leading_part < b.fit.leading_part;
    if (a.fit.inexact_words != b.fit.inexact_words)
      return a.fit.inexact_words < b.fit.inexact_words;
    if (a.bm25 != b.bm25) return a.bm25 < b.bm25;
    return a.food->ndb_no < b.food->ndb_no;
  });
  for (const auto& candidate : candidates) {
    if (static_cast<int>(out.size()) >= limit) break;
    out.push_back(candidate.food);
  }
  return out;
}

}  // namespace willis::store
