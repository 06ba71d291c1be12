#include "model/raft/interaction.h"

#include <memory>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "model/raft/test_cluster.h"

namespace swarmsim {
namespace raft {

namespace {

class Interpreter {
 public:
  // Appends the command's output lines to *out.
  void Run(const std::vector<std::string>& args, std::vector<std::string>* out);

 private:
  bool Id(const std::string& arg, uint64_t* id, std::vector<std::string>* out);
  void Cluster(const std::vector<std::string>& args, std::vector<std::string>* out);
  void Deliver(const std::vector<std::string>& args);
  void Status(std::vector<std::string>* out);
  void Log(uint64_t id, std::vector<std::string>* out);
  void Progress(uint64_t id, std::vector<std::string>* out);

  std::unique_ptr<TestCluster> cluster_;
};

bool Interpreter::Id(const std::string& arg, uint64_t* id, std::vector<std::string>* out) {
  if (!absl::SimpleAtoi(arg, id) || cluster_ == nullptr) {
    out->push_back(absl::StrCat("error: bad node id ", arg));
    return false;
  }
  const std::vector<uint64_t> ids = cluster_->ids();
  if (std::find(ids.begin(), ids.end(), *id) == ids.end()) {
    out->push_back(absl::StrCat("error: no node ", arg));
    return false;
  }
  return true;
}

void Interpreter::Cluster(const std::vector<std::string>& args, std::vector<std::string>* out) {
  ClusterOptions options;
  if (args.size() < 2 || !absl::SimpleAtoi(args[1], &options.size)) {
    out->push_back("error: cluster N");
    return;
  }
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "pre_vote") {
      options.raft.pre_vote = true;
    } else if (args[i] == "no_check_quorum") {
      options.raft.check_quorum = false;
    } else if (absl::StartsWith(args[i], "snapshot=")) {
      std::vector<std::string> parts = absl::StrSplit(args[i].substr(9), ',');
      if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &options.snapshot_interval) ||
          !absl::SimpleAtoi(parts[1], &options.keep_entries)) {
        out->push_back("error: snapshot=INTERVAL,KEEP");
        return;
      }
    } else {
      out->push_back("error: unknown option " + args[i]);
      return;
    }
  }
  cluster_ = std::make_unique<TestCluster>(options);
  cluster_->set_verbose(true);
}

void Interpreter::Deliver(const std::vector<std::string>& args) {
  std::vector<uint64_t> drop;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (!absl::StartsWith(args[i], "drop=")) continue;
    for (absl::string_view part : absl::StrSplit(args[i].substr(5), ',')) {
      uint64_t id = 0;
      if (absl::SimpleAtoi(part, &id)) drop.push_back(id);
    }
  }
  std::vector<Message> round;
  round.swap(cluster_->in_flight());
  for (const Message& m : round) {
    const bool dropped = std::find(drop.begin(), drop.end(), m.from) != drop.end() ||
                         std::find(drop.begin(), drop.end(), m.to) != drop.end();
    if (dropped) {
      cluster_->Drop(m);
    } else {
      cluster_->Deliver(m);
    }
  }
}

void Interpreter::Status(std::vector<std::string>* out) {
  for (uint64_t id : cluster_->ids()) {
    if (!cluster_->IsUp(id)) {
      out->push_back(absl::StrCat(id, ": down"));
      continue;
    }
    const RaftNode& r = cluster_->raft(id);
    std::string line = absl::StrCat(id, ": ", RaftRoleName(r.role()), " term=", r.term(),
                                    " vote=", r.vote(), " lead=", r.lead(), " commit=", r.commit(),
                                    " applied=", r.applied(), " first=", r.first_index(),
                                    " last=", r.last_index(),
                                    " voters=", absl::StrJoin(r.conf_state().voters, ","));
    if (r.role() == RaftRole::kLeader) {
      absl::StrAppend(&line, r.CaughtUp() ? " signalled" : " catching-up");
    }
    out->push_back(line);
  }
}

void Interpreter::Log(uint64_t id, std::vector<std::string>* out) {
  const RaftNode& r = cluster_->raft(id);
  if (r.last_index() < r.first_index()) {
    out->push_back("(empty)");
    return;
  }
  for (const Entry& e : r.EntriesForTest(r.first_index(), r.last_index() + 1)) {
    out->push_back(FormatEntry(e));
  }
}

void Interpreter::Progress(uint64_t id, std::vector<std::string>* out) {
  const RaftNode& r = cluster_->raft(id);
  if (r.role() != RaftRole::kLeader) {
    out->push_back("(not leader)");
    return;
  }
  for (uint64_t voter : r.conf_state().voters) {
    const raft::Progress* pr = r.progress(voter);
    out->push_back(absl::StrCat(voter, ": ", ProgressStateName(pr->state), " match=", pr->match,
                                " next=", pr->next, " inflight=", pr->inflights.count(),
                                pr->recent_active ? " active" : ""));
  }
}

void Interpreter::Run(const std::vector<std::string>& args, std::vector<std::string>* out) {
  const std::string& cmd = args[0];
  if (cmd == "cluster") return Cluster(args, out);
  if (cluster_ == nullptr) {
    out->push_back("error: cluster first");
    return;
  }
  uint64_t id = 0;
  uint64_t other = 0;
  if (cmd == "campaign" && args.size() == 2 && Id(args[1], &id, out)) {
    cluster_->raft(id).Campaign();
    cluster_->Process(id);
  } else if (cmd == "tick" && args.size() == 3) {
    int count = 0;
    if (!absl::SimpleAtoi(args[2], &count)) return out->push_back("error: tick ID COUNT");
    std::vector<uint64_t> targets;
    if (args[1] == "all") {
      targets = cluster_->up_ids();
    } else if (Id(args[1], &id, out)) {
      targets.push_back(id);
    }
    for (int i = 0; i < count; ++i) {
      for (uint64_t t : targets) cluster_->Tick(t);
    }
  } else if (cmd == "run" && args.size() == 2) {
    // Ticks every up node once per round with the network settling in between (zero latency);
    // prints only state changes, not the traffic.
    int rounds = 0;
    if (!absl::SimpleAtoi(args[1], &rounds)) return out->push_back("error: run ROUNDS");
    for (int i = 0; i < rounds; ++i) cluster_->TickAllAndStabilize();
    for (std::string& e : cluster_->TakeEvents()) {
      if (e.find("->") == std::string::npos) out->push_back(std::move(e));
    }
  } else if (cmd == "propose" && args.size() == 3 && Id(args[1], &id, out)) {
    StepResult result = cluster_->Propose(id, args[2]);
    if (result != StepResult::kOk) out->push_back(absl::StrCat("error: ", StepResultName(result)));
  } else if (cmd == "propose-conf" && args.size() == 4 && Id(args[1], &id, out) &&
             absl::SimpleAtoi(args[3], &other)) {
    const ConfChangeType type =
        args[2] == "remove" ? ConfChangeType::kRemoveNode : ConfChangeType::kAddNode;
    StepResult result = cluster_->ProposeConfChange(id, type, other);
    if (result != StepResult::kOk) out->push_back(absl::StrCat("error: ", StepResultName(result)));
  } else if (cmd == "transfer" && args.size() == 3 && Id(args[1], &id, out) &&
             Id(args[2], &other, out)) {
    cluster_->raft(id).TransferLeadership(other);
    cluster_->Process(id);
  } else if (cmd == "report-unreachable" && args.size() == 3 && Id(args[1], &id, out) &&
             Id(args[2], &other, out)) {
    cluster_->raft(id).ReportUnreachable(other);
    cluster_->Process(id);
  } else if (cmd == "deliver") {
    Deliver(args);
  } else if (cmd == "stabilize") {
    cluster_->Stabilize();
  } else if (cmd == "crash" && args.size() == 2 && Id(args[1], &id, out)) {
    cluster_->Crash(id);
  } else if (cmd == "restart" && args.size() == 2 && Id(args[1], &id, out)) {
    cluster_->Restart(id);
  } else if (cmd == "add-node" && args.size() == 2 && absl::SimpleAtoi(args[1], &id)) {
    cluster_->AddNode(id);
  } else if (cmd == "isolate" && args.size() == 2 && Id(args[1], &id, out)) {
    cluster_->Isolate(id);
  } else if (cmd == "heal") {
    cluster_->Heal();
  } else if (cmd == "status") {
    Status(out);
  } else if (cmd == "log" && args.size() == 2 && Id(args[1], &id, out)) {
    if (cluster_->IsUp(id)) Log(id, out);
  } else if (cmd == "values" && args.size() == 2 && Id(args[1], &id, out)) {
    std::vector<std::string> values;
    for (const auto& [index, v] : cluster_->node(id).values) values.push_back(absl::StrCat(index, ":", v));
    out->push_back(values.empty() ? "(none)" : absl::StrJoin(values, " "));
  } else if (cmd == "progress" && args.size() == 2 && Id(args[1], &id, out)) {
    Progress(id, out);
  } else if (cmd == "disk" && args.size() == 2 && Id(args[1], &id, out)) {
    out->push_back(absl::StrCat(cluster_->node(id).disk.size(), " records"));
  } else if (out->empty()) {
    out->push_back("error: unknown or malformed command");
  }
  std::vector<std::string> events = cluster_->TakeEvents();
  out->insert(out->begin(), events.begin(), events.end());
  for (const std::string& v : cluster_->violations()) out->push_back("VIOLATION: " + v);
}

}  // namespace

std::string RunScript(absl::string_view script) {
  Interpreter interpreter;
  std::string result;
  std::vector<absl::string_view> lines = absl::StrSplit(script, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();  // The final newline.
  for (absl::string_view line : lines) {
    // Comments and blank lines are the script's layout; other lines are old output.
    if (line.empty() || absl::StartsWith(line, "#")) {
      absl::StrAppend(&result, line, "\n");
      continue;
    }
    if (!absl::StartsWith(line, "> ")) continue;
    absl::StrAppend(&result, line, "\n");
    std::vector<std::string> args = absl::StrSplit(line.substr(2), ' ', absl::SkipEmpty());
    if (args.empty()) continue;
    std::vector<std::string> out;
    interpreter.Run(args, &out);
    for (const std::string& o : out) absl::StrAppend(&result, o, "\n");
  }
  return result;
}

}  // namespace raft
}  // namespace swarmsim
