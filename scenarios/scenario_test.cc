#include "scenarios/scenario.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace scenarios {
namespace {

TEST(HostOrder, ManagersFirstThenByNumber) {
  EXPECT_TRUE((Host{HostRole::kManager, 7} < Host{HostRole::kWorker, 1}));
  EXPECT_TRUE((Host{HostRole::kWorker, 2} < Host{HostRole::kWorker, 10}));
  EXPECT_FALSE((Host{HostRole::kWorker, 1} < Host{HostRole::kManager, 7}));
}

}  // namespace
}  // namespace scenarios
