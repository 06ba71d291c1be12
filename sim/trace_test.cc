#include "sim/trace.h"

#include <sstream>

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace sim {
namespace {

void Fill(Trace& t, int64_t last_value) {
  t.Append(Time::FromNanos(10), 0, "net.drop", {{"to", 1}, {"reason", "loss"}});
  t.Append(Time::FromNanos(20), kNoHost, "host.add", {{"name", "m1"}});
  t.Append(Time::FromNanos(30), 2, "raft.vote", {{"term", last_value}});
}

TEST(TraceTest, Fnv1aMatchesReferenceVectors) {
  EXPECT_EQ(Fnv1a64(kFnvOffsetBasis, ""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64(kFnvOffsetBasis, "a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64(kFnvOffsetBasis, "foobar"), 0x85944171f73967e8ULL);
}

TEST(TraceTest, DigestIsPinned) {
  Trace t;
  Fill(t, 3);
  // Golden, cross-checked with an independent Python encoder (word mixer of trace.cc, 2026-12).
  // Changes only if the canonical encoding or the mixer changes (then every golden digest does).
  EXPECT_EQ(t.digest(), 0x0cd29af23dd70dcdULL) << std::hex << t.digest();
}

TEST(TraceTest, EqualRecordsGiveEqualDigests) {
  Trace a, b;
  Fill(a, 3);
  Fill(b, 3);
  EXPECT_EQ(a.digest(), b.digest());
  EXPECT_FALSE(FirstDifference(a, b).has_value());
}

// The semantic digest is the full digest of the same trace with its transport records taken out
// (numbered among the rest): transport records change only the full digest.
TEST(TraceTest, SemanticDigestLeavesOutTransportRecords) {
  Trace with_transport, without;
  with_transport.Append(Time::FromNanos(1), 0, "raft.state", {{"term", 1}});
  with_transport.Append(Time::FromNanos(2), 0, "rpc.done", {{"code", "OK"}});
  with_transport.Append(Time::FromNanos(3), 1, "net.drop", {{"peer", 0}});
  with_transport.Append(Time::FromNanos(4), 1, "raft.state", {{"term", 2}});
  without.Append(Time::FromNanos(1), 0, "raft.state", {{"term", 1}});
  without.Append(Time::FromNanos(4), 1, "raft.state", {{"term", 2}});
  EXPECT_EQ(with_transport.semantic_digest(), without.semantic_digest());
  EXPECT_EQ(without.semantic_digest(), without.digest());
  EXPECT_NE(with_transport.digest(), without.digest());
  EXPECT_TRUE(IsTransportKind("net.deliver"));
  EXPECT_TRUE(IsTransportKind("rpc.conn"));
  EXPECT_FALSE(IsTransportKind("raft.vote"));
  EXPECT_FALSE(IsTransportKind("network.heal"));
}

TEST(TraceTest, DigestWithoutKeptRecordsIsTheSame) {
  TraceOptions options;
  options.keep_records = false;
  Trace a, b(options);
  Fill(a, 3);
  Fill(b, 3);
  EXPECT_EQ(a.digest(), b.digest());
  EXPECT_EQ(b.size(), 3u);
}

TEST(TraceTest, IntAndStringFieldsHashDifferently) {
  Trace a, b;
  a.Append(Time(), 0, "k", {{"v", 1}});
  b.Append(Time(), 0, "k", {{"v", "1"}});
  EXPECT_NE(a.digest(), b.digest());
}

TEST(TraceTest, FirstDifferenceNamesTheRecordAndField) {
  Trace a, b;
  Fill(a, 3);
  Fill(b, 4);
  auto diff = FirstDifference(a, b);
  ASSERT_TRUE(diff.has_value());
  EXPECT_EQ(diff->index, 2u);
  EXPECT_NE(diff->description.find("field term: 3 vs 4"), std::string::npos) << diff->description;
}

TEST(TraceTest, FirstDifferenceReportsAShorterTrace) {
  Trace a, b;
  Fill(a, 3);
  Fill(b, 3);
  b.Append(Time::FromNanos(40), 1, "extra", {});
  auto diff = FirstDifference(a, b);
  ASSERT_TRUE(diff.has_value());
  EXPECT_EQ(diff->index, 3u);
  EXPECT_NE(diff->description.find("trace A ends after 3"), std::string::npos);
}

TEST(TraceTest, JsonLinesFormatsOnWrite) {
  Trace t;
  Fill(t, 3);
  t.Append(Time::FromNanos(40), 1, "odd", {{"s", "a\"b\\c\n"}});
  std::ostringstream out;
  t.WriteJsonLines(out);
  EXPECT_EQ(
      out.str(),
      "{\"t_ns\":10,\"seq\":0,\"host\":0,\"kind\":\"net.drop\",\"to\":1,\"reason\":\"loss\"}\n"
      "{\"t_ns\":20,\"seq\":1,\"host\":-1,\"kind\":\"host.add\",\"name\":\"m1\"}\n"
      "{\"t_ns\":30,\"seq\":2,\"host\":2,\"kind\":\"raft.vote\",\"term\":3}\n"
      "{\"t_ns\":40,\"seq\":3,\"host\":1,\"kind\":\"odd\",\"s\":\"a\\\"b\\\\c\\n\"}\n");
}

TEST(TraceTest, RecordsReadBackWithTheirFields) {
  Trace t;
  Fill(t, 3);
  const TraceRecord r = t.Get(0);
  EXPECT_EQ(r.kind, "net.drop");
  EXPECT_EQ(r.Int("to"), 1);
  EXPECT_EQ(r.Str("reason"), "loss");
}

TEST(TraceTest, ObserversSeeEveryRecordInOrder) {
  Trace t;
  std::vector<std::string> kinds;
  t.AddObserver([&](const TraceRecord& r) { kinds.push_back(r.kind); });
  Fill(t, 3);
  EXPECT_EQ(kinds, (std::vector<std::string>{"net.drop", "host.add", "raft.vote"}));
}

TEST(TraceTest, FilteredObserverSeesOnlyTheKindsItWantsAndIsAskedOncePerKind) {
  Trace t;
  std::vector<std::string> all;
  std::vector<std::string> raft;
  std::vector<std::string> asked;
  t.AddObserver([&](const TraceRecord& r) { all.push_back(r.kind); });
  t.AddObserver([&](const TraceRecord& r) { raft.push_back(r.kind); },
                [&](absl::string_view kind) {
                  asked.emplace_back(kind);
                  return absl::StartsWith(kind, "raft.");
                });
  Fill(t, 3);
  Fill(t, 3);
  EXPECT_EQ(all, (std::vector<std::string>{"net.drop", "host.add", "raft.vote", "net.drop",
                                           "host.add", "raft.vote"}));
  EXPECT_EQ(raft, (std::vector<std::string>{"raft.vote", "raft.vote"}));
  EXPECT_EQ(asked, (std::vector<std::string>{"net.drop", "host.add", "raft.vote"}));
}

TEST(TraceTest, ObserverAddedLateSeesKindsAlreadyInterned) {
  Trace t;
  Fill(t, 3);
  std::vector<std::string> seen;
  t.AddObserver([&](const TraceRecord& r) { seen.push_back(r.kind); },
                [](absl::string_view kind) { return kind != "host.add"; });
  Fill(t, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"net.drop", "raft.vote"}));
}

TEST(TraceTest, KindsFromReusedBuffersAreNeverConfused) {
  // The kind cache is keyed by the characters' address: a buffer reused for another kind must
  // still be told apart (the filter is per kind).
  Trace t;
  std::vector<std::string> seen;
  t.AddObserver([&](const TraceRecord& r) { seen.push_back(r.kind); },
                [](absl::string_view kind) { return kind == "b.two"; });
  char buffer[] = "a.one";
  t.Append(Time(), 0, absl::string_view(buffer), {});
  buffer[0] = 'b';
  buffer[2] = 't';
  buffer[3] = 'w';
  buffer[4] = 'o';
  t.Append(Time(), 0, absl::string_view(buffer), {});
  EXPECT_EQ(seen, (std::vector<std::string>{"b.two"}));
}

TEST(TraceDeathTest, RecordBoundFailsLoudly) {
  TraceOptions options;
  options.record_count_max = 2;
  Trace t(options);
  t.Append(Time(), 0, "a", {});
  t.Append(Time(), 0, "a", {});
  EXPECT_DEATH(t.Append(Time(), 0, "a", {}), "record_count_max");
}

TEST(TraceDeathTest, ReservedFieldKeyFails) {
  Trace t;
  EXPECT_DEATH(t.Append(Time(), 0, "a", {{"seq", 1}}), "seq");
}

}  // namespace
}  // namespace sim
