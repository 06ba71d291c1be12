// LambdaProcess is a Process assembled from callbacks: for tests, benchmarks and small scenario
// fixtures. It has no state of its own; what the lambdas capture must outlive the world's use of
// them (a restart builds a new instance from the factory, with the same lambdas).
#ifndef SWARMSIM_SIM_LAMBDA_PROCESS_H_
#define SWARMSIM_SIM_LAMBDA_PROCESS_H_

#include <functional>
#include <memory>
#include <utility>

#include "sim/context.h"
#include "sim/process.h"

namespace sim {

struct LambdaProcessSpec {
  std::function<void(Context&)> on_start;
  std::function<void(Context&, const Message&)> on_message;
  std::function<void(Context&, TimerKey)> on_timer;
  std::function<void(Context&)> on_stop;
};

class LambdaProcess : public Process {
 public:
  explicit LambdaProcess(LambdaProcessSpec spec) : spec_(std::move(spec)) {}
  void Start(Context& ctx) override {
    if (spec_.on_start) spec_.on_start(ctx);
  }
  void OnMessage(Context& ctx, const Message& message) override {
    if (spec_.on_message) spec_.on_message(ctx, message);
  }
  void OnTimer(Context& ctx, TimerKey key) override {
    if (spec_.on_timer) spec_.on_timer(ctx, key);
  }
  void OnStop(Context& ctx) override {
    if (spec_.on_stop) spec_.on_stop(ctx);
  }

 private:
  LambdaProcessSpec spec_;
};

inline ProcessFactory LambdaFactory(LambdaProcessSpec spec) {
  return [spec]() -> std::unique_ptr<Process> { return std::make_unique<LambdaProcess>(spec); };
}

}  // namespace sim

#endif  // SWARMSIM_SIM_LAMBDA_PROCESS_H_
