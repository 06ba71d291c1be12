// Internals of scenarios/loader: the validator that turns a parsed swarmsim.scenario.Scenario
// into a scenarios::Scenario. Split over loader.cc (top level, cluster, services),
// loader_steps.cc and loader_expect.cc. Not for use outside the loader and its tests.
//
// The validator never stops at the first problem: each check records an error at the offending
// field and returns nothing, and later checks skip what depends on a value that was rejected
// (so one mistake gives one message, not a cascade).
#ifndef SWARMSIM_SCENARIOS_LOADER_INTERNAL_H_
#define SWARMSIM_SCENARIOS_LOADER_INTERNAL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"
#include "scenarios/scenario.h"
#include "scenarios/scenario.pb.h"

namespace scenarios {
namespace loader_internal {

namespace pb = ::swarmsim::scenario;

// Every duration in a file is within +-kDurationLimit, so sums of two never overflow.
inline constexpr int64_t kDurationLimitHours = 100000;
inline constexpr int kErrorLinesMax = 20;
// Service replicas, declared or scaled to.
inline constexpr int64_t kReplicasMax = 1000000;

// The problems found in one file.
class Errors {
 public:
  void Add(SourceLocation at, std::string message);
  bool empty() const { return entries_.empty(); }
  // One line per error, sorted by position (stable), "FILE:LINE:COL: message".
  absl::Status ToStatus(absl::string_view file) const;

 private:
  struct Entry {
    SourceLocation at;
    std::string message;
  };
  std::vector<Entry> entries_;
};

// Locations of the fields of one parsed message. A field without a recorded location (absent,
// or an element of a `[a, b]` list, for which protobuf records only the list) falls back to
// the list's first element, then to the message itself.
class Where {
 public:
  Where(const google::protobuf::TextFormat::ParseInfoTree* tree,
        const google::protobuf::Descriptor* descriptor, SourceLocation self);

  SourceLocation self() const { return self_; }
  // A singular field.
  SourceLocation At(absl::string_view field) const;
  // Element `index` of a repeated field that has `size` elements.
  SourceLocation At(absl::string_view field, int index, int size) const;
  // The message in a singular field / in element `index` of a repeated field.
  Where Nested(absl::string_view field) const;
  Where Nested(absl::string_view field, int index, int size) const;

 private:
  const google::protobuf::FieldDescriptor* Field(absl::string_view name) const;

  const google::protobuf::TextFormat::ParseInfoTree* tree_;
  const google::protobuf::Descriptor* descriptor_;
  SourceLocation self_;
};

enum class Sign { kPositive, kNonNegative, kAny };
// Where a node selector is used: steps resolve labels bound so far, expectations any label.
enum class Use { kStep, kExpectation };
// Whether a cluster `group` may stand for the node: only where acting on (or excluding) every
// member in turn means something. Elsewhere a group name is an error that says so.
enum class Groups { kRejected, kAllowed };

class Validator {
 public:
  Validator(std::string file, Errors* errors) : file_(std::move(file)), errors_(errors) {}

  // Fills `out` from `file`; problems go to the Errors given at construction.
  void Run(const pb::Scenario& file, const Where& where, Scenario& out);

  // --- value checks (loader.cc); each records an error and returns nullopt when invalid ---
  std::optional<absl::Duration> Duration(const std::string& text, SourceLocation at,
                                         absl::string_view field, Sign sign);
  // A point in the run: a non-negative duration not after the end (when the end is known).
  std::optional<sim::Time> Instant(const std::string& text, SourceLocation at,
                                   absl::string_view field);
  std::optional<uint32_t> Ratio(const std::string& text, SourceLocation at,
                                absl::string_view field);
  std::optional<int64_t> InRange(int64_t value, int64_t lo, int64_t hi, SourceLocation at,
                                 absl::string_view field);
  void Missing(SourceLocation at, absl::string_view message, absl::string_view field);
  void Error(SourceLocation at, std::string message) { errors_->Add(at, std::move(message)); }

  // --- nodes (loader_steps.cc) ---
  std::optional<NodeSelector> Selector(const std::string& text, SourceLocation at,
                                       absl::string_view field, Use use,
                                       Groups groups = Groups::kRejected);
  // A required selector in field `field` of the message `message` (e.g. "crash", "node").
  std::optional<NodeSelector> RequiredSelector(bool has, const std::string& text,
                                               const Where& where, absl::string_view message,
                                               absl::string_view field, Use use,
                                               Groups groups = Groups::kRejected);
  // A host name ("m2", "w17") in the cluster; records an error and returns nullopt otherwise.
  std::optional<Host> HostNamed(const std::string& text, SourceLocation at,
                                absl::string_view field);

  // --- sections; public so that the helpers of each file can call across ---
  // loader.cc
  void ValidateTop(const pb::Scenario& file, const Where& where, Scenario& out);
  void ValidateCluster(const pb::Cluster& cluster, const Where& where, Cluster& out);
  void ValidateRaft(const pb::Raft& raft, const Where& where, RaftConfig& out);
  void ValidateDispatcher(const pb::Dispatcher& d, const Where& where, DispatcherConfig& out);
  void ValidateAgent(const pb::Agent& agent, const Where& where, AgentConfig& out);
  void ValidateNetwork(const pb::Network& network, const Where& where, LinkConfig& out);
  std::optional<absl::Duration> SyncLatency(const std::string& text, SourceLocation at);
  // `disk` and every `host_disk` (after `disk`: a host_disk inherits what it does not set).
  void ValidateDisks(const pb::Cluster& cluster, const Where& where, Cluster& out);
  void ValidateGroups(const pb::Cluster& cluster, const Where& where, Cluster& out);
  void ValidateServices(const pb::Scenario& file, const Where& where, Scenario& out);
  void ValidateBuggify(const pb::Buggify& buggify, const Where& where, BuggifyConfig& out);
  void ValidateExplore(const pb::Explore& explore, const Where& where, ExploreConfig& out);
  bool IsDeclaredService(const std::string& name, SourceLocation at, absl::string_view field);

  // loader_steps.cc
  void CollectLabels(const pb::Scenario& file, const Where& where);
  void ValidateSteps(const pb::Scenario& file, const Where& where, Scenario& out);
  std::optional<Action> ValidateAction(const pb::Step& step, const Where& where);
  std::optional<Action> NodeStep(const pb::Step& step, const Where& where);
  std::optional<Action> NetworkStep(const pb::Step& step, const Where& where);
  std::optional<Action> ControlStep(const pb::Step& step, const Where& where);
  // A step's `trigger`: a known trace kind, fields of that kind, a node selector, delay >= 0.
  std::optional<Trigger> ValidateTrigger(const pb::Trigger& trigger, const Where& where);
  std::string HostRange() const;
  // "the cluster has managers m1..m3" or "the cluster has no workers".
  std::string HostRangeOf(HostRole role) const;
  void BindLabel(const std::string& label);
  void NotePromotion(const NodeSelector& node);
  bool IsLiveService(const std::string& name, SourceLocation at, absl::string_view field);

  // loader_expect.cc
  void ValidateExpectations(const pb::Scenario& file, const Where& where, Scenario& out);
  std::optional<Window> ValidateWindow(const pb::Expect& expect, const Where& where,
                                       absl::string_view name);
  std::optional<Predicate> ValidatePredicate(const pb::Expect& expect, const Where& where,
                                             absl::string_view name);
  std::optional<std::vector<NodeSelector>> ExceptList(const pb::ExceptNodes& nodes,
                                                      const Where& where);

 private:
  std::string file_;
  Errors* errors_;

  // The run's end, once `duration` is valid: instants after it are rejected.
  std::optional<sim::Time> end_;
  // Host counts, once the cluster is valid; until then host names are not range-checked.
  bool hosts_known_ = false;
  int32_t managers_ = 0;
  int32_t workers_ = 0;
  // Every label bound by some step -> where (the `label` field; the first binding when a label
  // is bound twice, which is an error); and those bound so far while walking the steps.
  std::map<std::string, SourceLocation> labels_;
  std::set<std::string> bound_so_far_;
  // Cluster groups by name -> their hosts (also the rejected ones, with no hosts, so that their
  // uses add no second message).
  std::map<std::string, std::vector<Host>> groups_;
  // Workers promoted by a step so far: they may become leader.
  std::set<int32_t> promoted_workers_;
  // Declared services -> where; removed ones -> the line of the removing step.
  std::map<std::string, SourceLocation> services_;
  std::map<std::string, int> removed_services_;
};

// Validation helpers shared by the three files.
bool IsValidLabel(absl::string_view label);
// "m3" / "w12" when `text` has the shape of a host name (even an out-of-range one).
bool LooksLikeHost(absl::string_view text);
// util::Quoted: "\"text\"" escaped so that a message quoting a file's text stays one line and
// sends nothing raw to a terminal.
std::string Quote(absl::string_view text);

}  // namespace loader_internal
}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_LOADER_INTERNAL_H_
