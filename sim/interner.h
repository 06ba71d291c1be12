// Interner gives each distinct string a dense id, in order of first sight, and keeps the string:
// the trace's kinds and field keys, the RPC layer's method names. Ids are positions, never hash
// values, so they are deterministic; the lookup table is only looked up, never iterated.
// Each name is stored once, as a key of a node-based map, so it stays where it is while others
// are added and a reference from Name() lives as long as the interner; Name() reads it through
// a flat index (the RPC layer asks for a method's name on every call).
#ifndef SWARMSIM_SIM_INTERNER_H_
#define SWARMSIM_SIM_INTERNER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "absl/strings/string_view.h"
#include "sim/check.h"

namespace sim {

class Interner {
 public:
  uint32_t Intern(absl::string_view name) {
    auto it = ids_.find(name);
    if (it != ids_.end()) return it->second;
    const uint32_t id = static_cast<uint32_t>(by_id_.size());
    by_id_.push_back(&ids_.emplace(std::string(name), id).first->first);
    return id;
  }
  // REQUIRES: id was returned by Intern.
  const std::string& Name(uint32_t id) const {
    SIM_CHECK_LT(id, by_id_.size());
    return *by_id_[id];
  }
  std::size_t size() const { return by_id_.size(); }

 private:
  absl::node_hash_map<std::string, uint32_t> ids_;  // Lookup only; never iterated.
  std::vector<const std::string*> by_id_;          // Into the keys of ids_.
};

}  // namespace sim

#endif  // SWARMSIM_SIM_INTERNER_H_
