// EventQueue is the world's single agenda: a min-heap of compact events ordered by (at, seq).
//
// `seq` is a counter taken when an event is pushed, so events at the same instant run in the
// order they were scheduled; nothing else (addresses, hash values, heap layout) can break a tie.
// The queue is generic: an event is a kind tag, a target and two 64-bit words whose meaning
// belongs to whoever pushed it (the world uses them for timers, packets and closures). It never
// allocates per event beyond the heap's own vector growth, never calls back, and never cancels:
// superseded timers stay in the queue and are ignored when they fire (see Host timers).
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
  EventQueue() = default;

  // Schedules an event and returns the seq it was given.
  uint64_t Push(Time at, uint32_t kind, uint32_t target, uint64_t a, uint64_t b) {
    const uint64_t seq = next_seq_++;
    heap_.push_back(Event{at, seq, a, b, target, kind});
    SiftUp(heap_.size() - 1);
    return seq;
  }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // The number of events ever pushed (the next seq).
  uint64_t next_seq() const { return next_seq_; }

  // REQUIRES: !empty().
  const Event& Top() const { return heap_.front(); }
  // Removes and returns the earliest event. REQUIRES: !empty().
  Event Pop();

  void Reserve(std::size_t n) { heap_.reserve(n); }

 private:
  // A 4-ary heap: half the depth of a binary heap, and the four children share a cache line or
  // two, which is what keeps a pop cheap at the sizes a simulation reaches.
  static constexpr std::size_t kArity = 4;

  void SiftUp(std::size_t i);
  void SiftDown(std::size_t i);

  std::vector<Event> heap_;
  uint64_t next_seq_ = 0;
};

inline void EventQueue::SiftUp(std::size_t i) {
  Event moving = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!EventBefore(moving, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = moving;
}

inline void EventQueue::SiftDown(std::size_t i) {
  const std::size_t n = heap_.size();
  Event moving = heap_[i];
  for (;;) {
    const std::size_t first = i * kArity + 1;
    if (first >= n) break;
    std::size_t best = first;
    const std::size_t last = first + kArity < n ? first + kArity : n;
    for (std::size_t c = first + 1; c < last; ++c) {
      if (EventBefore(heap_[c], heap_[best])) best = c;
    }
    if (!EventBefore(heap_[best], moving)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = moving;
}

inline Event EventQueue::Pop() {
  SIM_CHECK(!heap_.empty());
  Event top = heap_.front();
  if (heap_.size() > 1) {
    heap_.front() = heap_.back();
    heap_.pop_back();
    SiftDown(0);
  } else {
    heap_.pop_back();
  }
  return top;
}

}  // namespace sim

#endif  // SWARMSIM_SIM_EVENT_QUEUE_H_
