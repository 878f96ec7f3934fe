// src/audit/progress.cc: the progress bar (progress.h).
#include "audit/progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace willis::audit {

std::string human_bytes(double bytes) {
  if (bytes >= 1e9) return fmt::format("{:.1f} GB", bytes / 1e9);
  if (bytes >= 1e6) return fmt::format("{:.1f} MB", bytes / 1e6);
  return fmt::format("{:.0f} kB", bytes / 1e3);
}

void Progress::update(std::uint64_t done, bool final) {
  if (!enabled_) return;
  const auto now = Clock::now();
  if (!final && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double fraction =
      total_ ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total_)) : 1.0;
  const int filled = static_cast<int>(fraction * 20);
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  const double eta = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0;
  std::fprintf(stderr, "\r[%s%s] %3d%% %s/%s %s/s eta %d:%02d ",
               std::string(static_cast<std::size_t>(filled), '#').c_str(),
               std::string(static_cast<std::size_t>(20 - filled), '.').c_str(),
               static_cast<int>(fraction * 100), human_bytes(static_cast<double>(done)).c_str(),
               human_bytes(static_cast<double>(total_)).c_str(), human_bytes(rate).c_str(),
               static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
  if (final) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace willis::audit
