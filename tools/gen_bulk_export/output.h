// tools/gen_bulk_export/output.h: the output files (one per resource type, plain or gzip) and
// the small formatters that write JSON without floating point or locale: integers, fixed-point
// decimals, UUIDs and dates (core/date.h) in the forms FHIR allows.
#pragma once

#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/date.h"
#include "rng.h"

namespace gen {

/// One output file: a large in-memory buffer flushed to stdio or zlib.
class Sink {
 public:
  bool open(const std::string& path, bool gzip) {
    path_ = path;
    if (gzip) {
      gz_ = gzopen(path.c_str(), "wb1");  // level 1: the benchmark cares about speed, not size
      if (gz_ == nullptr) return false;
      gzbuffer(gz_, 1 << 20);
    } else {
      file_ = std::fopen(path.c_str(), "wb");
      if (file_ == nullptr) return false;
    }
    buf.reserve(kFlushAt + (1 << 20));
    return true;
  }
  /// Ends the current line; flushes when the buffer is full.
  void end_line() {
    buf.push_back('\n');
    ++lines;
    if (buf.size() >= kFlushAt) flush();
  }
  bool flush() {
    bytes += buf.size();
    bool ok = true;
    if (!buf.empty()) {
      if (gz_ != nullptr)
        ok = gzwrite(gz_, buf.data(), static_cast<unsigned>(buf.size())) ==
             static_cast<int>(buf.size());
      else
        ok = std::fwrite(buf.data(), 1, buf.size(), file_) == buf.size();
    }
    if (!ok) {
      std::fprintf(stderr, "willis_gen_bulk_export: cannot write %s\n", path_.c_str());
      std::exit(1);
    }
    buf.clear();
    return ok;
  }
  bool close() {
    flush();
    if (gz_ != nullptr) return gzclose(gz_) == Z_OK;
    if (file_ != nullptr) return std::fclose(file_) == 0;
    return true;
  }
  /// Uncompressed bytes written so far, buffered ones included.
  std::uint64_t size() const { return bytes + buf.size(); }

  std::string buf;
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;

 private:
  static constexpr std::size_t kFlushAt = 4u << 20;
  std::string path_;
  std::FILE* file_ = nullptr;
  gzFile gz_ = nullptr;
};

enum FileId {
  kPatient,
  kMedicationRequest,
  kMedicationStatement,
  kObservation,
  kCondition,
  kMedication,
  kEncounter,
  kFiles
};
inline constexpr std::array<const char*, kFiles> kFileNames = {
    "Patient",    "MedicationRequest", "MedicationStatement", "Observation", "Condition",
    "Medication", "Encounter"};

// ---------------------------------------------------------------- small formatters

inline void put(std::string& out, std::string_view s) {
  out.append(s);
}

inline void put_uint(std::string& out, std::uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) out.push_back(tmp[--n]);
}
inline void put_int(std::string& out, long v) {
  if (v < 0) {
    out.push_back('-');
    put_uint(out, static_cast<std::uint64_t>(-v));
  } else {
    put_uint(out, static_cast<std::uint64_t>(v));
  }
}
inline void put2(std::string& out, int v) {
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}
/// A decimal with `places` digits after the point: put_fixed(out, 753, 1) -> "75.3".
inline void put_fixed(std::string& out, long scaled, int places) {
  if (places == 0) {
    put_int(out, scaled);
    return;
  }
  long div = 1;
  for (int i = 0; i < places; ++i) div *= 10;
  if (scaled < 0) {
    out.push_back('-');
    scaled = -scaled;
  }
  put_int(out, scaled / div);
  out.push_back('.');
  long frac = scaled % div;
  for (long d = div / 10; d > 0; d /= 10) {
    out.push_back(static_cast<char>('0' + frac / d));
    frac %= d;
  }
}

struct Uuid {
  std::uint64_t hi, lo;
};
inline Uuid new_uuid(Rng& rng) {
  Uuid u{rng.next(), rng.next()};
  u.hi = (u.hi & ~0xF000ull) | 0x4000ull;        // version 4
  u.lo = (u.lo & ~(3ull << 62)) | (2ull << 62);  // RFC 4122 variant
  return u;
}
inline void put_uuid(std::string& out, const Uuid& u) {
  static constexpr char kHex[] = "0123456789abcdef";
  char s[36];
  int pos = 0;
  for (int i = 15; i >= 0; --i) {
    if (i == 7 || i == 3) s[pos++] = '-';
    s[pos++] = kHex[(u.hi >> (i * 4)) & 15];
  }
  s[pos++] = '-';
  for (int i = 15; i >= 0; --i) {
    if (i == 11) s[pos++] = '-';
    s[pos++] = kHex[(u.lo >> (i * 4)) & 15];
  }
  out.append(s, 36);
}

inline void put_date(std::string& out, int day) {
  const willis::core::CalendarDate c = willis::core::CalendarDate::from_serial(day);
  put_uint(out, static_cast<std::uint64_t>(c.year));
  out.push_back('-');
  put2(out, c.month);
  out.push_back('-');
  put2(out, c.day);
}

/// How a date is written. The date docs/audit.md reads is always the first 10 characters, so the
/// time and zone never change the day (a late evening with -05:00 stays on its own day).
enum class DateForm { date_time, date_only, instant, year_month, year };
inline void put_when(std::string& out, Rng& rng, int day, DateForm form) {
  const willis::core::CalendarDate c = willis::core::CalendarDate::from_serial(day);
  switch (form) {
    case DateForm::year:
      put_uint(out, static_cast<std::uint64_t>(c.year));
      return;
    case DateForm::year_month:
      put_uint(out, static_cast<std::uint64_t>(c.year));
      out.push_back('-');
      put2(out, c.month);
      return;
    case DateForm::date_only:
      put_date(out, day);
      return;
    case DateForm::date_time:
    case DateForm::instant:
      break;
  }
  put_date(out, day);
  out.push_back('T');
  // The window edges get times near midnight on purpose.
  const int minute_of_day = rng.chance(200)
                                ? (rng.chance(500) ? rng.range(0, 10) : rng.range(1430, 1439))
                                : rng.range(0, 1439);
  put2(out, minute_of_day / 60);
  out.push_back(':');
  put2(out, minute_of_day % 60);
  out.push_back(':');
  put2(out, rng.range(0, 59));
  if (form == DateForm::instant) {
    put(out, ".");
    put_uint(out, 100 + rng.below(900));
    put(out, "Z");
    return;
  }
  static constexpr std::array<std::string_view, 5> kZones = {"+00:00", "-05:00", "+01:00", "-04:00",
                                                             "+10:00"};
  put(out, rng.pick(kZones));
}

}  // namespace gen
