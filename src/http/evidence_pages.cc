// src/http/evidence_pages.cc: see evidence_pages.h.
#include "http/evidence_pages.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "render/evidence_html.h"
#include "render/html.h"

namespace willis::http {

namespace {

using render::html::format;
using render::html::Raw;

constexpr std::size_t kMaxPicked = 40;
constexpr int kMaxFoodResults = 12;

std::string not_built_in(const std::string& title) {
  return format(
      "<h1>{}</h1>\n<p>This willis was built without its evidence and food data, so this page is "
      "empty. "
      "Rebuild it with <code>scripts/build</code>.</p>\n",
      title);
}

std::string topic_words(const std::string& topic) {
  if (topic == "dose") return "Dose";
  if (topic == "efficacy") return "Does it work";
  if (topic == "topical") return "Skin, sprays and baths";
  if (topic == "safety") return "Safety";
  if (topic == "interactions") return "Interactions";
  if (topic == "diagnosis") return "Diagnosis";
  return topic;
}

/// <label><select name=…> with "All" first; the chosen value selected.
std::string select(const std::string& name, const std::string& label, const std::string& chosen,
                   const std::vector<std::pair<std::string, std::string>>& options) {
  std::string items =
      format("<option value=\"\"{}>All</option>", Raw{chosen.empty() ? " selected" : ""});
  for (const auto& [value, words] : options)
    items += format("<option value=\"{}\"{}>{}</option>", value,
                    Raw{value == chosen ? " selected" : ""}, words);
  return format(
      "<p class=\"filter\"><label for=\"f-{0}\">{1}</label> <select id=\"f-{0}\" "
      "name=\"{0}\">{2}</select></p>\n",
      name, label, Raw{items});
}

std::string mg_text(double mg) {
  return fmt::format("{:.0f}", std::round(mg));
}

/// The picker's state as hidden fields (for forms) or as an address query (for links).
std::string item_value(const PickedFood& food) {
  return fmt::format("{}:{}:{}", food.ndb_no, food.portion_seq, food.servings);
}
std::string hidden_items(const std::vector<PickedFood>& picked, std::size_t skip = SIZE_MAX) {
  std::string out;
  for (std::size_t i = 0; i < picked.size(); ++i)
    if (i != skip)
      out += format("<input type=\"hidden\" name=\"item\" value=\"{}\">", item_value(picked[i]));
  return out;
}

}  // namespace

std::string evidence_body(const EvidenceData& data, const ClaimFilter& filter) {
  if (!data.ready()) return not_built_in("Evidence");
  const core::EvidenceSet& evidence = *data.evidence;
  std::vector<std::pair<std::string, std::string>> topics, articles, verdicts;
  for (const auto& topic : core::kClaimTopics) topics.emplace_back(topic, topic_words(topic));
  for (const auto& article : evidence.articles)
    articles.emplace_back(
        article.id,
        article.title + (article.publisher.empty() ? "" : " (" + article.publisher + ")"));
  for (const auto& verdict : core::kClaimVerdicts)
    verdicts.emplace_back(verdict, render::verdict_words(verdict));

  std::vector<const core::Claim*> shown;
  for (const auto& claim : evidence.claims)
    if ((filter.topic.empty() || claim.topic == filter.topic) &&
        (filter.article.empty() || claim.article == filter.article) &&
        (filter.verdict.empty() || claim.verdict == filter.verdict))
      shown.push_back(&claim);

  std::string body = format(
      "<h1>Evidence</h1>\n<p class=\"lead\">What articles about magnesium for restless legs and "
      "sleep claim, "
      "and what the sources say. Each verdict cites its sources; where sources disagree, see "
      "<a href=\"/conflicts\">Conflicts</a>. Evidence reviewed {}.</p>\n",
      evidence.last_reviewed);
  body +=
      "<form class=\"claim-filter\" action=\"/evidence\" method=\"get\" aria-label=\"Filter the "
      "claims\">\n";
  body += select("topic", "Topic", filter.topic, topics);
  body += select("article", "Article", filter.article, articles);
  body += select("verdict", "Verdict", filter.verdict, verdicts);
  body +=
      "<p><button type=\"submit\">Show</button> <a href=\"/evidence\">Show all</a></p>\n</form>\n";
  body += format("<p class=\"count\" role=\"status\">{} of {} claims.</p>\n",
                 std::to_string(shown.size()), std::to_string(evidence.claims.size()));
  if (shown.empty()) body += "<p>No claim matches. <a href=\"/evidence\">Show all</a>.</p>\n";
  body += render::claims_html(shown, evidence);
  return body;
}

std::string sources_body(const core::Kb& kb, const EvidenceData& data) {
  if (!data.ready()) return not_built_in("Sources");
  return format(
             "<h1>Sources</h1>\n<p class=\"lead\">Every source willis cites ({} in knowledge base "
             "{}), how it "
             "was checked, and what cites it.</p>\n",
             std::to_string(kb.sources.size()), kb.version) +
         render::sources_html(kb, *data.evidence);
}

std::string conflicts_body(const EvidenceData& data) {
  if (!data.ready()) return not_built_in("Conflicts");
  std::vector<const core::Conflict*> all;
  for (const auto& conflict : data.evidence->conflicts) all.push_back(&conflict);
  return format(
             "<h1>Where sources disagree</h1>\n<p class=\"lead\">{} topics where guidelines, "
             "labels and "
             "articles give different numbers, side by side, with what willis applies and "
             "why.</p>\n",
             std::to_string(all.size())) +
         render::conflicts_html(all);
}

std::string ask_body(const core::Kb& kb, const EvidenceData& data, const std::string& question,
                     std::mutex& index_mutex) {
  if (!data.ready()) return not_built_in("Ask");
  std::string body = "<h1>Ask about magnesium</h1>\n";
  if (core::ask_words(question).empty()) {
    body +=
        "<p class=\"lead\">Type a question in the Ask box at the top of the page, for example "
        "<a href=\"/ask?q=can+I+take+magnesium+with+levothyroxine%3F\">can I take magnesium with "
        "levothyroxine?</a> or <a href=\"/ask?q=how+much+magnesium+is+too+much%3F\">how much "
        "magnesium is "
        "too much?</a> The answers are willis's own knowledge base entries, with their "
        "sources.</p>\n";
    return body;
  }
  core::Result<core::AskResult> result = core::AskResult{};
  {
    std::lock_guard lock(index_mutex);
    result = data.ask->ask(question, data.evidence->ask, kb);
  }
  if (!result.ok())
    return body + format("<p role=\"alert\">The question could not be searched: {}</p>\n",
                         result.error().message);
  body +=
      "<div role=\"status\">\n" + render::ask_html(result.value(), data.evidence->ask) + "</div>\n";
  return body;
}

std::vector<PickedFood> picked_foods(const std::vector<std::string>& items,
                                     std::vector<std::string>& problems) {
  std::vector<PickedFood> out;
  for (const auto& item : items) {
    if (out.size() >= kMaxPicked) {
      problems.push_back("The list holds at most " + std::to_string(kMaxPicked) +
                         " foods; the rest were left out.");
      break;
    }
    const auto first = item.find(':');
    const auto second = first == std::string::npos ? std::string::npos : item.find(':', first + 1);
    PickedFood food;
    bool ok = second != std::string::npos;
    if (ok) {
      food.ndb_no = item.substr(0, first);
      const std::string seq = item.substr(first + 1, second - first - 1),
                        servings = item.substr(second + 1);
      ok = std::from_chars(seq.data(), seq.data() + seq.size(), food.portion_seq).ec ==
               std::errc{} &&
           std::from_chars(servings.data(), servings.data() + servings.size(), food.servings).ec ==
               std::errc{} &&
           food.servings > 0 && food.servings <= 50 && food.portion_seq >= 0;
      ok = ok && food.ndb_no.size() == 5 &&
           std::all_of(food.ndb_no.begin(), food.ndb_no.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
    }
    if (ok)
      out.push_back(std::move(food));
    else
      problems.push_back(
          "\"" + item +
          "\" is not a food of the list (NDB:portion:servings, servings 0-50); it was left out.");
  }
  return out;
}

namespace {

/// One search result: the food, its magnesium per 100 g and a form to add it with a portion.
std::string food_result_item(const core::Food* food, const std::string& words,
                             const std::vector<PickedFood>& picked) {
  std::string portions = format("<option value=\"0\">100 g</option>");
  for (const auto& portion : food->portions)
    portions += format("<option value=\"{}\">{} ({} g)</option>", std::to_string(portion.seq),
                       portion.measure(), fmt::format("{:g}", portion.grams));
  const std::string id = "add-" + food->ndb_no;
  const std::string per100 = food->mg_per_100g
                                 ? fmt::format("{:g} mg per 100 g", *food->mg_per_100g)
                                 : std::string("magnesium not reported");
  return format(
      "<li class=\"food\" data-ndb-no=\"{0}\"><form action=\"/foods\" method=\"get\" "
      "aria-label=\"Add {1}\">{2}"
      "<input type=\"hidden\" name=\"q\" value=\"{3}\"><input type=\"hidden\" name=\"add\" "
      "value=\"{0}\">"
      "<p><strong>{1}</strong> <span class=\"meta\">{4}</span></p>"
      "<p><label for=\"{5}-p\">Portion</label> <select id=\"{5}-p\" "
      "name=\"portion\">{6}</select> "
      "<label for=\"{5}-n\">a day</label> <input id=\"{5}-n\" name=\"servings\" "
      "type=\"number\" min=\"0.25\" "
      "max=\"50\" step=\"0.25\" value=\"1\" inputmode=\"decimal\"> <button "
      "type=\"submit\">Add</button></p></form></li>\n",
      food->ndb_no, food->description, Raw{hidden_items(picked)}, words, per100, id, Raw{portions});
}

/// The results of a food search (nothing when the words are empty).
std::string food_search_results(const EvidenceData& data, const std::string& words,
                                const std::vector<PickedFood>& picked, std::mutex& index_mutex) {
  std::string body;
  if (!core::ask_words(words).empty()) {
    core::Result<std::vector<const core::Food*>> found = std::vector<const core::Food*>{};
    {
      std::lock_guard lock(index_mutex);
      found = data.food_index->search(words, kMaxFoodResults);
    }
    if (!found.ok()) {
      body += format("<p role=\"alert\">The search failed: {}</p>\n", found.error().message);
    } else if (found.value().empty()) {
      body += format(
          "<p role=\"status\">No food in USDA SR28 matches \u201c{}\u201d. Try fewer or shorter "
          "words "
          "(\u201calmond\u201d, \u201cspinach boiled\u201d).</p>\n",
          words);
    } else {
      body += format(
          "<h2 id=\"results\">Foods matching \u201c{}\u201d</h2>\n<ul class=\"food-results\">\n",
          words);
      for (const core::Food* food : found.value()) body += food_result_item(food, words, picked);
      body += "</ul>\n";
    }
  }
  return body;
}

/// The foods picked, each with a remove button, and the estimate of magnesium a day.
std::string food_day_list(const core::FoodTable& table, const std::string& words,
                          const std::vector<PickedFood>& picked) {
  std::string body;
  body += "<h2 id=\"your-day\">Your usual day</h2>\n";
  if (picked.empty()) return body + "<p>Nothing added yet.</p>\n";
  std::vector<core::FoodListItem> list;
  std::string rows;
  for (std::size_t i = 0; i < picked.size(); ++i) {
    const PickedFood& item = picked[i];
    const core::Food* food = table.find(item.ndb_no);
    core::FoodListItem entry;
    entry.path = "item[" + std::to_string(i) + "]";
    entry.ndb_no = item.ndb_no;
    entry.servings = item.servings;
    std::string measure = "100 g";
    if (item.portion_seq == 0) {
      entry.grams = 100;
    } else if (food) {
      const auto portion =
          std::find_if(food->portions.begin(), food->portions.end(),
                       [&](const core::FoodPortion& p) { return p.seq == item.portion_seq; });
      if (portion != food->portions.end()) {
        entry.portion = portion->measure();
        measure = entry.portion;
      } else {
        entry.grams = 100;  // an unknown portion number: say so below rather than guess a portion
        body += format(
            "<p class=\"notice\" role=\"alert\">{}: portion {} is not listed in SR28; 100 g is "
            "used.</p>\n",
            food->description, std::to_string(item.portion_seq));
      }
    }
    list.push_back(entry);
    rows += format(
        "<li>{} \u00d7 {}, {} <form class=\"inline\" action=\"/foods\" method=\"get\">{}"
        "<input type=\"hidden\" name=\"q\" value=\"{}\"><button type=\"submit\" "
        "class=\"secondary\" "
        "aria-label=\"Remove {}\">Remove</button></form></li>\n",
        fmt::format("{:g}", item.servings), measure, food ? food->description : item.ndb_no,
        Raw{hidden_items(picked, i)}, words, food ? food->description : item.ndb_no);
  }
  const auto estimate = core::estimate_diet(table, list);
  if (!estimate.ok())
    return body + format("<p role=\"alert\">{}: {}</p>\n", estimate.error().path,
                         estimate.error().message);
  const core::FoodEstimate& result = estimate.value();
  body += "<ul class=\"food-list\">\n" + rows + "</ul>\n" + render::food_estimate_html(result);
  const std::string total = mg_text(result.total_mg_per_day);
  body += format(
      "<p role=\"status\">{} <strong>{} mg</strong> of magnesium a day from these foods{}.</p>\n"
      "<p><a class=\"button\" href=\"/profile?diet={}#{}\">Use {} mg a day in my profile</a> "
      "<span class=\"hint\">(fills in the field; you save the profile)</span></p>\n",
      result.complete() ? "About" : "At least", total,
      result.complete() ? ""
                        : " (some foods have no SR28 value; they are not counted as zero, so the "
                          "real total is higher)",
      total, render::html::field_id("diet.magnesium_mg_per_day"), total);
  return body;
}

}  // namespace

std::string foods_body(const EvidenceData& data, const std::string& words,
                       const std::vector<PickedFood>& picked,
                       const std::vector<std::string>& problems, std::mutex& index_mutex) {
  if (!data.ready()) return not_built_in("Magnesium in your food");
  const core::FoodTable& table = *data.foods;
  std::string body =
      "<h1>Magnesium in your food</h1>\n<p class=\"lead\">Find what you eat on a usual day, add it "
      "with its portion, "
      "and willis adds up the magnesium (USDA SR28). Food magnesium is compared with your daily "
      "need; it never counts "
      "toward the upper limit for supplements.</p>\n";
  for (const auto& problem : problems)
    body += format("<p class=\"notice\" role=\"alert\">{}</p>\n", problem);

  body += format(
      "<form class=\"food-search\" action=\"/foods\" method=\"get\" role=\"search\" "
      "aria-label=\"Foods\">{}"
      "<p><label for=\"food-q\">Food</label> <input id=\"food-q\" name=\"q\" type=\"search\" "
      "value=\"{}\" maxlength=\"100\" "
      "placeholder=\"almonds\"> <button type=\"submit\">Search</button></p></form>\n",
      Raw{hidden_items(picked)}, words);
  body += food_search_results(data, words, picked, index_mutex);
  body += food_day_list(table, words, picked);
  return body;
}

}  // namespace willis::http
