#include "model/raft/invariants.h"

#include "model/raft/raft_node.h"
#include "sim/check.h"

namespace swarmsim {
namespace raft {

RaftView RaftInvariants::Capture(const RaftNode& node) {
  RaftView view;
  view.term = node.term();
  view.vote = node.vote();
  view.lead = node.lead();
  view.role = node.role();
  view.commit = node.commit();
  view.applied = node.applied();
  view.last_index = node.last_index();
  view.last_term = node.last_term();
  return view;
}

void RaftInvariants::CheckBasic(const RaftNode& node) {
  SIM_CHECK_LE(node.commit(), node.last_index());
  SIM_CHECK_LE(node.applied(), node.commit());
  SIM_CHECK_LE(node.first_index(), node.last_index() + 1);
  SIM_CHECK_LE(node.last_term(), node.term());
  if (node.role() == RaftRole::kLeader) SIM_CHECK_EQ(node.lead(), node.id());
  if (node.role() == RaftRole::kLeader) SIM_CHECK_EQ(node.vote(), node.id());
  if (node.role() == RaftRole::kCandidate) SIM_CHECK_EQ(node.vote(), node.id());
}

void RaftInvariants::CheckDelta(const RaftView& prev, const RaftNode& node) {
  SIM_CHECK_GE(node.term(), prev.term);
  SIM_CHECK_GE(node.commit(), prev.commit);
  SIM_CHECK_GE(node.applied(), prev.applied);
  if (node.term() == prev.term && prev.vote != kNone) SIM_CHECK_EQ(node.vote(), prev.vote);
  // One leader per term as seen by this node: a known leader is never replaced in its term.
  if (node.term() == prev.term && prev.lead != kNone && node.lead() != kNone) {
    SIM_CHECK_EQ(node.lead(), prev.lead);
  }
  const bool stayed_leader = prev.role == RaftRole::kLeader && node.role() == RaftRole::kLeader &&
                             node.term() == prev.term;
  if (stayed_leader) {
    // Leader append-only (Raft §5.3): nothing it had is overwritten or removed.
    SIM_CHECK_GE(node.last_index(), prev.last_index);
    if (prev.last_index >= node.first_index()) {
      SIM_CHECK_EQ(node.TermAt(prev.last_index), prev.last_term);
    }
  }
}

}  // namespace raft
}  // namespace swarmsim
