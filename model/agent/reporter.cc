#include "model/agent/reporter.h"

#include <google/protobuf/util/message_differencer.h>

#include "sim/check.h"

namespace swarmsim {
namespace agent {

void StatusReporter::Add(const std::string& task_id, const api::TaskStatus& status) {
  SIM_CHECK(!task_id.empty());
  auto it = pending_.find(task_id);
  if (it != pending_.end()) {
    if (google::protobuf::util::MessageDifferencer::Equals(it->second, status)) return;
    if (it->second.state() > status.state()) return;  // Never regress.
  }
  pending_[task_id] = status;
}

const api::TaskStatus* StatusReporter::Pending(const std::string& task_id) const {
  auto it = pending_.find(task_id);
  return it == pending_.end() ? nullptr : &it->second;
}

std::vector<api::TaskStatusUpdate> StatusReporter::TakeBatch(size_t max, CallId call) {
  SIM_CHECK(!in_flight());
  SIM_CHECK(has_pending());
  SIM_CHECK_GE(max, 1u);
  SIM_CHECK_NE(call, kNoCall);
  std::vector<api::TaskStatusUpdate> batch;
  while (!pending_.empty() && batch.size() < max) {
    auto it = pending_.begin();
    api::TaskStatusUpdate update;
    update.set_task_id(it->first);
    *update.mutable_status() = it->second;
    batch.push_back(std::move(update));
    pending_.erase(it);
  }
  in_flight_call_ = call;
  in_flight_ = batch;
  return batch;
}

void StatusReporter::Finish(CallId call, bool delivered) {
  SIM_CHECK_EQ(call, in_flight_call_);
  SIM_CHECK_NE(call, kNoCall);
  if (!delivered) {
    // Put each back unless a newer one came in while it was being sent.
    for (const api::TaskStatusUpdate& update : in_flight_) {
      if (pending_.count(update.task_id()) == 0) pending_[update.task_id()] = update.status();
    }
  }
  in_flight_call_ = kNoCall;
  in_flight_.clear();
}

}  // namespace agent
}  // namespace swarmsim
