#include "sim/network.h"

#include "sim/check.h"

namespace sim {

void Network::SetLink(HostId from, HostId to, const LinkConfig& config) {
  links_[LinkKey(from, to)] = config;
}

void Network::ClearLink(HostId from, HostId to) { links_.erase(LinkKey(from, to)); }

const LinkConfig& Network::link(HostId from, HostId to) const {
  if (links_.empty()) return default_link_;
  auto it = links_.find(LinkKey(from, to));
  return it == links_.end() ? default_link_ : it->second;
}

void Network::Partition(const std::vector<std::vector<HostId>>& sides) {
  side_.clear();
  for (std::size_t s = 0; s < sides.size(); ++s) {
    for (HostId host : sides[s]) {
      if (host >= side_.size()) side_.resize(host + 1, 0);
      SIM_CHECK_MSG(side_[host] == 0, "host listed in two sides");
      side_[host] = static_cast<uint32_t>(s + 1);
    }
  }
}

void Network::HealPartition() { side_.clear(); }

void Network::Cut(HostId from, HostId to) { cuts_.insert(LinkKey(from, to)); }
void Network::Uncut(HostId from, HostId to) { cuts_.erase(LinkKey(from, to)); }

void Network::Isolate(HostId host) {
  if (host >= isolated_.size()) isolated_.resize(host + 1, false);
  isolated_[host] = true;
}

void Network::Unisolate(HostId host) {
  if (host < isolated_.size()) isolated_[host] = false;
}

void Network::Clog(HostId from, HostId to, Time until) { clogs_[LinkKey(from, to)] = until; }

void Network::HealAll() {
  side_.clear();
  isolated_.clear();
  cuts_.clear();
  clogs_.clear();
}

uint32_t Network::SideOf(HostId host) const { return host < side_.size() ? side_[host] : 0; }

bool Network::Reachable(HostId from, HostId to) const {
  if (from == to) return true;
  if (!side_.empty()) {
    // Only links between two named sides are cut: a host in no side (0) reaches everyone.
    const uint32_t from_side = SideOf(from);
    const uint32_t to_side = SideOf(to);
    if (from_side != 0 && to_side != 0 && from_side != to_side) return false;
  }
  if (!isolated_.empty()) {
    if (from < isolated_.size() && isolated_[from]) return false;
    if (to < isolated_.size() && isolated_[to]) return false;
  }
  if (!cuts_.empty() && cuts_.count(LinkKey(from, to)) != 0) return false;
  return true;
}

Prng& Network::LinkPrng(HostId from, HostId to) {
  const uint64_t key = LinkKey(from, to);
  auto it = link_prngs_.find(key);
  if (it == link_prngs_.end()) it = link_prngs_.emplace(key, stream_.Fork(key)).first;
  return it->second;
}

Time Network::ArrivalTime(const LinkConfig& config, Prng& prng, HostId from, HostId to, Time now) {
  Time leave = now;
  if (!clogs_.empty()) {
    auto it = clogs_.find(LinkKey(from, to));
    if (it != clogs_.end() && it->second > leave) leave = it->second;
  }
  int64_t delay_ns = absl::ToInt64Nanoseconds(config.latency);
  const int64_t jitter_ns = absl::ToInt64Nanoseconds(config.jitter);
  if (jitter_ns > 0) {
    const int64_t jitter = static_cast<int64_t>(prng.UniformU64(jitter_ns + 1));
    delay_ns += jitter;
  }
  if (!config.reorder.IsNever() && prng.Chance(config.reorder)) {
    const int64_t max_ns = absl::ToInt64Nanoseconds(config.reorder_delay_max);
    const int64_t extra = static_cast<int64_t>(prng.UniformU64(max_ns + 1));
    delay_ns += extra;
  }
  return Time::FromNanos(leave.nanos() + delay_ns);
}

Routing Network::Route(HostId from, HostId to, Time now, int64_t size_bytes, bool datagram) {
  ++stats_.packets_sent;
  stats_.bytes_sent += static_cast<uint64_t>(size_bytes);
  Routing routing;
  if (!Reachable(from, to)) {
    ++stats_.dropped_unreachable;
    routing.fate = Routing::Fate::kUnreachable;
    return routing;
  }
  const LinkConfig& config = link(from, to);
  Prng& prng = LinkPrng(from, to);
  if (!config.loss.IsNever() && prng.Chance(config.loss)) {
    ++stats_.dropped_loss;
    routing.fate = Routing::Fate::kLost;
    return routing;
  }
  routing.arrival = ArrivalTime(config, prng, from, to, now);
  // Only datagrams are duplicated: a connection's packets are numbered and deduplicated.
  if (datagram && !config.duplicate.IsNever() && prng.Chance(config.duplicate)) {
    ++stats_.duplicated;
    routing.duplicated = true;
    routing.duplicate_arrival = ArrivalTime(config, prng, from, to, now);
  }
  return routing;
}

Routing Network::RouteDatagram(HostId from, HostId to, Time now, int64_t size_bytes) {
  return Route(from, to, now, size_bytes, /*datagram=*/true);
}

Routing Network::RouteConnection(HostId from, HostId to, Time now, int64_t size_bytes) {
  return Route(from, to, now, size_bytes, /*datagram=*/false);
}

}  // namespace sim
