// src/audit/progress.h: the progress bar `willis audit --progress` draws on stderr.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace willis::audit {

/// "1.2 GB", "3.4 MB", "56 kB".
std::string human_bytes(double bytes);

class Progress {
 public:
  Progress(bool enabled, std::uint64_t total)
      : enabled_(enabled), total_(total), start_(Clock::now()), last_(start_) {}
  /// Redraws the bar for `done` of the total bytes (at most every 100 ms, unless `final`).
  void update(std::uint64_t done, bool final = false);

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  std::uint64_t total_;
  Clock::time_point start_, last_;
};

}  // namespace willis::audit
