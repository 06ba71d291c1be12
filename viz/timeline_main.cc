// viz_timeline: trace JSON Lines -> one self-contained HTML page with an SVG timeline.
// Exit 0 on success, 1 when the output cannot be written, 2 on bad usage or bad input.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "viz/json_lines.h"
#include "viz/svg_timeline.h"
#include "viz/trace_model.h"

namespace {

constexpr char kUsage[] =
    "usage: viz_timeline [--max-lanes=N] [--width=PX] TRACE.jsonl OUT.html\n"
    "\n"
    "Reads a swarmsim trace (swarmsim run FILE --trace=TRACE.jsonl) and writes one\n"
    "self-contained HTML page with an SVG timeline: one lane per host showing its lifecycle\n"
    "(up/paused/stopped/crashed), its Raft role and term, its node status as the leader's store\n"
    "saw it and its agent's sessions (which manager, session ends with reasons), plus markers\n"
    "for crashes, stops, pauses and restarts. Hover over a band for details.\n"
    "\n"
    "  --max-lanes=N  draw at most N lanes (default 60); the page says how many were omitted\n"
    "  --width=PX     width of the picture in pixels (default 1400)\n"
    "  --help         this text\n"
    "\n"
    "Exit status: 0 written, 1 cannot write OUT, 2 bad usage or bad input (FILE:LINE: message).\n";

int Usage(const std::string& error) {
  std::cerr << "viz_timeline: " << error << "\n" << kUsage;
  return 2;
}

// Under `bazel run` the working directory is the runfiles tree; resolve relative paths against
// the directory the user ran the command from.
std::string Resolve(const std::string& path) {
  const char* dir = std::getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || path[0] == '/' || dir == nullptr || *dir == '\0') return path;
  return std::string(dir) + "/" + path;
}

bool ParsePositive(const std::string& text, int* out) {
  if (text.empty() || text.size() > 6) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  *out = std::stoi(text);
  return *out > 0;
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

int main(int argc, char** argv) {
  swarmsim::viz::RenderOptions options;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg.rfind("--max-lanes=", 0) == 0) {
      if (!ParsePositive(arg.substr(12), &options.max_lanes)) return Usage("bad " + arg);
    } else if (arg.rfind("--width=", 0) == 0) {
      if (!ParsePositive(arg.substr(8), &options.width) || options.width < 400) {
        return Usage("bad " + arg + " (at least 400)");
      }
    } else if (arg.size() > 1 && arg[0] == '-') {
      return Usage("unknown flag " + arg);
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.size() != 2) return Usage("want TRACE.jsonl and OUT.html");
  const std::string& trace_path = paths[0];
  const std::string& out_path = paths[1];

  std::ifstream in(Resolve(trace_path));
  if (!in) {
    std::cerr << trace_path << ": cannot open\n";
    return 2;
  }
  std::vector<swarmsim::viz::JsonLine> lines;
  int bad_line = 0;
  std::string error;
  if (!swarmsim::viz::ReadJsonLines(in, &lines, &bad_line, &error)) {
    std::cerr << trace_path << ":" << bad_line << ": " << error << "\n";
    return 2;
  }
  if (in.bad()) {
    std::cerr << trace_path << ": read error\n";
    return 2;
  }
  swarmsim::viz::Timeline timeline;
  swarmsim::viz::TraceError trace_error;
  if (!swarmsim::viz::BuildTimeline(lines, &timeline, &trace_error)) {
    std::cerr << trace_path << ":" << trace_error.line << ": " << trace_error.message << "\n";
    return 2;
  }
  options.title = BaseName(trace_path);
  const std::string html = swarmsim::viz::RenderHtml(timeline, options);
  std::ofstream out(Resolve(out_path), std::ios::binary);
  out << html;
  out.close();
  if (!out) {
    std::cerr << out_path << ": cannot write\n";
    return 1;
  }
  std::cout << "wrote " << out_path << ": " << timeline.records << " records, "
            << timeline.lanes.size() << " lanes\n";
  return 0;
}
