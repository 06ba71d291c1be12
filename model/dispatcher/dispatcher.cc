// Dispatcher: lifecycle, unary RPCs, and routing of notifications. Sessions, node status, batch
// jobs and the Assignments stream live in their own files.
#include "model/dispatcher/dispatcher.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "model/dispatcher/errors.h"
#include "sim/check.h"

namespace swarmsim {
namespace dispatcher {
namespace {

NodeRegistry::Options RegistryOptions(const DispatcherConfig& config, absl::Duration period) {
  NodeRegistry::Options options;
  options.heartbeat_period = period;
  options.heartbeat_epsilon = config.heartbeat_epsilon;
  options.grace_period_multiplier = config.grace_period_multiplier;
  options.unknown_grace_period_multiplier = config.unknown_grace_period_multiplier;
  options.rate_limit_period = config.rate_limit_period;
  options.rate_limit_count = config.rate_limit_count;
  return options;
}

}  // namespace

Dispatcher::Dispatcher(const DispatcherConfig& config, std::string leader_node_id,
                       std::string session_prefix, const store::MemoryStore* store, sim::Prng* prng)
    : config_(config),
      leader_node_id_(std::move(leader_node_id)),
      session_prefix_(std::move(session_prefix)),
      store_(store),
      prng_(prng),
      registry_(RegistryOptions(config, config.heartbeat_period)) {
  SIM_CHECK(store_ != nullptr);
  SIM_CHECK(prng_ != nullptr);
  SIM_CHECK_GT(config_.max_changes_per_proposal, 0u);
  SIM_CHECK_GT(config_.modification_batch_limit, 0u);
}

DispatcherOutput Dispatcher::TakeOutput() {
  DispatcherOutput out = std::move(out_);
  out_ = DispatcherOutput();
  return out;
}

void Dispatcher::NoteThat(NoteKind kind, const std::string& node_id, const std::string& session_id,
                          std::string detail) {
  Note note;
  note.kind = kind;
  note.node_id = node_id;
  note.session_id = session_id;
  note.detail = std::move(detail);
  out_.notes.push_back(std::move(note));
}

void Dispatcher::ArmTimer(TimerKind kind, const std::string& node_id, CallId call,
                          uint64_t generation, sim::Time deadline) {
  TimerRequest timer;
  timer.kind = kind;
  timer.node_id = node_id;
  timer.call = call;
  timer.generation = generation;
  timer.deadline = deadline;
  out_.timers.push_back(std::move(timer));
}

void Dispatcher::SetManagers(const std::vector<api::RaftMember>& members) {
  // Every Raft member, reachable or not, with the default observation weight (getWeightedPeers);
  // sorted by Raft ID where SwarmKit ranges over a map.
  std::map<uint64_t, const api::RaftMember*> by_id;
  for (const api::RaftMember& member : members) by_id[member.raft_id()] = &member;
  managers_.clear();
  for (const auto& [raft_id, member] : by_id) {
    api::WeightedPeer peer;
    peer.set_node_id(member->node_id());
    peer.set_addr(member->addr());
    peer.set_weight(config_.manager_weight);
    managers_.push_back(std::move(peer));
  }
}

absl::Duration Dispatcher::ClusterHeartbeatPeriod() const {
  if (!config_.use_cluster_heartbeat_period) return config_.heartbeat_period;
  for (const auto& [id, cluster] : store_->clusters()) {
    const int64_t period_ns = cluster.spec().dispatcher().heartbeat_period_ns();
    if (period_ns > 0) return absl::Nanoseconds(period_ns);
  }
  return config_.heartbeat_period;
}

void Dispatcher::ResetTermState() {
  down_nodes_.Clean();
  task_updates_.clear();
  node_updates_.clear();
  jobs_.clear();
  process_updates_in_flight_ = false;
  flush_triggered_ = false;
  batch_timer_generation_ = 0;
}

DispatcherOutput Dispatcher::Start(sim::Time now, const std::vector<api::RaftMember>& members) {
  SIM_CHECK(state_ == State::kStopped);
  SIM_CHECK(sessions_.empty());
  SIM_CHECK(assignments_.empty());
  // A new term starts from nothing: queues from an earlier term must not write now (PR #2091),
  // and the registry knows no one until they register again.
  ResetTermState();
  registry_ = NodeRegistry(RegistryOptions(config_, ClusterHeartbeatPeriod()));
  SetManagers(members);
  state_ = State::kStarting;
  NoteThat(NoteKind::kDispatcherStarting, leader_node_id_, "",
           absl::StrCat("heartbeat_period=", absl::FormatDuration(registry_.chooser().period())));

  Job job;
  job.kind = JobKind::kMarkUnknown;
  for (const auto& [id, node] : store_->nodes()) {
    JobItem item;
    item.kind = JobItem::kMarkUnknown;
    item.id = id;
    job.items.push_back(std::move(item));
  }
  StartJob(now, std::move(job));
  return TakeOutput();
}

void Dispatcher::BecomeRunning(sim::Time now) {
  SIM_CHECK(state_ == State::kStarting);
  state_ = State::kRunning;
  ArmBatchTimer(now);
  NoteThat(NoteKind::kDispatcherRunning, leader_node_id_, "", "");
}

DispatcherOutput Dispatcher::Stop(sim::Time now) {
  if (state_ == State::kStopped) return TakeOutput();
  state_ = State::kStopped;
  // Sessions waiting in markNodeReady are woken by Stop's broadcast and carry on: a registration
  // gets its session ID, the stream sends its first message, sees the dispatcher cancelled, sends
  // one last message and ends (SwarmKit: markNodeReady does not re-check ctx after the wait).
  for (auto& [call, stream] : sessions_) {
    if (stream.open) continue;
    if (stream.registering) {
      stream.session_id =
          absl::StrCat(session_prefix_, "/", stream.node_id, "/", ++session_counter_);
      // The detail is check::kReleasedByStop's text, which the trace carries to the checkers.
      NoteThat(NoteKind::kRegistrationAccepted, stream.node_id, stream.session_id,
               "released by stop");
    } else if (absl::Status valid =
                   registry_.GetWithSession(stream.node_id, stream.session_id).status();
               !valid.ok()) {
      EndSession(call, stream, valid);  // Expired while it waited.
      continue;
    }
    MarkSessionOpen(call);
    Envelope first;
    first.call = call;
    first.kind = EnvelopeKind::kSessionMessage;
    first.session.set_session_id(stream.session_id);
    if (const api::Node* node = store_->GetNode(stream.node_id)) stream.node = *node;
    *first.session.mutable_node() = stream.node;
    for (const auto& peer : managers_) *first.session.add_managers() = peer;
    Emit(std::move(first));
    NoteThat(NoteKind::kSessionStarted, stream.node_id, stream.session_id, "during stop");
  }
  for (auto& [call, stream] : sessions_) {
    if (!stream.open) continue;
    Envelope last;
    last.call = call;
    last.kind = EnvelopeKind::kSessionMessage;
    last.session.set_session_id(stream.session_id);
    *last.session.mutable_node() = stream.node;
    for (const auto& peer : managers_) *last.session.add_managers() = peer;
    Emit(std::move(last));
    EndSession(call, stream, NodeMustDisconnectError());
  }
  sessions_.clear();
  waiting_sessions_.clear();
  sessions_by_node_.clear();
  for (auto& [call, stream] : assignments_) EndAssignments(call, stream, StreamCanceledError());
  assignments_.clear();
  assignments_by_node_.clear();
  // What was queued and not flushed is lost; in-flight batches are abandoned (their proposals
  // can only fail on a deposed leader, and their results are ignored from now on).
  registry_.Clean();
  ResetTermState();
  NoteThat(NoteKind::kDispatcherStopped, leader_node_id_, "", "");
  (void)now;
  return TakeOutput();
}

DispatcherOutput Dispatcher::Heartbeat(sim::Time now, CallId call, const std::string& node_id,
                                       const api::HeartbeatRequest& request) {
  // The reply is this output's only envelope: built in place (an Envelope holds three messages,
  // which a temporary would construct, move and destroy once per heartbeat).
  Envelope& reply = out_.envelopes.emplace_back();
  reply.call = call;
  reply.kind = EnvelopeKind::kHeartbeatReply;
  if (!running()) {
    reply.status = DispatcherStoppedError();
  } else {
    const uint64_t generation = NextGeneration();
    sim::Time deadline;
    auto period =
        registry_.Heartbeat(now, node_id, request.session_id(), generation, *prng_, &deadline);
    if (period.ok()) {
      reply.heartbeat.set_period_ns(absl::ToInt64Nanoseconds(*period));
      ArmTimer(TimerKind::kHeartbeatExpiry, node_id, 0, generation, deadline);
    } else {
      reply.status = period.status();
    }
  }
  return TakeOutput();
}

DispatcherOutput Dispatcher::UpdateTaskStatus(sim::Time now, CallId call,
                                              const std::string& node_id,
                                              const api::UpdateTaskStatusRequest& request) {
  Envelope reply;
  reply.call = call;
  reply.kind = EnvelopeKind::kUpdateTaskStatusReply;
  if (!running()) {
    reply.status = DispatcherStoppedError();
    Emit(std::move(reply));
    return TakeOutput();
  }
  auto session = registry_.GetWithSession(node_id, request.session_id());
  if (!session.ok()) {
    reply.status = session.status();
    Emit(std::move(reply));
    return TakeOutput();
  }
  std::vector<const api::TaskStatusUpdate*> valid;
  for (const api::TaskStatusUpdate& update : request.updates()) {
    if (!update.has_status()) continue;
    const api::Task* task = store_->GetTask(update.task_id());
    if (task == nullptr) continue;  // Deleted meanwhile.
    if (task->node_id() != node_id) {
      // One foreign task fails the whole request; nothing is queued.
      reply.status = TaskNotAssignedError();
      Emit(std::move(reply));
      return TakeOutput();
    }
    valid.push_back(&update);
  }
  for (const api::TaskStatusUpdate* update : valid) {
    task_updates_[update->task_id()] = update->status();
  }
  Emit(std::move(reply));
  MaybeTriggerFlush(now);
  return TakeOutput();
}

DispatcherOutput Dispatcher::CancelStream(sim::Time now, CallId call) {
  (void)now;
  auto session = sessions_.find(call);
  if (session != sessions_.end()) {
    NoteThat(NoteKind::kSessionEnded, session->second.node_id, session->second.session_id,
             "client went away");
    EraseSession(call);
  }
  auto stream = assignments_.find(call);
  if (stream != assignments_.end()) {
    NoteThat(NoteKind::kAssignmentsEnded, stream->second.node_id, stream->second.session_id,
             "client went away");
    EraseAssignments(call);
  }
  return TakeOutput();
}

DispatcherOutput Dispatcher::OnStoreEvents(sim::Time now, const std::vector<store::Event>& events) {
  if (state_ == State::kStopped) return TakeOutput();
  for (const store::Event& event : events) {
    if (event.action == store::EventAction::kCommit) continue;
    switch (event.kind) {
      case store::ObjectKind::kNode:
        if (event.action == store::EventAction::kUpdate && running()) {
          OnNodeUpdated(now, event.object.node());
        }
        break;
      case store::ObjectKind::kTask:
        if (running()) OnTaskEvent(now, event);
        break;
      case store::ObjectKind::kCluster: {
        // Run follows the cluster's heartbeat period (updatePeriod: later heartbeats only).
        const int64_t period_ns = event.object.cluster().spec().dispatcher().heartbeat_period_ns();
        if (config_.use_cluster_heartbeat_period && event.action != store::EventAction::kRemove &&
            period_ns > 0 && absl::Nanoseconds(period_ns) != registry_.chooser().period()) {
          registry_.UpdatePeriod(absl::Nanoseconds(period_ns), config_.heartbeat_epsilon);
        }
        break;
      }
      case store::ObjectKind::kService:
        break;
    }
  }
  return TakeOutput();
}

DispatcherOutput Dispatcher::OnProposalResult(sim::Time now, uint64_t proposal_id,
                                              const absl::Status& status) {
  auto it = jobs_.find(proposal_id);
  if (it == jobs_.end()) return TakeOutput();  // From an abandoned batch (stopped since).
  Job job = std::move(it->second);
  jobs_.erase(it);
  if (status.ok()) {
    ContinueJob(now, std::move(job));
  } else {
    // store.Batch stops at the first failed commit; SwarmKit logs it and carries on.
    NoteThat(NoteKind::kError, job.node_id, "",
             absl::StrCat("batch proposal failed: ", status.ToString()));
    FinishJob(now, job);
  }
  return TakeOutput();
}

DispatcherOutput Dispatcher::OnMembershipChange(sim::Time now,
                                                const std::vector<api::RaftMember>& members) {
  SetManagers(members);
  if (running()) BroadcastSessionMessages(now);
  return TakeOutput();
}

DispatcherOutput Dispatcher::OnTimer(sim::Time now, const TimerRequest& timer) {
  if (state_ == State::kStopped) return TakeOutput();
  switch (timer.kind) {
    case TimerKind::kHeartbeatExpiry:
      OnHeartbeatExpiry(now, timer);
      break;
    case TimerKind::kDownNodeExpiry:
      OnDownNodeExpiry(now, timer);
      break;
    case TimerKind::kBatchFlush:
      if (running() && timer.generation == batch_timer_generation_) {
        batch_timer_generation_ = 0;
        StartProcessUpdates(now);
      }
      break;
    case TimerKind::kAssignmentsBatch: {
      auto it = assignments_.find(timer.call);
      if (it != assignments_.end() && it->second.timer_generation == timer.generation) {
        FlushAssignments(timer.call);
      }
      break;
    }
  }
  return TakeOutput();
}

size_t Dispatcher::open_sessions() const { return sessions_.size() - waiting_sessions_.size(); }

size_t Dispatcher::pending_sessions() const { return waiting_sessions_.size(); }

void Dispatcher::CheckInvariants() const {
  const std::string violation = InvariantViolation();
  SIM_CHECK_MSG(violation.empty(), violation);
  // The cheap walk must not miss what the full one finds (tests run this after every step).
  SIM_CHECK_MSG(IndexViolation().empty(), "IndexesConsistent() missed a broken index");
}

std::string Dispatcher::InvariantViolation() const {
  std::string violation = StateViolation();
  if (!violation.empty() || IndexesConsistent()) return violation;
  // An index is broken: the full walk names the first broken invariant, as it always has. The
  // two walks agree (invariants.cc); one that finds nothing here is a bug there.
  violation = IndexViolation();
  SIM_CHECK_MSG(!violation.empty(), "IndexesConsistent() and IndexViolation() disagree");
  return violation;
}

}  // namespace dispatcher
}  // namespace swarmsim
