// Raft core benchmark, in the shape of ../shared/peers/etcd_raft_bench/main.go: N voters with
// in-memory storage, zero-latency FIFO delivery in one thread, proposals of a fixed payload made
// in lockstep batches on node 1, run until every node has applied every entry. Prints one JSON
// line in the same shape as the Go program (impl differs).
// Usage: raft_bench [--voters=3] [--entries=100000] [--batch=1] [--payload=128]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "model/raft/raft_node.h"
#include "model/raft/storage.h"
#include "model/raft/wire.h"
#include "sim/prng.h"

namespace {

using swarmsim::raft::ConfChange;
using swarmsim::raft::Entry;
using swarmsim::raft::EntryType;
using swarmsim::raft::MemoryStorage;
using swarmsim::raft::Message;
using swarmsim::raft::RaftNode;
using swarmsim::raft::RaftOptions;
using swarmsim::raft::RaftRole;
using swarmsim::raft::Ready;
using swarmsim::raft::SharedBytes;

struct Flags {
  int voters = 3;
  int entries = 100000;
  int batch = 1;
  int payload = 128;
};

bool ParseInt(const char* arg, const char* name, int* out) {
  const std::size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  *out = std::atoi(arg + n + 1);
  return true;
}

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    while (*a == '-') ++a;
    if (!ParseInt(a, "voters", &flags.voters) && !ParseInt(a, "entries", &flags.entries) &&
        !ParseInt(a, "batch", &flags.batch) && !ParseInt(a, "payload", &flags.payload)) {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      std::exit(2);
    }
  }
  if (flags.voters < 1 || flags.entries < 1 || flags.batch < 1 || flags.payload < 0) {
    std::fprintf(stderr, "flags must be positive\n");
    std::exit(2);
  }
  return flags;
}

struct BenchNode {
  std::unique_ptr<MemoryStorage> storage;
  std::unique_ptr<RaftNode> raft;
  uint64_t applied = 0;
};

class Harness {
 public:
  explicit Harness(int voters) : nodes_(static_cast<std::size_t>(voters) + 1) {
    std::vector<uint64_t> peers;
    for (int i = 1; i <= voters; ++i) peers.push_back(static_cast<uint64_t>(i));
    sim::Prng root(1);
    for (int i = 1; i <= voters; ++i) {
      BenchNode& n = nodes_[static_cast<std::size_t>(i)];
      n.storage = std::make_unique<MemoryStorage>();
      RaftOptions options;
      options.id = static_cast<uint64_t>(i);
      n.raft = std::make_unique<RaftNode>(options, n.storage.get(), root.Fork(options.id));
      n.raft->Bootstrap(peers);
    }
  }

  // Handles every Ready and delivers every message until nothing moves (etcd harness's drive).
  void Drive() {
    for (;;) {
      bool progress = false;
      for (std::size_t id = 1; id < nodes_.size(); ++id) {
        BenchNode& n = nodes_[id];
        while (n.raft->HasReady()) {
          progress = true;
          HandleReady(n);
        }
      }
      if (!queue_.empty()) {
        progress = true;
        std::vector<Message> q;
        q.swap(queue_);
        for (const Message& m : q) {
          ++messages_;
          nodes_[m.to].raft->Step(m);
        }
        q.clear();
        if (queue_.empty()) queue_.swap(q);  // Keep the capacity.
      }
      if (!progress) return;
    }
  }

  RaftNode& raft(uint64_t id) { return *nodes_[id].raft; }
  uint64_t applied(uint64_t id) const { return nodes_[id].applied; }
  uint64_t messages() const { return messages_; }
  std::size_t size() const { return nodes_.size() - 1; }

 private:
  void HandleReady(BenchNode& n) {
    Ready rd = n.raft->GetReady();
    if (rd.hard_state.has_value()) n.storage->SetHardState(*rd.hard_state);
    n.storage->Append(rd.entries);
    for (Message& m : rd.messages) queue_.push_back(std::move(m));
    for (const Entry& e : rd.committed_entries) {
      if (e.type == EntryType::kConfChange) {
        ConfChange cc;
        swarmsim::raft::DecodeConfChange(e.data.view(), &cc);
        n.raft->ApplyConfChange(cc);
      }
      n.applied = e.index;
    }
    n.raft->Advance(rd);
  }

  std::vector<BenchNode> nodes_;
  std::vector<Message> queue_;
  uint64_t messages_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  Harness h(flags.voters);
  // Apply the bootstrap configuration, then elect node 1.
  h.Drive();
  h.raft(1).Campaign();
  h.Drive();
  if (h.raft(1).role() != RaftRole::kLeader) {
    std::fprintf(stderr, "node 1 is not leader\n");
    return 1;
  }
  const std::string payload(static_cast<std::size_t>(flags.payload), '\0');
  const auto start = std::chrono::steady_clock::now();
  const uint64_t start_messages = h.messages();
  int proposed = 0;
  while (proposed < flags.entries) {
    for (int b = 0; b < flags.batch && proposed < flags.entries; ++b) {
      if (h.raft(1).Propose(SharedBytes(payload)) != swarmsim::raft::StepResult::kOk) {
        std::fprintf(stderr, "proposal dropped\n");
        return 1;
      }
      ++proposed;
    }
    h.Drive();
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const int64_t wall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
  const uint64_t last = h.applied(1);
  for (uint64_t id = 1; id <= h.size(); ++id) {
    if (h.applied(id) != last) {
      std::fprintf(stderr, "node did not apply everything\n");
      return 1;
    }
  }
  // Integer arithmetic, rounded to nearest like Go's %.0f.
  const int64_t per_s = (static_cast<int64_t>(flags.entries) * 1000000000LL + wall_ns / 2) / wall_ns;
  std::printf(
      "{\"impl\":\"swarmsim-raft\",\"voters\":%d,\"entries\":%d,\"batch\":%d,\"payload\":%d,"
      "\"wall_ns\":%lld,\"entries_per_s\":%lld,\"messages\":%llu}\n",
      flags.voters, flags.entries, flags.batch, flags.payload, static_cast<long long>(wall_ns),
      static_cast<long long>(per_s), static_cast<unsigned long long>(h.messages() - start_messages));
  return 0;
}
