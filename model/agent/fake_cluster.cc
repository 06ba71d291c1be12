#include "model/agent/fake_cluster.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/check.h"

namespace swarmsim {
namespace agent {

FakeCluster::FakeCluster(AgentConfig config, uint64_t seed)
    : agent_(config, sim::Prng(seed)) {
  // By default every known manager lists all known managers, so sessions do not prune them.
  for (const api::WeightedPeer& peer : config.initial_remotes) {
    dispatchers_[peer.node_id()].managers = config.initial_remotes;
  }
}

api::WeightedPeer FakeCluster::Manager(const std::string& node_id) {
  api::WeightedPeer peer;
  peer.set_node_id(node_id);
  peer.set_addr(absl::StrCat(node_id, ":2377"));
  peer.set_weight(10);
  return peer;
}

void FakeCluster::Start() { Apply(agent_.Start(now_)); }

void FakeCluster::At(sim::Time at, std::function<void()> fn) {
  SIM_CHECK(at >= now_);
  queue_.push_back(Event{at, next_seq_++, std::move(fn)});
}

void FakeCluster::RunUntil(sim::Time until) {
  for (int guard = 0; guard < 10000000; ++guard) {
    auto next = queue_.end();
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
      if (it->at > until) continue;
      if (next == queue_.end() || it->at < next->at ||
          (it->at == next->at && it->seq < next->seq)) {
        next = it;
      }
    }
    if (next == queue_.end()) {
      now_ = until;
      return;
    }
    Event event = std::move(*next);
    queue_.erase(next);
    now_ = event.at;
    event.fn();
  }
  SIM_CHECK_MSG(false, "fake cluster did not settle");
}

void FakeCluster::Apply(AgentOutput out) {
  for (Note& note : out.notes) notes_.push_back(NoteRecord{now_, std::move(note)});
  for (CallId id : out.cancels) MarkDone(id);
  for (const TimerRequest& timer : out.timers) {
    At(timer.at, [this, timer] { Apply(agent_.OnTimer(now_, timer)); });
  }
  for (const RpcCall& call : out.calls) {
    calls_.push_back(CallRecord{now_, call, true});
    Serve(call);
  }
}

FakeCluster::CallRecord* FakeCluster::Find(CallId call) {
  for (CallRecord& r : calls_) {
    if (r.call.id == call) return &r;
  }
  return nullptr;
}

bool FakeCluster::IsOpen(CallId call) const {
  for (const CallRecord& r : calls_) {
    if (r.call.id == call) return r.open;
  }
  return false;
}

void FakeCluster::MarkDone(CallId call) {
  if (CallRecord* r = Find(call)) r->open = false;
}

std::optional<CallId> FakeCluster::OpenCall(CallKind kind) const {
  for (auto it = calls_.rbegin(); it != calls_.rend(); ++it) {
    if (it->open && it->call.kind == kind) return it->call.id;
  }
  return std::nullopt;
}

std::vector<FakeCluster::NoteRecord> FakeCluster::NotesOf(NoteKind kind) const {
  std::vector<NoteRecord> out;
  for (const NoteRecord& r : notes_) {
    if (r.note.kind == kind) out.push_back(r);
  }
  return out;
}

std::vector<FakeCluster::CallRecord> FakeCluster::CallsOf(CallKind kind) const {
  std::vector<CallRecord> out;
  for (const CallRecord& r : calls_) {
    if (r.call.kind == kind) out.push_back(r);
  }
  return out;
}

void FakeCluster::Reply(CallId call, std::function<void()> deliver) {
  At(now_ + latency, [this, call, deliver = std::move(deliver)] {
    if (IsOpen(call)) deliver();  // A cancelled call gets nothing, as with a real RPC layer.
  });
}

api::SessionMessage FakeCluster::MessageFrom(const std::string& name) {
  FakeDispatcher& d = dispatchers_[name];
  api::SessionMessage msg;
  msg.set_session_id(d.session_id);
  msg.mutable_node()->set_id(agent_.config().node_id);
  for (const api::WeightedPeer& m : d.managers) *msg.add_managers() = m;
  return msg;
}

void FakeCluster::PushSessionMessage(CallId call, api::SessionMessage msg) {
  Reply(call, [this, call, msg] { Apply(agent_.OnSessionMessage(now_, call, msg)); });
}

void FakeCluster::PushAssignments(CallId call, api::AssignmentsMessage msg) {
  Reply(call, [this, call, msg] { Apply(agent_.OnAssignmentsMessage(now_, call, msg)); });
}

void FakeCluster::EndStream(CallId call, absl::Status status) {
  CallRecord* r = Find(call);
  SIM_CHECK(r != nullptr);
  const CallKind kind = r->call.kind;
  Reply(call, [this, call, kind, status] {
    MarkDone(call);
    switch (kind) {
      case CallKind::kSession: Apply(agent_.OnSessionStreamEnd(now_, call, status)); break;
      case CallKind::kAssignments: Apply(agent_.OnAssignmentsStreamEnd(now_, call, status)); break;
      case CallKind::kHeartbeat: Apply(agent_.OnHeartbeatReply(now_, call, status)); break;
      case CallKind::kUpdateTaskStatus:
        Apply(agent_.OnUpdateTaskStatusReply(now_, call, status));
        break;
    }
  });
}

void FakeCluster::KillDispatcher(const std::string& name) {
  dispatchers_[name].dead = true;
  for (const CallRecord& r : calls_) {
    if (r.open && r.call.target.Name() == name) {
      EndStream(r.call.id, absl::UnavailableError("transport is closing"));
    }
  }
}

void FakeCluster::Serve(const RpcCall& call) {
  const std::string name = call.target.Name();
  FakeDispatcher& d = dispatchers_[name];
  if (d.hung) return;
  if (d.dead) {
    EndStream(call.id, absl::UnavailableError("connection refused"));
    return;
  }
  const CallId id = call.id;
  switch (call.kind) {
    case CallKind::kSession: {
      const auto& request = std::get<api::SessionRequest>(call.request);
      d.session_calls++;
      d.requested_session_ids.push_back(request.session_id());
      if (d.session_errors_left > 0) {
        d.session_errors_left--;
        EndStream(id, absl::UnknownError("terminate immediately"));
        return;
      }
      if (d.session_hangs_left > 0) {
        d.session_hangs_left--;
        return;
      }
      // Reuse the session when the agent presents the one this dispatcher knows.
      if (request.session_id().empty() || request.session_id() != d.session_id) {
        d.session_id = absl::StrCat(session_counter_prefix, next_session_++);
      }
      d.sessions_opened++;
      PushSessionMessage(id, MessageFrom(name));
      return;
    }
    case CallKind::kHeartbeat: {
      d.heartbeats++;
      if (!d.heartbeat_errors.empty()) {
        absl::Status error = d.heartbeat_errors.front();
        d.heartbeat_errors.pop_front();
        EndStream(id, error);
        return;
      }
      const size_t i = std::min<size_t>(static_cast<size_t>(d.heartbeats - 1),
                                        d.heartbeat_periods.size() - 1);
      api::HeartbeatResponse response;
      response.set_period_ns(absl::ToInt64Nanoseconds(d.heartbeat_periods[i]));
      Reply(id, [this, id, response] {
        MarkDone(id);
        Apply(agent_.OnHeartbeatReply(now_, id, response));
      });
      return;
    }
    case CallKind::kAssignments: {
      d.assignments_opened++;
      api::AssignmentsMessage msg;
      msg.set_type(api::AssignmentsMessage::COMPLETE);
      msg.set_applies_to("");
      msg.set_results_in("1");
      assignments_seq_[id] = 1;
      for (const api::Task& task : d.tasks) {
        api::AssignmentChange* change = msg.add_changes();
        change->set_action(api::AssignmentChange::UPDATE);
        *change->mutable_task() = task;
      }
      PushAssignments(id, msg);
      return;
    }
    case CallKind::kUpdateTaskStatus: {
      const auto& request = std::get<api::UpdateTaskStatusRequest>(call.request);
      if (!d.update_status_errors.empty()) {
        absl::Status error = d.update_status_errors.front();
        d.update_status_errors.pop_front();
        EndStream(id, error);
        return;
      }
      for (const api::TaskStatusUpdate& u : request.updates()) {
        d.status_updates.push_back(u);
        d.status_update_times.push_back(now_);
      }
      EndStream(id, absl::OkStatus());
      return;
    }
  }
}

}  // namespace agent
}  // namespace swarmsim
