// Draws a Timeline as a ShiViz log (https://bestchai.bitbucket.io/shiviz/), which shows each host
// as a line of events and the messages between them as arrows, from vector clocks. The file is
// what ShiViz's "upload a log" expects:
//   line 1: the parsing regular expression (ShiViz's named-group syntax), kShiVizRegex;
//   line 2: the multiple-executions delimiter, empty (one execution);
//   then two lines per event, in simulated-time order:
//     `<seconds with 9 decimals>s <event text>`
//     `<host> {"<host>":<n>, ...}`   (the vector clock, hosts sorted by name)
// The events of a host are its lifecycle, Raft role and agent session changes, its faults,
// session ends, and the ends of flows (Timeline::flows): a flow's end merges the clock of its
// start (the receive of a message), which is what ShiViz draws as an arrow. Scenario steps are
// events of a pseudo-host named "scenario". Each host's own entry counts its events from 1 up
// by one, as ShiViz requires.
#ifndef SWARMSIM_VIZ_SHIVIZ_H_
#define SWARMSIM_VIZ_SHIVIZ_H_

#include <string>

#include "viz/trace_model.h"

namespace swarmsim {
namespace viz {

inline constexpr char kShiVizRegex[] =
    R"((?<time>\d+\.\d+)s (?<event>.*)\n(?<host>\S+) (?<clock>\{.*\}))";

std::string RenderShiViz(const Timeline& timeline);

}  // namespace viz
}  // namespace swarmsim

#endif  // SWARMSIM_VIZ_SHIVIZ_H_
