// src/codec/yaml_document.h: one parse of a YAML stream that yields the first document's node tree
// (what YAML::Load builds) and counts the documents, so the strict one-document check costs no
// second parse.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace willis::codec {

struct FirstDocument {
  YAML::Node root;      // as YAML::Load(text) returns it: Null when the stream holds no document
  int documents = 0;    // 0, 1 or 2 (counting stops at the second)
  int second_line = 0;  // where the second document starts, 1-based; 0 when unknown or none
};

/// Parses the first document of `text` and looks whether a second one follows. Throws what
/// YAML::Load throws (YAML::Exception) on malformed text, in either document.
FirstDocument load_first_document(const std::string& text);

}  // namespace willis::codec
