// Always-on assertions for the kernel and the model.
//
// A failed check is a bug in swarmsim (or a violated invariant), never bad user input: bad input
// is an absl::Status. A failure prints the condition, the operands where there are two, the file
// and line, and the run's seed when one was registered, then aborts. Checks stay on in every build
// mode: a simulation seed that trips one is a bug report.
#ifndef SWARMSIM_SIM_CHECK_H_
#define SWARMSIM_SIM_CHECK_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"

namespace sim {

// Registers the seed printed with every check failure ("reproduce with --seed=N").
void SetCheckSeed(uint64_t seed);

[[noreturn]] void CheckFailed(const char* file, int line, const std::string& message);

namespace check_internal {
template <typename A, typename B>
std::string Operands(const A& a, const B& b) {
  return absl::StrCat(" (", a, " vs ", b, ")");
}
}  // namespace check_internal

}  // namespace sim

#define SIM_CHECK(cond)                                                 \
  do {                                                                  \
    if (!(cond)) ::sim::CheckFailed(__FILE__, __LINE__, "CHECK(" #cond ")"); \
  } while (0)

#define SIM_CHECK_MSG(cond, msg)                                                   \
  do {                                                                             \
    if (!(cond))                                                                   \
      ::sim::CheckFailed(__FILE__, __LINE__, ::absl::StrCat("CHECK(" #cond ") ", msg)); \
  } while (0)

#define SIM_CHECK_OP_(op, a, b)                                                        \
  do {                                                                                 \
    const auto& sim_check_a_ = (a);                                                    \
    const auto& sim_check_b_ = (b);                                                    \
    if (!(sim_check_a_ op sim_check_b_))                                               \
      ::sim::CheckFailed(__FILE__, __LINE__,                                           \
                         ::absl::StrCat("CHECK(" #a " " #op " " #b ")",                \
                                        ::sim::check_internal::Operands(sim_check_a_,  \
                                                                        sim_check_b_))); \
  } while (0)

#define SIM_CHECK_EQ(a, b) SIM_CHECK_OP_(==, a, b)
#define SIM_CHECK_NE(a, b) SIM_CHECK_OP_(!=, a, b)
#define SIM_CHECK_LT(a, b) SIM_CHECK_OP_(<, a, b)
#define SIM_CHECK_LE(a, b) SIM_CHECK_OP_(<=, a, b)
#define SIM_CHECK_GT(a, b) SIM_CHECK_OP_(>, a, b)
#define SIM_CHECK_GE(a, b) SIM_CHECK_OP_(>=, a, b)

#endif  // SWARMSIM_SIM_CHECK_H_
