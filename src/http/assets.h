// src/http/assets.h: the files of web/ (CSS, JavaScript, icons, page fragments), embedded in the
// binary at build time by embed_web.cmake, so `willis serve` needs no files beside it.
#pragma once

#include <cstddef>
#include <string_view>

namespace willis::http {

struct Asset {
  std::string_view name;          ///< file name under web/, e.g. "app.css"
  std::string_view content_type;  ///< e.g. "text/css; charset=utf-8"
  std::string_view data;
};

/// The embedded file `name`, or nullptr.
const Asset* find_asset(std::string_view name);

/// Every embedded file (generated).
extern const Asset kEmbeddedAssets[];
extern const std::size_t kEmbeddedAssetCount;

}  // namespace willis::http
