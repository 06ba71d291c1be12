// The UNKNOWN grace (SwarmKit dispatcher.go, markNodesUnknown; reference §2.1): a dispatcher that
// starts puts every node in UNKNOWN and expires it as DOWN only if it has not heartbeated within
// gracePeriodMultiplierUnknown (6) x the heartbeat period, drawn with its epsilon, from that
// moment: twice the grace of a registered node, so that after a leader change the agents have
// time to find the new leader. For each dispatcher.heartbeat.expired of a node still in UNKNOWN
// ('... for node in "unknown" state'), the time since the same dispatcher's
// dispatcher.node.unknown for that node must be at least multiplier x (period - epsilon), the
// period being the one its dispatcher.starting announced.
//
// Measured in simulated time, which equals the host's elapsed local time only while its clock runs
// at the true rate: a node is not judged when its dispatcher host's clock had a drift when the
// node was marked (host.clock set it earlier; the clock outlives the host's processes) or was set
// during the UNKNOWN window. A paused host only fires later, which the lower bound allows.
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "model/check/checker.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class UnknownGraceChecker : public Checker {
 public:
  UnknownGraceChecker(int64_t multiplier, absl::Duration epsilon)
      : Checker(kUnknownGrace), multiplier_(multiplier), epsilon_(epsilon) {}

  std::vector<std::string> Kinds() const override {
    return {kind::kDispatcherStarting, kind::kDispatcherNodeUnknown,
            kind::kDispatcherHeartbeatExpired, kind::kHostClock,
            kind::kHostStart,          kind::kHostStop,
            kind::kHostCrash};
  }

  void OnRecord(const sim::TraceRecord& r) override {
    if (r.kind == kind::kDispatcherStarting) {
      Host& h = hosts_[r.host];
      h = Host();
      absl::string_view detail = r.Str(field::kDetail);
      absl::Duration period;
      h.period_known = absl::ConsumePrefix(&detail, "heartbeat_period=") &&
                       absl::ParseDuration(detail, &period);
      h.period = period;
    } else if (r.kind == kind::kDispatcherNodeUnknown) {
      const bool drifting = drift_ppm_.count(r.host) != 0 && drift_ppm_.at(r.host) != 0;
      hosts_[r.host].unknown_since[r.Str(field::kNode)] = Mark{r.at, !drifting};
    } else if (r.kind == kind::kHostClock) {
      drift_ppm_[r.host] = r.Int(field::kDriftPpm);
      for (auto& [node, mark] : hosts_[r.host].unknown_since) mark.clock_steady = false;
    } else if (r.kind == kind::kDispatcherHeartbeatExpired) {
      OnExpired(r);
    } else {
      hosts_.erase(r.host);  // A new process: a new dispatcher, started again if it leads.
    }
  }

  std::string Summary() const override {
    return Count(checked_, "node expired from UNKNOWN after the full grace",
                 "nodes expired from UNKNOWN, each after the full grace");
  }

 private:
  struct Mark {
    sim::Time since;
    bool clock_steady = true;
  };
  struct Host {
    bool period_known = false;
    absl::Duration period;
    std::map<std::string, Mark> unknown_since;  // node -> when this dispatcher marked it
  };

  void OnExpired(const sim::TraceRecord& r) {
    auto host = hosts_.find(r.host);
    if (host == hosts_.end()) return;
    Host& h = host->second;
    const std::string& node = r.Str(field::kNode);
    auto it = h.unknown_since.find(node);
    if (it == h.unknown_since.end()) return;
    const Mark mark = it->second;
    h.unknown_since.erase(it);
    // Only an expiry of the UNKNOWN entry itself: a node that registered since has the ordinary
    // grace (and its own message).
    if (!absl::StrContains(r.Str(field::kDetail), "\"unknown\"")) return;
    if (!h.period_known || !mark.clock_steady) return;
    ++checked_;
    const absl::Duration least = multiplier_ * (h.period - epsilon_);
    const absl::Duration waited = r.at - mark.since;
    if (waited >= least) return;
    Report(r.at, {r.host},
           absl::StrCat("host ", r.host, " expired node ", node, " from UNKNOWN after ",
                        absl::FormatDuration(waited), " (marked at ", mark.since.ToString(),
                        "); the UNKNOWN grace is ", multiplier_, " x the heartbeat period ",
                        absl::FormatDuration(h.period), " (less its epsilon ",
                        absl::FormatDuration(epsilon_), "), at least ",
                        absl::FormatDuration(least)));
  }

  const int64_t multiplier_;
  const absl::Duration epsilon_;
  std::map<sim::HostId, Host> hosts_;
  std::map<sim::HostId, int64_t> drift_ppm_;  // the host clock's drift, from its last host.clock
  uint64_t checked_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewUnknownGraceChecker(int64_t multiplier, absl::Duration epsilon) {
  return std::make_unique<UnknownGraceChecker>(multiplier, epsilon);
}

}  // namespace check
}  // namespace swarmsim
