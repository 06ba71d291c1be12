// The agent's task status reporter (SwarmKit agent/reporter.go, reference §1.7).
//
// StatusReporter is a pure queue: it decides nothing about sessions and sends nothing itself. It
// keeps the latest unsent status per task, never letting an older state replace a newer one,
// and hands out one batch at a time; the Agent sends that batch over the current registered
// session and reports the outcome back. A failed batch goes back into the queue unless a newer
// status arrived meanwhile. Tasks are taken in task-ID order (SwarmKit ranges over a Go map).
#ifndef SWARMSIM_MODEL_AGENT_REPORTER_H_
#define SWARMSIM_MODEL_AGENT_REPORTER_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "model/agent/output.h"
#include "model/proto/swarm.pb.h"

namespace swarmsim {
namespace agent {

class StatusReporter {
 public:
  StatusReporter() = default;

  // Queues `status` as the latest for `task_id`, unless the queued one is identical or has a
  // higher state (statuses never regress).
  void Add(const std::string& task_id, const api::TaskStatus& status);

  bool has_pending() const { return !pending_.empty(); }
  size_t pending_size() const { return pending_.size(); }
  bool in_flight() const { return in_flight_call_ != kNoCall; }
  CallId in_flight_call() const { return in_flight_call_; }
  // The queued status of a task, or nullptr.
  const api::TaskStatus* Pending(const std::string& task_id) const;

  // Removes up to `max` statuses (lowest task IDs first) and marks them in flight on `call`.
  // REQUIRES: !in_flight(), has_pending(), max >= 1, call != kNoCall.
  std::vector<api::TaskStatusUpdate> TakeBatch(size_t max, CallId call);

  // The in-flight call finished. delivered=false re-queues its statuses (unless newer ones are
  // queued). REQUIRES: call == in_flight_call().
  void Finish(CallId call, bool delivered);

 private:
  std::map<std::string, api::TaskStatus> pending_;
  CallId in_flight_call_ = kNoCall;
  std::vector<api::TaskStatusUpdate> in_flight_;
};

}  // namespace agent
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_AGENT_REPORTER_H_
