#include "sim/prng.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace sim {
namespace {

TEST(PrngTest, SameSeedGivesSameSequence) {
  Prng a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.Next(), b.Next());
}

// Goldens: these pin the generator and the distributions. A change here changes every trace of
// every seed; it must be deliberate. Seed 0 was checked against the reference xoshiro256**
// (splitmix64's first output for 0 is 0xe220a8397b1dcdaf, giving 0x99ec5f36cb75f2b4 first).
TEST(PrngGoldenTest, FirstOutputsForSeeds) {
  const struct {
    uint64_t seed;
    uint64_t outputs[4];
  } kGoldens[] = {
      {0,
       {0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL, 0x1a5f849d4933e6e0ULL,
        0x6aa594f1262d2d2cULL}},
      {1,
       {0xb3f2af6d0fc710c5ULL, 0x853b559647364ceaULL, 0x92f89756082a4514ULL,
        0x642e1c7bc266a3a7ULL}},
      {42,
       {0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL, 0xae17533239e499a1ULL,
        0xecb8ad4703b360a1ULL}},
  };
  for (const auto& golden : kGoldens) {
    Prng p(golden.seed);
    for (uint64_t expected : golden.outputs) EXPECT_EQ(p.Next(), expected) << golden.seed;
  }
}

TEST(PrngGoldenTest, ForkedStreams) {
  const Prng root(1);
  const uint64_t kGoldens[3][3] = {
      {0x011107c7b34d60bcULL, 0x8bac738eb772a7aaULL, 0xfc0c8cbfbed1def6ULL},
      {0x13b4d6e8982dbfcdULL, 0x1029ece6b8881478ULL, 0xf6ba28b43420afa7ULL},
      {0x4879136906fa0aecULL, 0xf39a2467536f0552ULL, 0xd850244ebe4ee01bULL},
  };
  for (uint64_t id = 0; id < 3; ++id) {
    Prng f = root.Fork(id);
    for (uint64_t expected : kGoldens[id]) EXPECT_EQ(f.Next(), expected) << id;
  }
}

TEST(PrngGoldenTest, DistributionsFromSeed) {
  Prng q(7);
  const uint64_t kUniform[] = {70, 27, 83, 98, 99, 87, 6, 10};
  for (uint64_t expected : kUniform) EXPECT_EQ(q.UniformU64(100), expected);
  std::vector<int> v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  Prng s(3);
  s.Shuffle(v);
  EXPECT_EQ(v, (std::vector<int>{9, 4, 8, 0, 7, 2, 3, 1, 5, 6}));
}

TEST(PrngTest, ForkDependsOnSeedAndIdOnly) {
  Prng a(5);
  const Prng before = a.Fork(9);
  for (int i = 0; i < 10; ++i) a.Next();
  Prng after = a.Fork(9);
  Prng before_copy = before;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(before_copy.Next(), after.Next());
}

TEST(PrngTest, NearbyForksDiffer) {
  const Prng root(1);
  Prng a = root.Fork(1000);
  Prng b = root.Fork(1001);
  EXPECT_NE(a.Next(), b.Next());
}

// Coarse uniformity: 100,000 draws into 10 buckets stay within 5% of the mean each, and a
// chi-square statistic stays below the 0.999 quantile for 9 degrees of freedom (27.88).
TEST(PrngTest, UniformU64IsRoughlyUniform) {
  Prng p(123);
  constexpr int kBuckets = 10;
  constexpr int kDraws = 100000;
  int64_t counts[kBuckets] = {};
  for (int i = 0; i < kDraws; ++i) ++counts[p.UniformU64(kBuckets)];
  const int64_t expected = kDraws / kBuckets;
  int64_t chi_num = 0;  // sum (c - e)^2, integer; chi2 = chi_num / e.
  for (int64_t c : counts) {
    EXPECT_GT(c, expected * 95 / 100);
    EXPECT_LT(c, expected * 105 / 100);
    chi_num += (c - expected) * (c - expected);
  }
  EXPECT_LT(chi_num, 2788 * expected / 100);
}

TEST(PrngTest, ChanceMatchesRatioCoarsely) {
  Prng p(77);
  int hits = 0;
  for (int i = 0; i < 100000; ++i) hits += p.Chance(Ratio{1, 100}) ? 1 : 0;
  EXPECT_GT(hits, 850);
  EXPECT_LT(hits, 1150);
}

TEST(PrngTest, PpmIsPartsPerMillion) {
  const Ratio r = Ratio::Ppm(5000);
  EXPECT_EQ(r.num, 5000u);
  EXPECT_EQ(r.den, 1000000u);
}

RC_GTEST_PROP(PrngProperty, UniformU64StaysBelowBound, (uint64_t seed, uint64_t n)) {
  RC_PRE(n > 0u);
  Prng p(seed);
  for (int i = 0; i < 50; ++i) RC_ASSERT(p.UniformU64(n) < n);
}

RC_GTEST_PROP(PrngProperty, UniformU64OfOneIsZero, (uint64_t seed)) {
  Prng p(seed);
  for (int i = 0; i < 20; ++i) RC_ASSERT(p.UniformU64(1) == 0u);
}

RC_GTEST_PROP(PrngProperty, UniformRangeStaysInRange, (uint64_t seed, int64_t a, int64_t b)) {
  RC_PRE(a != b);
  const int64_t lo = std::min(a, b);
  const int64_t hi = std::max(a, b);
  Prng p(seed);
  for (int i = 0; i < 50; ++i) {
    const int64_t v = p.UniformRange(lo, hi);
    RC_ASSERT(v >= lo);
    RC_ASSERT(v < hi);
  }
}

RC_GTEST_PROP(PrngProperty, ChanceZeroNeverHappens, (uint64_t seed, uint64_t den)) {
  RC_PRE(den > 0u);
  Prng p(seed);
  for (int i = 0; i < 50; ++i) RC_ASSERT(!p.Chance(Ratio{0, den}));
}

RC_GTEST_PROP(PrngProperty, ChanceOneAlwaysHappens, (uint64_t seed, uint64_t den)) {
  RC_PRE(den > 0u);
  Prng p(seed);
  for (int i = 0; i < 50; ++i) RC_ASSERT(p.Chance(Ratio{den, den}));
}

RC_GTEST_PROP(PrngProperty, ShuffleIsAPermutation, (uint64_t seed, std::vector<int> items)) {
  std::vector<int> shuffled = items;
  Prng p(seed);
  p.Shuffle(shuffled);
  std::sort(items.begin(), items.end());
  std::sort(shuffled.begin(), shuffled.end());
  RC_ASSERT(items == shuffled);
}

RC_GTEST_PROP(PrngProperty, SameSeedSameDraws, (uint64_t seed, uint64_t n)) {
  RC_PRE(n > 0u);
  Prng a(seed), b(seed);
  for (int i = 0; i < 20; ++i) RC_ASSERT(a.UniformU64(n) == b.UniformU64(n));
}

}  // namespace
}  // namespace sim
