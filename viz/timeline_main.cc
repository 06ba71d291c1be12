// viz_timeline: trace JSON Lines -> one self-contained HTML page with an SVG timeline, or
// (--perfetto) Chrome trace-event JSON for Perfetto's UI and chrome://tracing.
// Exit 0 on success, 1 when the output cannot be written, 2 on bad usage or bad input.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "viz/perfetto.h"
#include "viz/shiviz.h"
#include "viz/svg_timeline.h"
#include "viz/trace_file.h"

namespace {

constexpr char kUsage[] =
    "usage: viz_timeline [--perfetto | --shiviz] [--max-lanes=N] [--width=PX] [--max-bytes=N]\n"
    "                    TRACE.jsonl OUT\n"
    "\n"
    "Reads a swarmsim trace (swarmsim run FILE --trace=TRACE.jsonl) and writes one\n"
    "self-contained HTML page with an SVG timeline: one lane per host showing its lifecycle\n"
    "(up/paused/stopped/crashed), its Raft role and term, its node status as the leader's store\n"
    "saw it and its agent's sessions (which manager, session ends with reasons), a lane per\n"
    "service (running tasks), workers folded into summary lanes that open on a click, and\n"
    "markers for crashes, stops, pauses, restarts and the scenario's steps. Hover over a band\n"
    "for details; Ctrl+wheel, drag or a click on a marker zooms and pans (viz/README.md).\n"
    "\n"
    "  --perfetto     write Chrome trace-event JSON instead (open it in ui.perfetto.dev or\n"
    "                 chrome://tracing): a process per host with host/raft/node status/agent/rpc\n"
    "                 threads, faults and steps as instants, connections, registrations and task\n"
    "                 assignments as flow arrows (docs/perfetto.md)\n"
    "  --shiviz       write a ShiViz log instead (host, vector clock, event; the parsing regex on\n"
    "                 its first line): the same flows as messages between hosts (viz/README.md)\n"
    "  --max-lanes=N  draw at most N host lanes (default 60); the page says how many were omitted\n"
    "  --width=PX     width of the picture in pixels (default 1400)\n"
    "  --max-bytes=N  refuse a trace file larger than N bytes (default 1073741824, 1 GiB)\n"
    "  --help         this text\n"
    "\n"
    "Only a regular file is read (not a FIFO or a device). A trace whose last record is cut (a\n"
    "killed run) is drawn up to its last complete record, with a warning on stderr and a note\n"
    "on the page. Under `bazel run`, relative paths are taken from the directory it was run in.\n"
    "\n"
    "Exit status: 0 written, 1 cannot write OUT, 2 bad usage or bad input (FILE:LINE: message).\n";

int Usage(const std::string& error) {
  std::cerr << "viz_timeline: " << error << "\n" << kUsage;
  return 2;
}

bool ParseDigits(const std::string& text, size_t max_digits, unsigned long long* out) {
  if (text.empty() || text.size() > max_digits) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  *out = std::stoull(text);
  return *out > 0;
}

bool ParsePositive(const std::string& text, int* out) {
  unsigned long long value = 0;
  if (!ParseDigits(text, 6, &value)) return false;
  *out = static_cast<int>(value);
  return true;
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

int main(int argc, char** argv) {
  // `bazel run` starts the binary in its runfiles tree; paths on the command line are meant
  // relative to where the user ran it, which Bazel passes in BUILD_WORKING_DIRECTORY. Moving
  // there first makes every relative path, and every message naming one, what the user typed.
  if (const char* dir = std::getenv("BUILD_WORKING_DIRECTORY"); dir != nullptr && *dir != '\0') {
    if (::chdir(dir) != 0) {
      std::cerr << "viz_timeline: cannot change to BUILD_WORKING_DIRECTORY " << dir << ": "
                << std::strerror(errno) << "\n";
      return 2;
    }
  }
  swarmsim::viz::RenderOptions options;
  bool perfetto = false;
  bool shiviz = false;
  size_t max_bytes = swarmsim::viz::kTraceFileMaxBytes;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--perfetto") {
      perfetto = true;
    } else if (arg == "--shiviz") {
      shiviz = true;
    } else if (arg.rfind("--max-lanes=", 0) == 0) {
      if (!ParsePositive(arg.substr(12), &options.max_lanes)) return Usage("bad " + arg);
    } else if (arg.rfind("--width=", 0) == 0) {
      if (!ParsePositive(arg.substr(8), &options.width) || options.width < 400) {
        return Usage("bad " + arg + " (at least 400)");
      }
    } else if (arg.rfind("--max-bytes=", 0) == 0) {
      unsigned long long value = 0;
      if (!ParseDigits(arg.substr(12), 15, &value)) return Usage("bad " + arg);
      max_bytes = static_cast<size_t>(value);
    } else if (arg.size() > 1 && arg[0] == '-') {
      return Usage("unknown flag " + arg);
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.size() != 2) return Usage("want TRACE.jsonl and OUT");
  if (perfetto && shiviz) return Usage("--perfetto and --shiviz: one output format at a time");
  const std::string& trace_path = paths[0];
  const std::string& out_path = paths[1];

  swarmsim::viz::LoadedTrace trace;
  std::string error;
  if (!swarmsim::viz::LoadTraceFile(trace_path, max_bytes, &trace, &error)) {
    std::cerr << error << "\n";
    return 2;
  }
  if (!trace.warning.empty()) std::cerr << "warning: " << trace.warning << "\n";
  std::string text;
  if (perfetto) {
    swarmsim::viz::PerfettoOptions perfetto_options;
    perfetto_options.source = BaseName(trace_path);
    perfetto_options.warning = trace.warning;
    text = swarmsim::viz::RenderPerfetto(trace.timeline, perfetto_options);
  } else if (shiviz) {
    text = swarmsim::viz::RenderShiViz(trace.timeline);
  } else {
    options.title = BaseName(trace_path);
    options.warning = trace.warning;
    text = swarmsim::viz::RenderHtml(trace.timeline, options);
  }
  std::ofstream out(out_path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    std::cerr << out_path << ": cannot write\n";
    return 1;
  }
  std::cout << "wrote " << out_path << ": " << trace.timeline.records << " records, "
            << trace.timeline.lanes.size() << " lanes"
            << (perfetto || shiviz
                    ? ", " + std::to_string(trace.timeline.flows.size()) + " flows"
                    : "")
            << "\n";
  return 0;
}
