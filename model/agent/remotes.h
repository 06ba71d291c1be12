// The agent's weighted list of managers (SwarmKit remotes/remotes.go, reference §1.8).
//
// Remotes is a pure value: no clock, no I/O, randomness only from the sim::Prng passed to Select.
// It must not use floating point: SwarmKit keeps float64 weights and selects with
// rand.Float64(); this class reproduces the same integer weights and the same selection
// probabilities with integers only, so nothing float-dependent reaches the trace.
//
//   Observe:  w0 = current (0 if absent), w1 = clip(observation), stored = ceil((w0 + w1) / 2),
//             clip(x) = max(min(x, 256), -256). The float 0.5·w1 + 0.5·w0 is exact for these
//             integers, so ceil of the half-sum is the same number.
//   Select:   every peer contributes max(w, 0) + 0.001; scaled by 1000 that is
//             max(w, 0)·1000 + 1, and one UniformU64(total) picks the interval it falls in.
//
// Peers are iterated in (node_id, addr) order, never in hash order.
#ifndef SWARMSIM_MODEL_AGENT_REMOTES_H_
#define SWARMSIM_MODEL_AGENT_REMOTES_H_

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/prng.h"

namespace swarmsim {
namespace agent {

// SwarmKit api.Peer: a manager's node ID and address. Both fields form the key.
struct Peer {
  std::string node_id;
  std::string addr;

  bool operator<(const Peer& o) const {
    return std::tie(node_id, addr) < std::tie(o.node_id, o.addr);
  }
  bool operator==(const Peer& o) const { return node_id == o.node_id && addr == o.addr; }
};

// remotes.DefaultObservationWeight: +10 for a good observation, -10 for a bad one.
constexpr int64_t kDefaultObservationWeight = 10;
// remoteWeightMax: weights are clipped to [-256, 256].
constexpr int64_t kRemoteWeightMax = 256;

class Remotes {
 public:
  Remotes() = default;

  // Records an observation of `peer`, adding it when absent (w0 = 0).
  void Observe(const Peer& peer, int64_t weight);
  // As Observe, but only for a peer already present (SwarmKit ObserveIfExists).
  void ObserveIfExists(const Peer& peer, int64_t weight);
  void Remove(const Peer& peer);

  // Weighted-random choice among the peers whose node ID and address are not in `excludes`.
  // Error "no remote hosts provided" (UNAVAILABLE) when no peer is left.
  absl::StatusOr<Peer> Select(sim::Prng& prng,
                              const std::vector<std::string>& excludes = {}) const;

  // Current weights, ordered by (node_id, addr).
  const std::map<Peer, int64_t>& weights() const { return weights_; }
  // The stored weight, or 0 when absent.
  int64_t WeightOf(const Peer& peer) const;
  bool Contains(const Peer& peer) const { return weights_.count(peer) > 0; }
  bool empty() const { return weights_.empty(); }

  // The integer observation rule on its own (exposed for tests): ceil((clip(w0) + clip(w1)) / 2).
  static int64_t Smooth(int64_t w0, int64_t observation);

 private:
  std::map<Peer, int64_t> weights_;
};

}  // namespace agent
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_AGENT_REMOTES_H_
