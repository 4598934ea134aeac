// arch_memo.h (private): a small per-thread memo of results that depend only on a model's
// architecture (and a key such as a weight format), keyed on the whole architecture.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "headroom/model.h"
#include "headroom/params.h"
#include "headroom/quant.h"
#include "headroom/speed.h"
#include "headroom/weights.h"

namespace headroom::detail {

/// Results of an expensive per-shape computation (the tensor list walked for parameter counts or
/// weight bytes) for this thread. Lookups hash the architecture (arch_hash) and compare it whole
/// (operator==), so a hit is always the result for an equal architecture and key; the last hit is
/// checked first because one prediction asks about the same model several times. Bounded: at
/// kCapacity entries it starts over, so the page importing arbitrary configs cannot grow it; the
/// capacity holds a whole catalog sweep (155 models x up to 7 formats per engine, 12 in all) so
/// that sweeps never clear it halfway and recompute every shape.
/// Not shared between threads (thread_local instances); the wasm build has one thread.
template <class Key, class Value>
class ArchMemo {
public:
    static constexpr size_t kCapacity = 4096;

    /// The memoised `compute()` for (arch, key); `key_hash` is any hash of `key`.
    template <class Compute>
    Value get(const ModelArch& arch, const Key& key, uint64_t key_hash, Compute compute) {
        if (last_ && last_->key == key && last_->arch == arch) return last_->value;
        const uint64_t h = arch_hash(arch) ^ (key_hash * 0x9e3779b97f4a7c15ULL);
        auto it = entries_.find(h);
        if (it != entries_.end() && it->second.key == key && it->second.arch == arch) {
            last_ = &it->second;
            return it->second.value;
        }
        const Value value = compute();
        it = entries_.find(h);  // again: compute() may have used another lookup of this memo
        if (it != entries_.end()) {
            it->second = Entry{arch, key, value};  // two shapes with one hash: keep the newer
        } else {
            if (entries_.size() >= kCapacity) entries_.clear();
            it = entries_.emplace(h, Entry{arch, key, value}).first;
        }
        last_ = &it->second;  // node-based map: the entry stays put until it is erased
        return value;
    }

    size_t size() const { return entries_.size(); }

private:
    struct Entry {
        ModelArch arch;
        Key key;
        Value value;
    };
    std::unordered_map<uint64_t, Entry> entries_;
    const Entry* last_ = nullptr;
};

/// The key of results that depend on the architecture alone.
struct NoKey {
    bool operator==(const NoKey&) const = default;
};

/// The computations behind the memoised count_params, speed_params and weights_bytes, uncached
/// (tests check the memoised results against them).
ParamCount count_params_uncached(const ModelArch& arch);
SpeedParams speed_params_uncached(const ModelArch& arch);
WeightsBytes weights_bytes_uncached(const ModelArch& arch, const WeightFormat& format);

/// A hash of a weight format, the memo key of weight bytes.
uint64_t format_hash(const WeightFormat& format);

}  // namespace headroom::detail
