#include "util/natural_order.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace swarmsim {
namespace {

TEST(NaturalOrderTest, SortsHostNamesByNumber) {
  std::vector<std::string> hosts = {"w10", "w2", "m3", "w1", "w100", "m1", "w20"};
  std::sort(hosts.begin(), hosts.end(),
            [](const std::string& a, const std::string& b) { return NaturalLess(a, b); });
  EXPECT_EQ(hosts, (std::vector<std::string>{"m1", "m3", "w1", "w2", "w10", "w20", "w100"}));
}

TEST(NaturalOrderTest, IsAStrictOrder) {
  EXPECT_FALSE(NaturalLess("w2", "w2"));
  EXPECT_TRUE(NaturalLess("w", "w1"));
  EXPECT_FALSE(NaturalLess("w1", "w"));
  EXPECT_TRUE(NaturalLess("rack2", "rack10"));
  EXPECT_TRUE(NaturalLess("a9b", "a10a"));
  EXPECT_NE(NaturalLess("w01", "w1"), NaturalLess("w1", "w01"));
}

}  // namespace
}  // namespace swarmsim
