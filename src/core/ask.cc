#include "core/ask.h"

#include <algorithm>
#include <cctype>

#include "core/ask_detail.h"
#include "core/names.h"

namespace willis::core {

namespace {

using namespace ask_detail;

std::string replace_medicine(const std::string& text, const std::string& name) {
  std::string out;
  std::size_t pos = 0;
  static const std::string token = "{medicine}";
  while (true) {
    const auto found = text.find(token, pos);
    out.append(text, pos, found == std::string::npos ? std::string::npos : found - pos);
    if (found == std::string::npos) break;
    out += name;
    pos = found + token.size();
  }
  return out;
}

}  // namespace

std::vector<std::string> ask_words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (const char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (std::isalnum(c) || c >= 0x80) {
      current += static_cast<char>(std::tolower(c));
    } else if (c == '\'') {
      continue;  // "don't" -> "dont"; "Phillips'" -> "phillips"
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

namespace {

// The question's words as names are normalized (core/names.h), split into words.
std::vector<std::string> question_words(std::string_view text) {
  return ask_words(normalize_name(text));
}

struct MedicineSpan {
  std::size_t start = 0, length = 0;
  std::string id;
};

// Medicine names in `words`: the longest phrase (up to 4 words) at each position that the KB's
// name tables know. A phrase made only of `ignored` words names nothing.
std::vector<MedicineSpan> medicine_spans(const std::vector<std::string>& words, const Kb& kb,
                                         const std::vector<std::string>& ignored) {
  NameTables built;
  const NameTables* tables = &kb.name_tables;
  if (tables->empty()) {
    built = NameIndex::build_tables(kb, nullptr);
    tables = &built;
  }
  std::vector<MedicineSpan> spans;
  for (std::size_t start = 0; start < words.size(); ++start) {
    for (std::size_t length = std::min<std::size_t>(4, words.size() - start); length >= 1;
         --length) {
      std::vector<std::string> phrase(words.begin() + static_cast<long>(start),
                                      words.begin() + static_cast<long>(start + length));
      if (std::all_of(phrase.begin(), phrase.end(),
                      [&ignored](const std::string& word) { return contains(ignored, word); }))
        continue;
      const auto hit = tables->medicines.find(join(phrase, " "));
      if (hit != tables->medicines.end()) {
        spans.push_back({start, length, hit->second});
        start += length - 1;
        break;
      }
    }
  }
  return spans;
}

bool all_free(const std::vector<bool>& consumed, std::size_t start, std::size_t length) {
  for (std::size_t pos = start; pos < start + length; ++pos)
    if (consumed[pos]) return false;
  return true;
}

}  // namespace

AskQuery make_ask_query(std::string_view question, const AskSettings& settings, const Kb* kb) {
  AskQuery query;
  const auto words = question_words(question);
  std::vector<bool> consumed(words.size(), false);
  const auto searchable = [&settings](const std::string& word) {
    return !contains(settings.stop_words, word) && !contains(settings.weak_words, word);
  };
  // Medicine names first: each is one concept, its words plus the words of its KB id
  // ("Synthroid" -> synthroid, levothyroxine; "Mag-Ox" -> mag, ox, oxide).
  if (kb) {
    std::vector<std::string> ignored = settings.weak_words;
    ignored.insert(ignored.end(), settings.stop_words.begin(), settings.stop_words.end());
    for (const auto& span : medicine_spans(words, *kb, ignored)) {
      std::vector<std::string> concept_terms;
      for (std::size_t pos = span.start; pos < span.start + span.length; ++pos) {
        consumed[pos] = true;
        if (searchable(words[pos])) add_unique(concept_terms, {words[pos]});
      }
      for (const auto& word : question_words(id_words(span.id)))
        if (searchable(word) &&
            !std::all_of(word.begin(), word.end(), [](unsigned char c) { return std::isdigit(c); }))
          add_unique(concept_terms, {word});
      if (!concept_terms.empty()) query.concepts.push_back(concept_terms);
    }
  }
  // Then synonym phrases, in file order (specific rules first): each rule that occurs is one
  // concept. A one-word trigger ("dialysis") is searched too; a longer phrase only through what
  // it adds. Words already taken by a medicine name or an earlier rule are not matched again.
  for (const auto& synonym : settings.synonyms) {
    std::vector<std::string> concept_terms;
    bool found = false;
    std::vector<std::vector<std::string>>
        phrases;  // longest first: "leg cramps at night" before "leg cramps"
    for (const auto& phrase : synonym.words) phrases.push_back(question_words(phrase));
    std::stable_sort(phrases.begin(), phrases.end(),
                     [](const auto& a, const auto& b) { return a.size() > b.size(); });
    for (const auto& phrase_words : phrases) {
      if (phrase_words.empty() || phrase_words.size() > words.size()) continue;
      for (std::size_t start = 0; start + phrase_words.size() <= words.size(); ++start) {
        if (!std::equal(phrase_words.begin(), phrase_words.end(),
                        words.begin() + static_cast<long>(start)) ||
            !all_free(consumed, start, phrase_words.size()))
          continue;
        found = true;
        for (std::size_t pos = 0; pos < phrase_words.size(); ++pos) consumed[start + pos] = true;
        if (phrase_words.size() == 1 && searchable(phrase_words.front()))
          add_unique(concept_terms, {phrase_words.front()});
      }
    }
    if (!found) continue;
    for (const auto& term : synonym.add) add_unique(concept_terms, question_words(term));
    query.concepts.push_back(concept_terms);
  }
  // Then every other word: weak words are searched but are not concepts; stop words are dropped.
  std::vector<std::string> weak;
  for (std::size_t pos = 0; pos < words.size(); ++pos) {
    const auto& word = words[pos];
    if (consumed[pos] || contains(settings.stop_words, word)) continue;
    if (contains(settings.weak_words, word)) {
      add_unique(weak, {word});
      continue;
    }
    const bool known =
        std::any_of(query.concepts.begin(), query.concepts.end(),
                    [&word](const std::vector<std::string>& c) { return contains(c, word); });
    if (!known) query.concepts.push_back({word});
  }
  const auto add_term = [&query, &settings](const std::string& word) {
    if (word.empty() || contains(query.terms, word)) return;
    query.terms.push_back(word);
    if (!contains(settings.weak_words, word)) query.informative.push_back(word);
  };
  for (const auto& concept_terms : query.concepts)
    for (const auto& term : concept_terms) add_term(term);
  for (const auto& word : weak) add_term(word);
  return query;
}

std::vector<std::string> mentioned_medicines(std::string_view question, const Kb& kb,
                                             const std::vector<std::string>& ignored) {
  std::vector<std::string> found;
  for (const auto& span : medicine_spans(question_words(question), kb, ignored))
    add_unique(found, {span.id});
  return found;
}

AskAnswer render_answer(const AskDoc& doc, const std::vector<std::string>& mentioned, const Kb& kb,
                        double score) {
  AskAnswer answer;
  answer.kb_id = doc.kb_id;
  answer.kind = doc.kind;
  answer.sources = doc.sources;
  answer.score = score;
  std::string title_name = doc.title_medicine, text_name = doc.text_medicine;
  for (const auto& id : mentioned)
    if (contains(doc.covers, id) || contains(doc.class_covers, id)) {
      if (const Medicine* med = kb.medicine(id)) title_name = text_name = med->name;
      break;
    }
  answer.title = replace_medicine(doc.title, title_name);
  answer.text = replace_medicine(doc.text, text_name);
  return answer;
}

}  // namespace willis::core
