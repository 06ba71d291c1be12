// Properties of the agent under random dispatcher misbehaviour (rapidcheck, pinned seed): the
// backoff rule of reference §1.3 holds note by note, session IDs are reused on reconnect, and no
// task status sent to any dispatcher ever goes backwards. The Agent's own invariants run after
// every input.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/agent/agent.h"
#include "model/agent/fake_cluster.h"
#include "rapidcheck/gtest.h"

namespace swarmsim {
namespace agent {
namespace {

sim::Time T(absl::Duration d) { return sim::Time::Zero() + d; }

absl::Status RandomError() {
  switch (*rc::gen::inRange(0, 5)) {
    case 0: return absl::NotFoundError("node not registered");
    case 1: return absl::InvalidArgumentError("session invalid");
    case 2: return absl::AbortedError("dispatcher is stopped");
    case 3: return absl::UnavailableError("connection refused");
    default: return absl::InternalError("boom");
  }
}

RC_GTEST_PROP(AgentPropertyTest, BackoffRuleSessionReuseAndMonotoneStatusesUnderRandomFaults,
              ()) {
  const std::vector<std::string> names = {"m1", "m2", "m3"};
  AgentConfig config;
  config.node_id = "worker-1";
  config.local_manager = *rc::gen::inRange(0, 4) == 0;
  config.dispatcher_rpc_timeout = absl::Milliseconds(*rc::gen::inRange(200, 5001));
  config.node_update_period = absl::Seconds(*rc::gen::inRange(5, 30));
  for (const std::string& n : names) config.initial_remotes.push_back(FakeCluster::Manager(n));
  FakeCluster c(config, *rc::gen::arbitrary<uint64_t>());
  c.latency = absl::Milliseconds(*rc::gen::inRange(1, 50));
  std::vector<api::Task> tasks;
  for (int i = 0; i < *rc::gen::inRange(0, 4); ++i) {
    api::Task t;
    t.set_id("t" + std::to_string(i));
    t.set_desired_state(api::TASK_RUNNING);
    t.mutable_status()->set_state(api::TASK_ASSIGNED);
    tasks.push_back(t);
  }
  for (const std::string& n : {std::string("m1"), std::string("m2"), std::string("m3"),
                               std::string("local")}) {
    FakeDispatcher& d = c.dispatcher(n);
    d.managers = config.initial_remotes;
    d.tasks = tasks;
    d.session_errors_left = *rc::gen::inRange(0, 4);
    d.session_hangs_left = *rc::gen::inRange(0, 2);
    for (int i = 0; i < *rc::gen::inRange(0, 4); ++i) d.heartbeat_errors.push_back(RandomError());
    for (int i = 0; i < *rc::gen::inRange(0, 3); ++i) {
      d.update_status_errors.push_back(RandomError());
    }
  }
  c.Start();
  const int kill_at_s = *rc::gen::inRange(1, 60);
  const std::string victim = names[static_cast<size_t>(*rc::gen::inRange(0, 3))];
  const bool power_off = *rc::gen::arbitrary<bool>();
  c.RunUntil(T(absl::Seconds(kill_at_s)));
  if (power_off) {
    c.dispatcher(victim).hung = true;
  } else {
    c.KillDispatcher(victim);
  }
  if (*rc::gen::arbitrary<bool>()) {
    api::NodeDescription changed = c.agent().description();
    changed.set_generation(changed.generation() + 1);
    c.Apply(c.agent().SetDescription(c.now(), changed));
  }
  c.RunUntil(T(absl::Seconds(120)));

  // The backoff rule, note by note.
  absl::Duration b = absl::ZeroDuration();
  std::string last_session_id;
  for (const auto& r : c.notes()) {
    const Note& n = r.note;
    if (n.kind == NoteKind::kRegistered) b = absl::ZeroDuration();
    if (n.kind == NoteKind::kSessionEnded && n.reason != "node description changed") {
      b = std::min(absl::Milliseconds(100) + 2 * b, absl::Seconds(8));
    }
    if (n.kind == NoteKind::kSessionEnded) RC_ASSERT(n.backoff == b);
    if (n.kind == NoteKind::kBackoff) {
      RC_ASSERT(n.backoff == b);
      const bool delay_in_bounds =
          b == absl::ZeroDuration() ? n.delay == absl::ZeroDuration() : n.delay < b;
      RC_ASSERT(delay_in_bounds);
    }
  }
  // Session IDs: every Session call presents the ID the previous session ended with.
  std::string expected_id;
  std::vector<FakeCluster::CallRecord> sessions = c.CallsOf(CallKind::kSession);
  size_t ended_seen = 0;
  auto ended = c.NotesOf(NoteKind::kSessionEnded);
  for (const auto& call : sessions) {
    while (ended_seen < ended.size() && ended[ended_seen].at <= call.at) {
      expected_id = ended[ended_seen].note.session_id;
      ++ended_seen;
    }
    RC_ASSERT(std::get<api::SessionRequest>(call.call.request).session_id() == expected_id);
    if (config.local_manager) RC_ASSERT(call.call.target.local);
  }
  // Statuses never go backwards, across every dispatcher, in time order.
  std::map<std::string, std::vector<std::pair<sim::Time, api::TaskState>>> sent;
  for (const std::string& n : {std::string("m1"), std::string("m2"), std::string("m3"),
                               std::string("local")}) {
    const FakeDispatcher& d = c.dispatcher(n);
    for (size_t i = 0; i < d.status_updates.size(); ++i) {
      sent[d.status_updates[i].task_id()].push_back(
          {d.status_update_times[i], d.status_updates[i].status().state()});
    }
  }
  for (auto& [id, v] : sent) {
    std::stable_sort(v.begin(), v.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 1; i < v.size(); ++i) RC_ASSERT(v[i - 1].second <= v[i].second);
  }
}

}  // namespace
}  // namespace agent
}  // namespace swarmsim
