#include "scenarios/scenario.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace scenarios {
namespace {

// People read host lists: w2 comes before w10, managers before workers.
TEST(NaturalLess, SortsHostNamesByNumber) {
  std::vector<std::string> hosts = {"w10", "w2", "m3", "w1", "w100", "m1", "w20"};
  std::sort(hosts.begin(), hosts.end(), NaturalLess);
  EXPECT_EQ(hosts, (std::vector<std::string>{"m1", "m3", "w1", "w2", "w10", "w20", "w100"}));
}

TEST(NaturalLess, IsAStrictOrder) {
  EXPECT_FALSE(NaturalLess("w2", "w2"));
  EXPECT_TRUE(NaturalLess("w", "w1"));
  EXPECT_FALSE(NaturalLess("w1", "w"));
  EXPECT_TRUE(NaturalLess("rack2", "rack10"));
  EXPECT_TRUE(NaturalLess("a9b", "a10a"));
}

TEST(HostOrder, ManagersFirstThenByNumber) {
  EXPECT_TRUE((Host{HostRole::kManager, 7} < Host{HostRole::kWorker, 1}));
  EXPECT_TRUE((Host{HostRole::kWorker, 2} < Host{HostRole::kWorker, 10}));
  EXPECT_FALSE((Host{HostRole::kWorker, 1} < Host{HostRole::kManager, 7}));
}

}  // namespace
}  // namespace scenarios
