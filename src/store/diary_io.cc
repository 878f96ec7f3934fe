#include "store/diary_io.h"

namespace willis::store {

std::string describe(const core::Error& error) {
  std::string text;
  if (!error.file.empty()) {
    text += error.file;
    if (error.line > 0) text += ":" + std::to_string(error.line);
    text += ": ";
  }
  if (!error.path.empty()) text += error.path + ": ";
  return text + error.message;
}

}  // namespace willis::store
