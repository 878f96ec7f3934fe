// src/http/routes_evidence.cc: the evidence, sources, conflicts, ask and food pages (bodies from
// http/evidence_pages).
#include "http/web_app_impl.h"

#include "http/evidence_pages.h"

namespace willis::http {

void WebApp::Impl::evidence_page(const Request& req, Response& res) {
  const ClaimFilter filter{req.get_param_value("topic"), req.get_param_value("article"),
                           req.get_param_value("verdict")};
  html(res, 200, meta("Evidence", Nav::evidence), evidence_body(options.evidence, filter));
}

void WebApp::Impl::sources_page(const Request&, Response& res) {
  html(res, 200, meta("Sources", Nav::evidence), sources_body(kb, options.evidence));
}

void WebApp::Impl::conflicts_page(const Request&, Response& res) {
  html(res, 200, meta("Where sources disagree", Nav::evidence), conflicts_body(options.evidence));
}

void WebApp::Impl::ask_page(const Request& req, Response& res) {
  std::string question = req.get_param_value("q");
  if (question.size() > 300) question.resize(300);
  auto page_meta = meta(question.empty() ? "Ask" : "Ask: " + question, Nav::none);
  page_meta.question = question;
  html(res, 200, page_meta, ask_body(kb, options.evidence, question, index_mutex));
}

void WebApp::Impl::foods_page(const Request& req, Response& res) {
  std::vector<std::string> items, problems;
  for (std::size_t i = 0, n = req.get_param_value_count("item"); i < n; ++i)
    items.push_back(req.get_param_value("item", i));
  // "Add" sends the food, its portion and servings as separate fields; they join the list.
  if (const std::string add = req.get_param_value("add"); !add.empty())
    items.push_back(add + ":" + req.get_param_value("portion") + ":" +
                    req.get_param_value("servings"));
  const auto picked = picked_foods(items, problems);
  html(res, 200, meta("Magnesium in your food", Nav::profile),
       foods_body(options.evidence, req.get_param_value("q"), picked, problems, index_mutex));
}

}  // namespace willis::http
