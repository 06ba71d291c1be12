#include "scenarios/explore/coverage.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace scenarios {
namespace explore {
namespace {

// The stable head of a status or reason: "UNAVAILABLE: leader lost (term 3)" -> "UNAVAILABLE".
std::string Head(absl::string_view text) {
  const size_t end = text.find_first_of(":(");
  absl::string_view head = text.substr(0, end);
  while (!head.empty() && head.back() == ' ') head.remove_suffix(1);
  return head.empty() ? "none" : std::string(head);
}

}  // namespace

bool CoverageCollector::Wants(absl::string_view kind) {
  return kind == "agent.session_end" || kind == "dispatcher.session_end" ||
         kind == "dispatcher.register";
}

void CoverageCollector::Observe(const sim::TraceRecord& record) {
  const std::string& kind = record.kind;
  if (kind == "agent.session_end") {
    if (const auto* code = record.Find("code")) {
      seen_.insert(absl::StrCat("error:agent.session_end:", Head(code->str_value)));
    }
  } else if (kind == "dispatcher.session_end") {
    if (const auto* reason = record.Find("reason")) {
      seen_.insert(absl::StrCat("error:dispatcher.session_end:", Head(reason->str_value)));
    }
  } else if (kind == "dispatcher.register") {
    const auto* accepted = record.Find("accepted");
    const auto* reason = record.Find("reason");
    if (accepted != nullptr && accepted->int_value == 0 && reason != nullptr) {
      seen_.insert(absl::StrCat("error:dispatcher.register:", Head(reason->str_value)));
    }
  }
}

std::vector<std::string> CoverageCollector::Items(const RunResult& result) const {
  std::set<std::string> items = seen_;
  std::map<std::string, std::string> last;  // node -> its previous committed state
  for (const NodeStatusChange& c : result.node_status_changes) {
    auto it = last.find(c.node);
    if (it != last.end()) items.insert(absl::StrCat("node_status:", it->second, "->", c.state));
    last[c.node] = c.state;
  }
  for (const auto& [name, count] : result.fault_points) {
    if (count.fires > 0) items.insert(absl::StrCat("fault_point:", name));
  }
  return {items.begin(), items.end()};
}

}  // namespace explore
}  // namespace scenarios
