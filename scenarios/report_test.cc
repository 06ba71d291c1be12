#include "scenarios/report.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "util/utf8.h"

namespace scenarios {
namespace {

TimelineEntry Plain(int64_t s, const std::string& what) {
  return TimelineEntry{s * 1000000000, what, "", ""};
}
TimelineEntry NodeLine(int64_t ms, const std::string& node, const std::string& key) {
  return TimelineEntry{ms * 1000000, absl::StrCat(node, " ", key), key, node};
}

// Thousands of startup READY lines used to fill the 400-line timeline and hide the failover.
TEST(SummarizeTimelineTest, ManyNodeLinesBecomeOneAndTheFailoverStaysVisible) {
  std::vector<TimelineEntry> in;
  in.push_back(Plain(10, "m1 is leader (term 2)"));
  for (int i = 1; i <= 9998; ++i) {
    in.push_back(NodeLine(10200 + i * 1699 / 9998, absl::StrCat("w", i), "is READY"));
  }
  in.push_back(Plain(60, "crash m1 (leader): power off"));
  in.push_back(Plain(75, "m2 is leader (term 3)"));
  const std::vector<TimelineEntry> out = SummarizeTimeline(in, 400);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[1].what, "9,998 nodes are READY between 10.200s and 11.899s: w1, w2, w3 and "
                         "9,995 more");
  EXPECT_EQ(out[2].what, "crash m1 (leader): power off");
  EXPECT_EQ(out[3].what, "m2 is leader (term 3)");
}

TEST(SummarizeTimelineTest, FewNodeLinesStayAsTheyAre) {
  std::vector<TimelineEntry> in = {NodeLine(1000, "w1", "is READY"),
                                   NodeLine(1100, "w2", "is DOWN (heartbeat failure)"),
                                   NodeLine(1200, "w3", "is READY")};
  const std::vector<TimelineEntry> out = SummarizeTimeline(in, 400);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1].what, "w2 is DOWN (heartbeat failure)");
}

TEST(SummarizeTimelineTest, TooManyLinesKeepHeadAndTail) {
  std::vector<TimelineEntry> in;
  for (int i = 0; i < 1000; ++i) in.push_back(Plain(i, absl::StrCat("line ", i)));
  const std::vector<TimelineEntry> out = SummarizeTimeline(in, 11);
  ASSERT_EQ(out.size(), 11u);
  EXPECT_EQ(out[4].what, "line 4");
  EXPECT_EQ(out[5].what, "(990 more timeline lines not shown)");
  EXPECT_EQ(out[10].what, "line 999");
}

TEST(ReportTest, SummaryJsonGivesTimeToRecoverPerExpectationAndService) {
  RunResult r;
  ExpectationResult e;
  e.name = "web stays up";
  e.first_failed_ns = 60000000000;
  e.held_again_ns = 111000000000;
  e.down_ns = 51000000000;
  r.expectations.push_back(e);
  ServiceHealth h;
  h.name = "web";
  h.replicas = 10;
  h.running = 10;
  h.first_full_ns = 19000000000;
  h.outages.push_back(ServiceOutage{60000000000, 111000000000, 7});
  h.down_ns = 51000000000;
  r.services.push_back(h);
  r.nodes_down = {"m3", "w4"};
  const std::string json = SummaryJson(r);
  EXPECT_NE(json.find("\"first_failed_ns\":60000000000,\"held_again_ns\":111000000000,"
                      "\"down_ns\":51000000000"),
            std::string::npos);
  EXPECT_NE(json.find("\"outages\":[{\"from_ns\":60000000000,\"to_ns\":111000000000,"
                      "\"lowest\":7}]"),
            std::string::npos);
  EXPECT_NE(json.find("\"nodes_down_count\":2,\"nodes_down\":[\"m3\",\"w4\"]"),
            std::string::npos);
  const std::string report = HumanReport(r);
  EXPECT_NE(report.find("not holding from 60.000s to 111.000s (51.000s)"), std::string::npos);
  EXPECT_NE(report.find("nodes marked DOWN: 2 (m3 w4)"), std::string::npos);
  EXPECT_NE(report.find("below 10 from 60.000s to 111.000s (51.000s), lowest 7"),
            std::string::npos);
}

// A control call that never got an answer is reported, and fails the run unless allowed.
TEST(ReportTest, PendingControlCallIsReportedAndNamedAsAFailure) {
  RunResult r;
  ControlCallResult c;
  c.what = "promote w1";
  c.via = "m2";
  c.at_ns = 60000000000;
  c.outcome = "pending";
  r.control_calls.push_back(c);
  EXPECT_NE(HumanReport(r).find("promote w1 via m2: PENDING: no answer by the end of the run "
                                "(FAIL)"),
            std::string::npos);
  EXPECT_NE(FailureSummary(r).find("control call \"promote w1\" at 60.000s never answered"),
            std::string::npos);
  r.control_calls[0].may_be_lost = true;
  EXPECT_EQ(FailureSummary(r), "");
}

// A run with buggify lists the fault points that fired (not those only reached) in the report,
// and every one reached in the summary JSON; without buggify the report says nothing of them.
TEST(ReportTest, FiredFaultPointsAreReportedWhenBuggifyIsOn) {
  RunResult r;
  EXPECT_EQ(HumanReport(r).find("fault points"), std::string::npos);
  EXPECT_NE(SummaryJson(r).find("\"fault_points\":[]"), std::string::npos);
  r.buggify = true;
  EXPECT_NE(HumanReport(r).find("fault points fired: none"), std::string::npos);
  r.fault_points["raft.drop_append"] = FaultPointCount{40, 3};
  r.fault_points["dispatcher.slow_register"] = FaultPointCount{5, 0};
  const std::string report = HumanReport(r);
  EXPECT_NE(report.find("fault points fired:\n  raft.drop_append: fired 3 of 40 times\n"),
            std::string::npos)
      << report;
  EXPECT_EQ(report.find("dispatcher.slow_register"), std::string::npos);
  EXPECT_NE(SummaryJson(r).find("\"fault_points\":[{\"name\":\"dispatcher.slow_register\","
                                "\"hits\":5,\"fires\":0},{\"name\":\"raft.drop_append\","
                                "\"hits\":40,\"fires\":3}]"),
            std::string::npos);
}

// A control character in an expectation name reached the terminal raw and made the JUnit XML
// invalid (XML 1.0 cannot hold it at all).
TEST(ReportTest, ControlCharactersAreEscapedInEveryOutput) {
  const std::string name = "leader\x1b[2J elected\a\x7f \xc2\x9b\n";
  EXPECT_EQ(EscapeControls(name), "leader\\x1b[2J elected\\x07\\x7f \\u009b\n");
  EXPECT_EQ(EscapeControls("caf\xc3\xa9\tok"), "caf\xc3\xa9\tok");  // é and tab stay
  EXPECT_EQ(JsonString(name), "\"leader\\u001b[2J elected\\u0007\\u007f \\u009b\\n\"");
  RunResult r;
  r.file = "x.textproto";
  ExpectationResult e;
  e.name = name;
  e.passed = false;
  r.expectations.push_back(e);
  const std::string xml = JunitXml({r});
  for (char c : xml) {
    const unsigned char byte = static_cast<unsigned char>(c);
    EXPECT_TRUE(byte >= 0x20 ? byte != 0x7f : c == '\n' || c == '\t') << int{byte};
  }
  EXPECT_NE(xml.find("leader\\x1b[2J elected\\x07"), std::string::npos) << xml;
}

// The fuzzer's find: a name holding the byte 0xd5 validated (the loader now refuses it), and
// `run --json` wrote it raw, so the summary was not UTF-8, hence not JSON. A path can still
// hold any byte: every writer keeps its output valid UTF-8 whatever the strings hold.
TEST(ReportTest, EveryOutputIsValidUtf8WhateverTheNamesHold) {
  RunResult r;
  r.file = "dir\xff/bad\xd5.textproto";
  r.scenario = "bad\xd5";
  r.error = "cut \xe2\x82";
  ExpectationResult e;
  e.name = "leader \xc0\xaf elected";
  e.passed = false;
  e.detail = "surrogate \xed\xa0\x80";
  r.expectations.push_back(e);
  InvariantResult v;
  v.name = "inv\x80";
  v.passed = true;
  r.invariants.push_back(v);

  const std::string json = SummaryJson(r);
  EXPECT_TRUE(util::IsValidUtf8(json)) << json;
  EXPECT_NE(json.find("\"scenario\":\"bad\\ufffd\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"name\":\"leader \\ufffd\\ufffd elected\""), std::string::npos) << json;

  const std::string xml = JunitXml({r}, {"skip\xfe.textproto"});
  EXPECT_TRUE(util::IsValidUtf8(xml)) << xml;
  EXPECT_NE(xml.find("name=\"dir\\xff/bad\\xd5.textproto\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"skip\\xfe.textproto\""), std::string::npos) << xml;

  const std::string human = EscapeControls(HumanReport(r));
  EXPECT_TRUE(util::IsValidUtf8(human)) << human;
  EXPECT_NE(human.find("leader \\xc0\\xaf elected"), std::string::npos) << human;
  EXPECT_EQ(EscapeControls("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");  // UTF-8 stays
}

// `check` replaces its JUnit file after every scenario; the scenarios it has not reached are
// listed as skipped, so the file is a whole, valid suite at every moment (a kill lost it all).
TEST(ReportTest, JunitListsScenariosNotRunYetAsSkipped) {
  RunResult done;
  done.file = "a.textproto";
  done.passed = true;
  const std::string xml = JunitXml({done}, {"b.textproto", "c<d>.textproto"});
  EXPECT_NE(xml.find("<testsuite name=\"swarmsim\" tests=\"3\" failures=\"0\" skipped=\"2\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("name=\"a.textproto\" time=\"0.000\"></testcase>"), std::string::npos);
  EXPECT_NE(xml.find("name=\"b.textproto\" time=\"0.000\">\n      <skipped message="),
            std::string::npos);
  EXPECT_NE(xml.find("name=\"c&lt;d&gt;.textproto\""), std::string::npos) << "escaped";
  // A finished run has no skipped attribute at all, as before.
  EXPECT_EQ(JunitXml({done}).find("skipped"), std::string::npos);
}

// `check` prints the table row by row as scenarios finish; the pieces make the same table.
TEST(ReportTest, CheckTablePiecesMakeTheWholeTable) {
  RunResult a;
  a.file = "scenarios/a.textproto";
  a.passed = true;
  RunResult b;
  b.file = "b.textproto";
  b.error = "b.textproto:1:1: bad";
  const size_t width = CheckTableWidth({a.file, b.file});
  EXPECT_EQ(width, a.file.size());
  EXPECT_EQ(CheckTable({a, b}), CheckTableHeader(width) + CheckTableRow(a, width) +
                                    CheckTableRow(b, width) + CheckTableTotals({a, b}));
  EXPECT_EQ(CheckTableTotals({a, b}), "check: 1 passed, 1 failed\n");
}

}  // namespace
}  // namespace scenarios
