// Draws a Timeline as one self-contained HTML page: a header, a legend, a toolbar and an inline
// SVG with x = simulated time: the leader lane, a lane per service (its tasks over time), a lane
// per host, and the workers folded into summary lanes of counts (groups of at most 32; hidden
// under them above 12 workers). Every band and tick carries a <title> tooltip and its times
// (data-b/data-e, ns since the first record); the page's inline script (timeline.js) zooms and
// pans by re-placing them, draws the axis, lays out marker labels and folds worker groups. No
// file or URL is loaded: the page works offline as one file.
#ifndef SWARMSIM_VIZ_SVG_TIMELINE_H_
#define SWARMSIM_VIZ_SVG_TIMELINE_H_

#include <string>

#include "viz/trace_model.h"

namespace swarmsim {
namespace viz {

struct RenderOptions {
  std::string title;    // shown in the header (the trace file's name)
  int width = 1400;     // of the SVG, in pixels
  int max_lanes = 60;   // host lanes beyond this are omitted, and the page says how many (the
                        // worker groups' counts still cover every worker)
  std::string warning;  // a note on the input shown in red under the header (a cut trace)
};

std::string RenderHtml(const Timeline& timeline, const RenderOptions& options);

// Text made safe for HTML/SVG content and attribute values: markup characters become entities;
// control characters other than newline and tab (not allowed in either) and bytes that are not
// UTF-8 become visible \xNN, so the page is valid UTF-8 whatever the trace file held.
std::string EscapeHtml(const std::string& text);

}  // namespace viz
}  // namespace swarmsim

#endif  // SWARMSIM_VIZ_SVG_TIMELINE_H_
