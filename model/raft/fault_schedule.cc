#include "model/raft/fault_schedule.h"

#include <cstdio>
#include <vector>

#include "model/raft/test_cluster.h"
#include "sim/prng.h"

namespace swarmsim {
namespace raft {

std::string Describe(const Plan& p) {
  return "nodes=" + std::to_string(p.nodes) + " seed=" + std::to_string(p.seed) +
         " steps=" + std::to_string(p.steps) + " drop%=" + std::to_string(p.drop_percent) +
         " dup%=" + std::to_string(p.dup_percent) + " pre_vote=" + std::to_string(p.pre_vote) +
         " check_quorum=" + std::to_string(p.check_quorum) +
         " snapshot_interval=" + std::to_string(p.snapshot_interval) +
         " keep=" + std::to_string(p.keep_entries) +
         " membership_changes=" + std::to_string(p.membership_changes);
}

namespace {

constexpr std::size_t kInFlightMax = 5000;

uint64_t Pick(sim::Prng& prng, const std::vector<uint64_t>& ids) {
  const uint64_t i = prng.UniformU64(ids.size());
  return ids[static_cast<std::size_t>(i)];
}

// Crashed nodes that may restart (removed members never come back).
std::vector<uint64_t> DownIds(TestCluster& c) {
  std::vector<uint64_t> down;
  for (uint64_t id : c.ids()) {
    if (!c.IsUp(id) && !c.IsRemoved(id)) down.push_back(id);
  }
  return down;
}

// One membership change through the leader: remove a random voter (possibly the leader) while
// more than 3 remain, else add a fresh node (ids are never reused, as in SwarmKit), up to 7.
void ChangeMembership(TestCluster& c, sim::Prng& prng) {
  const uint64_t leader = c.Leader();
  if (leader == kNone) return;
  const std::vector<uint64_t> voters = c.raft(leader).conf_state().voters;
  const bool remove = voters.size() > 3 && (voters.size() >= 7 || prng.Chance(sim::Ratio{1, 2}));
  if (remove) {
    c.ProposeConfChange(leader, ConfChangeType::kRemoveNode, Pick(prng, voters));
    return;
  }
  const std::vector<uint64_t> ids = c.ids();
  const uint64_t fresh = ids.back() + 1;
  c.AddNode(fresh);
  c.ProposeConfChange(leader, ConfChangeType::kAddNode, fresh);
}

void DeliverOne(TestCluster& c, sim::Prng& prng, const Plan& plan) {
  std::vector<Message>& q = c.in_flight();
  if (q.empty()) return;
  const uint64_t index = prng.UniformU64(q.size());  // Any message: reordering.
  Message m = std::move(q[static_cast<std::size_t>(index)]);
  q.erase(q.begin() + static_cast<std::ptrdiff_t>(index));
  const bool drop = prng.Chance(sim::Ratio{plan.drop_percent, 100});
  if (drop) {
    c.Drop(m);
    return;
  }
  const bool duplicate = prng.Chance(sim::Ratio{plan.dup_percent, 100});
  if (duplicate && q.size() < kInFlightMax) q.push_back(m);
  c.Deliver(m);
}

void FaultStep(TestCluster& c, sim::Prng& prng, const Plan& plan, int* proposals) {
  const uint64_t action = prng.UniformU64(100);
  const std::vector<uint64_t> up = c.up_ids();
  if (action < 45) {
    DeliverOne(c, prng, plan);
  } else if (action < 70) {
    if (!up.empty()) c.Tick(Pick(prng, up));
  } else if (action < 82) {
    const uint64_t leader = c.Leader();
    if (leader != kNone) c.Propose(leader, "p" + std::to_string((*proposals)++));
  } else if (action < 85) {
    if (!up.empty()) c.Crash(Pick(prng, up));
  } else if (action < 90) {
    const std::vector<uint64_t> down = DownIds(c);
    if (!down.empty()) c.Restart(Pick(prng, down));
  } else if (action < 93) {
    c.Isolate(Pick(prng, c.ids()));
  } else if (action < 95) {
    const uint64_t a = Pick(prng, c.ids());
    const uint64_t b = Pick(prng, c.ids());
    if (a != b) c.Cut(a, b);
  } else if (action < 97) {
    c.Heal();
  } else if (action < 98) {
    if (plan.membership_changes) ChangeMembership(c, prng);
  } else {
    const uint64_t leader = c.Leader();
    if (leader != kNone) {
      const uint64_t target = Pick(prng, c.ids());
      c.raft(leader).TransferLeadership(target);
      c.Process(leader);
    }
  }
  // Bounded queue: a flood of duplicates is trimmed from the oldest (it is loss, which Raft
  // tolerates), so a run never grows without limit.
  std::vector<Message>& q = c.in_flight();
  if (q.size() > kInFlightMax) q.erase(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(q.size() - kInFlightMax));
}

// Whether crashing `id` keeps, in every configuration some up node holds, a majority up even
// if one more up voter is removed by a conf change still in flight (margin 1 when membership
// changes are on). Removed members are stopped, so they count as down.
bool SafeToCrash(TestCluster& c, uint64_t id, bool membership_changes) {
  const int margin = membership_changes ? 1 : 0;
  for (uint64_t u : c.up_ids()) {
    if (u == id) continue;
    const std::vector<uint64_t> voters = c.raft(u).conf_state().voters;
    if (voters.empty()) continue;  // A fresh node that has learnt nothing yet.
    int up = 0;
    for (uint64_t v : voters) {
      if (v != id && c.IsUp(v)) ++up;
    }
    if (up - margin < static_cast<int>(voters.size() / 2 + 1)) return false;
  }
  return true;
}

// Faults stop: heal, restart everyone (but removed members), then crash for good a random
// minority, as large as keeps every configuration that may take effect with a majority up.
void StopFaults(TestCluster& c, sim::Prng& prng, bool membership_changes) {
  c.Heal();
  for (uint64_t id : DownIds(c)) c.Restart(id);
  std::vector<uint64_t> voters = c.Voters();
  const uint64_t crash = prng.UniformU64(voters.size() / 2 + 1);
  prng.Shuffle(voters);
  uint64_t crashed = 0;
  for (uint64_t id : voters) {
    if (crashed == crash) break;
    if (!c.IsUp(id) || !SafeToCrash(c, id, membership_changes)) continue;
    c.Crash(id);
    ++crashed;
  }
}

void Mix(uint64_t value, uint64_t* hash) {
  for (int i = 0; i < 8; ++i) {
    *hash ^= (value >> (8 * i)) & 0xff;
    *hash *= 1099511628211ULL;  // FNV-1a 64 prime.
  }
}

uint64_t Digest(TestCluster& c) {
  uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64 offset basis.
  for (uint64_t id : c.ids()) {
    Mix(id, &hash);
    if (!c.IsUp(id)) continue;
    Mix(c.raft(id).term(), &hash);
    Mix(c.raft(id).commit(), &hash);
    Mix(c.raft(id).last_index(), &hash);
  }
  for (const auto& [index, term] : c.committed()) {
    Mix(index, &hash);
    Mix(term, &hash);
  }
  return hash;
}

void PrintState(TestCluster& c, int round) {
  std::printf("round %d:", round);
  for (uint64_t id : c.ids()) {
    if (!c.IsUp(id)) {
      std::printf(" [%d down]", static_cast<int>(id));
      continue;
    }
    const RaftNode& r = c.raft(id);
    std::printf(" [%d %s t=%d lead=%d c=%d a=%d last=%d/%d]", static_cast<int>(id),
                RaftRoleName(r.role()), static_cast<int>(r.term()), static_cast<int>(r.lead()),
                static_cast<int>(r.commit()), static_cast<int>(r.applied()),
                static_cast<int>(r.last_index()), static_cast<int>(r.last_term()));
  }
  std::printf(" voters=");
  for (uint64_t v : c.Voters()) std::printf("%d,", static_cast<int>(v));
  const uint64_t leader = c.Leader();
  if (leader != kNone) {
    for (uint64_t v : c.raft(leader).conf_state().voters) {
      const Progress* pr = c.raft(leader).progress(v);
      std::printf(" {%d %s m=%d n=%d%s}", static_cast<int>(v), ProgressStateName(pr->state),
                  static_cast<int>(pr->match), static_cast<int>(pr->next),
                  pr->IsPaused() ? " paused" : "");
    }
  }
  std::printf("\n");
}

}  // namespace

Outcome RunPlan(const Plan& plan, bool verbose) {
  ClusterOptions options;
  options.size = plan.nodes;
  options.seed = plan.seed;
  options.raft.pre_vote = plan.pre_vote;
  options.raft.check_quorum = plan.check_quorum;
  options.snapshot_interval = plan.snapshot_interval;
  options.keep_entries = plan.keep_entries;
  TestCluster c(options);
  sim::Prng prng = sim::Prng(plan.seed).Fork(0xfa17);
  Outcome out;
  int proposals = 0;
  for (int step = 0; step < plan.steps; ++step) {
    FaultStep(c, prng, plan, &proposals);
    if (step % 50 == 49) c.CheckLogMatching();
    if (!c.violations().empty()) {
      out.violation = "step " + std::to_string(step) + ": " + c.violations()[0];
      return out;
    }
  }
  StopFaults(c, prng, plan.membership_changes);
  const std::string value = "live";
  uint64_t proposed_term = 0;
  const int rounds_max = plan.pre_vote ? kLivenessRoundsMaxPreVote : kLivenessRoundsMax;
  for (int round = 1; round <= rounds_max; ++round) {
    c.TickAllAndStabilize();
    if (verbose) PrintState(c, round);
    const uint64_t leader = c.Leader();
    if (leader != kNone && c.raft(leader).term() != proposed_term) {
      // A new leader (or the first): propose there; a deposed leader's copy may be lost.
      if (c.Propose(leader, value) == StepResult::kOk) proposed_term = c.raft(leader).term();
      c.Stabilize();
    }
    // A majority of the current configuration (membership may still change in this phase).
    const std::vector<uint64_t> voters = c.Voters();
    int applied = 0;
    for (uint64_t id : voters) {
      if (c.IsUp(id) && c.HasValue(id, value)) ++applied;
    }
    if (applied >= static_cast<int>(voters.size() / 2 + 1)) {
      out.liveness_rounds = round;
      break;
    }
  }
  c.CheckLogMatching();
  out.digest = Digest(c);
  if (!c.violations().empty()) {
    out.violation = "after the fault phase: " + c.violations()[0];
  } else if (out.liveness_rounds == 0) {
    out.violation = "liveness: no proposal committed within " +
                    std::to_string(rounds_max) + " rounds after faults stopped";
  }
  return out;
}


}  // namespace raft
}  // namespace swarmsim
