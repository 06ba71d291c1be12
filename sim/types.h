// Small identifiers shared by the kernel's parts. Dense integers from counters, never pointers
// or hash values, so that they can be printed in a trace and used as ordered keys.
#ifndef SWARMSIM_SIM_TYPES_H_
#define SWARMSIM_SIM_TYPES_H_

#include <cstdint>
#include <limits>

namespace sim {

// A host's index in its world, 0-based, in the order hosts were added.
using HostId = uint32_t;
// Stands for "the world itself" in trace records and for "no host" elsewhere.
inline constexpr HostId kNoHost = std::numeric_limits<uint32_t>::max();

// Chosen by the process: which of its timers an event belongs to (e.g. an enum value, or an
// enum value combined with a peer id). Setting a timer again with the same key supersedes it.
using TimerKey = uint64_t;

// A posted host action (World::PostToHost): its slot in the low 32 bits, the slot's generation
// in the high 32. 0 is never a live handle (generations start at 1).
using HostActionId = uint64_t;
inline constexpr HostActionId kNoHostAction = 0;

}  // namespace sim

#endif  // SWARMSIM_SIM_TYPES_H_
