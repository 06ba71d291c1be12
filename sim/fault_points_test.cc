#include "sim/fault_points.h"

#include <gtest/gtest.h>

namespace sim {
namespace {

TEST(FaultPointsTest, OffByDefault) {
  FaultPoints faults(Prng(1));
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(faults.Buggify("any.site"));
  EXPECT_TRUE(faults.sites().empty());
}

TEST(FaultPointsTest, SameSeedSameDecisions) {
  for (uint64_t seed = 1; seed < 20; ++seed) {
    FaultPoints a{Prng(seed)}, b{Prng(seed)};
    a.set_enabled(true);
    b.set_enabled(true);
    for (int i = 0; i < 200; ++i) {
      EXPECT_EQ(a.Buggify("x.slow"), b.Buggify("x.slow"));
      EXPECT_EQ(a.Buggify("y.drop"), b.Buggify("y.drop"));
    }
  }
}

TEST(FaultPointsTest, OtherSitesDoNotChangeASitesDraws) {
  FaultPoints a(Prng(9)), b(Prng(9));
  a.set_enabled(true);
  b.set_enabled(true);
  a.Force("site", Ratio{1, 2});
  b.Force("site", Ratio{1, 2});
  for (int i = 0; i < 200; ++i) {
    b.Buggify("unrelated");
    EXPECT_EQ(a.Buggify("site"), b.Buggify("site"));
  }
}

TEST(FaultPointsTest, SomeSitesActiveAcrossSeeds) {
  int active = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    FaultPoints faults{Prng(seed)};
    faults.set_enabled(true);
    faults.Buggify("a.site");
    if (faults.sites().at("a.site").active) ++active;
  }
  // Activation 1/4: about 50 of 200.
  EXPECT_GT(active, 25);
  EXPECT_LT(active, 80);
}

TEST(FaultPointsTest, ForcedSiteFiresEvenWhenDisabledRunWide) {
  FaultPoints faults(Prng(3));
  faults.Force("always", Ratio::Always());
  EXPECT_TRUE(faults.Buggify("always"));
  EXPECT_FALSE(faults.Buggify("other"));
  EXPECT_EQ(faults.sites().at("always").fires, 1u);
}

}  // namespace
}  // namespace sim
