#include "sim/prng.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace sim {
namespace {

TEST(PrngTest, SameSeedGivesSameSequence) {
  Prng a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.Next(), b.Next());
}

RC_GTEST_PROP(PrngProperty, UniformU64StaysBelowBound, (uint64_t seed, uint64_t n)) {
  RC_PRE(n > 0u);
  Prng p(seed);
  for (int i = 0; i < 50; ++i) RC_ASSERT(p.UniformU64(n) < n);
}

}  // namespace
}  // namespace sim
