// Draws a Timeline as Chrome trace-event JSON (the "JSON Object Format"), which Perfetto's UI
// (ui.perfetto.dev, "Open trace file") and chrome://tracing open. Layout:
//   - process "cluster" (pid 1): thread "leader" (who leads, as slices) and thread "steps"
//     (scenario steps and other cluster-wide markers, as global instant events);
//   - one process per lane (host), in lane order (managers first), named after the host, with a
//     thread per row that has anything: "host" (lifecycle slices, and the host's faults as
//     instants), "raft" (role slices named "leader t3"), "node status" (as the leader's store saw
//     it), "agent" (session slices, session ends as instants), "rpc" (each RPC completion as an
//     instant, and the ends of flows as zero-length slices);
//   - flows (Timeline::flows) as arrows between the two zero-length slices of their ends, with the
//     v2 flow fields ("bind_id" and "flow_out" / "flow_in", which bind to the slice itself).
// Spans are complete events (ph "X" with dur), so begin/end always balance. Events are sorted by
// ts (stably), so every track's timestamps are monotonic. ts and dur are microseconds with
// exactly three decimals, printed from the integer nanoseconds (no floating point).
#ifndef SWARMSIM_VIZ_PERFETTO_H_
#define SWARMSIM_VIZ_PERFETTO_H_

#include <string>

#include "viz/trace_model.h"

namespace swarmsim {
namespace viz {

struct PerfettoOptions {
  std::string source;   // the trace's name, kept in otherData.source
  std::string warning;  // a note on the input (a cut trace), kept in otherData.warning if set
};

std::string RenderPerfetto(const Timeline& timeline, const PerfettoOptions& options);

// Nanoseconds as trace-event microseconds: 17148593504 -> "17148593.504".
std::string Micros(int64_t ns);

}  // namespace viz
}  // namespace swarmsim

#endif  // SWARMSIM_VIZ_PERFETTO_H_
