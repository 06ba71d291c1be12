// Draws a Timeline as one self-contained HTML page: a header, a legend and an inline SVG with
// x = simulated time and one lane per host. Every band and tick carries a <title> tooltip.
#ifndef SWARMSIM_VIZ_SVG_TIMELINE_H_
#define SWARMSIM_VIZ_SVG_TIMELINE_H_

#include <string>

#include "viz/trace_model.h"

namespace swarmsim {
namespace viz {

struct RenderOptions {
  std::string title;    // shown in the header (the trace file's name)
  int width = 1400;     // of the SVG, in pixels
  int max_lanes = 60;   // lanes beyond this are omitted, and the page says how many
  std::string warning;  // a note on the input shown in red under the header (a cut trace)
};

std::string RenderHtml(const Timeline& timeline, const RenderOptions& options);

// Text made safe for HTML/SVG content and attribute values: markup characters become entities,
// control characters other than newline and tab (not allowed in either) become visible \xNN.
std::string EscapeHtml(const std::string& text);

}  // namespace viz
}  // namespace swarmsim

#endif  // SWARMSIM_VIZ_SVG_TIMELINE_H_
