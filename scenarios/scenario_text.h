// Scenario -> scenario file text: the inverse of scenarios/loader, for scenarios built in code
// (property tests, benchmarks) that must be printable and replayable with `swarmsim run FILE`.
//
// ScenarioText writes every field the file format carries, in the format's order (top level,
// cluster, services, buggify, steps, expectations), leaving out values equal to their defaults.
// For any scenario that satisfies scenario.h's guarantees,
// ParseScenario(ScenarioText(s), path) gives back `s` in every field but `file`, the source
// locations and `seed_overridden` (DescribeDifference says where two scenarios differ).
// Durations and ratios are written exactly (scenarios/duration.h): nothing is rounded.
#ifndef SWARMSIM_SCENARIOS_SCENARIO_TEXT_H_
#define SWARMSIM_SCENARIOS_SCENARIO_TEXT_H_

#include <string>

#include "scenarios/scenario.h"

namespace scenarios {

// The scenario as a .textproto file, ending in a newline. `header`, when not empty, is written
// first as `#` comment lines (one per line of `header`).
std::string ScenarioText(const scenarios::Scenario& scenario, const std::string& header = "");

// `text` as `#` comment lines, one per line of `text` ("#" alone for an empty line). For notes
// appended after a scenario's text, where they do not move the lines its trace records.
std::string CommentLines(const std::string& text);

// Empty when `a` and `b` agree in every field a scenario file carries (everything but `file`,
// source locations and `seed_overridden`); otherwise the first difference, e.g.
// "steps[2] (crash): node: \"m1\" vs \"leader\"".
std::string DescribeDifference(const scenarios::Scenario& a, const scenarios::Scenario& b);

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_SCENARIO_TEXT_H_
