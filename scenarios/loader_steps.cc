// The loader's steps: node selectors, labels and every action.
#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/message.h"
#include "model/check/trace_schema.h"
#include "scenarios/duration.h"
#include "scenarios/loader_internal.h"

namespace scenarios {
namespace loader_internal {
namespace {

constexpr int kStepsMax = 100000;
constexpr size_t kLabelMax = 64;

bool IsLabelStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

// The action's message and its name ("crash"), or null when the step has none.
const google::protobuf::Message* ActionMessage(const pb::Step& step, std::string* name) {
  const google::protobuf::Reflection* reflection = step.GetReflection();
  const google::protobuf::FieldDescriptor* field =
      reflection->GetOneofFieldDescriptor(step, step.GetDescriptor()->FindOneofByName("action"));
  if (field == nullptr) return nullptr;
  *name = field->name();
  return &reflection->GetMessage(step, field);
}

// Every action that takes a node (and `transfer_leadership`) also takes `label`.
bool ActionLabel(const google::protobuf::Message& action, std::string* label) {
  const google::protobuf::FieldDescriptor* field = action.GetDescriptor()->FindFieldByName("label");
  if (field == nullptr || !action.GetReflection()->HasField(action, field)) return false;
  *label = action.GetReflection()->GetString(action, field);
  return true;
}

}  // namespace

bool IsValidLabel(absl::string_view label) {
  if (label.empty() || label.size() > kLabelMax || !IsLabelStart(label[0])) return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return IsLabelStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

bool LooksLikeHost(absl::string_view text) {
  if (text.size() < 2 || (text[0] != 'm' && text[0] != 'w')) return false;
  return std::all_of(text.begin() + 1, text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// ---------------------------------------------------------------------------------------------
// Node selectors and labels

std::string Validator::HostRangeOf(HostRole role) const {
  const bool manager = role == HostRole::kManager;
  const char* prefix = manager ? "m" : "w";
  const int32_t count = manager ? managers_ : workers_;
  if (count == 0) return absl::StrCat("the cluster has no ", manager ? "managers" : "workers");
  if (count == 1)
    return absl::StrCat("the cluster has one ", manager ? "manager" : "worker", ", ", prefix, "1");
  return absl::StrCat("the cluster has ", manager ? "managers " : "workers ", prefix, "1..", prefix,
                      count);
}

std::string Validator::HostRange() const {
  if (!hosts_known_) return "m1..mN, w1..wN";
  std::string out = managers_ == 1 ? "m1" : absl::StrCat("m1..m", managers_);
  if (workers_ == 1) absl::StrAppend(&out, ", w1");
  if (workers_ > 1) absl::StrAppend(&out, ", w1..w", workers_);
  return out;
}

std::optional<Host> Validator::HostNamed(const std::string& text, SourceLocation at,
                                         absl::string_view field) {
  if (!LooksLikeHost(text)) {
    Error(at, absl::StrCat(field, ": ", Quote(text), " is not a host (", HostRange(), ")"));
    return std::nullopt;
  }
  const HostRole role = text[0] == 'm' ? HostRole::kManager : HostRole::kWorker;
  const absl::string_view digits = absl::string_view(text).substr(1);
  int32_t index = 0;
  // "m01" and "m0" name no host: only the canonical spelling does.
  const bool canonical = digits[0] != '0' && digits.size() <= 6 && absl::SimpleAtoi(digits, &index);
  const int32_t count = role == HostRole::kManager ? managers_ : workers_;
  if (!canonical || (hosts_known_ && index > count)) {
    Error(at, absl::StrCat(
                  field, ": unknown host ", Quote(text), ": ",
                  hosts_known_ ? HostRangeOf(role) : std::string("hosts are numbered from 1")));
    return std::nullopt;
  }
  return Host{role, index};
}

std::optional<NodeSelector> Validator::Selector(const std::string& text, SourceLocation at,
                                                absl::string_view field, Use use,
                                                Groups groups) {
  NodeSelector selector;
  selector.text = text;
  if (text.empty()) {
    Error(at, absl::StrCat(field, ": empty node name"));
    return std::nullopt;
  }
  if (text == "leader" || text == "follower") {
    if (use == Use::kExpectation) {
      Error(at, absl::StrCat(field, ": ", Quote(text),
                             " is not allowed in an expectation; bind the node with label: "
                             "in a step and name the label"));
      return std::nullopt;
    }
    selector.kind = text == "leader" ? NodeSelector::Kind::kLeader : NodeSelector::Kind::kFollower;
    return selector;
  }
  if (LooksLikeHost(text)) {
    const std::optional<Host> host = HostNamed(text, at, field);
    if (!host.has_value()) return std::nullopt;
    selector.kind = NodeSelector::Kind::kHost;
    selector.host = *host;
    return selector;
  }
  if (const auto group = groups_.find(text); group != groups_.end()) {
    if (groups == Groups::kRejected) {
      Error(at, absl::StrCat(field, ": ", Quote(text),
                             " is a group; name one node here (groups stand for a node only in "
                             "node steps without label, partition sides, cut, set_network and "
                             "except lists)"));
      return std::nullopt;
    }
    if (group->second.empty()) return std::nullopt;  // The group itself was rejected.
    selector.kind = NodeSelector::Kind::kGroup;
    selector.members = group->second;
    return selector;
  }
  const auto binding = labels_.find(text);
  if (binding == labels_.end()) {
    Error(at, absl::StrCat(field, ": unknown node ", Quote(text), ": not a host (", HostRange(),
                           use == Use::kStep
                               ? "), \"leader\", \"follower\" or a label bound by an earlier step"
                               : ") or a label bound by a step"));
    return std::nullopt;
  }
  if (use == Use::kStep && bound_so_far_.count(text) == 0) {
    Error(at,
          absl::StrCat(field, ": label ", Quote(text),
                       " is used before the step that binds it (line ", binding->second.line, ")"));
    return std::nullopt;
  }
  selector.kind = NodeSelector::Kind::kLabel;
  selector.label = text;
  return selector;
}

std::optional<NodeSelector> Validator::RequiredSelector(bool has, const std::string& text,
                                                        const Where& where,
                                                        absl::string_view message,
                                                        absl::string_view field, Use use,
                                                        Groups groups) {
  if (!has) {
    Missing(where.self(), message, field);
    return std::nullopt;
  }
  return Selector(text, where.At(field), field, use, groups);
}

void Validator::CollectLabels(const pb::Scenario& file, const Where& where) {
  const int n = file.step_size();
  for (int i = 0; i < n; ++i) {
    std::string action_name;
    const google::protobuf::Message* action = ActionMessage(file.step(i), &action_name);
    std::string label;
    if (action == nullptr || !ActionLabel(*action, &label)) continue;
    const SourceLocation at = where.Nested("step", i, n).Nested(action_name).At("label");
    const auto previous = labels_.find(label);
    if (label.empty()) {
      Error(at, "label: empty");
    } else if (label == "leader" || label == "follower") {
      Error(at, absl::StrCat("label: ", Quote(label), " is reserved"));
    } else if (LooksLikeHost(label)) {
      Error(at, absl::StrCat("label: ", Quote(label), " looks like a host name"));
    } else if (groups_.count(label) != 0) {
      Error(at, absl::StrCat("label: ", Quote(label), " is the name of a group"));
    } else if (!IsValidLabel(label)) {
      Error(at, absl::StrCat("label: ", Quote(label),
                             " is not a valid label (letters, digits, '_', '-', '.', starting "
                             "with a letter or '_', at most 64 characters)"));
    } else if (previous != labels_.end()) {
      Error(at, absl::StrCat("label: ", Quote(label), " is already bound at line ",
                             previous->second.line));
    }
    // Rejected labels are recorded too, so that their uses add no second message.
    labels_.emplace(label, at);
  }
}

void Validator::BindLabel(const std::string& label) { bound_so_far_.insert(label); }

void Validator::NotePromotion(const NodeSelector& node) {
  if (node.kind == NodeSelector::Kind::kHost && node.host.role == HostRole::kWorker) {
    promoted_workers_.insert(node.host.index);
  }
}

bool Validator::IsLiveService(const std::string& name, SourceLocation at, absl::string_view field) {
  if (!IsDeclaredService(name, at, field)) return false;
  const auto removed = removed_services_.find(name);
  if (removed != removed_services_.end()) {
    Error(at, absl::StrCat(field, ": service ", Quote(name), " was removed by the step at line ",
                           removed->second));
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Steps

void Validator::ValidateSteps(const pb::Scenario& file, const Where& where, Scenario& out) {
  const int n = file.step_size();
  if (n > kStepsMax) {
    Error(where.At("step", kStepsMax, n), absl::StrCat("too many steps (at most ", kStepsMax, ")"));
    return;
  }
  std::optional<sim::Time> previous_at;
  int previous_line = 0;
  for (int i = 0; i < n; ++i) {
    const pb::Step& step = file.step(i);
    const Where w = where.Nested("step", i, n);
    std::optional<sim::Time> at;
    if (step.has_at()) {
      at = Instant(step.at(), w.At("at"), "at");
    } else {
      Missing(w.self(), "step", "at");
    }
    if (at.has_value() && previous_at.has_value() && *at < *previous_at) {
      Error(w.At("at"), absl::StrCat("at: ", FormatDurationExact(at->SinceStart()),
                                     " is earlier than the step before (",
                                     FormatDurationExact(previous_at->SinceStart()), " at line ",
                                     previous_line, "); steps must be in time order"));
      at.reset();
    }
    // `via` and `trigger` are read before the action binds its own label: they cannot name it.
    std::optional<NodeSelector> via;
    bool via_valid = true;
    if (step.has_via()) {
      via = Selector(step.via(), w.At("via"), "via", Use::kStep);
      via_valid = via.has_value();
    }
    std::optional<Trigger> trigger;
    if (step.has_trigger()) {
      trigger = ValidateTrigger(step.trigger(), w.Nested("trigger"));
      via_valid = via_valid && trigger.has_value();
      if (trigger.has_value() && trigger->until.has_value() && at.has_value() &&
          *trigger->until <= *at) {
        Error(w.Nested("trigger").At("until"),
              absl::StrCat("until: ", FormatDurationExact(trigger->until->SinceStart()),
                           " is not after the step's at (", FormatDurationExact(at->SinceStart()),
                           "): the trigger would never be armed"));
        via_valid = false;
      }
    }
    std::optional<Action> action = ValidateAction(step, w);
    if (action.has_value() && !IsControlAction(*action)) {
      for (const char* field : {"via", "may_be_lost"}) {
        const bool has = std::string(field) == "via" ? step.has_via() : step.has_may_be_lost();
        if (!has) continue;
        Error(w.At(field), absl::StrCat(field, ": only control-API steps (scale_service, "
                                        "remove_service, promote, demote, set_availability) "
                                        "take it, not ", ActionName(*action)));
        via_valid = false;
      }
    }
    if (at.has_value()) {
      previous_at = at;
      previous_line = w.self().line;
    }
    if (!at.has_value() || !action.has_value() || !via_valid) continue;
    Step typed;
    typed.at = *at;
    typed.action = std::move(*action);
    typed.via = std::move(via);
    typed.may_be_lost = step.may_be_lost();
    typed.skip_if_unresolved = step.skip_if_unresolved();
    typed.trigger = std::move(trigger);
    typed.location = w.self();
    out.steps.push_back(std::move(typed));
  }
}

std::optional<Trigger> Validator::ValidateTrigger(const pb::Trigger& t, const Where& where) {
  Trigger trigger;
  bool valid = true;
  const swarmsim::check::KindSpec* spec = nullptr;
  if (!t.has_event()) {
    Missing(where.self(), "trigger", "event");
    valid = false;
  } else if ((spec = swarmsim::check::FindTriggerKind(t.event())) == nullptr) {
    Error(where.At("event"), absl::StrCat("event: unknown trace kind ", Quote(t.event()),
                                          "; known kinds: ",
                                          absl::StrJoin(swarmsim::check::TriggerKindNames(), ", ")));
    valid = false;
  } else {
    trigger.event = t.event();
  }
  if (t.has_node()) {
    trigger.node = Selector(t.node(), where.At("node"), "node", Use::kStep, Groups::kAllowed);
    valid = valid && trigger.node.has_value();
  }
  const int n = t.where_size();
  for (int i = 0; i < n; ++i) {
    const std::string& text = t.where(i);
    const SourceLocation at = where.At("where", i, n);
    const size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
      Error(at, absl::StrCat("where: ", Quote(text), " is not field=value, e.g. \"granted=1\""));
      valid = false;
      continue;
    }
    const std::string key = text.substr(0, eq);
    const std::string value = text.substr(eq + 1);
    if (spec == nullptr) continue;  // The event is missing or unknown: said already.
    const swarmsim::check::FieldSpec* field = nullptr;
    std::vector<std::string> keys;
    for (const swarmsim::check::FieldSpec& f : spec->fields) {
      keys.push_back(f.key);
      if (key == f.key) field = &f;
    }
    if (field == nullptr) {
      Error(at, absl::StrCat("where: ", spec->kind, " has no field ", Quote(key), " (fields: ",
                             absl::StrJoin(keys, ", "), ")"));
      valid = false;
      continue;
    }
    int64_t number = 0;
    const bool is_number = absl::SimpleAtoi(value, &number);
    using swarmsim::check::FieldType;
    if ((field->type == FieldType::kFlag && (!is_number || (number != 0 && number != 1))) ||
        ((field->type == FieldType::kCount || field->type == FieldType::kInt) && !is_number) ||
        (field->type == FieldType::kCount && number < 0)) {
      Error(at, absl::StrCat("where: ", key, " of ", spec->kind, " is ",
                             field->type == FieldType::kFlag    ? "0 or 1"
                             : field->type == FieldType::kCount ? "an integer >= 0"
                                                                : "an integer",
                             ", not ", Quote(value)));
      valid = false;
      continue;
    }
    trigger.where.emplace_back(key, value);
  }
  if (t.has_delay()) {
    const std::optional<absl::Duration> delay =
        Duration(t.delay(), where.At("delay"), "delay", Sign::kNonNegative);
    valid = valid && delay.has_value();
    if (delay.has_value()) trigger.delay = *delay;
  }
  if (t.has_until()) {
    const std::optional<absl::Duration> until =
        Duration(t.until(), where.At("until"), "until", Sign::kNonNegative);
    valid = valid && until.has_value();
    if (until.has_value()) trigger.until = sim::Time::Zero() + *until;
  }
  if (!valid) return std::nullopt;
  return trigger;
}

std::optional<Action> Validator::ValidateAction(const pb::Step& step, const Where& where) {
  switch (step.action_case()) {
    case pb::Step::ACTION_NOT_SET:
      Error(where.self(), "step has no action, e.g. crash { node: \"leader\" }");
      return std::nullopt;
    case pb::Step::kPartition:
    case pb::Step::kCut:
    case pb::Step::kHeal:
    case pb::Step::kSetNetwork:
      return NetworkStep(step, where);
    case pb::Step::kScaleService:
    case pb::Step::kRemoveService:
      return ControlStep(step, where);
    default:
      return NodeStep(step, where);
  }
}

}  // namespace loader_internal
}  // namespace scenarios
