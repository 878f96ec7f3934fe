// src/app/audit_run.cc: `willis audit` and `willis audit merge` put together (audit_run.h).
// Decides nothing clinical: src/audit and kb/indicators.yaml do.
#include "app/audit_run.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "app/kb_source.h"
#include "codec/audit_codes.h"
#include "render/audit_report.h"
#include "core/names.h"

namespace willis::app {

namespace {

struct FileCloser {
  void operator()(std::FILE* file) const {
    if (file) std::fclose(file);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File open_output(const std::string& path, std::string& error) {
  File file(std::fopen(path.c_str(), "wb"));
  if (!file)
    error = path + ": cannot write: " + std::strerror(errno);
  else
    std::setvbuf(file.get(), nullptr, _IOFBF, 1 << 20);
  return file;
}

int print_codelists(const codec::AuditCodes& codes) {
  std::string out = "list,system,code\n";
  for (const auto& row : codes.rows()) out += row.list + "," + row.system + "," + row.code + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

bool write_file(const std::string& path, const std::string& text, std::string& error) {
  File file = open_output(path, error);
  if (!file) return false;
  if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size() ||
      std::fflush(file.get()) != 0) {
    error = path + ": cannot finish writing (disk full?)";
    return false;
  }
  return true;
}

bool read_whole_file(const std::string& path, std::string& text, std::string& error) {
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    error = path + ": cannot read: " + std::strerror(errno);
    return false;
  }
  char block[1 << 16];
  text.clear();
  std::size_t got = 0;
  while ((got = std::fread(block, 1, sizeof block, file.get())) > 0) text.append(block, got);
  if (std::ferror(file.get())) {
    error = path + ": cannot read";
    return false;
  }
  return true;
}

/// The KB for the rest of the process, or nullptr after reporting every error in it.
const codec::KbLoad* load_kb_or_report(const std::string& kb_dir, const ReportError& report) {
  const auto& load = load_kb_for_process(kb_dir);
  if (load.errors.empty()) return &load;
  for (const auto& error : load.errors) report("knowledge base: " + describe_error(error), 2);
  return nullptr;
}

/// One `willis audit` run: its outputs and how bad lines are shown.
class AuditRun {
 public:
  AuditRun(const AuditRequest& request, const core::Kb& kb, const ReportError& report)
      : request_(request), kb_(kb), report_(report) {}

  int go(const codec::AuditCodes& codes, core::CalendarDate as_of) {
    if (const int code = open_outputs()) return code;
    const audit::Sinks sinks = make_sinks();
    core::Result<audit::RunResult> result = core::Error{};
    if (request_.grouped) {
      result = audit::run_grouped(kb_, codes, as_of, stdin, sinks, request_.max_line_bytes);
    } else {
      if (request_.paths.empty())
        return report_(
            "give the export to read: willis audit PATH... (a folder of *.ndjson / *.ndjson.gz, "
            "or files)",
            2);
      result = audit::run(kb_, codes, run_options(as_of), sinks);
    }
    if (!result.ok()) return report_(describe_error(result.error()), 2);
    return finish(result.value());
  }

 private:
  static constexpr std::uint64_t kErrorsOnStderr = 20;

  /// Outputs first, so a path that cannot be written fails before hours of reading.
  int open_outputs() {
    std::string error;
    if (!request_.out.empty() && !(flagged_ = open_output(request_.out, error)))
      return report_("--out: " + error, 2);
    errors_path_ = !request_.errors.empty()                     ? request_.errors
                   : !request_.out.empty() && !request_.grouped ? request_.out + ".errors"
                                                                : std::string();
    if (!errors_path_.empty() && !(errors_ = open_output(errors_path_, error)))
      return report_("--errors: " + error, 2);
    return 0;
  }

  /// Without an errors file the first bad lines go to stderr.
  audit::Sinks make_sinks() {
    audit::Sinks sinks;
    sinks.flagged_line = render::audit_flagged_line;
    if (flagged_)
      sinks.flagged = [this](std::string_view line) {
        std::fwrite(line.data(), 1, line.size(), flagged_.get());
      };
    else if (request_.grouped)
      sinks.flagged = [](std::string_view line) {
        std::fwrite(line.data(), 1, line.size(), stdout);
      };
    sinks.error = [this](std::string_view line) {
      if (errors_) {
        std::fwrite(line.data(), 1, line.size(), errors_.get());
      } else if (errors_shown_++ < kErrorsOnStderr) {
        std::fprintf(stderr, "willis: bad line: %.*s", static_cast<int>(line.size()), line.data());
      }
    };
    return sinks;
  }

  audit::Options run_options(core::CalendarDate as_of) const {
    audit::Options options;
    options.paths = request_.paths;
    options.as_of = as_of;
    options.threads = request_.threads;
    options.chunk_size = request_.chunk_size;
    options.max_errors = request_.max_errors;
    options.max_line_bytes = request_.max_line_bytes;
    options.collect_texts = !request_.text_lists.empty();
    options.progress = !request_.progress_off && isatty(fileno(stderr));
    return options;
  }

  /// After the run: what was not shown, the stop, then every summary asked for.
  int finish(const audit::RunResult& result) {
    if (errors_shown_ > kErrorsOnStderr)
      std::fprintf(stderr,
                   "willis: … and %llu more bad lines (give --errors FILE to keep them all)\n",
                   static_cast<unsigned long long>(errors_shown_ - kErrorsOnStderr));
    if (result.stopped)
      return report_(
          "stopped: more than " + std::to_string(request_.max_errors) +
              " bad lines (--max-errors " + std::to_string(request_.max_errors) + ")" +
              (errors_path_.empty() ? std::string("; they are listed above")
                                    : "; see " + errors_path_ + " for FILE:LINE: reason") +
              ". Fix the export or raise --max-errors.",
          3);
    if (const int code = write_summaries(result)) return code;
    const auto& summary = result.summary;
    if (summary.errors && !errors_path_.empty() && !request_.grouped)
      std::fprintf(stderr, "willis: %llu bad lines skipped; see %s\n",
                   static_cast<unsigned long long>(summary.errors), errors_path_.c_str());
    for (File* file : {&flagged_, &errors_, &html_})
      if (*file && std::fflush(file->get()) != 0)
        return report_("cannot finish writing an output file (disk full?)", 2);
    return 0;
  }

  /// --summary (HTML), --summary-json, --text-lists, and the summary on stdout.
  int write_summaries(const audit::RunResult& result) {
    const auto& summary = result.summary;
    std::string error;
    if (!request_.summary.empty()) {
      if (!(html_ = open_output(request_.summary, error))) return report_("--summary: " + error, 2);
      const std::string page = render::audit_summary_html(summary, kb_);
      std::fwrite(page.data(), 1, page.size(), html_.get());
    }
    if (!request_.summary_json.empty() &&
        !write_file(request_.summary_json, render::audit_summary_json(summary, kb_), error))
      return report_("--summary-json: " + error, 2);
    if (!request_.text_lists.empty()) {
      if (request_.grouped) return report_("--text-lists needs PATH (not --grouped)", 2);
      if (!write_file(request_.text_lists, render::audit_text_lists_csv(result.texts), error))
        return report_("--text-lists: " + error, 2);
    }
    if (!request_.grouped) {
      const std::string text = request_.format == "json" ? render::audit_summary_json(summary, kb_)
                                                         : render::audit_summary_text(summary, kb_);
      std::fwrite(text.data(), 1, text.size(), stdout);
    }
    return 0;
  }

  const AuditRequest& request_;
  const core::Kb& kb_;
  const ReportError& report_;
  File flagged_, html_, errors_;
  std::string errors_path_;
  std::uint64_t errors_shown_ = 0;
};

/// The first partial summary: it must be made by this willis's KB and indicators.
int check_first_part(const std::string& path, const render::ParsedAuditSummary& part,
                     const core::Kb& kb, const ReportError& report) {
  if (part.kb_version != kb.version)
    return report(path + ": made with knowledge base " + part.kb_version + ", this willis has " +
                      kb.version + ": merge with the willis that made it",
                  2);
  for (int index = 0; index < core::audit::kIndicatorCount; ++index)
    if (part.ids[static_cast<std::size_t>(index)] != core::audit::indicator_id(index))
      return report(path + ": indicator " + std::to_string(index + 1) + " is " +
                        part.ids[static_cast<std::size_t>(index)] + ", not " +
                        std::string(core::audit::indicator_id(index)),
                    2);
  return 0;
}

}  // namespace

int run_audit(const AuditRequest& request, const std::string& kb_dir, const Clock& clock,
              const ReportError& report_error) {
  const codec::KbLoad* load = load_kb_or_report(kb_dir, report_error);
  if (!load) return 2;
  const core::NameIndex names(load->kb);
  const codec::AuditCodes codes(load->kb, names);
  if (request.codelists) return print_codelists(codes);
  const auto as_of = clock.date_or_today("--as-of", request.as_of);
  if (!as_of.ok()) return report_error(as_of.error().path + ": " + as_of.error().message, 2);
  return AuditRun(request, load->kb, report_error).go(codes, as_of.value());
}

int merge_audit_summaries(const std::vector<std::string>& paths, const std::string& format,
                          const std::string& kb_dir, const ReportError& report_error) {
  if (paths.empty())
    return report_error("give the partial summaries: willis audit merge summary-*.json", 2);
  const codec::KbLoad* load = load_kb_or_report(kb_dir, report_error);
  if (!load) return 2;
  std::optional<render::ParsedAuditSummary> total;
  std::string text, error;
  for (const auto& path : paths) {
    if (!read_whole_file(path, text, error)) return report_error(error, 2);
    auto part = render::parse_audit_summary_json(text, error);
    if (!part)
      return report_error(path + ": not a `willis audit --format json` summary: " + error, 2);
    if (!total) {
      if (const int code = check_first_part(path, *part, load->kb, report_error)) return code;
      total = std::move(part);
      continue;
    }
    const auto differs = [&](const char* what) {
      return report_error(
          path + ": its " + what + " differs from " + paths.front() + "'s: not parts of one audit",
          2);
    };
    if (!(part->summary.as_of == total->summary.as_of)) return differs("as_of");
    if (part->kb_version != total->kb_version) return differs("kb_version");
    if (part->ids != total->ids) return differs("indicator ids");
    if (part->titles != total->titles) return differs("indicator titles");
    if (part->sources != total->sources) return differs("indicator sources");
    total->summary.add(part->summary);
  }
  const std::string out = format == "json" ? render::audit_summary_json(total->summary, load->kb)
                                           : render::audit_summary_text(total->summary, load->kb);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : report_error("cannot write the merged summary", 2);
}

}  // namespace willis::app
