// src/audit/grouped.cc: `willis audit --grouped` (audit.h run_grouped). Each line of the input is
// one patient's resources (a JSON array of resources, or a Bundle), audited on its own: one
// engine per line, the line the whole world of its patient(s).
#include <fmt/format.h>
#include <simdjson.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "audit/audit.h"
#include "audit/bad_lines.h"
#include "audit/classify.h"
#include "audit/engine.h"
#include "audit/reader.h"

namespace willis::audit {

using core::audit::Position;

namespace {

namespace ondemand = simdjson::ondemand;

std::string malformed(simdjson::error_code err) {
  return std::string("malformed JSON: ") + simdjson::error_message(err);
}

/// Appends the raw JSON of `value`, an object, to `resources`.
simdjson::error_code take(ondemand::value value, std::vector<std::string_view>& resources) {
  ondemand::object object;
  if (auto err = value.get_object().get(object)) return err;
  std::string_view raw;
  if (auto err = object.raw_json().get(raw)) return err;
  resources.push_back(raw);
  return simdjson::SUCCESS;
}

/// The resources of a line that is a JSON array.
std::string split_array(ondemand::document& doc, std::vector<std::string_view>& resources) {
  ondemand::array array;
  if (auto err = doc.get_array().get(array)) return malformed(err);
  for (auto element : array) {
    ondemand::value value;
    if (auto err = std::move(element).get(value)) return malformed(err);
    if (auto err = take(value, resources))
      return std::string("an element is not a resource: ") + simdjson::error_message(err);
  }
  return {};
}

/// The entry[].resource of a Bundle.
std::string split_entries(ondemand::value value, std::vector<std::string_view>& resources) {
  ondemand::array entries;
  if (auto err = value.get_array().get(entries))
    return std::string("Bundle.entry: ") + simdjson::error_message(err);
  for (auto entry_result : entries) {
    ondemand::object entry;
    if (auto err = entry_result.get_object().get(entry))
      return std::string("Bundle.entry: ") + simdjson::error_message(err);
    for (auto entry_member : entry) {
      ondemand::field entry_field;
      if (auto err = std::move(entry_member).get(entry_field)) return malformed(err);
      std::string_view entry_key;
      if (auto err = entry_field.unescaped_key().get(entry_key)) return malformed(err);
      if (entry_key != "resource") continue;
      if (auto err = take(entry_field.value(), resources))
        return std::string("Bundle.entry.resource: ") + simdjson::error_message(err);
    }
  }
  return {};
}

/// The resources of a line that is a JSON object: it must be a Bundle.
std::string split_bundle(ondemand::document& doc, std::vector<std::string_view>& resources) {
  ondemand::object object;
  if (auto err = doc.get_object().get(object)) return malformed(err);
  bool bundle = false;
  for (auto member : object) {
    ondemand::field field;
    if (auto err = std::move(member).get(field)) return malformed(err);
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return malformed(err);
    if (key == "resourceType") {
      std::string_view name;
      bundle = !field.value().get_string().get(name) && name == "Bundle";
      if (!bundle) return "expected a JSON array of resources or a Bundle";
    } else if (key == "entry") {
      if (auto why = split_entries(field.value(), resources); !why.empty()) return why;
    }
  }
  if (!bundle) return "expected a JSON array of resources or a Bundle";
  return {};
}

/// The raw JSON of each resource of one grouped line: an array of resources, or a Bundle's
/// entry[].resource. Returns "" or why the line cannot be read.
std::string split_group(ondemand::parser& parser, simdjson::padded_string_view line,
                        std::vector<std::string_view>& resources) {
  resources.clear();
  ondemand::document doc;
  if (auto err = parser.iterate(line).get(doc)) return malformed(err);
  ondemand::json_type type;
  if (auto err = doc.type().get(type)) return malformed(err);
  std::string why;
  if (type == ondemand::json_type::array)
    why = split_array(doc, resources);
  else if (type == ondemand::json_type::object)
    why = split_bundle(doc, resources);
  else
    return "expected a JSON array of resources or a Bundle";
  if (!why.empty()) return why;
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS)
    return "malformed JSON: more than one value on the line";
  return {};
}

/// A --grouped run over `in`, line by line.
class GroupedRun {
 public:
  GroupedRun(const core::Kb& kb, const codec::AuditCodes& codes, core::CalendarDate as_of,
             std::FILE* in, const Sinks& sinks, std::size_t max_line_bytes)
      : kb_(kb), codes_(codes), as_of_(as_of), in_(in), sinks_(sinks), max_line_(max_line_bytes) {
    total_.summary.as_of = as_of;
  }

  core::Result<RunResult> go() {
    for (;;) {
      if (!next_line()) {
        if (std::ferror(in_))
          return core::Error(core::Errc::io_error, "",
                             std::string("<stdin>: ") + std::strerror(errno));
        break;
      }
      ++line_no_;
      if (overlong_) {
        add_bad(overlong_reason(max_line_));
        flush_errors();
        continue;
      }
      while (!buffer_.empty() && (buffer_.back() == '\n' || buffer_.back() == '\r'))
        buffer_.pop_back();
      if (blank(buffer_)) continue;
      const std::size_t size = buffer_.size();
      buffer_.append(kPadding, ' ');
      const simdjson::padded_string_view line(buffer_.data(), size, buffer_.size());
      auto why = size > core::audit::kMaxFileBytes
                     ? std::string("a line of more than 64 GiB")  // 36-bit offsets
                     : split_group(outer_, line, resources_);
      if (!why.empty()) {
        add_bad(std::move(why));
        flush_errors();
        continue;
      }
      audit_line();
    }
    return total_;
  }

 private:
  /// One line of `in` into `buffer_` (newline kept), never holding more than the cap: a longer
  /// line is read to its end and dropped (`overlong_`). False at the end of input.
  bool next_line() {
    buffer_.clear();
    overlong_ = false;
    bool any = false;
    while (std::fgets(block_.data(), static_cast<int>(block_.size()), in_)) {
      any = true;
      const std::size_t got = std::strlen(block_.data());
      const bool ends = got > 0 && block_[got - 1] == '\n';
      if (!overlong_) {
        if (buffer_.size() + got > max_line_ + 1) {
          overlong_ = true;
          buffer_.clear();
          buffer_.shrink_to_fit();
        } else {
          buffer_.append(block_.data(), got);
        }
      }
      if (ends) break;
    }
    return any;
  }

  void add_bad(std::string reason) {
    bad_.push_back({0, 0, line_no_, std::move(reason)});
    ++total_.summary.errors;
  }

  void flush_errors() {
    std::vector<std::uint64_t> none;
    write_errors(bad_, {"<stdin>"}, none, sinks_);
    bad_.clear();
  }

  /// Audits the resources of the current line and writes its flagged lines.
  void audit_line() {
    Engine engine(kb_, codes_, as_of_);
    Classifier classifier(codes_);
    Counters counters;
    Fact fact;
    for (std::size_t index = 0; index < resources_.size(); ++index) {
      const std::string_view raw = resources_[index];
      const auto offset = static_cast<std::uint64_t>(raw.data() - buffer_.data());
      auto reason = classifier.classify(padded_resource(raw), core::audit::make_position(0, offset),
                                        engine.meds(), fact);
      if (!reason.empty()) {
        add_bad(fmt::format("resource {}: {}", index + 1, reason));
        continue;
      }
      engine.apply(fact, counters);
    }
    flush_errors();
    engine.add_counters(counters);
    engine.resolve_deferred();
    const auto flagged = engine.evaluate();
    std::map<Position, core::audit::EvidenceItem> evidence;
    for (const Position pos : engine.evidence_positions(flagged))
      evidence[pos] = classifier.evidence(padded_resource(resource_at(pos)), engine.meds());
    engine.write_flagged(flagged, evidence, sinks_);
    // Add this line's counts to the run's.
    total_.summary.add(engine.summary());
  }

  /// The resource of the current line at `pos` (empty if none starts there).
  std::string_view resource_at(Position pos) const {
    const std::size_t offset = core::audit::position_offset(pos);
    for (const auto resource : resources_)
      if (static_cast<std::size_t>(resource.data() - buffer_.data()) == offset) return resource;
    return {};
  }

  simdjson::padded_string_view padded_resource(std::string_view raw) const {
    return padded(raw.data(), raw.size(), buffer_.data() + buffer_.size());
  }

  const core::Kb& kb_;
  const codec::AuditCodes& codes_;
  const core::CalendarDate as_of_;
  std::FILE* in_;
  const Sinks& sinks_;
  const std::size_t max_line_;
  RunResult total_;
  ondemand::parser outer_;
  std::string buffer_;
  std::vector<std::string_view> resources_;
  std::vector<BadLine> bad_;
  std::uint64_t line_no_ = 0;
  std::vector<char> block_ = std::vector<char>(std::size_t{1} << 16);
  bool overlong_ = false;
};

}  // namespace

core::Result<RunResult> run_grouped(const core::Kb& kb, const codec::AuditCodes& codes,
                                    core::CalendarDate as_of, std::FILE* in, const Sinks& sinks,
                                    std::size_t max_line_bytes) {
  if (auto refused = check_sinks(sinks)) return *refused;
  return GroupedRun(kb, codes, as_of, in, sinks, max_line_bytes).go();
}

}  // namespace willis::audit
