#include "model/agent/remotes.h"

#include <algorithm>

#include "absl/status/status.h"
#include "sim/check.h"

namespace swarmsim {
namespace agent {
namespace {

int64_t Clip(int64_t x) { return std::max(std::min(x, kRemoteWeightMax), -kRemoteWeightMax); }

// Each peer's share, in thousandths: SwarmKit adds 0.001 so that peers at zero or below keep a
// tiny chance; scaled by 1000 that bias is exactly 1.
constexpr uint64_t kWeightScale = 1000;

bool Excluded(const Peer& peer, const std::vector<std::string>& excludes) {
  for (const std::string& e : excludes) {
    if (e == peer.node_id || e == peer.addr) return true;
  }
  return false;
}

}  // namespace

int64_t Remotes::Smooth(int64_t w0, int64_t observation) {
  const int64_t sum = Clip(w0) + Clip(observation);
  // ceil(sum / 2): C++ division truncates toward zero, which is the ceiling for negative sums.
  const int64_t smoothed = sum >= 0 ? (sum + 1) / 2 : sum / 2;
  SIM_CHECK_LE(smoothed, kRemoteWeightMax);
  SIM_CHECK_GE(smoothed, -kRemoteWeightMax);
  return smoothed;
}

void Remotes::Observe(const Peer& peer, int64_t weight) {
  weights_[peer] = Smooth(WeightOf(peer), weight);
}

void Remotes::ObserveIfExists(const Peer& peer, int64_t weight) {
  auto it = weights_.find(peer);
  if (it == weights_.end()) return;
  it->second = Smooth(it->second, weight);
}

void Remotes::Remove(const Peer& peer) { weights_.erase(peer); }

int64_t Remotes::WeightOf(const Peer& peer) const {
  auto it = weights_.find(peer);
  return it == weights_.end() ? 0 : it->second;
}

absl::StatusOr<Peer> Remotes::Select(sim::Prng& prng,
                                     const std::vector<std::string>& excludes) const {
  std::vector<const Peer*> peers;
  std::vector<uint64_t> cumulative;
  uint64_t total = 0;
  for (const auto& [peer, weight] : weights_) {
    if (Excluded(peer, excludes)) continue;
    total += static_cast<uint64_t>(std::max<int64_t>(weight, 0)) * kWeightScale + 1;
    peers.push_back(&peer);
    cumulative.push_back(total);
  }
  if (peers.empty()) return absl::UnavailableError("no remote hosts provided");
  const uint64_t r = prng.UniformU64(total);
  // Peer i owns [cumulative[i-1], cumulative[i]): the first bound strictly above r.
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), r);
  SIM_CHECK(it != cumulative.end());
  return *peers[static_cast<size_t>(it - cumulative.begin())];
}

}  // namespace agent
}  // namespace swarmsim
