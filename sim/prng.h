// The simulator's only source of randomness.
//
// Prng is xoshiro256** seeded through splitmix64, with distributions written here so that their
// outputs are fixed by this file alone (std:: and absl distributions are implementation-defined
// or may change between versions). Every draw is an integer: probabilities are integer ratios.
//
// Streams: a run has one root Prng built from the seed. Each consumer (a host, a fault injector,
// a component) takes its own stream with Fork(stream_id), which depends only on the root seed and
// the id, never on how many numbers were drawn before. Adding a node therefore does not reshuffle
// the random choices of the others.
#ifndef SWARMSIM_SIM_PRNG_H_
#define SWARMSIM_SIM_PRNG_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace sim {

// A probability as an exact integer ratio num/den. Ratio{0, 1} never happens; Ratio{1, 1} always.
struct Ratio {
  uint64_t num = 0;
  uint64_t den = 1;

  static Ratio Never() { return Ratio{0, 1}; }
  static Ratio Always() { return Ratio{1, 1}; }
  // Parts per million, the unit scenario files use ("0.5%" = 5000 ppm).
  static Ratio Ppm(uint64_t ppm) { return Ratio{ppm, 1000000}; }
  bool IsNever() const { return num == 0; }
};

// One step of splitmix64: used for seeding and for deriving stream seeds.
uint64_t SplitMix64(uint64_t& state);

class Prng {
 public:
  explicit Prng(uint64_t seed);

  // A new, independent stream derived from this stream's seed and `stream_id` only.
  Prng Fork(uint64_t stream_id) const;

  uint64_t seed() const { return seed_; }

  // Uniform over all 64-bit values.
  uint64_t Next();
  // Uniform in [0, n), without modulo bias. REQUIRES: n > 0.
  uint64_t UniformU64(uint64_t n);
  // Uniform in [lo, hi). REQUIRES: lo < hi.
  int64_t UniformRange(int64_t lo, int64_t hi);
  // True with probability ratio.num / ratio.den. REQUIRES: ratio.den > 0, num <= den.
  bool Chance(Ratio ratio);

  // Fisher-Yates over UniformU64.
  template <typename T>
  void Shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::size_t j = static_cast<std::size_t>(UniformU64(i));
      std::swap(items[i - 1], items[j]);
    }
  }

 private:
  uint64_t seed_;
  uint64_t s_[4];
};

}  // namespace sim

#endif  // SWARMSIM_SIM_PRNG_H_
