#include "scenarios/explore/worker_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace scenarios {
namespace explore {
namespace {

constexpr size_t kTailBytes = 4096;

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Reads exactly `size` bytes; false on EOF or error first.
bool ReadAll(int fd, char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = read(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void Pipe(int fds[2]) {
  if (pipe(fds) != 0) {
    std::perror("swarmsim explore: pipe");
    std::exit(2);
  }
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  fcntl(fds[1], F_SETFD, FD_CLOEXEC);
}

}  // namespace

WorkerPool::WorkerPool(int workers, Work work) : work_(std::move(work)) {
  // A worker gone while the parent writes to it must show up as a death, not kill the parent.
  signal(SIGPIPE, SIG_IGN);
  workers_.resize(static_cast<size_t>(workers < 1 ? 1 : workers));
  for (Worker& w : workers_) Start(w);
}

WorkerPool::~WorkerPool() {
  for (Worker& w : workers_) Stop(w);
}

int WorkerPool::busy() const {
  int n = 0;
  for (const Worker& w : workers_) n += w.busy ? 1 : 0;
  return n;
}

void WorkerPool::Start(Worker& w) {
  int request[2], answer[2], err[2];
  Pipe(request);
  Pipe(answer);
  Pipe(err);
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("swarmsim explore: fork");
    std::exit(2);
  }
  if (pid == 0) {
    // The child: its own ends only (the other workers' pipes are close-on-exec but still open
    // after fork; closing them keeps EOF detection exact).
    for (Worker& other : workers_) {
      if (&other == &w) continue;
      for (int fd : {other.request_fd, other.answer_fd, other.stderr_fd}) {
        if (fd >= 0) close(fd);
      }
    }
    close(request[1]);
    close(answer[0]);
    close(err[0]);
    dup2(err[1], STDERR_FILENO);
    close(err[1]);
    ChildLoop(request[0], answer[1]);
  }
  ++forks_;
  close(request[0]);
  close(answer[1]);
  close(err[1]);
  w.pid = pid;
  w.request_fd = request[1];
  w.answer_fd = answer[0];
  w.stderr_fd = err[0];
  fcntl(w.stderr_fd, F_SETFL, fcntl(w.stderr_fd, F_GETFL) | O_NONBLOCK);
  w.busy = false;
  w.tail.clear();
}

void WorkerPool::ChildLoop(int request_fd, int answer_fd) {
  std::string pending;
  char buffer[4096];
  while (true) {
    const size_t newline = pending.find('\n');
    if (newline == std::string::npos) {
      const ssize_t n = read(request_fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) _exit(0);  // the parent closed the pipe: done
      pending.append(buffer, static_cast<size_t>(n));
      continue;
    }
    const std::string request = pending.substr(0, newline);
    pending.erase(0, newline + 1);
    const std::string answer = work_(request);
    const uint64_t size = answer.size();
    std::fflush(stderr);
    if (!WriteAll(answer_fd, reinterpret_cast<const char*>(&size), sizeof size) ||
        !WriteAll(answer_fd, answer.data(), answer.size())) {
      _exit(0);
    }
  }
}

void WorkerPool::Stop(Worker& w) {
  if (w.pid < 0) return;
  close(w.request_fd);
  close(w.answer_fd);
  close(w.stderr_fd);
  int status = 0;
  while (waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
  }
  w = Worker{};
}

void WorkerPool::DrainStderr(Worker& w, bool until_eof) {
  char buffer[4096];
  while (true) {
    const ssize_t n = read(w.stderr_fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN && until_eof) {
      pollfd p{w.stderr_fd, POLLIN, 0};
      poll(&p, 1, 1000);
      continue;
    }
    if (n <= 0) return;
    w.tail.append(buffer, static_cast<size_t>(n));
    if (w.tail.size() > 2 * kTailBytes) w.tail.erase(0, w.tail.size() - kTailBytes);
  }
}

void WorkerPool::Submit(uint64_t ticket, const std::string& request) {
  for (Worker& w : workers_) {
    if (w.busy) continue;
    w.busy = true;
    w.ticket = ticket;
    w.tail.clear();
    const std::string line = absl::StrCat(request, "\n");
    // A failed write means the worker is gone: Next() sees its answer pipe at EOF.
    WriteAll(w.request_fd, line.data(), line.size());
    return;
  }
  std::fprintf(stderr, "swarmsim explore: internal error: no idle worker\n");
  std::abort();
}

WorkerPool::Answer WorkerPool::Next() {
  while (true) {
    std::vector<pollfd> fds;
    std::vector<size_t> owner;
    for (size_t i = 0; i < workers_.size(); ++i) {
      if (!workers_[i].busy) continue;  // an idle worker writes nothing
      fds.push_back(pollfd{workers_[i].stderr_fd, POLLIN, 0});
      owner.push_back(i);
      fds.push_back(pollfd{workers_[i].answer_fd, POLLIN, 0});
      owner.push_back(i);
    }
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      std::perror("swarmsim explore: poll");
      std::exit(2);
    }
    for (size_t k = 0; k < fds.size(); ++k) {
      Worker& w = workers_[owner[k]];
      if (fds[k].fd == w.stderr_fd) {
        if ((fds[k].revents & (POLLIN | POLLHUP)) != 0) DrainStderr(w, /*until_eof=*/false);
        continue;
      }
      if ((fds[k].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      Answer a;
      a.ticket = w.ticket;
      uint64_t size = 0;
      std::string answer;
      bool ok = ReadAll(w.answer_fd, reinterpret_cast<char*>(&size), sizeof size);
      if (ok) {
        answer.resize(size);
        ok = ReadAll(w.answer_fd, answer.data(), size);
      }
      if (ok) {
        DrainStderr(w, /*until_eof=*/false);
        a.answer = std::move(answer);
        a.stderr_tail = w.tail;
        w.busy = false;
        w.tail.clear();
        return a;
      }
      // The worker died mid-job: everything it wrote is in the stderr pipe until its EOF.
      DrainStderr(w, /*until_eof=*/true);
      a.died = true;
      a.stderr_tail = w.tail.size() > kTailBytes ? w.tail.substr(w.tail.size() - kTailBytes) : w.tail;
      Stop(w);
      Start(w);
      return a;
    }
  }
}

}  // namespace explore
}  // namespace scenarios
