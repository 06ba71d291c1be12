// Forked worker processes that do jobs for the parent: one request line in, one answer out.
//
// Each worker is a fork of the parent (so it has the parent's loaded base and settings) that
// reads job lines from a pipe, calls `work` and writes the answer back, length-prefixed. Its
// stderr goes to a pipe the parent drains, keeping the tail of what the current job wrote. A
// worker that dies mid-job (a SIM_CHECK abort, a signal) is reported as such with that tail,
// and a fresh worker takes its place: one bad run never takes the sweep down.
//
// The parent is single-threaded and never simulates; workers never talk to each other.
#ifndef SWARMSIM_SCENARIOS_EXPLORE_WORKER_POOL_H_
#define SWARMSIM_SCENARIOS_EXPLORE_WORKER_POOL_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace scenarios {
namespace explore {

class WorkerPool {
 public:
  using Work = std::function<std::string(const std::string& request)>;

  struct Answer {
    uint64_t ticket = 0;
    bool died = false;         // the worker died before answering
    std::string answer;        // when !died
    std::string stderr_tail;   // the last few KB the worker wrote on stderr for this job
  };

  // Forks `workers` (>= 1) processes.
  WorkerPool(int workers, Work work);
  // Closes the request pipes (workers exit on EOF) and reaps every worker.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()); }
  int busy() const;
  bool has_idle() const { return busy() < size(); }

  // Hands `request` (one line, no newline) to an idle worker. REQUIRES: has_idle().
  void Submit(uint64_t ticket, const std::string& request);
  // Blocks until a busy worker answers or dies. REQUIRES: busy() > 0.
  Answer Next();

  // Forks done so far (workers started, including replacements): for the time breakdown.
  int forks() const { return forks_; }

 private:
  struct Worker {
    pid_t pid = -1;
    int request_fd = -1;  // parent writes
    int answer_fd = -1;   // parent reads
    int stderr_fd = -1;   // parent reads
    bool busy = false;
    uint64_t ticket = 0;
    std::string tail;
  };
  void Start(Worker& w);
  void Stop(Worker& w);
  void DrainStderr(Worker& w, bool until_eof);
  [[noreturn]] void ChildLoop(int request_fd, int answer_fd);

  Work work_;
  std::vector<Worker> workers_;
  int forks_ = 0;
};

}  // namespace explore
}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_EXPLORE_WORKER_POOL_H_
