// No registration accepted by a stopped dispatcher: an accepted dispatcher.register must come
// from a host whose dispatcher is running (after its dispatcher.start, before its dispatcher.stop
// and before the host crashes). A graceful host stop is not the end by itself: the process's
// OnStop runs after host.stop and stops the dispatcher, which first releases the registrations
// waiting for their status batch (SwarmKit's Stop broadcasts before taking rpcRW, PR #2744); those
// are traced before its dispatcher.stop and are legitimate.
#include <map>

#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class NoRegistrationWhenStoppedChecker : public Checker {
 public:
  NoRegistrationWhenStoppedChecker() : Checker(kNoRegistrationWhenStopped) {}

  std::vector<std::string> Kinds() const override {
    return {kind::kDispatcherStart, kind::kDispatcherStop, kind::kDispatcherRegister,
            kind::kHostCrash};
  }

  void OnRecord(const sim::TraceRecord& r) override {
    if (r.kind == kind::kDispatcherStart) {
      state_[r.host] = State{true, r.at};
    } else if (r.kind != kind::kDispatcherRegister) {
      auto it = state_.find(r.host);
      if (it != state_.end() && it->second.running) it->second = State{false, r.at};
    } else if (r.Int(field::kAccepted) != 0) {
      ++accepted_;
      auto it = state_.find(r.host);
      if (it != state_.end() && it->second.running) return;
      Report(r.at, {r.host},
             absl::StrCat("host ", r.host, " accepted the registration of node ",
                          r.Str(field::kNode), " (session ", r.Str(field::kSession),
                          ") while its dispatcher was stopped (",
                          it == state_.end() ? "never started"
                                             : absl::StrCat("since ", it->second.since.ToString()),
                          ")"));
    }
  }

  std::string Summary() const override {
    return Count(accepted_, "registration accepted, by a running dispatcher",
                 "registrations accepted, all by running dispatchers");
  }

 private:
  struct State {
    bool running = false;
    sim::Time since;
  };
  std::map<sim::HostId, State> state_;
  uint64_t accepted_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewNoRegistrationWhenStoppedChecker() {
  return std::make_unique<NoRegistrationWhenStoppedChecker>();
}

}  // namespace check
}  // namespace swarmsim
