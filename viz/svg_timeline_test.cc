#include "viz/svg_timeline.h"

#include <string>

#include "gtest/gtest.h"
#include "viz/test_trace.h"

namespace swarmsim {
namespace viz {
namespace {

Timeline Small() {
  Timeline t;
  TraceError error;
  EXPECT_TRUE(BuildTimeline(ReadSmallTrace(), &t, &error)) << error.message;
  return t;
}

TEST(SvgTimelineTest, RendersLanesLeaderBandsAndTooltips) {
  RenderOptions o;
  o.title = "small.jsonl";
  const std::string html = RenderHtml(Small(), o);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\""), std::string::npos);
  EXPECT_NE(html.find("swarmsim timeline: small.jsonl"), std::string::npos);
  EXPECT_NE(html.find("30 records, 0.000s – 0.000s"), std::string::npos);
  EXPECT_NE(html.find("seed 3"), std::string::npos);
  for (const char* lane : {"\"lane\">m1<", "\"lane\">m2<", "\"lane\">w1<", "\"lane\">leader<"}) {
    EXPECT_EQ(Count(html, lane), 1) << lane;
  }
  // One leader band per manager lane, and two in the cluster's leader row.
  EXPECT_EQ(Count(html, "class=\"raft-leader\""), 2);
  EXPECT_EQ(Count(html, "class=\"leader-band\""), 2);
  EXPECT_NE(html.find("<title>m1: leader, term 2, leader m1 [0.000s – 0.000s]</title>"),
            std::string::npos);
  EXPECT_EQ(Count(html, "class=\"session-end\""), 1);
  EXPECT_NE(html.find("ended: UNAVAILABLE: connection reset"), std::string::npos);
  EXPECT_EQ(Count(html, "class=\"status-READY\""), 1);
  EXPECT_NE(html.find(">crash m1<title>"), std::string::npos);
  EXPECT_NE(html.find("m1's from 0.000s, then m2's from 0.000s"), std::string::npos);
  EXPECT_EQ(html.find("more lanes omitted"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);  // self-contained and inert
}

TEST(SvgTimelineTest, CapsLanesAndSaysHowManyWereOmitted) {
  RenderOptions o;
  o.max_lanes = 1;
  const std::string html = RenderHtml(Small(), o);
  EXPECT_EQ(Count(html, ">m1</text>"), 1);
  EXPECT_EQ(Count(html, ">w1</text>"), 0);
  EXPECT_NE(html.find("2 more lanes omitted (m2 … w1)"), std::string::npos);
  EXPECT_NE(html.find("<b>2 omitted</b>"), std::string::npos);
}

TEST(SvgTimelineTest, MarkersOfOneKindAtOneInstantShareALabel) {
  Timeline t = Small();
  t.markers.push_back(Marker{5000, "crash", "crash m2", "host.crash", "m2"});
  t.markers.push_back(Marker{5000, "stop", "stop w1", "host.stop", "w1"});
  const std::string html = RenderHtml(t, RenderOptions());
  EXPECT_NE(html.find(">crash m1 m2<title>"), std::string::npos);
  EXPECT_NE(html.find(">stop w1<title>"), std::string::npos);
  EXPECT_EQ(Count(html, "class=\"marker-line\""), 3);  // crash m1 m2, stop w1, restart m1
}

TEST(SvgTimelineTest, EscapesText) {
  EXPECT_EQ(EscapeHtml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(EscapeHtml("bell\a esc\x1b[31m del\x7f"), "bell\\x07 esc\\x1b[31m del\\x7f");
  Timeline t = Small();
  t.lanes[2].name = "<w1&>";
  const std::string html = RenderHtml(t, RenderOptions());
  EXPECT_NE(html.find(">&lt;w1&amp;&gt;</text>"), std::string::npos);
  EXPECT_EQ(html.find("<w1&>"), std::string::npos);
}

// A cut trace's warning is a visible note under the header, escaped like everything else.
TEST(SvgTimelineTest, ShowsTheInputWarningAsANote) {
  RenderOptions o;
  EXPECT_EQ(RenderHtml(Small(), o).find("class=\"warning\""), std::string::npos);
  o.warning = "t.jsonl:31: the last record is cut short (<cut>)";
  const std::string html = RenderHtml(Small(), o);
  EXPECT_NE(html.find("<p class=\"warning\">t.jsonl:31: the last record is cut short "
                      "(&lt;cut&gt;)</p>"),
            std::string::npos);
}

}  // namespace
}  // namespace viz
}  // namespace swarmsim
