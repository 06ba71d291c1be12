// EventQueue is the world's single agenda: a min-heap of compact events ordered by (at, seq).
//
// `seq` is a counter taken when an event is pushed, so events at the same instant run in the
// order they were scheduled; nothing else (addresses, hash values, heap layout) can break a tie.
// The queue is generic: an event is a kind tag, a target and two 64-bit words whose meaning
// belongs to whoever pushed it (the world uses them for timers, packets and closures). It never
// allocates per event (its vectors only grow to the peak size), never calls back, never cancels:
// the world skips what is stale when it pops (Host::TimerState, World::CancelHostAction).
#ifndef SWARMSIM_SIM_EVENT_QUEUE_H_
#define SWARMSIM_SIM_EVENT_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/check.h"
#include "sim/time.h"

namespace sim {

struct Event {
  Time at;
  uint64_t seq = 0;
  uint64_t a = 0;
  uint64_t b = 0;
  uint32_t target = 0;
  uint32_t kind = 0;
};

// The total order of the queue: earlier time first, then earlier scheduling.
inline bool EventBefore(const Event& x, const Event& y) {
  if (x.at != y.at) return x.at < y.at;
  return x.seq < y.seq;
}

class EventQueue {
 public:
  // A pending event's slot is kept in the low bits of its heap key: at most kSlotLimit events
  // may be pending at once, and at most kSeqLimit events may ever be pushed (both CHECKed).
  static constexpr int kSlotBits = 24;
  static constexpr uint64_t kSlotLimit = uint64_t{1} << kSlotBits;
  static constexpr uint64_t kSeqLimit = uint64_t{1} << (64 - kSlotBits);

  EventQueue() = default;

  // Schedules an event and returns the seq it was given. REQUIRES: at >= 0.
  uint64_t Push(Time at, uint32_t kind, uint32_t target, uint64_t a, uint64_t b) {
    SIM_CHECK_GE(at.nanos(), 0);
    const uint64_t seq = next_seq_++;
    SIM_CHECK_LT(seq, kSeqLimit);
    uint32_t slot;
    if (free_slots_.empty()) {
      slot = static_cast<uint32_t>(bodies_.size());
      SIM_CHECK_LT(uint64_t{slot}, kSlotLimit);
      bodies_.push_back(Body{a, b, target, kind});
    } else {
      slot = free_slots_.back();
      free_slots_.pop_back();
      bodies_[slot] = Body{a, b, target, kind};
    }
    const Key key =
        (static_cast<Key>(static_cast<uint64_t>(at.nanos())) << 64) | ((seq << kSlotBits) | slot);
    heap_.push_back(key);
    SiftUp(heap_.size() - 1, key);
    return seq;
  }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // The number of events ever pushed (the next seq).
  uint64_t next_seq() const { return next_seq_; }

  // The time of the earliest event. REQUIRES: !empty().
  Time TopTime() const {
    SIM_CHECK(!heap_.empty());
    return Time::FromNanos(static_cast<int64_t>(heap_.front() >> 64));
  }
  // Removes and returns the earliest event. REQUIRES: !empty().
  Event Pop();

  // Cache hints. With many pending events an event's body, and the host it targets, are likely
  // cache misses; the world asks for them a step before it needs them, so they overlap
  // the dispatch of the events before. Hints only: no effect on order or results.
  //
  // Starts loading the bodies of the next two events to pop (the top and its smaller child).
  // (Asking for the top three levels measured slower.)
  void PrefetchNext() const {
    const std::size_t n = heap_.size();
    if (n == 0) return;
    Prefetch(heap_[0]);
    if (n > 2) {
      Prefetch(heap_[2] < heap_[1] ? heap_[2] : heap_[1]);
    } else if (n == 2) {
      Prefetch(heap_[1]);
    }
  }
  // The target of the earliest event (for a cache hint). REQUIRES: !empty().
  uint32_t TopTarget() const { return bodies_[SlotOf(heap_.front())].target; }

  void Reserve(std::size_t n) {
    heap_.reserve(n);
    bodies_.reserve(n);
  }

 private:
  // The heap holds only 16-byte keys: time in the high 64 bits, then seq, then the slot of the
  // event's body. One unsigned 128-bit comparison is the (time, seq) order (seqs are unique, so
  // the slot bits never decide), and compiles without data-dependent branches on the halves.
  // The rest of an event waits in `bodies_` and is read once, on pop. A binary heap measured
  // faster than a 4-ary one for these keys at the sizes simulations reach.
  using Key = unsigned __int128;
  struct Body {
    uint64_t a;
    uint64_t b;
    uint32_t target;
    uint32_t kind;
  };

  static uint32_t SlotOf(Key key) {
    return static_cast<uint32_t>(static_cast<uint64_t>(key) & (kSlotLimit - 1));
  }
  void Prefetch(Key key) const { __builtin_prefetch(&bodies_[SlotOf(key)]); }
  void SiftUp(std::size_t i, Key key);
  void SiftDown(Key key);

  std::vector<Key> heap_;
  std::vector<Body> bodies_;
  std::vector<uint32_t> free_slots_;
  uint64_t next_seq_ = 0;
};

inline void EventQueue::SiftUp(std::size_t i, Key key) {
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!(key < heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = key;
}

// Moves `key` down from the root (whose old value has been taken).
inline void EventQueue::SiftDown(Key key) {
  const std::size_t n = heap_.size();
  std::size_t i = 0;
  for (;;) {
    const std::size_t child = 2 * i + 1;
    if (child >= n) break;
    std::size_t best = child;
    if (child + 1 < n && heap_[child + 1] < heap_[child]) best = child + 1;
    if (!(heap_[best] < key)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = key;
}

inline Event EventQueue::Pop() {
  SIM_CHECK(!heap_.empty());
  const Key top = heap_.front();
  const uint64_t low = static_cast<uint64_t>(top);
  const uint32_t slot = static_cast<uint32_t>(low & (kSlotLimit - 1));
  const Body& body = bodies_[slot];
  const Event event{Time::FromNanos(static_cast<int64_t>(top >> 64)),
                    low >> kSlotBits,
                    body.a,
                    body.b,
                    body.target,
                    body.kind};
  free_slots_.push_back(slot);
  const Key last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) SiftDown(last);
  return event;
}

}  // namespace sim

#endif  // SWARMSIM_SIM_EVENT_QUEUE_H_
