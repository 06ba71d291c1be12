// A dispatcher accepts sessions only while its manager is the Raft leader of its term: an
// accepted dispatcher.register on a host must find that host's dispatcher running for term T
// (its last dispatcher.start {T}, not yet stopped, the host not stopped or crashed since) and the
// host's last raft.state saying role "leader" in term T. SwarmKit starts the dispatcher on the
// leadership-gained event and stops it on leadership-lost (manager.go, handleLeadershipEvents),
// and a registration waits for its node's READY write to commit through Raft (markNodeReady), so
// a dispatcher of an older term, or one whose manager is no longer leader, cannot hand out a
// session. One exception, the same as dispatcher.no_registration_when_stopped's: registrations
// released by the dispatcher's own Stop (reason kReleasedByStop) come after leadership is lost by
// construction, and their streams end at once.
#include <map>

#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class DispatcherLeaderOnlyChecker : public Checker {
 public:
  DispatcherLeaderOnlyChecker() : Checker(kDispatcherLeaderOnly) {}

  std::vector<std::string> Kinds() const override {
    return {kind::kRaftState,       kind::kDispatcherStart, kind::kDispatcherStop,
            kind::kDispatcherRegister, kind::kHostStop,     kind::kHostCrash};
  }

  void OnRecord(const sim::TraceRecord& r) override {
    Host& h = hosts_[r.host];
    if (r.kind == kind::kRaftState) {
      h.raft_term = static_cast<uint64_t>(r.Int(field::kTerm));
      h.leader = r.Str(field::kRole) == kRoleLeader;
    } else if (r.kind == kind::kDispatcherStart) {
      h.dispatcher_running = true;
      h.dispatcher_term = static_cast<uint64_t>(r.Int(field::kTerm));
    } else if (r.kind == kind::kDispatcherStop) {
      h.dispatcher_running = false;
    } else if (r.kind == kind::kHostStop || r.kind == kind::kHostCrash) {
      h = Host();
    } else if (r.Int(field::kAccepted) != 0 && r.Str(field::kReason) != kReleasedByStop) {
      ++accepted_;
      if (h.dispatcher_running && h.leader && h.raft_term == h.dispatcher_term) return;
      Report(r.at, {r.host},
             absl::StrCat("host ", r.host, " accepted the registration of node ",
                          r.Str(field::kNode), " (session ", r.Str(field::kSession), ") ",
                          Why(h)));
    }
  }

  std::string Summary() const override {
    return absl::StrCat(accepted_,
                        " registrations accepted, each by the Raft leader of its dispatcher's term");
  }

 private:
  struct Host {
    uint64_t raft_term = 0;
    bool leader = false;
    bool dispatcher_running = false;
    uint64_t dispatcher_term = 0;
  };

  static std::string Why(const Host& h) {
    if (!h.dispatcher_running) return "with no dispatcher running";
    if (!h.leader) {
      return absl::StrCat("with its term-", h.dispatcher_term,
                          " dispatcher while not Raft leader (Raft term ", h.raft_term, ")");
    }
    return absl::StrCat("with a dispatcher started for term ", h.dispatcher_term,
                        " while leader of term ", h.raft_term);
  }

  std::map<sim::HostId, Host> hosts_;
  uint64_t accepted_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewDispatcherLeaderOnlyChecker() {
  return std::make_unique<DispatcherLeaderOnlyChecker>();
}

}  // namespace check
}  // namespace swarmsim
