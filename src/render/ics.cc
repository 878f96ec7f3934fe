#include "render/ics.h"

#include <fmt/format.h>

#include <cstdint>
#include <set>

namespace willis::render {
namespace {

constexpr std::size_t kMaxLineOctets = 75;  // RFC 5545 §3.1, excluding the CRLF

/// FNV-1a, 32 bits: a short stable tag for UIDs.
std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (const char ch : text) {
    hash ^= static_cast<unsigned char>(ch);
    hash *= 16777619u;
  }
  return hash;
}

std::string hhmm(core::ClockTime time) {
  return fmt::format("{:02d}{:02d}", time.minutes / 60, time.minutes % 60);
}

std::string mg_text(double mg) {
  std::string text = fmt::format("{:.1f}", mg);
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  return text;
}

}  // namespace

std::string ics_escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t idx = 0; idx < text.size(); ++idx) {
    const char ch = text[idx];
    switch (ch) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        if (idx + 1 < text.size() && text[idx + 1] == '\n') break;  // CRLF -> one \n
        out += "\\n";
        break;
      case '\t':
        out += ch;
        break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) break;  // not allowed in TEXT
        out += ch;
    }
  }
  return out;
}

std::string ics_fold(std::string_view line) {
  std::string out;
  out.reserve(line.size() + line.size() / 70 * 3 + 2);
  std::size_t pos = 0;
  std::size_t limit = kMaxLineOctets;  // the first line holds 75 octets; later ones 74 + the space
  while (line.size() - pos > limit) {
    std::size_t cut = pos + limit;
    // Never split a UTF-8 character: back up over continuation bytes (10xxxxxx).
    while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    if (cut == pos) cut = pos + limit;  // not UTF-8 at all; cut anyway rather than loop
    out.append(line.substr(pos, cut - pos));
    out += "\r\n ";
    pos = cut;
    limit = kMaxLineOctets - 1;
  }
  out.append(line.substr(pos));
  out += "\r\n";
  return out;
}

std::string ics_local_datetime(core::CalendarDate date, core::ClockTime time) {
  return fmt::format("{:04d}{:02d}{:02d}T{:02d}{:02d}00", date.year, date.month, date.day,
                     time.minutes / 60, time.minutes % 60);
}

std::string ics_write(const IcsCalendar& calendar) {
  std::string out;
  const auto line = [&](std::string_view text) { out += ics_fold(text); };
  line("BEGIN:VCALENDAR");
  line("VERSION:2.0");
  line("PRODID:" + calendar.prodid);
  line("CALSCALE:GREGORIAN");
  line("METHOD:PUBLISH");
  if (!calendar.name.empty()) line("X-WR-CALNAME:" + ics_escape_text(calendar.name));
  for (const auto& event : calendar.events) {
    line("BEGIN:VEVENT");
    line("UID:" + ics_escape_text(event.uid));
    line("DTSTAMP:" + calendar.dtstamp);
    line("DTSTART:" + ics_local_datetime(event.start_date, event.start));
    line(fmt::format("DURATION:PT{}M", event.duration_min > 0 ? event.duration_min : 1));
    if (event.daily) line("RRULE:FREQ=DAILY");
    line("SUMMARY:" + ics_escape_text(event.summary));
    if (!event.description.empty()) line("DESCRIPTION:" + ics_escape_text(event.description));
    line("TRANSP:TRANSPARENT");  // a reminder, not a busy block
    line("END:VEVENT");
  }
  line("END:VCALENDAR");
  return out;
}

IcsCalendar timetable_calendar(const core::Assessment& assessment, const core::Profile& profile,
                               core::CalendarDate first_day, std::string dtstamp) {
  IcsCalendar calendar;
  calendar.name = "willis timetable";
  calendar.dtstamp = std::move(dtstamp);
  const std::string footer =
      "From willis: information, not a diagnosis. Discuss any change with "
      "your GP or pharmacist.";
  std::set<std::string> used;
  const auto unique = [&](std::string uid) {
    std::string candidate = uid + "@willis";
    for (int copy = 2; used.count(candidate); ++copy)
      candidate = fmt::format("{}-{}@willis", uid, copy);
    used.insert(candidate);
    return candidate;
  };

  const auto& schedule = assessment.schedule;
  std::string form;
  if (assessment.magnesium.plan) form = assessment.magnesium.plan->form;
  for (const auto& dose : schedule.doses) {
    IcsEvent event;
    event.summary =
        "Magnesium " + mg_text(dose.elemental_mg) + " mg" + (dose.with_food ? " with food" : "");
    std::string description =
        "Take magnesium" + (form.empty() ? std::string() : " (" + form + ")") + ": " +
        mg_text(dose.elemental_mg) + " mg elemental" + (dose.with_food ? ", with food" : "") + ".";
    if (!schedule.keep_apart.empty()) {
      description += "\nKeep it away from:";
      for (const auto& window : schedule.keep_apart)
        description += "\n- " + window.name + " at " + window.drug_time.str() +
                       ": no magnesium from " + window.from.str() + " to " + window.to.str();
    }
    event.description = description + "\n" + footer;
    event.start_date = first_day;
    event.start = dose.time;
    event.uid = unique(fmt::format("mg-{}-{:08x}", hhmm(dose.time), fnv1a(event.summary)));
    calendar.events.push_back(std::move(event));
  }
  for (const auto& medicine : profile.medicines) {
    for (const auto& time : medicine.times) {
      IcsEvent event;
      event.summary = medicine.name;
      std::string description = medicine.name + " at " + time.str() + ".";
      for (const auto& window : schedule.keep_apart)
        if (window.name == medicine.name && window.drug_time == time)
          description +=
              "\nNo magnesium from " + window.from.str() + " to " + window.to.str() + ".";
      event.description = description + "\n" + footer;
      event.start_date = first_day;
      event.start = time;
      event.uid = unique(fmt::format("med-{}-{:08x}", hhmm(time), fnv1a(medicine.name)));
      calendar.events.push_back(std::move(event));
    }
  }
  return calendar;
}

}  // namespace willis::render
