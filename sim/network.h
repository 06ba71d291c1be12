// Network is the link model: for a packet from one host to another at a given instant, it decides
// whether the packet gets through and when it arrives. It owns the fault state (partitions into
// sides, one-way cuts, isolated hosts, clogged links) and the link settings (latency + jitter,
// loss, duplication, reordering; defaults for all links plus per-link overrides).
//
// It never schedules events and never calls hosts: the world asks it and schedules. Every random
// choice comes from the link's own stream (forked from the network's stream by (from, to)), so
// traffic on one link never changes the draws on another. Times are integer nanoseconds;
// probabilities are integer ratios.
#ifndef SWARMSIM_SIM_NETWORK_H_
#define SWARMSIM_SIM_NETWORK_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "sim/prng.h"
#include "sim/time.h"
#include "sim/types.h"

namespace sim {

struct LinkConfig {
  // One-way delay: latency + uniform [0, jitter].
  absl::Duration latency = absl::Microseconds(500);
  absl::Duration jitter = absl::Microseconds(100);
  // Datagrams: dropped with `loss`, delivered twice with `duplicate`. Connection packets (RPC)
  // are never duplicated, and a lost one is retransmitted after a timeout (TCP).
  Ratio loss = Ratio::Never();
  Ratio duplicate = Ratio::Never();
  // With `reorder`, a packet is held back by an extra uniform [0, reorder_delay_max].
  Ratio reorder = Ratio::Never();
  absl::Duration reorder_delay_max = absl::Milliseconds(5);
};

struct NetworkStats {
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t packets_delivered = 0;
  uint64_t bytes_delivered = 0;
  uint64_t dropped_loss = 0;
  uint64_t dropped_unreachable = 0;  // Partition, cut, isolation.
  uint64_t dropped_host_down = 0;
  uint64_t duplicated = 0;
  uint64_t retransmitted = 0;
};

// What happens to one transmission.
struct Routing {
  enum class Fate { kDelivered, kLost, kUnreachable };
  Fate fate = Fate::kDelivered;
  Time arrival;
  // Datagrams only: a second copy arrives at `duplicate_arrival`.
  bool duplicated = false;
  Time duplicate_arrival;
};

class Network {
 public:
  explicit Network(const Prng& stream) : stream_(stream) {}

  // Link settings. A per-link override replaces the default entirely for that direction.
  void set_default_link(const LinkConfig& config) { default_link_ = config; }
  const LinkConfig& default_link() const { return default_link_; }
  void SetLink(HostId from, HostId to, const LinkConfig& config);
  void ClearLink(HostId from, HostId to);
  const LinkConfig& link(HostId from, HostId to) const;

  // Partitions into sides: hosts in different sides cannot reach each other. A host listed in no
  // side stays connected to everyone (SCENARIO_FORMAT.md: "unnamed hosts stay with everyone"), so
  // cutting follower m2 from follower m3 leaves both talking to the leader. To cut a host off
  // from everyone, name all the others in the other side (or isolate it). Replaces any previous
  // partition.
  void Partition(const std::vector<std::vector<HostId>>& sides);
  void HealPartition();
  // One-way cut: packets from `from` to `to` are dropped.
  void Cut(HostId from, HostId to);
  void Uncut(HostId from, HostId to);
  // An isolated host reaches no one and no one reaches it.
  void Isolate(HostId host);
  void Unisolate(HostId host);
  // Packets sent from `from` to `to` before `until` are held and leave at `until`.
  void Clog(HostId from, HostId to, Time until);
  // Removes every partition, cut, isolation and clog.
  void HealAll();

  // Whether a packet sent now would get through the fault state (ignores loss).
  bool Reachable(HostId from, HostId to) const;

  // A datagram: loss, duplication, reordering, jitter apply. Counts the bytes.
  Routing RouteDatagram(HostId from, HostId to, Time now, int64_t size_bytes);
  // A packet on a connection: no duplication; kLost means "retransmit later". Counts the bytes.
  Routing RouteConnection(HostId from, HostId to, Time now, int64_t size_bytes);

  NetworkStats& stats() { return stats_; }
  const NetworkStats& stats() const { return stats_; }

 private:
  // The fate of one transmission; duplication applies to datagrams only.
  Routing Route(HostId from, HostId to, Time now, int64_t size_bytes, bool datagram);
  static uint64_t LinkKey(HostId from, HostId to) { return (uint64_t{from} << 32) | to; }
  Prng& LinkPrng(HostId from, HostId to);
  Time ArrivalTime(const LinkConfig& config, Prng& prng, HostId from, HostId to, Time now);
  uint32_t SideOf(HostId host) const;

  Prng stream_;
  LinkConfig default_link_;
  // Lookup-only tables (never iterated, so their order cannot reach a trace).
  absl::flat_hash_map<uint64_t, LinkConfig> links_;
  absl::flat_hash_map<uint64_t, Prng> link_prngs_;
  absl::flat_hash_set<uint64_t> cuts_;
  absl::flat_hash_map<uint64_t, Time> clogs_;
  std::vector<uint32_t> side_;  // By host; 1-based side, 0 when not listed.
  std::vector<bool> isolated_;  // By host.
  NetworkStats stats_;
};

}  // namespace sim

#endif  // SWARMSIM_SIM_NETWORK_H_
