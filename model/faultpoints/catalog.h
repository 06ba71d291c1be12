// The catalog of named fault points (BUGGIFY sites) in model code: each a stable name
// ("component.what") and one line saying how the site misbehaves when it fires. Every name here
// is the string literal of a Buggify call in model code, and every such call's name is here
// (//model/faultpoints:catalog_consistency_test). Scenario files may only enable
// names from this list; explore draws from it; docs/fault-points.md is checked against it.
//
// A site misbehaves only in ways the real system can (a message lost, a reply or a write late,
// a stream closed with the error a broken connection gives, a container that fails to start),
// never in ways it cannot.
#ifndef SWARMSIM_MODEL_FAULTPOINTS_CATALOG_H_
#define SWARMSIM_MODEL_FAULTPOINTS_CATALOG_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace swarmsim {
namespace faultpoints {

struct FaultPointInfo {
  std::string name;
  std::string description;
};

// Every fault point, sorted by name.
const std::vector<FaultPointInfo>& FaultPointCatalog();
// The entry named `name`, or nullptr.
const FaultPointInfo* FindFaultPoint(absl::string_view name);
// The catalog's names joined with ", " (for error messages).
std::string FaultPointNames();

}  // namespace faultpoints
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_FAULTPOINTS_CATALOG_H_
