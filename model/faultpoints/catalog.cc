#include "model/faultpoints/catalog.h"

#include <algorithm>

#include "absl/strings/str_join.h"

namespace swarmsim {
namespace faultpoints {

const std::vector<FaultPointInfo>& FaultPointCatalog() {
  // Keep sorted by name (the catalog test checks it).
  static const std::vector<FaultPointInfo>* const kCatalog = new std::vector<FaultPointInfo>{
      {"agent.task_status_report_late",
       "the agent's UpdateTaskStatus call leaves 2 s late (a stalled reporter), its deadline "
       "counted from then"},
      {"ca.node_certificate_fails",
       "the leader's answer to a node's certificate renewal is lost (UNAVAILABLE, a broken "
       "connection); the node retries with its renewal backoff"},
      {"dispatcher.assignments_stream_restart",
       "the leader ends an Assignments stream with UNAVAILABLE right after sending a message, "
       "as a broken connection does; the agent's session restarts"},
      {"dispatcher.heartbeat_reply_late",
       "the leader's Heartbeat reply leaves 6 s late, past the agent's 5 s RPC deadline"},
      {"dispatcher.session_closed_after_register",
       "the leader ends a Session stream with UNAVAILABLE just after sending a message (the "
       "first is the registration's), as a broken connection does"},
      {"dispatcher.slow_register",
       "the leader starts serving a Session (registration) call 1 s late"},
      {"dispatcher.status_batch_late",
       "a dispatcher store write (a node or task status batch) holds the store's write lock "
       "500 ms before it is proposed, as a slow commit does"},
      {"manager.join_health_check_timeout",
       "the leader's health check of a joining manager gets no answer within its 5 s timeout, "
       "so the join is refused (DEADLINE_EXCEEDED)"},
      {"raft.append_response_lost",
       "a follower's MsgAppResp is lost before it is sent (the transport reports the leader "
       "unreachable)"},
      {"raft.drop_append",
       "a leader's MsgApp is lost before it is sent (the transport reports the follower "
       "unreachable; Raft probes again)"},
      {"raft.heartbeat_lost",
       "a leader's MsgHeartbeat is lost before it is sent (the transport reports the follower "
       "unreachable)"},
      {"raft.snapshot_send_fails",
       "a MsgSnap fails to send: ReportSnapshot(failure) and ReportUnreachable, so the leader "
       "sends it again later"},
      {"raft.vote_health_check_fails",
       "a voter's health check of the candidate fails (connection reset), so the vote request "
       "is ignored"},
      {"raft.vote_response_lost",
       "a MsgVoteResp or MsgPreVoteResp is lost before it is sent"},
      {"raftproxy.forward_reply_lost",
       "a follower's proxy loses the leader's reply to a forwarded unary Dispatcher call (connection "
       "error after the leader served it) and retries after pollNewLeaderConn"},
      {"rolemanager.demote_transfer_fails",
       "the leader's leadership transfer during its own demotion fails, so the role manager "
       "falls back to removing the leader from the Raft membership"},
      {"worker.task_start_fails",
       "a task's container fails to start: the task goes FAILED from STARTING with "
       "\"starting container failed\""},
  };
  return *kCatalog;
}

const FaultPointInfo* FindFaultPoint(absl::string_view name) {
  const std::vector<FaultPointInfo>& catalog = FaultPointCatalog();
  auto it = std::lower_bound(
      catalog.begin(), catalog.end(), name,
      [](const FaultPointInfo& info, absl::string_view n) { return info.name < n; });
  if (it == catalog.end() || it->name != name) return nullptr;
  return &*it;
}

std::string FaultPointNames() {
  return absl::StrJoin(FaultPointCatalog(), ", ",
                       [](std::string* out, const FaultPointInfo& info) { out->append(info.name); });
}

}  // namespace faultpoints
}  // namespace swarmsim
