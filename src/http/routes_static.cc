// src/http/routes_static.cc: the embedded web/ assets under /static/ (never the .html ones, which
// are page parts).
#include "http/web_app_impl.h"

#include "http/assets.h"

namespace willis::http {

void WebApp::Impl::static_file(const Request& req, Response& res) {
  const std::string name = req.matches.size() > 1 ? std::string(req.matches[1]) : std::string();
  const Asset* asset = find_asset(name);
  if (!asset || name.find(".html") != std::string::npos)
    return error(req, res, 404, "not_found", status_message(404));
  res.headers.erase("Cache-Control");
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::string(asset->data), std::string(asset->content_type).c_str());
}

}  // namespace willis::http
