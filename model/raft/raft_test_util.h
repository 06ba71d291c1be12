// Helpers for single-node tests (testonly): a RaftNode with its storage, whose Ready is handled
// as a host would (persist, collect messages, apply conf changes, Advance).
#ifndef SWARMSIM_MODEL_RAFT_RAFT_TEST_UTIL_H_
#define SWARMSIM_MODEL_RAFT_RAFT_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "model/raft/raft_node.h"
#include "model/raft/storage.h"
#include "model/raft/wire.h"
#include "sim/check.h"

namespace swarmsim {
namespace raft {

inline Message Msg(MessageType type, uint64_t from, uint64_t to, uint64_t term) {
  Message m;
  m.type = type;
  m.from = from;
  m.to = to;
  m.term = term;
  return m;
}

inline Entry Ent(uint64_t term, uint64_t index, const std::string& data = "") {
  Entry e;
  e.term = term;
  e.index = index;
  e.data = SharedBytes(data);
  return e;
}

class SingleNode {
 public:
  // Bootstraps `voters` (so the log holds one conf entry per voter, all committed at term 1).
  SingleNode(uint64_t id, const std::vector<uint64_t>& voters, RaftOptions options = RaftOptions(),
             uint64_t seed = 1) {
    options.id = id;
    raft_ = std::make_unique<RaftNode>(options, &storage_, sim::Prng(seed).Fork(id));
    raft_->Bootstrap(voters);
    Flush();
  }

  RaftNode& r() { return *raft_; }
  MemoryStorage& storage() { return storage_; }
  const std::vector<Entry>& applied() const { return applied_; }

  // Handles every Ready; returns the messages to send.
  std::vector<Message> Flush() {
    std::vector<Message> out;
    while (raft_->HasReady()) {
      Ready rd = raft_->GetReady();
      if (rd.snapshot.has_value()) storage_.ApplySnapshot(*rd.snapshot);
      storage_.Append(rd.entries);
      if (rd.hard_state.has_value()) storage_.SetHardState(*rd.hard_state);
      for (Message& m : rd.messages) out.push_back(std::move(m));
      for (const Entry& e : rd.committed_entries) {
        if (e.type == EntryType::kConfChange) {
          ConfChange cc;
          SIM_CHECK(DecodeConfChange(e.data.view(), &cc));
          raft_->ApplyConfChange(cc);
        }
        applied_.push_back(e);
      }
      raft_->Advance(rd);
    }
    return out;
  }

  // Steps a message and returns what the node sends in response.
  std::vector<Message> Step(const Message& m) {
    raft_->Step(m);
    return Flush();
  }

  // Ticks until the node campaigns (or `max` ticks) and returns the messages.
  std::vector<Message> TickUntilCampaign(int max = 100) {
    const uint64_t term = raft_->term();
    for (int i = 0; i < max && raft_->term() == term; ++i) raft_->Tick();
    return Flush();
  }

  // Makes this node leader of the next term with votes from `grant` (REQUIRES a majority).
  std::vector<Message> BecomeLeader(const std::vector<uint64_t>& grant) {
    raft_->Campaign();
    Flush();
    for (uint64_t from : grant) raft_->Step(Msg(MessageType::kVoteResp, from, raft_->id(), raft_->term()));
    return Flush();
  }

 private:
  MemoryStorage storage_;
  std::unique_ptr<RaftNode> raft_;
  std::vector<Entry> applied_;
};

inline std::vector<Message> OfType(const std::vector<Message>& msgs, MessageType type) {
  std::vector<Message> out;
  for (const Message& m : msgs) {
    if (m.type == type) out.push_back(m);
  }
  return out;
}

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_RAFT_TEST_UTIL_H_
