// Turns trace records (sim/trace's JSON Lines, vocabulary in model/check/trace_schema.h) into
// what the pictures draw: one lane per host with intervals ("bands") for the host's lifecycle,
// its Raft role, its node status as a manager's store saw it and its agent's session, plus
// instants (session ends, RPC completions, faults, steps), flows (records on two hosts paired
// by an ID) and each service's tasks over time. Reads records only; knows nothing of the model's
// code. Every output (the HTML page, Perfetto JSON, the ShiViz log) is drawn from a Timeline.
#ifndef SWARMSIM_VIZ_TRACE_MODEL_H_
#define SWARMSIM_VIZ_TRACE_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "viz/counts.h"
#include "viz/json_lines.h"

namespace swarmsim {
namespace viz {

// [begin_ns, end_ns) in one state. `kind` picks the colour: host lifecycle "up", "paused",
// "stopped", "crashed"; Raft role "leader", "candidate", "pre-candidate", "follower"; node
// status as the store names it ("READY", "UNKNOWN", "DOWN", ...); agent "connecting" (session
// started, not yet registered) or "session". `peer` is the manager of an agent band.
struct Band {
  int64_t begin_ns = 0;
  int64_t end_ns = 0;
  std::string kind;
  std::string label;  // short text drawn inside the band when it fits ("t2", "m3")
  std::string tip;    // tooltip
  std::string peer;
};

// An instant on one lane: an agent session ending. `kind` is the gRPC code ("UNAVAILABLE").
struct Tick {
  int64_t at_ns = 0;
  std::string kind;
  std::string tip;
};

// A vertical marker across every lane: a fault or step ("crash", "stop", "pause", "resume",
// "restart", "clock", "note", or the kind of a step/fault record: "scenario.step").
//
// A scenario step is labelled with what it did when the trace says so: after a step ran, the
// runner traces the lines it added to its report's timeline as `scenario.note {step, text}`
// (`partition {m1} | {m2 m3}`, `crash m3 (leader): power off`, one per host of a group). The
// first note of a `scenario.step {action, step}` record's step is its label, the others go in
// its tooltip. Without notes (traces of older runs) the label is `step 2: partition`. A note of
// no known step is a marker of kind "note".
struct Marker {
  int64_t at_ns = 0;
  std::string kind;
  std::string label;  // "crash m3", "partition {m1} | {m2 m3}"
  std::string tip;
  std::string lane;   // the host it happened on; "" when it concerns the whole cluster (a step)
};

// One end of a Flow: a record on one host.
struct FlowEnd {
  std::string lane;  // the host's lane name
  int64_t at_ns = 0;
  std::string what;  // the record, e.g. "dispatcher.register w4"
};

// A causal link from a record on one host to a record on another that the trace lets us pair by
// an ID both carry (the trace has no record per message sent, so only these are known):
//   "connect":   a client's rpc.conn CONNECTING -> the server's rpc.conn READY (same conn id);
//   "accept":    the server's READY -> the client's READY (the handshake's answer);
//   "session":   the leader's dispatcher.register (accepted) -> the agent's agent.registered
//                (same session id);
//   "task":      the scheduler's task.assign -> the first task.state of that task on the host
//                that executes it.
struct Flow {
  std::string name;  // one of the above
  std::string id;    // the ID that pairs the ends: "conn 11", "m3.1.1/w4/1", "task.m3.2.10"
  FlowEnd from;
  FlowEnd to;        // to.at_ns >= from.at_ns
};

struct Lane {
  std::string name;
  int64_t host_id = -1;  // -1: a node the store knew of that is no host of the trace
  bool manager = false;  // ran Raft at some point
  std::vector<Band> life;
  std::vector<Band> raft;
  std::vector<Band> status;
  std::vector<Band> session;
  std::vector<Tick> session_ends;
  // RPC completions of calls this host made (rpc.done): kind = the gRPC code, tip = method, call
  // id and code. Not drawn by the SVG page (too many); exported to Perfetto.
  std::vector<Tick> calls;
};

// A service's tasks over time, from the task.state records of the workers that execute them:
// `tasks` counts {running, starting} (TASK_RUNNING; NEW to STARTING) among the tasks whose last
// state was reported by a host that has not crashed or stopped since (its tasks died with it; a
// paused host's tasks still run, as SwarmKit's ground truth counts them). The trace names a
// service by its ID only (task.state {service}), so that is its name here.
struct ServiceTrack {
  std::string id;
  std::vector<CountSegment> tasks;  // counts: {running, starting}
  int64_t most = 0;                 // the largest running + starting
};
inline constexpr const char* kTaskCountKinds[] = {"running", "starting"};

// Whose node.status records the status bands show from `at_ns` on.
struct StatusSource {
  int64_t at_ns = 0;
  std::string manager;
};

struct Timeline {
  int64_t begin_ns = 0;  // first record's time
  int64_t end_ns = 0;    // last record's time; open bands end here
  int64_t records = 0;
  bool has_seed = false;
  int64_t seed = 0;
  // Managers first, then workers, each in natural order of names (w2 before w10,
  // util/natural_order.h); then nodes that are no host, in order of appearance.
  std::vector<Lane> lanes;
  std::vector<Band> leaders;  // the cluster's leader over time (kind "leader", peer = host)
  std::vector<Marker> markers;
  std::vector<StatusSource> status_sources;
  std::vector<std::string> managers;  // every manager's name, in lane order (for colours)
  std::vector<Flow> flows;            // in the order their second ends were read
  std::vector<ServiceTrack> services;  // in natural order of IDs
};

struct TraceError {
  int line = 0;
  std::string message;
};

// Builds the timeline of `lines` (as ReadJsonLines returns them). Returns false and fills `error`
// when a record lacks t_ns/seq/host/kind or goes back in time.
//
// Node status follows the leader: the bands show the node.status records of the first manager
// that emitted any until some manager becomes leader, then those of the latest leader (on a
// change of leader every node's band switches to what the new leader's store holds).
bool BuildTimeline(const std::vector<JsonLine>& lines, Timeline* out, TraceError* error);

}  // namespace viz
}  // namespace swarmsim

#endif  // SWARMSIM_VIZ_TRACE_MODEL_H_
