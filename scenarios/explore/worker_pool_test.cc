// A worker that dies mid-job is reported with what it wrote on stderr and replaced; the pool
// goes on.
#include "scenarios/explore/worker_pool.h"

#include <cstdio>
#include <cstdlib>
#include <set>

#include "gtest/gtest.h"

namespace scenarios {
namespace explore {
namespace {

std::string Work(const std::string& request) {
  if (request == "die") {
    std::fprintf(stderr, "model/x.cc:1: CHECK(false) [seed=1]\n");
    std::abort();
  }
  return "echo " + request;
}

TEST(WorkerPoolTest, AnswersEveryJob) {
  WorkerPool pool(2, Work);
  pool.Submit(1, "a");
  pool.Submit(2, "b");
  EXPECT_FALSE(pool.has_idle());
  std::set<std::string> answers;
  for (int i = 0; i < 2; ++i) {
    const WorkerPool::Answer a = pool.Next();
    EXPECT_FALSE(a.died);
    answers.insert(a.answer);
  }
  EXPECT_EQ(answers, (std::set<std::string>{"echo a", "echo b"}));
  EXPECT_EQ(pool.busy(), 0);
}

TEST(WorkerPoolTest, ADeadWorkerIsReportedWithItsStderrAndReplaced) {
  WorkerPool pool(1, Work);
  pool.Submit(7, "die");
  const WorkerPool::Answer dead = pool.Next();
  EXPECT_TRUE(dead.died);
  EXPECT_EQ(dead.ticket, 7u);
  EXPECT_NE(dead.stderr_tail.find("model/x.cc:1: CHECK(false)"), std::string::npos)
      << dead.stderr_tail;
  pool.Submit(8, "after");
  const WorkerPool::Answer next = pool.Next();
  EXPECT_FALSE(next.died);
  EXPECT_EQ(next.answer, "echo after");
  EXPECT_EQ(pool.forks(), 2);
}

}  // namespace
}  // namespace explore
}  // namespace scenarios
