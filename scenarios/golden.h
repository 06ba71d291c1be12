// Rewriting the `golden_digest` a scenario file pins, in place, without disturbing the rest of
// the file (comments and layout are the user's).
#ifndef SWARMSIM_SCENARIOS_GOLDEN_H_
#define SWARMSIM_SCENARIOS_GOLDEN_H_

#include <string>

namespace scenarios {

// Returns `text` with its top-level `golden_digest: "..."` line set to `digest_hex`; when the
// file pins none, the line is added after the `seed:` line (or at the top).
std::string WithGoldenDigest(const std::string& text, const std::string& digest_hex);

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_GOLDEN_H_
