#include "model/process/store_trace.h"

#include <string>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "model/check/trace_emit.h"

namespace swarmsim {
namespace process {
namespace {

std::string Deterministic(const api::StoreObject& object) {
  std::string bytes;
  google::protobuf::io::StringOutputStream raw(&bytes);
  google::protobuf::io::CodedOutputStream out(&raw);
  out.SetSerializationDeterministic(true);
  object.SerializeToCodedStream(&out);
  out.Trim();
  return bytes;
}

}  // namespace

uint64_t StoreTracer::ObjectDigest(const api::StoreObject& object) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : Deterministic(object)) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void StoreTracer::Set(const store::ObjectKey& key, uint64_t digest) {
  auto [it, inserted] = objects_.emplace(key, digest);
  if (!inserted) {
    digest_ -= it->second;
    it->second = digest;
  }
  digest_ += digest;
}

void StoreTracer::Erase(const store::ObjectKey& key) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return;
  digest_ -= it->second;
  objects_.erase(it);
}

void StoreTracer::OnApply(sim::Context& ctx, uint64_t index,
                          const std::vector<store::Event>& events, bool leader) {
  auto sink = [&ctx](absl::string_view kind, absl::Span<const sim::TraceField> fields) {
    ctx.Trace(kind, fields);
  };
  for (const store::Event& event : events) {
    if (event.action == store::EventAction::kCommit) continue;
    const store::ObjectKey key{event.kind, event.id()};
    if (event.action == store::EventAction::kRemove) {
      Erase(key);
      continue;
    }
    Set(key, ObjectDigest(event.object));
    if (event.kind == store::ObjectKind::kTask && leader) {
      const api::Task& task = event.object.task();
      if (event.action == store::EventAction::kCreate ||
          event.old_object.task().status().state() != task.status().state()) {
        ctx.Trace("store.task_state", {{"task", task.id()},
                                       {"service", task.service_id()},
                                       {"slot", task.slot()},
                                       {"node", task.node_id()},
                                       {"state", api::TaskState_Name(task.status().state())}});
      }
      continue;
    }
    if (event.kind != store::ObjectKind::kNode) continue;
    const api::NodeStatus::State state = event.object.node().status().state();
    const bool changed = event.action == store::EventAction::kCreate ||
                         event.old_object.node().status().state() != state;
    if (changed) {
      check::EmitNodeStatus(sink, event.id(), api::NodeStatus::State_Name(state));
    }
  }
  check::EmitStoreApply(sink, index, digest_);
}

void StoreTracer::OnRestore(sim::Context& ctx, uint64_t index, const store::MemoryStore& store) {
  auto sink = [&ctx](absl::string_view kind, absl::Span<const sim::TraceField> fields) {
    ctx.Trace(kind, fields);
  };
  objects_.clear();
  digest_ = 0;
  for (const auto& [id, node] : store.nodes()) {
    Set({store::ObjectKind::kNode, id}, ObjectDigest(store::Wrap(node)));
    check::EmitNodeStatus(sink, id, api::NodeStatus::State_Name(node.status().state()));
  }
  for (const auto& [id, service] : store.services()) {
    Set({store::ObjectKind::kService, id}, ObjectDigest(store::Wrap(service)));
  }
  for (const auto& [id, task] : store.tasks()) {
    Set({store::ObjectKind::kTask, id}, ObjectDigest(store::Wrap(task)));
  }
  for (const auto& [id, cluster] : store.clusters()) {
    Set({store::ObjectKind::kCluster, id}, ObjectDigest(store::Wrap(cluster)));
  }
  check::EmitStoreApply(sink, index, digest_);
}

}  // namespace process
}  // namespace swarmsim
