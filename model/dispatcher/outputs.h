// The dispatcher's outputs, as values. Every input method of Dispatcher returns one
// DispatcherOutput; the host (model/process) turns it into effects on the sim kernel:
//   envelopes  — replies and stream traffic, in the order they must be delivered, each addressed
//                to the call/stream handle the host gave when the call arrived;
//   proposals  — store writes to propose to Raft, in order; the host reports each one's fate
//                with Dispatcher::OnProposalResult after it was applied (or failed);
//   timers     — deadlines to arm; each fires back as Dispatcher::OnTimer(now, timer), and a
//                timer whose generation was superseded is ignored there (nothing is cancelled);
//   notes      — what happened, for the trace.
#ifndef SWARMSIM_MODEL_DISPATCHER_OUTPUTS_H_
#define SWARMSIM_MODEL_DISPATCHER_OUTPUTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "model/proto/swarm.pb.h"
#include "sim/time.h"

namespace swarmsim {
namespace dispatcher {

// Handle of one RPC call or stream, chosen by the host (unique per dispatcher while open).
using CallId = uint64_t;

enum class EnvelopeKind {
  kHeartbeatReply,         // status, and `heartbeat` when OK
  kUpdateTaskStatusReply,  // status
  kSessionMessage,         // `session`, on an open Session stream
  kAssignmentsMessage,     // `assignments`, on an open Assignments stream
  kStreamEnd,              // status: the stream is over (OK never happens)
};

const char* EnvelopeKindName(EnvelopeKind kind);

struct Envelope {
  CallId call = 0;
  EnvelopeKind kind = EnvelopeKind::kStreamEnd;
  absl::Status status;
  api::HeartbeatResponse heartbeat;
  api::SessionMessage session;
  api::AssignmentsMessage assignments;
};

enum class TimerKind {
  kHeartbeatExpiry,   // node_id: registry entry's heartbeat deadline
  kDownNodeExpiry,    // node_id: 24 h after DOWN → tasks ORPHANED
  kBatchFlush,        // processUpdates every max_batch_interval
  kAssignmentsBatch,  // call: an Assignments stream's quiet period ended
};

const char* TimerKindName(TimerKind kind);

struct TimerRequest {
  TimerKind kind = TimerKind::kBatchFlush;
  std::string node_id;
  CallId call = 0;
  uint64_t generation = 0;
  sim::Time deadline;
};

// One Raft proposal: the request's `id` is left 0 for the proposer to assign; `id` here is the
// dispatcher's handle for OnProposalResult.
struct Proposal {
  uint64_t id = 0;
  api::InternalRaftRequest request;
};

enum class NoteKind {
  kDispatcherStarting,  // leadership: markNodesUnknown batch under way, RPCs still refused
  kDispatcherRunning,   // serving
  kDispatcherStopped,
  kNodeUnknown,           // node put in UNKNOWN at start (detail: deadline)
  kDownNodeTracked,       // DOWN node kept DOWN, orphan countdown (re)started
  kRegistrationRefused,   // detail: the error
  kRegistrationPending,   // waiting for the next status batch to commit
  kRegistrationAccepted,  // session_id issued
  kSessionReusePending,   // known session: markNodeReady, waiting for the batch
  kSessionStarted,        // first session message sent
  kSessionEnded,          // detail: the status that ended it
  kHeartbeatExpired,      // registry deadline passed
  kNodeMarkedNotReady,    // detail: state and message queued for the store
  kNodeReadyQueued,
  kTasksOrphaned,       // detail: number of tasks
  kStatusBatchStarted,  // detail: task and node items
  kStatusBatchDone,     // registrations waiting for it are released
  kAssignmentsStarted,
  kAssignmentsEnded,  // detail: status
  kError,             // an internal operation failed as SwarmKit would only log it
};

const char* NoteKindName(NoteKind kind);

struct Note {
  NoteKind kind = NoteKind::kError;
  std::string node_id;
  std::string session_id;
  std::string detail;
};

struct DispatcherOutput {
  std::vector<Envelope> envelopes;
  std::vector<Proposal> proposals;
  std::vector<TimerRequest> timers;
  std::vector<Note> notes;

  bool empty() const {
    return envelopes.empty() && proposals.empty() && timers.empty() && notes.empty();
  }
};

}  // namespace dispatcher
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_DISPATCHER_OUTPUTS_H_
