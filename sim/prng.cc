#include "sim/prng.h"

#include "sim/check.h"

namespace sim {
namespace {
inline uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

uint64_t SplitMix64(uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Prng::Prng(uint64_t seed) : seed_(seed) {
  uint64_t state = seed;
  for (uint64_t& word : s_) word = SplitMix64(state);
  // xoshiro's only bad state is all zeros; splitmix64 cannot produce four zeros in a row.
  SIM_CHECK((s_[0] | s_[1] | s_[2] | s_[3]) != 0);
}

Prng Prng::Fork(uint64_t stream_id) const {
  // Mix the stream id through splitmix64 twice so that nearby ids give unrelated seeds.
  uint64_t state = seed_ ^ 0x5851f42d4c957f2dULL;
  uint64_t a = SplitMix64(state);
  state = a ^ stream_id;
  SplitMix64(state);
  return Prng(SplitMix64(state));
}

uint64_t Prng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Prng::UniformU64(uint64_t n) {
  SIM_CHECK_GT(n, 0u);
  // Lemire's multiply-shift with rejection: exact, and usually one multiplication.
  unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(Next()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int64_t Prng::UniformRange(int64_t lo, int64_t hi) {
  SIM_CHECK_LT(lo, hi);
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + UniformU64(span));
}

bool Prng::Chance(Ratio ratio) {
  SIM_CHECK_GT(ratio.den, 0u);
  SIM_CHECK_LE(ratio.num, ratio.den);
  if (ratio.num == 0) return false;
  if (ratio.num == ratio.den) return true;
  return UniformU64(ratio.den) < ratio.num;
}

}  // namespace sim
