// tools/gen_bulk_export/main.cc: a seeded, deterministic synthetic FHIR R4 Bulk Data export
// ($export NDJSON) for `willis audit` (issue 6) and its independent DuckDB check (tests/duckdb/).
//
//   willis_gen_bulk_export OUT_DIR (--patients N | --target-bytes SIZE) [--seed S] [--gzip]
//                          [--bad-lines RATE] [--as-of YYYY-MM-DD] [--quiet]
//
// Writes Patient, MedicationRequest, MedicationStatement, Observation, Condition, Medication and
// Encounter (a type willis skips) as OUT_DIR/<Type>.ndjson (or .ndjson.gz). The same arguments
// give byte-identical files on any machine: one splitmix64 stream per patient, no std
// distributions, no floating-point formatting, no clock. `--target-bytes 2G` keeps adding
// patients until the uncompressed size reaches 2 GiB (K/M/G are powers of 1024); with both
// options, both must be reached. `--bad-lines RATE` inserts, after a good line with that
// probability, one line of each kind docs/audit.md counts as an error (and blank lines, which are
// ignored), drawn from a separate stream: the good lines do not change.
//
// Every patient draws a mixture that reaches every indicator of docs/audit.md, on both sides of
// each threshold and window: eGFR 29/30/31 and "<30", "<=30", ">90", "<15"; ferritin 75/76 in
// ng/mL, ug/L and µg/L; TSAT 19/20; dates on the 12-month edge, after --as-of, partial and missing;
// stopped / completed / entered-in-error medicines; resolved / refuted conditions; medicines coded
// by ingredient, by product (RxNorm SCD/SBD, mapped to ingredients), through medicationReference
// to Medication.ndjson, or not at all (unrelated ones only); timing instructions present or not;
// unrelated medicines, conditions and labs; and orphan resources (a subject with no Patient).
// Every medicine that matters to an indicator is coded (the DuckDB engine matches codes only).
//
// The generator must not read kb/ at run time: the codes are copied here, each table naming
// where it came from. Displays of RxNorm products are written to look like RxNorm names; only
// the codes matter to either engine.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "core/date.h"
#include "generator.h"

namespace gen {
namespace {

// ============================================================================ command line

[[noreturn]] void usage(const char* why) {
  if (why != nullptr) std::fprintf(stderr, "willis_gen_bulk_export: %s\n", why);
  std::fprintf(stderr,
               "usage: willis_gen_bulk_export OUT_DIR (--patients N | --target-bytes SIZE) [--seed "
               "S] [--gzip]\n"
               "                              [--bad-lines RATE] [--as-of YYYY-MM-DD] [--quiet]\n"
               "  SIZE: bytes, or with K/M/G (powers of 1024); RATE: 0 to 1, e.g. 0.001\n");
  std::exit(2);
}

bool parse_uint(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

bool parse_size(std::string_view s, std::uint64_t& out) {
  std::uint64_t scale = 1;
  if (!s.empty()) {
    const char last = s.back();
    if (last == 'K' || last == 'k') scale = 1ull << 10;
    if (last == 'M' || last == 'm') scale = 1ull << 20;
    if (last == 'G' || last == 'g') scale = 1ull << 30;
    if (scale != 1) s.remove_suffix(1);
  }
  // A decimal like 0.5G is allowed.
  const std::size_t dot = s.find('.');
  std::uint64_t whole = 0, frac = 0, frac_scale = 1;
  if (!parse_uint(s.substr(0, dot), whole)) return false;
  if (dot != std::string_view::npos) {
    const std::string_view f = s.substr(dot + 1);
    if (f.size() > 6 || !parse_uint(f, frac)) return false;
    for (std::size_t i = 0; i < f.size(); ++i) frac_scale *= 10;
  }
  out = whole * scale + frac * scale / frac_scale;
  return true;
}

/// RATE in units of 1/10000: "0.001" -> 10.
bool parse_rate(std::string_view s, int& out) {
  const std::size_t dot = s.find('.');
  std::uint64_t whole = 0;
  if (!parse_uint(s.substr(0, dot), whole) || whole > 1) return false;
  long value = static_cast<long>(whole) * 10000;
  if (dot != std::string_view::npos) {
    long scale = 1000;
    for (char c : s.substr(dot + 1)) {
      if (c < '0' || c > '9') return false;
      value += (c - '0') * scale;
      scale /= 10;
    }
  }
  if (value > 10000) return false;
  out = static_cast<int>(value);
  return true;
}

bool parse_date(std::string_view s, int& out) {
  std::uint64_t y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !parse_uint(s.substr(0, 4), y) ||
      !parse_uint(s.substr(5, 2), m) || !parse_uint(s.substr(8, 2), d) || m < 1 || m > 12 ||
      d < 1 || d > 31)
    return false;
  out = willis::core::CalendarDate{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)}
            .serial();
  const willis::core::CalendarDate back = willis::core::CalendarDate::from_serial(out);
  return back.month == static_cast<int>(m) && back.day == static_cast<int>(d);
}

Options parse_args(int argc, char** argv) {
  Options opt;
  parse_date("2026-11-22", opt.as_of);
  bool have_count = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) usage("an option is missing its value");
      return argv[++i];
    };
    if (arg == "--patients") {
      if (!parse_uint(value(), opt.patients)) usage("--patients needs a whole number");
      have_count = true;
    } else if (arg == "--target-bytes") {
      if (!parse_size(value(), opt.target_bytes))
        usage("--target-bytes needs a size such as 2G or 200M");
      have_count = true;
    } else if (arg == "--seed") {
      if (!parse_uint(value(), opt.seed)) usage("--seed needs a whole number");
    } else if (arg == "--gzip") {
      opt.gzip = true;
    } else if (arg == "--bad-lines") {
      if (!parse_rate(value(), opt.bad_permille_x10))
        usage("--bad-lines needs a rate from 0 to 1 (at most 4 decimals)");
    } else if (arg == "--as-of") {
      if (!parse_date(value(), opt.as_of)) usage("--as-of needs a date YYYY-MM-DD");
    } else if (arg == "--quiet") {
      opt.quiet = true;
    } else if (arg == "-h" || arg == "--help") {
      usage(nullptr);
    } else if (!arg.empty() && arg[0] == '-') {
      usage("unknown option");
    } else if (opt.out_dir.empty()) {
      opt.out_dir = std::string(arg);
    } else {
      usage("more than one OUT_DIR");
    }
  }
  if (opt.out_dir.empty()) usage("OUT_DIR is missing");
  if (!have_count) usage("give --patients N or --target-bytes SIZE");
  return opt;
}

bool make_dirs(const std::string& path) {
  std::string partial;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (!partial.empty() && ::mkdir(partial.c_str(), 0777) != 0 && errno != EEXIST) return false;
    }
    if (i < path.size()) partial.push_back(path[i]);
  }
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace
}  // namespace gen

using namespace gen;  // NOLINT: main() reads as before the split

int main(int argc, char** argv) {
  const Options opt = parse_args(argc, argv);
  if (!make_dirs(opt.out_dir)) {
    std::fprintf(stderr, "willis_gen_bulk_export: cannot create %s\n", opt.out_dir.c_str());
    return 1;
  }
  std::array<Sink, kFiles> sinks;
  for (int f = 0; f < kFiles; ++f) {
    const std::string base = opt.out_dir + "/" + kFileNames[f] + ".ndjson";
    // The other variant of a previous run in the same folder would be read too: remove it.
    std::remove((opt.gzip ? base : base + ".gz").c_str());
    const std::string path = opt.gzip ? base + ".gz" : base;
    if (!sinks[f].open(path, opt.gzip)) {
      std::fprintf(stderr, "willis_gen_bulk_export: cannot open %s\n", path.c_str());
      return 1;
    }
  }

  Generator gen(opt, sinks);
  const bool progress = !opt.quiet && ::isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  std::uint64_t n = 0;
  while (n < opt.patients || (opt.target_bytes != 0 && gen.total_bytes() < opt.target_bytes)) {
    gen.patient(n);
    ++n;
    if (progress && (n & 255) == 0) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last > std::chrono::milliseconds(500)) {
        last = now;
        const double secs = std::chrono::duration<double>(now - start).count();
        const double mb = static_cast<double>(gen.total_bytes()) / 1e6;
        std::fprintf(stderr, "\rgen: %llu patients, %.0f MB, %.0f MB/s   ",
                     static_cast<unsigned long long>(n), mb, mb / secs);
        std::fflush(stderr);
      }
    }
  }
  std::uint64_t lines = 0;
  for (auto& sink : sinks) {
    lines += sink.lines;
    if (!sink.close()) {
      std::fprintf(stderr, "willis_gen_bulk_export: cannot finish writing %s\n",
                   opt.out_dir.c_str());
      return 1;
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::uint64_t bytes = 0;
  for (const auto& sink : sinks) bytes += sink.bytes;
  if (!opt.quiet) {
    if (progress) std::fprintf(stderr, "\r\033[K");
    std::fprintf(
        stderr,
        "gen: %llu patients, %llu lines, %.1f MB (uncompressed) in %.2f s: %.0f MB/s -> %s\n",
        static_cast<unsigned long long>(n), static_cast<unsigned long long>(lines),
        static_cast<double>(bytes) / 1e6, secs,
        static_cast<double>(bytes) / 1e6 / (secs > 0 ? secs : 1e-9), opt.out_dir.c_str());
  }
  return 0;
}
