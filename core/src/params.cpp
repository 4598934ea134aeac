// params.cpp: parameter counts from the architecture, tensor group by tensor group.
#include "headroom/params.h"

#include "arch_memo.h"
#include "arch_tensors.h"

namespace headroom {

ParamCount count_params(const ModelArch& arch) {
    // Walking the tensor list allocates it; sweeps ask for the same models again and again.
    thread_local detail::ArchMemo<detail::NoKey, ParamCount> memo;
    return memo.get(arch, {}, 0, [&] { return detail::count_params_uncached(arch); });
}

ParamCount detail::count_params_uncached(const ModelArch& arch) {
    ParamCount p;
    for (const TensorGroup& g : arch_tensors(arch)) {
        p.total += g.params;
        p.active += g.active_params;
        if (g.role == TensorRole::token_embedding) p.embedding += g.params;
        if (g.role == TensorRole::output_head) p.output_head += g.params;
    }
    p.total += arch.extra_params;
    return p;
}

}  // namespace headroom
