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
}

// One offline file: the page's only script is inline, nothing is loaded from anywhere (the one
// URL is the SVG namespace, a name, not a fetch).
TEST(SvgTimelineTest, PageIsOneOfflineFileWithItsScriptInline) {
  const std::string html = RenderHtml(Small(), RenderOptions());
  EXPECT_EQ(Count(html, "<script"), 1);
  EXPECT_EQ(Count(html, "<script>"), 1);
  EXPECT_NE(html.find("window.swarmsimTimeline"), std::string::npos);
  EXPECT_EQ(Count(html, "http"), Count(html, "http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find(" href="), std::string::npos);
}

// The script zooms by re-placing elements: each band says its interval, in ns since the first
// record, and the page the range it spans.
TEST(SvgTimelineTest, BandsCarryTheirTimesForZooming) {
  const std::string html = RenderHtml(Small(), RenderOptions());
  EXPECT_NE(html.find("data-span=\"11000\""), std::string::npos);
  EXPECT_NE(html.find("class=\"raft-leader\" data-b=\"2000\" data-e=\"5000\""),
            std::string::npos);
  EXPECT_NE(html.find("class=\"session-end\" data-tick=\"6000\""), std::string::npos);
  EXPECT_NE(html.find("<g class=\"marker\" data-t=\"5000\""), std::string::npos);
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
  // Text that is not UTF-8 (a damaged or hostile trace file) comes out as valid UTF-8: each bad
  // byte, and each byte of a C1 control, shown as \xNN; well-formed characters pass through.
  EXPECT_EQ(EscapeHtml("w\xd5 \xe2\x82 \xc2\x9b ok \xc3\xa9"),
            "w\\xd5 \\xe2\\x82 \\xc2\\x9b ok \xc3\xa9");
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

// `n` workers, each READY over the whole run but the first, DOWN from 50.
Timeline Workers(int n) {
  Timeline t;
  t.begin_ns = 0;
  t.end_ns = 100;
  Lane m;
  m.name = "m1";
  m.host_id = 0;
  m.manager = true;
  t.lanes.push_back(m);
  t.managers = {"m1"};
  for (int i = 1; i <= n; ++i) {
    Lane w;
    w.name = "w" + std::to_string(i);
    w.host_id = i;
    w.life.push_back(Band{0, 100, "up", "", "", ""});
    if (i == 1) {
      w.status = {Band{0, 50, "READY", "", "", ""}, Band{50, 100, "DOWN", "", "", ""}};
    } else {
      w.status = {Band{0, 100, "READY", "", "", ""}};
    }
    t.lanes.push_back(w);
  }
  return t;
}

// Workers are summarised in lanes of counts (groups of at most 32, in lane order) whose own
// lanes are listed under them; from 13 workers on they start hidden.
TEST(SvgTimelineTest, WorkersAreSummarisedInGroupsThatStartCollapsedAtScale) {
  std::string html = RenderHtml(Workers(5), RenderOptions());
  EXPECT_EQ(Count(html, "<g class=\"lane summary\""), 1);
  EXPECT_NE(html.find("data-toggle=\"g1\">▾ w1–w5"), std::string::npos);
  EXPECT_EQ(Count(html, "data-in=\"g1\""), 5);
  EXPECT_EQ(Count(html, "data-in=\"g1\" transform=\"translate(0,"), 5);
  EXPECT_EQ(html.find("display:none\">\n"), std::string::npos);  // no hidden lane
  EXPECT_NE(html.find("w1–w5 (5 workers) node: READY 4, UNKNOWN 0, DOWN 1, DISCONNECTED 0 "
                      "[0.000s – 0.000s]"),
            std::string::npos);

  html = RenderHtml(Workers(13), RenderOptions());
  EXPECT_NE(html.find("data-toggle=\"g1\">▸ w1–w13"), std::string::npos);
  EXPECT_EQ(Count(html, "style=\"display:none\">\n"), 13);

  html = RenderHtml(Workers(40), RenderOptions());  // two groups of 20
  EXPECT_EQ(Count(html, "<g class=\"lane summary\""), 2);
  EXPECT_NE(html.find("data-toggle=\"g1\">▸ w1–w20"), std::string::npos);
  EXPECT_NE(html.find("data-toggle=\"g2\">▸ w21–w40"), std::string::npos);
  EXPECT_EQ(Count(html, "data-in=\"g2\""), 20);
}

// A service's lane: its running tasks, as high as the most it had, the count written where it
// fits.
TEST(SvgTimelineTest, ServiceLaneShowsRunningTasksOverTime) {
  Timeline t = Workers(1);
  ServiceTrack service;
  service.id = "svc1";
  service.tasks = {CountSegment{10, 60, {1, 2}}, CountSegment{60, 100, {3, 0}}};
  service.most = 3;
  t.services.push_back(service);
  const std::string html = RenderHtml(t, RenderOptions());
  EXPECT_EQ(Count(html, "<g class=\"lane service\""), 1);
  EXPECT_EQ(Count(html, "class=\"replicas\""), 2);
  EXPECT_EQ(Count(html, "class=\"starting\""), 1);
  EXPECT_NE(html.find("<title>svc1: 3 running, 0 starting [0.000s – 0.000s]</title>"),
            std::string::npos);
  // 3 of 3 fill the row (24 px); 1 of 3 is a third of it, under 2 of 3 starting.
  EXPECT_NE(html.find("y=\"3.0\" width=\"513.6\" height=\"24.0\" fill=\"#15803d\""),
            std::string::npos);
  EXPECT_NE(html.find("y=\"19.0\" width=\"642.0\" height=\"8.0\" fill=\"#15803d\""),
            std::string::npos);
}

}  // namespace
}  // namespace viz
}  // namespace swarmsim
