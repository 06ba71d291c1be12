// Whole-cluster benchmark (DESIGN.md "Performance targets"): one scenario run through the same
// runner as `swarmsim run`, timed from outside with a wall clock, one JSON line per run.
//
//   cluster_bench [--managers=3] [--workers=1000] [--minutes=60] [--failover=1] [--replicas=0]
//                 [--expect=1] [--seed=1] [--progress=0] [--breakdown=0]
//
// --failover=1 crashes the leader at a third of the run and restarts it at two thirds (20 and
// 40 min of an hour). --replicas=N adds a service with N replicas. --expect=1 adds the
// expectations a user would write for that run (a new leader after the crash, every node ready
// after the restart, the service converged), evaluated online as `swarmsim run` does. A short
// run can fail "every node ready" honestly: a node that registers just before its UNKNOWN grace
// runs out stays DOWN while it heartbeats (SwarmKit's registration/expiry race, kept on
// purpose; README, "Performance"): --workers=1000 --minutes=5 does, at w548.
//
// --breakdown=1 prints the run's counters to stderr (events by kind, stale ones, heartbeats), each
// also per agent heartbeat: where the events go. events_per_heartbeat = events / heartbeats sent
// by agents, the unit of a quiet cluster's work.
//
// Memory: peak RSS (VmHWM) minus the RSS before the run (VmRSS at start), per worker. Peak RSS
// is per process: run each size in its own process (tests/bench/cluster_scale.sh does).
//
// Prints: {"workload":"cluster","managers":3,"workers":1000,"sim_seconds":3600,...,
//          "events":N,"wall_seconds":W,"events_per_second":E,"sim_seconds_per_wall_second":X,
//          "wall_seconds_per_worker_hour":H,"peak_rss_kb":P,"rss_per_worker_kb":R,"passed":true}
// Exit status 1 when the run did not pass (an expectation or invariant failed).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "scenarios/run_result.h"
#include "scenarios/runner.h"
#include "scenarios/scenario.h"

namespace {

namespace sc = ::scenarios;

struct Options {
  int64_t managers = 3;
  int64_t workers = 1000;
  int64_t minutes = 60;
  int64_t failover = 1;
  int64_t replicas = 0;
  int64_t expect = 1;
  int64_t seed = 1;
  int64_t progress = 0;
  int64_t breakdown = 0;
};

bool ParseFlag(const char* arg, const char* name, int64_t* out) {
  const size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  char* end = nullptr;
  *out = std::strtoll(arg + n + 1, &end, 10);
  return end != arg + n + 1 && *end == '\0';
}

// A field of /proc/self/status in kB ("VmHWM", "VmRSS"), or -1.
int64_t ProcStatusKb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, field.size() + 1, field + ":") == 0) {
      return std::strtoll(line.c_str() + field.size() + 1, nullptr, 10);
    }
  }
  return -1;
}

sc::NodeSelector Selector(sc::NodeSelector::Kind kind, const std::string& text) {
  sc::NodeSelector s;
  s.kind = kind;
  s.text = text;
  if (kind == sc::NodeSelector::Kind::kLabel) s.label = text;
  return s;
}

sc::Expectation Eventually(const std::string& name, absl::Duration after, absl::Duration within,
                           sc::Predicate predicate) {
  sc::Expectation e;
  e.name = name;
  sc::Eventually window;
  window.after = sim::Time::Zero() + after;
  window.within = within;
  e.window = window;
  e.predicate = std::move(predicate);
  return e;
}

sc::Scenario BuildScenario(const Options& o) {
  sc::Scenario s;
  s.name = "cluster_bench";
  s.seed = static_cast<uint64_t>(o.seed);
  s.duration = absl::Minutes(o.minutes);
  s.cluster.managers = static_cast<int32_t>(o.managers);
  s.cluster.workers = static_cast<int32_t>(o.workers);
  if (o.replicas > 0) s.services.push_back(sc::Service{"web", o.replicas, {}});
  const absl::Duration crash_at = s.duration / 3;
  const absl::Duration restart_at = 2 * s.duration / 3;
  if (o.failover != 0) {
    sc::Step crash;
    crash.at = sim::Time::Zero() + crash_at;
    crash.action = sc::Crash{Selector(sc::NodeSelector::Kind::kLeader, "leader"), "old_leader"};
    s.steps.push_back(crash);
    sc::Step restart;
    restart.at = sim::Time::Zero() + restart_at;
    restart.action = sc::Restart{Selector(sc::NodeSelector::Kind::kLabel, "old_leader"), ""};
    s.steps.push_back(restart);
  }
  if (o.expect != 0) {
    s.expectations.push_back(
        Eventually("a leader", absl::ZeroDuration(), absl::Minutes(1), sc::LeaderElected{}));
    if (o.failover != 0) {
      sc::LeaderElected new_leader;
      new_leader.not_node = Selector(sc::NodeSelector::Kind::kLabel, "old_leader");
      s.expectations.push_back(
          Eventually("a new leader after the crash", crash_at, absl::Seconds(30), new_leader));
      s.expectations.push_back(Eventually("every node ready after the restart", restart_at,
                                          absl::Minutes(2), sc::AllNodesReady{}));
    }
    if (o.replicas > 0) {
      s.expectations.push_back(Eventually("web converged", absl::ZeroDuration(), s.duration,
                                          sc::ServiceConverged{"web"}));
    }
  }
  return s;
}

}  // namespace

constexpr char kUsage[] =
    "usage: cluster_bench [--managers=3] [--workers=1000] [--minutes=60] [--failover=1]\n"
    "                     [--replicas=0] [--expect=1] [--seed=1] [--progress=0] [--breakdown=0]\n"
    "Runs one whole-cluster scenario (3 managers + N workers by default) and prints one JSON\n"
    "line: events, wall seconds, simulated seconds per wall second, wall seconds per\n"
    "worker-hour, peak RSS per worker, events per agent heartbeat, the trace digest.\n"
    "  --failover=1   crash the leader at a third of the run, restart it at two thirds\n"
    "  --replicas=N   add a service with N replicas\n"
    "  --expect=1     add the expectations a user would write (exit 1 if one fails)\n"
    "  --progress=1   print simulated time to stderr as the run goes\n"
    "  --breakdown=1  print where the events went (by kind, per heartbeat) to stderr\n"
    "workers 0..100000, managers 1..7, minutes >= 1. Build with -c opt.\n";

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (std::strcmp(a, "--help") == 0 || std::strcmp(a, "-h") == 0) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (!ParseFlag(a, "--managers", &o.managers) && !ParseFlag(a, "--workers", &o.workers) &&
        !ParseFlag(a, "--minutes", &o.minutes) && !ParseFlag(a, "--failover", &o.failover) &&
        !ParseFlag(a, "--replicas", &o.replicas) && !ParseFlag(a, "--expect", &o.expect) &&
        !ParseFlag(a, "--seed", &o.seed) && !ParseFlag(a, "--progress", &o.progress) &&
        !ParseFlag(a, "--breakdown", &o.breakdown)) {
      std::fprintf(stderr, "unknown flag %s\n%s", a, kUsage);
      return 2;
    }
  }
  if (o.managers < 1 || o.managers > 7 || o.workers < 0 || o.workers > 100000 || o.minutes < 1 ||
      o.replicas < 0 || o.seed < 0) {
    std::fprintf(stderr, "flags out of range (managers 1..7, workers 0..100000, minutes >= 1)\n");
    return 2;
  }
  const sc::Scenario scenario = BuildScenario(o);
  sc::RunOptions options;
  options.keep_trace_records = false;
  const auto start = std::chrono::steady_clock::now();
  if (o.progress != 0) {
    // The runner calls every few thousand events; print once per `--progress` simulated minutes.
    const int64_t every_ns = static_cast<int64_t>(o.progress) * 60 * 1000000000;
    auto next_ns = std::make_shared<int64_t>(every_ns);
    options.progress = [start, every_ns, next_ns](int64_t sim_ns, uint64_t events) {
      if (sim_ns < *next_ns) return;
      *next_ns = sim_ns + every_ns;
      const double wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, "  %.0f sim s, %llu events, %.1f wall s, VmRSS %lld kB\n",
                   static_cast<double>(sim_ns) / 1e9, static_cast<unsigned long long>(events), wall,
                   static_cast<long long>(ProcStatusKb("VmRSS")));
    };
  }

  const int64_t rss_before_kb = ProcStatusKb("VmRSS");
  const sc::RunOutput out = sc::RunScenario(scenario, options);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int64_t peak_kb = ProcStatusKb("VmHWM");

  const sc::RunResult& r = out.result;
  const double sim_s = static_cast<double>(r.sim_time_ns) / 1e9;
  auto hb = r.counters.find("agent.heartbeat");
  const uint64_t heartbeats = hb == r.counters.end() ? 0 : hb->second;
  const double worker_hours = static_cast<double>(o.workers) * sim_s / 3600.0;
  std::printf(
      "{\"workload\":\"cluster\",\"managers\":%lld,\"workers\":%lld,\"sim_seconds\":%.0f,"
      "\"failover\":%s,\"replicas\":%lld,\"expectations\":%zu,\"seed\":%lld,\"events\":%llu,"
      "\"trace_records\":%llu,\"wall_seconds\":%.3f,\"events_per_second\":%.0f,"
      "\"sim_seconds_per_wall_second\":%.1f,\"wall_seconds_per_worker_hour\":%.6f,"
      "\"rss_before_kb\":%lld,\"peak_rss_kb\":%lld,\"rss_per_worker_kb\":%.2f,"
      "\"leader_changes\":%zu,\"heartbeats\":%llu,\"events_per_heartbeat\":%.2f,\"passed\":%s,"
      "\"digest\":\"%016llx\"}\n",
      static_cast<long long>(o.managers), static_cast<long long>(o.workers), sim_s,
      o.failover != 0 ? "true" : "false", static_cast<long long>(o.replicas),
      scenario.expectations.size(), static_cast<long long>(o.seed),
      static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.trace_records),
      wall_s, static_cast<double>(r.events) / wall_s, sim_s / wall_s,
      worker_hours > 0 ? wall_s / worker_hours : 0.0, static_cast<long long>(rss_before_kb),
      static_cast<long long>(peak_kb),
      o.workers > 0 ? static_cast<double>(peak_kb - rss_before_kb) / static_cast<double>(o.workers)
                    : 0.0,
      r.leaders.size(), static_cast<unsigned long long>(heartbeats),
      heartbeats > 0 ? static_cast<double>(r.events) / static_cast<double>(heartbeats) : 0.0,
      r.passed ? "true" : "false", static_cast<unsigned long long>(r.digest));
  if (o.breakdown != 0) {
    for (const auto& [name, n] : r.counters) {
      std::fprintf(stderr, "  %-28s %12llu  %6.2f per heartbeat\n", name.c_str(),
                   static_cast<unsigned long long>(n),
                   heartbeats > 0 ? static_cast<double>(n) / static_cast<double>(heartbeats) : 0.0);
    }
  }
  if (!r.passed) {
    for (const sc::ExpectationResult& e : r.expectations) {
      if (!e.passed) std::fprintf(stderr, "FAIL %s: %s\n", e.name.c_str(), e.detail.c_str());
    }
    for (const sc::InvariantResult& inv : r.invariants) {
      if (!inv.passed) std::fprintf(stderr, "FAIL %s: %s\n", inv.name.c_str(), inv.detail.c_str());
    }
    if (!r.error.empty()) std::fprintf(stderr, "ERROR %s\n", r.error.c_str());
  }
  return r.passed ? 0 : 1;
}
