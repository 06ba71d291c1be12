// Small conversions the manager's parts share: store tables as sorted rows (what the control
// API's ControlView takes; the leader's passes hand the orchestrator, scheduler, task reaper and
// role manager the store's tables in place instead), and absl::Status as the RPC status a caller
// sees (absl's codes are gRPC's).
#ifndef SWARMSIM_MODEL_PROCESS_STORE_ROWS_H_
#define SWARMSIM_MODEL_PROCESS_STORE_ROWS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sim/rpc.h"

namespace swarmsim {
namespace process {

// The rows of a store table, in id order. A copy of every row: not for per-pass use on a large
// table.
template <typename T>
std::vector<T> Rows(const std::map<std::string, T>& table) {
  std::vector<T> rows;
  rows.reserve(table.size());
  for (const auto& [id, row] : table) rows.push_back(row);
  return rows;
}

inline sim::RpcStatus ToRpc(const absl::Status& status) {
  if (status.ok()) return sim::RpcStatus::Ok();
  return sim::RpcStatus::Error(static_cast<sim::StatusCode>(status.code()),
                               std::string(status.message()));
}

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_STORE_ROWS_H_
