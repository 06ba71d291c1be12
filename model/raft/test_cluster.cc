#include "model/raft/test_cluster.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "model/raft/durable.h"
#include "model/raft/wire.h"
#include "sim/check.h"

namespace swarmsim {
namespace raft {

namespace {

std::string EncodeValues(const std::map<uint64_t, std::string>& values) {
  std::string out;
  for (const auto& [index, value] : values) absl::StrAppend(&out, index, "\t", value, "\n");
  return out;
}

std::map<uint64_t, std::string> DecodeValues(absl::string_view data) {
  std::map<uint64_t, std::string> values;
  for (absl::string_view line : absl::StrSplit(data, '\n', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, '\t');
    uint64_t index = 0;
    SIM_CHECK(absl::SimpleAtoi(kv.first, &index));
    values[index] = std::string(kv.second);
  }
  return values;
}

const char* ConfChangeTypeName(ConfChangeType type) {
  switch (type) {
    case ConfChangeType::kAddNode: return "add";
    case ConfChangeType::kRemoveNode: return "remove";
    case ConfChangeType::kUpdateNode: return "update";
  }
  return "?";
}

}  // namespace

std::string FormatEntry(const Entry& e) {
  std::string s = absl::StrCat(e.term, "/", e.index);
  if (e.type == EntryType::kConfChange) {
    ConfChange cc;
    if (DecodeConfChange(e.data.view(), &cc)) {
      absl::StrAppend(&s, " conf:", ConfChangeTypeName(cc.type), " ", cc.node_id);
    }
  } else if (!e.data.empty()) {
    absl::StrAppend(&s, " \"", e.data.view(), "\"");
  }
  return s;
}

std::string FormatMessage(const Message& m) {
  std::string s = absl::StrCat(m.from, "->", m.to, " ", MessageTypeName(m.type), " term=", m.term);
  if (m.log_term != 0) absl::StrAppend(&s, " log_term=", m.log_term);
  if (m.index != 0) absl::StrAppend(&s, " index=", m.index);
  if (m.commit != 0) absl::StrAppend(&s, " commit=", m.commit);
  if (m.reject) absl::StrAppend(&s, " rejected");
  if (m.reject && m.type == MessageType::kAppResp) absl::StrAppend(&s, " hint=", m.reject_hint);
  if (!m.entries.empty()) {
    std::vector<std::string> parts;
    for (const Entry& e : m.entries) parts.push_back(FormatEntry(e));
    absl::StrAppend(&s, " entries=[", absl::StrJoin(parts, ", "), "]");
  }
  if (m.type == MessageType::kSnap) {
    absl::StrAppend(&s, " snapshot=", m.snapshot.metadata.term, "/", m.snapshot.metadata.index,
                    " voters=", absl::StrJoin(m.snapshot.metadata.conf_state.voters, ","));
  }
  if (!m.context.empty()) absl::StrAppend(&s, " context=", m.context);
  return s;
}

TestCluster::TestCluster(const ClusterOptions& options) : options_(options), root_(options.seed) {
  std::vector<uint64_t> voters;
  for (int i = 1; i <= options_.size; ++i) voters.push_back(static_cast<uint64_t>(i));
  for (uint64_t id : voters) {
    TestNode& n = nodes_[id];
    n.id = id;
    StartNode(n);
    n.raft->Bootstrap(voters);
  }
  ProcessAll();
}

void TestCluster::StartNode(TestNode& n) {
  n.storage = std::make_unique<MemoryStorage>();
  absl::Status status = Recover(n.disk, n.storage.get());
  SIM_CHECK_MSG(status.ok(), status.ToString());
  const Snapshot& snap = n.storage->snapshot();
  n.values = DecodeValues(snap.data.view());
  n.applied = snap.metadata.index;
  n.snapshot_index = snap.metadata.index;
  RaftOptions raft_options = options_.raft;
  raft_options.id = n.id;
  raft_options.applied = 0;
  // Each incarnation draws from its own stream: a restart does not replay the same timeouts.
  const uint64_t stream = n.id * 1000 + static_cast<uint64_t>(n.incarnation);
  n.raft = std::make_unique<RaftNode>(raft_options, n.storage.get(), root_.Fork(stream));
  n.soft = n.raft->soft_state();
  n.up = true;
  ++n.incarnation;
}

void TestCluster::AddNode(uint64_t id) {
  SIM_CHECK(nodes_.count(id) == 0);
  TestNode& n = nodes_[id];
  n.id = id;
  StartNode(n);
}

void TestCluster::Crash(uint64_t id) {
  TestNode& n = node(id);
  if (!n.up) return;
  n.up = false;
  n.raft.reset();
  n.storage.reset();
  n.values.clear();
  Event(absl::StrCat(id, " crashed"));
}

void TestCluster::Restart(uint64_t id) {
  SIM_CHECK(!IsRemoved(id));
  TestNode& n = node(id);
  if (n.up) return;
  StartNode(n);
  Event(absl::StrCat(id, " restarted term=", n.raft->term(), " commit=", n.raft->commit(),
                     " last=", n.raft->last_index()));
  CheckCommittedPrefix(n, "restart");
  Process(id);
}

bool TestCluster::IsUp(uint64_t id) const {
  auto it = nodes_.find(id);
  return it != nodes_.end() && it->second.up;
}

TestNode& TestCluster::node(uint64_t id) {
  auto it = nodes_.find(id);
  SIM_CHECK(it != nodes_.end());
  return it->second;
}

const TestNode& TestCluster::node(uint64_t id) const {
  auto it = nodes_.find(id);
  SIM_CHECK(it != nodes_.end());
  return it->second;
}

std::vector<uint64_t> TestCluster::ids() const {
  std::vector<uint64_t> out;
  for (const auto& [id, n] : nodes_) out.push_back(id);
  return out;
}

std::vector<uint64_t> TestCluster::up_ids() const {
  std::vector<uint64_t> out;
  for (const auto& [id, n] : nodes_) {
    if (n.up) out.push_back(id);
  }
  return out;
}

void TestCluster::Cut(uint64_t a, uint64_t b) { cuts_.emplace(std::min(a, b), std::max(a, b)); }

void TestCluster::Isolate(uint64_t id) {
  for (const auto& [other, n] : nodes_) {
    if (other != id) Cut(id, other);
  }
}

bool TestCluster::Linked(uint64_t a, uint64_t b) const {
  return cuts_.count({std::min(a, b), std::max(a, b)}) == 0;
}

void TestCluster::Tick(uint64_t id) {
  TestNode& n = node(id);
  if (!n.up) return;
  n.raft->Tick();
  Process(id);
}

void TestCluster::TickAllAndStabilize() {
  for (uint64_t id : up_ids()) {
    Tick(id);
    Stabilize();
  }
}

void TestCluster::Process(uint64_t id) {
  TestNode& n = node(id);
  if (!n.up) return;
  while (n.raft->HasReady()) {
    Ready rd = n.raft->GetReady();
    HandleReady(n, rd);
  }
  TrackSafety(n);
  std::vector<uint64_t> removals;
  removals.swap(pending_removals_);
  for (uint64_t removed : removals) {
    if (IsRemoved(removed) || nodes_.count(removed) == 0) continue;
    removed_.insert(removed);
    Event(absl::StrCat(removed, " removed: stops"));
    Crash(removed);
  }
}

void TestCluster::ProcessAll() {
  for (uint64_t id : up_ids()) Process(id);
}

void TestCluster::HandleReady(TestNode& n, Ready& rd) {
  if (rd.soft_state.has_value() && *rd.soft_state != n.soft) {
    n.soft = *rd.soft_state;
    Event(absl::StrCat(n.id, " is ", RaftRoleName(n.soft.role), " term=", n.raft->term(),
                       " lead=", n.soft.lead));
  }
  // 1. Persist: the disk first (the crash boundary), then the in-memory storage.
  if (HasDurableContent(rd)) n.disk.push_back(EncodeReadyRecord(rd));
  if (rd.snapshot.has_value()) SIM_CHECK(n.storage->ApplySnapshot(*rd.snapshot) == StorageError::kOk);
  n.storage->Append(rd.entries);
  if (rd.hard_state.has_value()) n.storage->SetHardState(*rd.hard_state);
  // 2. Send. Like SwarmKit's send, a MsgSnap carries the sender's current configuration rather
  // than the one captured with the snapshot (a member added since must find itself in it).
  for (Message& m : rd.messages) {
    if (m.type == MessageType::kSnap) m.snapshot.metadata.conf_state = n.raft->conf_state();
    in_flight_.push_back(std::move(m));
  }
  // 3. Apply.
  if (rd.snapshot.has_value()) {
    n.values = DecodeValues(rd.snapshot->data.view());
    n.applied = rd.snapshot->metadata.index;
    n.snapshot_index = rd.snapshot->metadata.index;
  }
  for (const Entry& e : rd.committed_entries) ApplyCommitted(n, e);
  MaybeSnapshot(n);
  // 4. Advance.
  n.raft->Advance(rd);
}

void TestCluster::ApplyCommitted(TestNode& n, const Entry& e) {
  SIM_CHECK_EQ(e.index, n.applied + 1);
  std::string record = absl::StrCat(e.term, "/", static_cast<int>(e.type), "/", e.data.view());
  auto [it, inserted] = applied_.emplace(e.index, record);
  if (!inserted && it->second != record) {
    Violation(absl::StrCat("state machine safety: node ", n.id, " applied ", record, " at ",
                           e.index, " where another applied ", it->second));
  }
  if (e.type == EntryType::kConfChange) {
    ConfChange cc;
    SIM_CHECK(DecodeConfChange(e.data.view(), &cc));
    n.raft->ApplyConfChange(cc);
    if (cc.type == ConfChangeType::kRemoveNode) pending_removals_.push_back(cc.node_id);
  } else if (!e.data.empty()) {
    n.values[e.index] = std::string(e.data.view());
  }
  n.applied = e.index;
}

void TestCluster::MaybeSnapshot(TestNode& n) {
  if (options_.snapshot_interval == 0) return;
  if (n.applied - n.snapshot_index < options_.snapshot_interval) return;
  SIM_CHECK(n.storage->CreateSnapshot(n.applied, n.raft->conf_state(),
                                      SharedBytes(EncodeValues(n.values))) == StorageError::kOk);
  if (n.applied > options_.keep_entries) n.storage->Compact(n.applied - options_.keep_entries);
  n.snapshot_index = n.applied;
  // The checkpoint replaces the whole write-ahead log (SwarmKit's WAL GC after a snapshot).
  n.disk.assign(1, EncodeCheckpoint(*n.storage));
}

void TestCluster::TrackSafety(TestNode& n) {
  RaftNode& r = *n.raft;
  if (r.role() == RaftRole::kLeader) {
    auto [it, inserted] = leaders_.emplace(r.term(), n.id);
    if (!inserted && it->second != n.id) {
      Violation(absl::StrCat("election safety: term ", r.term(), " has leaders ", it->second,
                             " and ", n.id));
    }
    if (inserted) {
      // Leader completeness: everything committed so far is in the new leader's log.
      for (const auto& [index, term] : committed_) {
        if (index < r.first_index()) continue;  // Inside its snapshot.
        if (r.TermAt(index) != term) {
          Violation(absl::StrCat("leader completeness: leader ", n.id, " of term ", r.term(),
                                 " lacks committed ", term, "/", index));
        }
      }
    }
  }
  // Record what this node has committed; it must agree with what others committed.
  for (uint64_t i = r.commit(); i >= r.first_index() && i > 0; --i) {
    const uint64_t term = r.TermAt(i);
    auto [it, inserted] = committed_.emplace(i, term);
    if (!inserted) {
      if (it->second != term) {
        Violation(absl::StrCat("committed entry changed: index ", i, " term ", it->second,
                               " then ", term, " on node ", n.id));
      }
      break;  // Everything below was recorded (and checked) before.
    }
  }
}

void TestCluster::CheckCommittedPrefix(const TestNode& n, const char* when) {
  const RaftNode& r = *n.raft;
  for (const auto& [index, term] : committed_) {
    if (index < r.first_index() || index > r.commit()) continue;
    if (r.TermAt(index) != term) {
      Violation(absl::StrCat(when, ": node ", n.id, " has ", r.TermAt(index), "/", index,
                             " but ", term, "/", index, " was committed"));
    }
  }
}

void TestCluster::CheckLogMatching() {
  const std::vector<uint64_t> up = up_ids();
  for (std::size_t a = 0; a < up.size(); ++a) {
    const RaftNode& ra = *node(up[a]).raft;
    CheckCommittedPrefix(node(up[a]), "log check");
    for (std::size_t b = a + 1; b < up.size(); ++b) {
      const RaftNode& rb = *node(up[b]).raft;
      const uint64_t lo = std::max(ra.first_index(), rb.first_index());
      const uint64_t hi = std::min(ra.last_index(), rb.last_index());
      if (lo > hi) continue;
      // From the highest index where the terms agree, everything below must agree too.
      uint64_t top = hi;
      while (top >= lo && ra.TermAt(top) != rb.TermAt(top)) --top;
      if (top < lo) continue;
      const std::vector<Entry> ea = ra.EntriesForTest(lo, top + 1);
      const std::vector<Entry> eb = rb.EntriesForTest(lo, top + 1);
      for (std::size_t i = 0; i < ea.size(); ++i) {
        if (ea[i].term != eb[i].term || ea[i].data != eb[i].data || ea[i].type != eb[i].type) {
          Violation(absl::StrCat("log matching: nodes ", up[a], " and ", up[b], " agree at ", top,
                                 " but differ at ", ea[i].index));
          break;
        }
      }
    }
  }
}

bool TestCluster::Deliver(const Message& m) {
  if (IsRemoved(m.from) || IsRemoved(m.to)) {
    Event("dropped (removed member) " + FormatMessage(m));
    return false;
  }
  if (!IsUp(m.to) || !Linked(m.from, m.to)) {
    Drop(m);  // Reports a snapshot's failure.
    // The sender's transport notices the failed send (SwarmKit reports the peer unreachable).
    if (options_.report_transport && IsUp(m.from)) {
      node(m.from).raft->ReportUnreachable(m.to);
      Process(m.from);
    }
    return false;
  }
  Event(FormatMessage(m));
  node(m.to).raft->Step(m);
  Process(m.to);
  if (m.type == MessageType::kSnap && options_.report_transport && IsUp(m.from)) {
    node(m.from).raft->ReportSnapshot(m.to, /*failure=*/false);
    Process(m.from);
  }
  return true;
}

void TestCluster::Drop(const Message& m) {
  Event("dropped " + FormatMessage(m));
  // A lost snapshot is a failed stream for SwarmKit's transport: it always reports the outcome
  // (ReportSnapshot), else the leader would wait for this snapshot forever.
  if (m.type == MessageType::kSnap && options_.report_transport && IsUp(m.from)) {
    node(m.from).raft->ReportSnapshot(m.to, /*failure=*/true);
    Process(m.from);
  }
}

void TestCluster::DeliverRound() {
  std::vector<Message> round;
  round.swap(in_flight_);
  for (const Message& m : round) Deliver(m);
}

int TestCluster::Stabilize(int max_rounds) {
  int rounds = 0;
  ProcessAll();
  while (!in_flight_.empty()) {
    SIM_CHECK_LT(rounds, max_rounds);
    DeliverRound();
    ++rounds;
  }
  return rounds;
}

StepResult TestCluster::Propose(uint64_t id, const std::string& value) {
  StepResult result = node(id).raft->Propose(SharedBytes(value));
  Process(id);
  return result;
}

StepResult TestCluster::ProposeConfChange(uint64_t id, ConfChangeType type, uint64_t node_id) {
  ConfChange cc;
  cc.type = type;
  cc.node_id = node_id;
  StepResult result = node(id).raft->ProposeConfChange(cc);
  Process(id);
  return result;
}

uint64_t TestCluster::Leader() const {
  uint64_t leader = kNone;
  uint64_t best_term = 0;
  for (const auto& [id, n] : nodes_) {
    if (!n.up || n.raft->role() != RaftRole::kLeader) continue;
    if (n.raft->term() > best_term) {
      best_term = n.raft->term();
      leader = id;
    }
  }
  return leader;
}

std::vector<uint64_t> TestCluster::Voters() const {
  const TestNode* best = nullptr;
  for (const auto& [id, n] : nodes_) {
    if (n.up && (best == nullptr || n.applied > best->applied)) best = &n;
  }
  if (best == nullptr) return {};
  return best->raft->conf_state().voters;
}

int TestCluster::CountApplied(const std::string& value) const {
  int count = 0;
  for (const auto& [id, n] : nodes_) {
    if (n.up && HasValue(id, value)) ++count;
  }
  return count;
}

bool TestCluster::HasValue(uint64_t id, const std::string& value) const {
  const TestNode& n = node(id);
  for (const auto& [index, v] : n.values) {
    if (v == value) return true;
  }
  return false;
}

std::vector<std::string> TestCluster::TakeEvents() {
  std::vector<std::string> out;
  out.swap(events_);
  return out;
}

void TestCluster::Violation(std::string what) { violations_.push_back(std::move(what)); }

void TestCluster::Event(std::string what) {
  if (verbose_) events_.push_back(std::move(what));
}

}  // namespace raft
}  // namespace swarmsim
