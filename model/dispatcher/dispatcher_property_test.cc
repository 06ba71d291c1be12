// Property: under random agent behaviour, leader flips, orchestrator writes and commit latencies,
// the dispatcher keeps its invariants (checked by the harness after every step) and its protocol
// promises, and the same inputs give the same outputs.
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "model/dispatcher/dispatcher_harness.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace swarmsim {
namespace dispatcher {
namespace {

constexpr int kNodes = 4;

std::string NodeName(int i) { return absl::StrFormat("n%d", i); }
std::string TaskName(int i) { return absl::StrFormat("t%d", i); }

using Op = std::tuple<int, int, int>;  // (kind, node, parameter)

// Runs the operations and returns a digest of everything the dispatcher emitted and wrote.
std::string Run(const std::vector<Op>& ops, uint64_t seed, DispatcherHarness* out_harness) {
  DispatcherHarness& h = *out_harness;
  (void)seed;
  for (int i = 0; i < kNodes; ++i) {
    h.AddNode(NodeName(i), i == 0 ? api::NodeStatus::DOWN : api::NodeStatus::READY);
    h.AddTask(TaskName(i), NodeName(i), i % 2 == 0 ? api::TASK_ASSIGNED : api::TASK_PENDING);
  }
  h.Start();
  CallId next_call = 1;
  std::map<std::string, std::string> session_of;  // Last session ID each node was given.
  size_t scanned = 0;
  std::vector<CallId> calls;
  bool leader = true;
  for (const auto& [kind, node_index, parameter] : ops) {
    const std::string node = NodeName(node_index);
    switch (kind) {
      case 0:
        h.Session(next_call, node);
        calls.push_back(next_call++);
        break;
      case 1:
        h.Session(next_call, node, session_of[node]);
        calls.push_back(next_call++);
        break;
      case 2:
        h.Heartbeat(next_call++, node, session_of[node]);
        break;
      case 3: {
        const int states[] = {api::TASK_ACCEPTED, api::TASK_RUNNING, api::TASK_FAILED,
                              api::TASK_PREPARING};
        h.UpdateTaskStatus(
            next_call++, node, session_of[node],
            {{TaskName(node_index), static_cast<api::TaskState>(states[parameter % 4])},
             {TaskName((node_index + parameter) % kNodes), api::TASK_RUNNING}});
        break;
      }
      case 4:
        h.Assignments(next_call, node, session_of[node]);
        calls.push_back(next_call++);
        break;
      case 5:
        h.AdvanceBy(absl::Milliseconds(parameter));
        break;
      case 6:
        if (leader) {
          h.Stop();
        } else {
          h.Start();
        }
        leader = !leader;
        break;
      case 7:
        if (parameter % 2 == 0) {
          h.SetTaskState(TaskName(node_index),
                         parameter % 3 == 0 ? api::TASK_ASSIGNED : api::TASK_RUNNING);
        } else {
          h.SetTaskDesiredState(TaskName(node_index), api::TASK_SHUTDOWN);
        }
        break;
      case 8:
        if (!calls.empty()) h.CancelStream(calls[parameter % calls.size()]);
        break;
      case 9:
        h.set_commit_latency(absl::Milliseconds(parameter % 50));
        break;
    }
    for (; scanned < h.sent().size(); ++scanned) {
      const Sent& sent = h.sent()[scanned];
      if (sent.envelope.kind == EnvelopeKind::kSessionMessage) {
        session_of[sent.envelope.session.node().id()] = sent.envelope.session.session_id();
      }
    }
  }
  h.AdvanceBy(absl::Seconds(40));
  std::string digest;
  for (const Sent& sent : h.sent()) {
    digest +=
        absl::StrFormat("%d/%d/%s/%s/%d/%s;", sent.at.nanos(), sent.envelope.call,
                        EnvelopeKindName(sent.envelope.kind), sent.envelope.status.ToString(),
                        sent.envelope.heartbeat.period_ns(), sent.envelope.session.session_id());
  }
  for (const auto& [id, node] : h.store().nodes()) {
    digest += absl::StrFormat("%s=%d@%d;", id, node.status().state(), node.meta().version());
  }
  for (const auto& [id, task] : h.store().tasks()) {
    digest += absl::StrFormat("%s=%d@%d;", id, task.status().state(), task.meta().version());
  }
  return digest;
}

RC_GTEST_PROP(DispatcherPropertyTest, RandomAgentsKeepProtocolPromises, ()) {
  const auto ops = *rc::gen::container<std::vector<Op>>(rc::gen::tuple(
      rc::gen::inRange(0, 10), rc::gen::inRange(0, kNodes), rc::gen::inRange(0, 20000)));
  const uint64_t seed = *rc::gen::inRange<uint64_t>(1, 1000);
  DispatcherHarness h(DispatcherConfig(), seed);
  const std::string digest = Run(ops, seed, &h);

  // Same inputs, same seed: same outputs, byte for byte.
  DispatcherHarness again(DispatcherConfig(), seed);
  RC_ASSERT(Run(ops, seed, &again) == digest);

  // Session IDs are never reused, for any node.
  std::set<std::string> issued;
  for (const Noted& noted : h.NotesOf(NoteKind::kRegistrationAccepted)) {
    RC_ASSERT(issued.insert(noted.note.session_id).second);
  }
  std::map<CallId, std::vector<const Sent*>> by_call;
  for (const Sent& sent : h.sent()) by_call[sent.envelope.call].push_back(&sent);
  for (const auto& [call, sent] : by_call) {
    for (size_t i = 0; i < sent.size(); ++i) {
      const Envelope& envelope = sent[i]->envelope;
      // Nothing follows the end of a stream; a stream never ends OK.
      if (envelope.kind == EnvelopeKind::kStreamEnd) {
        RC_ASSERT(i + 1 == sent.size());
        RC_ASSERT(!envelope.status.ok());
      }
      if (envelope.kind == EnvelopeKind::kHeartbeatReply && envelope.status.ok()) {
        RC_ASSERT(envelope.heartbeat.period_ns() >= 4500000000);
        RC_ASSERT(envelope.heartbeat.period_ns() < 5500000000);
      }
      // Assignments: COMPLETE first, then INCREMENTAL, each applying to the previous result.
      if (envelope.kind == EnvelopeKind::kAssignmentsMessage) {
        const api::AssignmentsMessage& message = envelope.assignments;
        RC_ASSERT(message.results_in() == absl::StrFormat("%d", i + 1));
        RC_ASSERT(message.applies_to() == (i == 0 ? "" : absl::StrFormat("%d", i)));
        RC_ASSERT((message.type() == api::AssignmentsMessage::COMPLETE) == (i == 0));
        if (i > 0) RC_ASSERT(message.changes_size() > 0);
      }
    }
  }
  RC_CLASSIFY(!h.NotesOf(NoteKind::kRegistrationAccepted).empty(), "registered");
  RC_CLASSIFY(!h.NotesOf(NoteKind::kHeartbeatExpired).empty(), "expired");
  RC_CLASSIFY(!h.NotesOf(NoteKind::kAssignmentsStarted).empty(), "assignments");
  RC_CLASSIFY(h.NotesOf(NoteKind::kDispatcherStopped).size() > 1, "re-elected");
  // A stopped dispatcher neither serves nor keeps state.
  if (h.dispatcher().state() == Dispatcher::State::kStopped) {
    RC_ASSERT(h.dispatcher().registry().size() == 0u);
  }
}

}  // namespace
}  // namespace dispatcher
}  // namespace swarmsim
