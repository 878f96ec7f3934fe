#include "render/ics.h"

#include <gtest/gtest.h>

#include <set>

#include "codec/profile_codec.h"
#include "core/assess.h"
#include "support/test_kb.h"

namespace willis::render {
namespace {

std::size_t count(const std::string& text, std::string_view needle) {
  std::size_t found = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++found;
  return found;
}

/// RFC 5545 §3.1 unfolding: a CRLF followed by one space or tab is removed.
std::string unfold(const std::string& text) {
  std::string out;
  for (std::size_t idx = 0; idx < text.size(); ++idx) {
    if (text.compare(idx, 3, "\r\n ") == 0 || text.compare(idx, 3, "\r\n\t") == 0) {
      idx += 2;
      continue;
    }
    out += text[idx];
  }
  return out;
}

std::vector<std::string> physical_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find("\r\n", pos);
    if (end == std::string::npos) {
      lines.push_back(text.substr(pos));
      break;
    }
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  return lines;
}

TEST(Ics, EscapesTextValues) {
  EXPECT_EQ(ics_escape_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
  EXPECT_EQ(ics_escape_text("line one\r\nline two"), "line one\\nline two");
  EXPECT_EQ(ics_escape_text(std::string("bell\x07tab\t", 9)),
            "belltab\t");  // control chars dropped, TAB kept
  EXPECT_EQ(ics_escape_text("Levothyroxine 75 microgram"), "Levothyroxine 75 microgram");
}

TEST(Ics, ShortLinesAreNotFolded) {
  EXPECT_EQ(ics_fold("SUMMARY:Magnesium"), "SUMMARY:Magnesium\r\n");
  const std::string exactly75(75, 'x');
  EXPECT_EQ(ics_fold(exactly75), exactly75 + "\r\n");
}

TEST(Ics, LongLinesFoldAt75OctetsAndUnfoldBack) {
  const std::string line = "DESCRIPTION:" + std::string(300, 'a');
  const std::string folded = ics_fold(line);
  const auto lines = physical_lines(folded);
  ASSERT_GT(lines.size(), 4u);
  EXPECT_EQ(lines.front().size(), 75u);
  for (std::size_t idx = 1; idx < lines.size(); ++idx) {
    EXPECT_EQ(lines[idx].front(), ' ') << "continuation line " << idx;
    EXPECT_LE(lines[idx].size(), 75u);
  }
  EXPECT_EQ(unfold(folded), line + "\r\n");
}

TEST(Ics, FoldingNeverSplitsAUtf8Character) {
  std::string line = "SUMMARY:";
  for (int idx = 0; idx < 80; ++idx) line += "\xC3\xA9\xE2\x80\x93";  // é and an en dash
  const std::string folded = ics_fold(line);
  for (const auto& physical : physical_lines(folded)) {
    EXPECT_LE(physical.size(), 75u);
    ASSERT_FALSE(physical.empty());
    // No line may end with the lead byte of a sequence or start (after the space) with a
    // continuation byte.
    const auto last = static_cast<unsigned char>(physical.back());
    EXPECT_FALSE(last >= 0xC0) << "line ends inside a character";
    const std::size_t first_index = physical.front() == ' ' ? 1 : 0;
    if (physical.size() > first_index) {
      EXPECT_NE(static_cast<unsigned char>(physical[first_index]) & 0xC0, 0x80)
          << "line starts inside a character";
    }
  }
  EXPECT_EQ(unfold(folded), line + "\r\n");
}

TEST(Ics, CalendarHasDailyRecurringEventsWithCrlf) {
  IcsCalendar calendar;
  calendar.dtstamp = "20261120T120000Z";
  calendar.name = "willis timetable";
  IcsEvent event;
  event.uid = "mg-1600-test@willis";
  event.summary = "Magnesium 100 mg, with food; twice";
  event.description = "line one\nline two";
  event.start_date = core::CalendarDate{2026, 11, 20};
  event.start = core::ClockTime{16 * 60};
  calendar.events.push_back(event);
  const std::string text = ics_write(calendar);
  EXPECT_EQ(text.rfind("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:", 0), 0u);
  EXPECT_EQ(text.substr(text.size() - 15), "END:VCALENDAR\r\n");
  EXPECT_EQ(count(text, "\n"), count(text, "\r\n")) << "every line ends in CRLF";
  EXPECT_EQ(count(text, "BEGIN:VEVENT\r\n"), 1u);
  EXPECT_EQ(count(text, "END:VEVENT\r\n"), 1u);
  EXPECT_NE(text.find("DTSTART:20261120T160000\r\n"), std::string::npos) << "floating local time";
  EXPECT_NE(text.find("DTSTAMP:20261120T120000Z\r\n"), std::string::npos);
  EXPECT_NE(text.find("RRULE:FREQ=DAILY\r\n"), std::string::npos);
  EXPECT_NE(text.find("DURATION:PT5M\r\n"), std::string::npos);
  EXPECT_NE(text.find("SUMMARY:Magnesium 100 mg\\, with food\\; twice\r\n"), std::string::npos);
  EXPECT_NE(text.find("DESCRIPTION:line one\\nline two\r\n"), std::string::npos);
  for (const auto& line : physical_lines(text)) EXPECT_LE(line.size(), 75u);
}

TEST(Ics, TimetableCalendarHasEveryDoseAndMedicineTime) {
  const auto parsed = codec::parse_profile(R"({
    "age": 54,
    "medicines": [
      {"name": "Levothyroxine 75 microgram tablets", "times": ["07:00"]},
      {"name": "Ciprofloxacin 500 mg tablets", "times": ["08:00", "20:00"]}
    ],
    "day": {"wake": "07:00", "sleep": "23:00"}
  })",
                                           "p");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const auto a = core::assess(testing::kb(), testing::names(), parsed.value());
  const auto calendar =
      timetable_calendar(a, parsed.value(), core::CalendarDate{2026, 11, 20}, "20261120T120000Z");
  EXPECT_EQ(calendar.events.size(), a.schedule.doses.size() + 3);
  const std::string text = ics_write(calendar);
  EXPECT_EQ(count(text, "BEGIN:VEVENT"), calendar.events.size());
  EXPECT_EQ(count(text, "RRULE:FREQ=DAILY"), calendar.events.size());
  EXPECT_NE(unfold(text).find("SUMMARY:Ciprofloxacin 500 mg tablets"), std::string::npos);
  EXPECT_NE(text.find("DTSTART:20261120T200000"), std::string::npos);
  // UIDs are unique.
  std::set<std::string> uids;
  for (const auto& event : calendar.events) EXPECT_TRUE(uids.insert(event.uid).second) << event.uid;
  // Every magnesium dose lies outside every keep-apart window the description lists.
  for (const auto& dose : a.schedule.doses)
    for (const auto& window : a.schedule.keep_apart) {
      const int from = window.from.minutes, to = window.to.minutes, t = dose.time.minutes;
      const bool inside = from <= to ? (t >= from && t < to) : (t >= from || t < to);
      EXPECT_FALSE(inside) << dose.time.str() << " inside " << window.name;
    }
}

}  // namespace
}  // namespace willis::render
