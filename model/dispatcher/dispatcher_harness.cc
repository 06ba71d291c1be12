#include "model/dispatcher/dispatcher_harness.h"

#include "sim/check.h"

namespace swarmsim {
namespace dispatcher {

DispatcherHarness::DispatcherHarness(const DispatcherConfig& config, uint64_t seed) : prng_(seed) {
  dispatcher_ = std::make_unique<Dispatcher>(config, "leader", "m1", &store_, &prng_);
}

void DispatcherHarness::Check() {
  store_.CheckInvariants();
  dispatcher_->CheckInvariants();
}

void DispatcherHarness::Process(DispatcherOutput out) {
  for (Envelope& envelope : out.envelopes) sent_.push_back(Sent{now_, std::move(envelope)});
  for (Note& note : out.notes) notes_.push_back(Noted{now_, std::move(note)});
  for (TimerRequest& timer : out.timers) {
    SIM_CHECK(timer.deadline >= now_);
    Pending pending;
    pending.is_timer = true;
    pending.timer = std::move(timer);
    queue_[{pending.timer.deadline.nanos(), ++seq_}] = std::move(pending);
  }
  for (Proposal& proposal : out.proposals) {
    ++proposals_made_;
    Pending pending;
    pending.proposal = std::move(proposal);
    queue_[{(now_ + commit_latency_).nanos(), ++seq_}] = std::move(pending);
  }
  Check();
}

void DispatcherHarness::Commit(const Proposal& proposal) {
  if (fail_proposals_) {
    Process(dispatcher_->OnProposalResult(now_, proposal.id,
                                          absl::UnavailableError("lost leadership")));
    return;
  }
  auto events = store_.Apply(++raft_index_, proposal.request);
  SIM_CHECK_MSG(events.ok(), events.status().ToString());
  Process(dispatcher_->OnStoreEvents(now_, *events));
  Process(dispatcher_->OnProposalResult(now_, proposal.id, absl::OkStatus()));
}

void DispatcherHarness::AdvanceTo(sim::Time t) {
  SIM_CHECK(t >= now_);
  while (!queue_.empty() && queue_.begin()->first.first <= t.nanos()) {
    auto it = queue_.begin();
    Pending pending = std::move(it->second);
    now_ = sim::Time::FromNanos(it->first.first);
    queue_.erase(it);
    if (pending.is_timer) {
      Process(dispatcher_->OnTimer(now_, pending.timer));
    } else {
      Commit(pending.proposal);
    }
  }
  now_ = t;
}

void DispatcherHarness::Write(const std::function<absl::Status(store::WriteTx&)>& write) {
  store::WriteTx tx(store_, now_);
  absl::Status status = write(tx);
  SIM_CHECK_MSG(status.ok(), status.ToString());
  api::InternalRaftRequest request;
  for (const auto& action : tx.actions()) *request.add_actions() = action;
  auto events = store_.Apply(++raft_index_, request);
  SIM_CHECK_MSG(events.ok(), events.status().ToString());
  Process(dispatcher_->OnStoreEvents(now_, *events));
}

void DispatcherHarness::AddNode(const std::string& node_id, api::NodeStatus::State state) {
  api::Node node;
  node.set_id(node_id);
  node.mutable_description()->set_hostname(node_id);
  node.mutable_status()->set_state(state);
  Write([&](store::WriteTx& tx) { return tx.Create(node); });
}

void DispatcherHarness::AddTask(const std::string& task_id, const std::string& node_id,
                                api::TaskState state) {
  api::Task task;
  task.set_id(task_id);
  task.set_node_id(node_id);
  task.set_service_id("svc");
  task.set_desired_state(api::TASK_RUNNING);
  task.mutable_status()->set_state(state);
  Write([&](store::WriteTx& tx) { return tx.Create(task); });
}

void DispatcherHarness::SetTaskState(const std::string& task_id, api::TaskState state) {
  Write([&](store::WriteTx& tx) {
    api::Task task = *tx.Get<api::Task>(task_id);
    task.mutable_status()->set_state(state);
    return tx.Update(task);
  });
}

void DispatcherHarness::SetTaskDesiredState(const std::string& task_id, api::TaskState state) {
  Write([&](store::WriteTx& tx) {
    api::Task task = *tx.Get<api::Task>(task_id);
    task.set_desired_state(state);
    return tx.Update(task);
  });
}

void DispatcherHarness::RemoveTask(const std::string& task_id) {
  Write([&](store::WriteTx& tx) { return tx.Delete<api::Task>(task_id); });
}

void DispatcherHarness::Start(std::vector<api::RaftMember> members) {
  if (members.empty()) {
    api::RaftMember self;
    self.set_raft_id(1);
    self.set_node_id("leader");
    self.set_addr("10.0.0.1:4242");
    members.push_back(self);
  }
  Process(dispatcher_->Start(now_, members));
  AdvanceTo(now_);  // Instant commits land now.
}

void DispatcherHarness::Stop() { Process(dispatcher_->Stop(now_)); }

void DispatcherHarness::Session(CallId call, const std::string& node_id,
                                const std::string& session_id) {
  api::SessionRequest request;
  request.set_session_id(session_id);
  request.mutable_description()->set_hostname(node_id);
  Process(dispatcher_->Session(now_, call, node_id, "10.1.0.1", request));
  AdvanceTo(now_);
}

void DispatcherHarness::Heartbeat(CallId call, const std::string& node_id,
                                  const std::string& session_id) {
  api::HeartbeatRequest request;
  request.set_session_id(session_id);
  Process(dispatcher_->Heartbeat(now_, call, node_id, request));
  AdvanceTo(now_);
}

void DispatcherHarness::UpdateTaskStatus(
    CallId call, const std::string& node_id, const std::string& session_id,
    const std::vector<std::pair<std::string, api::TaskState>>& updates) {
  api::UpdateTaskStatusRequest request;
  request.set_session_id(session_id);
  for (const auto& [task_id, state] : updates) {
    api::TaskStatusUpdate* update = request.add_updates();
    update->set_task_id(task_id);
    update->mutable_status()->set_state(state);
  }
  Process(dispatcher_->UpdateTaskStatus(now_, call, node_id, request));
  AdvanceTo(now_);
}

void DispatcherHarness::Assignments(CallId call, const std::string& node_id,
                                    const std::string& session_id) {
  api::AssignmentsRequest request;
  request.set_session_id(session_id);
  Process(dispatcher_->Assignments(now_, call, node_id, request));
  AdvanceTo(now_);
}

void DispatcherHarness::MembershipChange(std::vector<api::RaftMember> members) {
  Process(dispatcher_->OnMembershipChange(now_, members));
  AdvanceTo(now_);
}

void DispatcherHarness::CancelStream(CallId call) {
  Process(dispatcher_->CancelStream(now_, call));
}

std::string DispatcherHarness::Register(CallId call, const std::string& node_id,
                                        const std::string& session_id) {
  Session(call, node_id, session_id);
  // At most one batch interval plus commit latency.
  for (int step = 0; step < 1000; ++step) {
    for (const Sent& sent : sent_) {
      if (sent.envelope.call != call) continue;
      if (sent.envelope.kind == EnvelopeKind::kSessionMessage) {
        return sent.envelope.session.session_id();
      }
      if (sent.envelope.kind == EnvelopeKind::kStreamEnd) return "";
    }
    AdvanceBy(absl::Milliseconds(1));
  }
  return "";
}

std::vector<Sent> DispatcherHarness::SentTo(CallId call) const {
  std::vector<Sent> out;
  for (const Sent& sent : sent_) {
    if (sent.envelope.call == call) out.push_back(sent);
  }
  return out;
}

const Sent* DispatcherHarness::LastSentTo(CallId call) const {
  for (auto it = sent_.rbegin(); it != sent_.rend(); ++it) {
    if (it->envelope.call == call) return &*it;
  }
  return nullptr;
}

std::vector<Noted> DispatcherHarness::NotesOf(NoteKind kind) const {
  std::vector<Noted> out;
  for (const Noted& noted : notes_) {
    if (noted.note.kind == kind) out.push_back(noted);
  }
  return out;
}

}  // namespace dispatcher
}  // namespace swarmsim
