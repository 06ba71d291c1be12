// Natural order of names, for every list of hosts people read: digit runs compare as numbers, so
// "w2" < "w10" and "m3" < "w1". Shared by the scenarios (reports, members, details) and viz (the
// timeline's lanes), which may not depend on each other.
#ifndef SWARMSIM_UTIL_NATURAL_ORDER_H_
#define SWARMSIM_UTIL_NATURAL_ORDER_H_

#include <string_view>

namespace swarmsim {

// A strict weak order: digit runs compare by value (leading zeros ignored), everything else
// byte by byte; a prefix sorts first ("w" < "w1"). Names equal but for leading zeros ("w01",
// "w1") compare as plain strings, so the order stays strict.
bool NaturalLess(std::string_view a, std::string_view b);

}  // namespace swarmsim

#endif  // SWARMSIM_UTIL_NATURAL_ORDER_H_
