// Manager: the leader's serialised store writes (SwarmKit's store update lock).
#include <utility>

#include "model/process/manager.h"
#include "sim/check.h"

namespace swarmsim {
namespace process {

void Manager::EnqueueWrite(sim::Context& ctx, Write write) {
  if (!active_) {
    if (write.done) write.done(ctx, absl::UnavailableError("manager stopped"));
    return;
  }
  writes_.push_back(std::move(write));
  PumpWrites(ctx);
}

void Manager::PumpWrites(sim::Context& ctx) {
  if (pumping_) return;
  pumping_ = true;
  while (active_ && !write_in_flight_ && !writes_.empty()) {
    Write write = std::move(writes_.front());
    writes_.pop_front();
    absl::StatusOr<std::vector<api::InternalRaftRequest>> built =
        write.build ? write.build(ctx) : std::vector<api::InternalRaftRequest>();
    if (!built.ok()) {
      if (write.done) write.done(ctx, built.status());
      continue;
    }
    std::vector<api::InternalRaftRequest> requests;
    for (api::InternalRaftRequest& request : *built) {
      if (request.actions_size() > 0) requests.push_back(std::move(request));
    }
    if (requests.empty()) {
      if (write.done) write.done(ctx, absl::OkStatus());
      continue;
    }
    in_flight_ = InFlight();
    in_flight_.requests = std::move(requests);
    in_flight_.source = write.source;
    in_flight_.done = std::move(write.done);
    ProposeNext(ctx);
  }
  pumping_ = false;
}

void Manager::ProposeNext(sim::Context& ctx) {
  SIM_CHECK_LT(in_flight_.next, in_flight_.requests.size());
  write_in_flight_ = true;
  const uint64_t generation = ++write_generation_;
  // Fault point: the dispatcher's batch holds the write lock a while before it is proposed (a
  // slow store.Batch commit); writes queued behind it wait, as behind SwarmKit's update lock.
  if (in_flight_.next == 0 && in_flight_.source == "dispatcher" &&
      ctx.Buggify("dispatcher.status_batch_late")) {
    loop_->After(ctx, kStatusBatchLateDelay, [this, generation](sim::Context& c) {
      if (active_ && write_in_flight_ && generation == write_generation_) ProposeNow(c);
    });
    return;
  }
  ProposeNow(ctx);
}

void Manager::ProposeNow(sim::Context& ctx) {
  // Each request is proposed once: it moves out (a dispatcher batch is 200 node objects).
  api::InternalRaftRequest request = std::move(in_flight_.requests[in_flight_.next++]);
  raft_->ProposeValue(ctx, std::move(request), [this](sim::Context& c, absl::Status status) {
    if (active_) OnProposed(c, std::move(status));
  });
}

void Manager::OnProposed(sim::Context& ctx, absl::Status status) {
  if (!write_in_flight_) return;
  write_in_flight_ = false;
  if (status.ok() && in_flight_.next < in_flight_.requests.size()) {
    ProposeNext(ctx);
    return;
  }
  std::function<void(sim::Context&, absl::Status)> done = std::move(in_flight_.done);
  in_flight_ = InFlight();
  if (done) done(ctx, status);
  PumpWrites(ctx);
}

void Manager::FailQueuedWrites(sim::Context& ctx, const absl::Status& status) {
  std::deque<Write> queued;
  queued.swap(writes_);
  for (Write& write : queued) {
    if (write.done) write.done(ctx, status);
  }
}

}  // namespace process
}  // namespace swarmsim
