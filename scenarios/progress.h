// Progress lines for long runs, paced by wall time: the CLI shows one every few seconds on a
// terminal (simulated time reached, events per wall second, an estimate of the time left), so
// a big cluster that needs minutes per simulated minute is never silent.
//
// The wall clock is passed in (the CLI passes a steady clock; tests a fake one): nothing here
// reads a clock, and nothing it measures reaches the simulation.
#ifndef SWARMSIM_SCENARIOS_PROGRESS_H_
#define SWARMSIM_SCENARIOS_PROGRESS_H_

#include <cstdint>
#include <functional>
#include <string>

namespace scenarios {

class ProgressMeter {
 public:
  // `wall_now` returns monotonic wall nanoseconds; `run_ns` is the scenario's simulated length;
  // a line is due every `every_ns` of wall time.
  ProgressMeter(std::string scenario, int64_t run_ns, std::function<int64_t()> wall_now,
                int64_t every_ns = 3000000000);

  // Called often (the runner calls every few thousand events). Returns the line to print when
  // one is due, else "".
  std::string Update(int64_t sim_ns, uint64_t events);

 private:
  std::string scenario_;
  int64_t run_ns_;
  std::function<int64_t()> wall_now_;
  int64_t every_ns_;
  int64_t start_ns_;
  int64_t last_line_ns_;
};

// "  ... NAME: simulated 1m12s of 5m (24%), 41k events/s, about 3m50s left". Exposed for tests.
std::string ProgressLine(const std::string& scenario, int64_t sim_ns, int64_t run_ns,
                         uint64_t events, int64_t wall_ns);

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_PROGRESS_H_
