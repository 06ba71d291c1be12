// Process is what runs on a host: the adapter between the kernel and a model component.
//
// The world calls a process only through these methods, one at a time, always with the host's
// Context; a process never calls the world directly, never reads a clock but ctx.LocalNow(), and
// draws randomness only from ctx.prng(). A process instance lives for one incarnation of its
// host: a crash destroys it without OnStop; a restart builds a fresh one from the host's factory,
// and only the host's Disk (what was synced) survives.
#ifndef SWARMSIM_SIM_PROCESS_H_
#define SWARMSIM_SIM_PROCESS_H_

#include <functional>
#include <memory>
#include <string>

#include "sim/payload.h"
#include "sim/types.h"

namespace sim {

class Context;

// A datagram as delivered (Context::Send).
struct Message {
  HostId from = kNoHost;
  std::string type;
  Payload payload;
};

class Process {
 public:
  virtual ~Process() = default;

  // The host has (re)started: read the disk, register RPC handlers, set the first timers.
  virtual void Start(Context& ctx) = 0;
  // A datagram arrived.
  virtual void OnMessage(Context& ctx, const Message& message) {
    (void)ctx;
    (void)message;
  }
  // The latest timer set with `key` fired (superseded and cancelled ones never reach here).
  virtual void OnTimer(Context& ctx, TimerKey key) {
    (void)ctx;
    (void)key;
  }
  // Graceful stop: the last call before the instance is destroyed. Connections close after it
  // returns (peers see them close); nothing sent or set here is delivered back to this instance.
  virtual void OnStop(Context& ctx) { (void)ctx; }
};

using ProcessFactory = std::function<std::unique_ptr<Process>()>;

}  // namespace sim

#endif  // SWARMSIM_SIM_PROCESS_H_
