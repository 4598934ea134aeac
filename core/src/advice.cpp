// advice.cpp: a setup judged against a workload (verdict, figures, reasons) and the changes that fix it.
#include "headroom/advice.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "headroom/kv_cache.h"
#include "headroom/memory.h"
#include "headroom/params.h"
#include "headroom/speed.h"
#include "engines.h"
#include "memory_constants.h"

namespace headroom {
namespace {

std::string gib(double bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    return buf;
}

std::string num(double v, int digits = 1) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string tokens(int64_t n) {
    if (n >= 1024 && n % 1024 == 0) return std::to_string(n / 1024) + "k";
    return std::to_string(n);
}

/// System RAM that layers or experts kept on the host may take.
double usable_host_bytes(const Setup& s) {
    return (s.host_memory_bytes > 0 ? s.host_memory_bytes : kDefaultHostMemoryBytes) *
           memory_constants::kHostMemoryUsableShare;
}

/// Largest value in [lo, hi] for which `fits(v)` holds, assuming it is monotone; lo - 1 if none.
template <class Fits>
int64_t largest_fitting(int64_t lo, int64_t hi, Fits fits) {
    if (!fits(lo)) return lo - 1;
    while (lo < hi) {
        const int64_t mid = lo + (hi - lo + 1) / 2;
        if (fits(mid)) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

/// Time of the whole workload: one answer (cached prefix not re-read), or every agent step.
double task_seconds(const Workload& w, const SpeedEstimate& sp) {
    if (sp.decode_tok_s <= 0 || sp.prefill_tok_s <= 0) return 0;
    const double first_prompt = double(w.prompt_tokens) * (1.0 - w.prefix_reuse);
    if (w.steps <= 1) return first_prompt / sp.prefill_tok_s + double(w.gen_tokens) / sp.decode_tok_s;
    // Agent: the first step reads the whole prompt, each later one only the tool output it added.
    const double prefill = double(w.prompt_tokens) + double(w.steps - 1) * double(w.tool_output_tokens_per_step);
    return prefill / sp.prefill_tok_s + double(w.steps) * double(w.gen_tokens) / sp.decode_tok_s;
}

/// Mean context over the workload: agents grow theirs step by step.
int64_t mean_context(const Workload& w) {
    const int64_t grown = w.prompt_tokens + int64_t(w.steps) * (w.tool_output_tokens_per_step + w.gen_tokens);
    return w.steps > 1 ? (w.prompt_tokens + grown) / 2 : w.prompt_tokens + w.gen_tokens / 2;
}

}  // namespace

Setup workload_setup(const Setup& s, const Workload& w) {
    Setup out = s;
    out.context = std::max<int64_t>(s.context, w.context);
    out.batch = std::max(s.batch, w.concurrency);
    return out;
}

Assessment assess(const ModelArch& a, const Setup& base, const Workload& w, AssessDepth depth) {
    Assessment r;
    WorkloadFigures& f = r.figures;
    const Setup s = workload_setup(base, w);
    // Weights, runtime and capacity once; each context or user count below only adds its cache.
    const FixedMemory fixed = fixed_memory(a, s);
    const MemoryBreakdown m = memory_at(a, s, fixed, s.context, s.batch);
    const MemoryBreakdown minimal = memory_at(a, s, fixed, memory_constants::kMinimalContext, 1);
    f.headroom_bytes = m.capacity_bytes - m.total_bytes;
    f.headroom_share = m.capacity_bytes > 0 ? double(f.headroom_bytes) / double(m.capacity_bytes) : 0;

    // Capacity: the longest context for the workload's users, and the most users at its context.
    const bool full = depth == AssessDepth::full;
    if (full) {
        const int64_t ctx_cap = std::max<int64_t>(a.max_context > 0 ? a.max_context : 1 << 20, s.context);
        f.max_context = std::max<int64_t>(0, largest_fitting(memory_constants::kMinimalContext, ctx_cap, [&](int64_t c) {
            return memory_at(a, s, fixed, c, s.batch).fits;
        }));
        f.max_users = static_cast<int>(std::max<int64_t>(0, largest_fitting(1, 4096, [&](int64_t u) {
            return memory_at(a, s, fixed, s.context, static_cast<int>(u)).fits;
        })));
    }

    const SpeedEstimate sp = estimate_speed(a, s, m.fits ? m : minimal, w.prompt_tokens, w.gen_tokens);
    SpeedEstimate at_mean = sp;
    if (w.steps > 1) at_mean = estimate_speed(a, s, m.fits ? m : minimal, mean_context(w), w.gen_tokens);
    f.decode_tok_s = at_mean.decode_tok_s;
    f.prefill_tok_s = at_mean.prefill_tok_s;
    f.ttft_s = sp.prefill_tok_s > 0 ? double(w.prompt_tokens) * (1.0 - w.prefix_reuse) / sp.prefill_tok_s +
                                          (sp.decode_tok_s > 0 ? 1.0 / sp.decode_tok_s : 0)
                                    : 0;
    f.task_s = task_seconds(w, at_mean);
    f.tokens_per_hour = f.decode_tok_s * s.batch * 3600.0;

    // Only the verdicts that say they are short of memory quote it. Where the desktop keeps part of a
    // display GPU, say so: "available" is what is left of it.
    auto need = [&] {
        return gib(double(m.total_bytes)) + " needed, " + gib(double(m.capacity_bytes)) + " available" +
               (m.desktop_bytes > 0 ? " after the " + gib(double(m.desktop_bytes)) + " the desktop keeps" : "");
    };
    // 1. Do the weights load at all (smallest context, one user)?
    if (!minimal.fits) {
        const double host = usable_host_bytes(s);
        // System RAM holds the layers that spill and what the engine keeps on the host anyway
        // (llama.cpp's token embedding table).
        const double spilled = double(minimal.total_bytes - minimal.capacity_bytes);
        const double host_needed = spilled + double(minimal.weights_bytes - minimal.device_weights_bytes);
        r.limiting = "memory";
        if (!detail::offloads_layers(s.engine)) {
            r.verdict = Verdict::wont_fit;
            if (full) r.reasons.push_back("The model needs " + gib(double(minimal.total_bytes)) + " but " + s.engine +
                                " may use " + gib(double(minimal.capacity_bytes)) +
                                ", and it does not run layers from system RAM.");
        } else if (s.hardware.unified_memory || s.hardware.backend == "cpu" || host_needed > host) {
            r.verdict = Verdict::wont_fit;
            if (full) r.reasons.push_back("The model needs " + gib(double(minimal.total_bytes)) + " but the device offers " +
                                gib(double(minimal.capacity_bytes)) +
                                (s.hardware.unified_memory || s.hardware.backend == "cpu"
                                     ? "; there is no other memory to spill to."
                                     : ", and the " + gib(host_needed) + " left for system RAM does not fit there either."));
        } else {
            r.verdict = Verdict::spills_to_cpu;
            if (full) r.reasons.push_back(std::to_string(minimal.offloaded_layers) + " of " + std::to_string(a.layers) +
                                " layers must run from system RAM (" + gib(spilled) +
                                "): it runs, at system-memory speed.");
        }
        return r;
    }
    // Experts kept in system RAM (--cpu-moe) must fit there.
    if (experts_on_host(a, s)) {
        const double host = usable_host_bytes(s);
        const double on_host = double(m.weights_bytes - m.device_weights_bytes);
        if (on_host > host) {
            r.verdict = Verdict::wont_fit;
            r.limiting = "memory";
            if (full) r.reasons.push_back("The routed experts need " + gib(on_host) + " of system RAM, more than the " +
                                gib(host) + " it can spare.");
            return r;
        }
        if (full) r.reasons.push_back("Routed experts (" + gib(double(m.host_expert_bytes)) +
                            ") run from system RAM on the CPU; the rest is on the GPU.");
    }
    // 2. Does the workload's context for its users fit?
    if (!m.fits) {
        r.verdict = Verdict::too_tight;
        r.limiting = w.concurrency > 1 && memory_at(a, s, fixed, s.context, 1).fits ? "concurrency" : "context";
        if (full) r.reasons.push_back("The weights fit, but " + tokens(s.context) + " tokens of context for " +
                            std::to_string(s.batch) + (s.batch == 1 ? " user" : " users") + " do not: " + need() + ".");
        if (full && f.max_context > 0)
            r.reasons.push_back("Longest context that fits for " + std::to_string(s.batch) +
                                (s.batch == 1 ? " user: " : " users: ") + tokens(f.max_context) + " tokens.");
        if (full && w.concurrency > 1)
            r.reasons.push_back("Users that fit at " + tokens(s.context) + " tokens: " + std::to_string(f.max_users) + ".");
        return r;
    }
    if (f.headroom_share < kSafeHeadroomShare) {
        r.verdict = Verdict::too_tight;
        r.limiting = "memory";
        if (full) r.reasons.push_back("Fits with only " + gib(double(f.headroom_bytes)) + " (" + num(100 * f.headroom_share) +
                            "%) to spare: " + need() + ".");
        return r;
    }
    // 3. Is it fast enough?
    auto level = [&](double good_decode, double ok_decode, double good_ttft, double ok_ttft) {
        int lvl = 0;  // 0 runs well, 1 usable, 2 sluggish
        if (f.decode_tok_s < good_decode) lvl = 1;
        if (f.decode_tok_s < ok_decode) lvl = 2;
        if (good_ttft > 0 && f.ttft_s > good_ttft) lvl = std::max(lvl, 1);
        if (ok_ttft > 0 && f.ttft_s > ok_ttft) lvl = 2;
        return lvl;
    };
    int lvl;
    if (w.good_tokens_per_hour > 0) {
        lvl = f.tokens_per_hour >= w.good_tokens_per_hour ? 0 : f.tokens_per_hour >= w.usable_tokens_per_hour ? 1 : 2;
    } else {
        lvl = level(w.good_decode_tok_s, w.usable_decode_tok_s, w.good_ttft_s, w.usable_ttft_s);
        if (w.good_task_s > 0 && f.task_s > w.good_task_s) lvl = std::max(lvl, 1);
        if (w.usable_task_s > 0 && f.task_s > w.usable_task_s) lvl = 2;
    }
    r.verdict = lvl == 0 ? Verdict::runs_well : lvl == 1 ? Verdict::usable : Verdict::sluggish;
    const bool slow_decode = f.decode_tok_s < w.good_decode_tok_s;
    const bool slow_prefill = w.good_ttft_s > 0 && f.ttft_s > w.good_ttft_s;
    if (lvl > 0) r.limiting = slow_decode || !slow_prefill ? (s.batch > 1 ? "concurrency" : "bandwidth") : "compute";
    if (!full) return r;
    std::string speed = num(f.decode_tok_s) + " tok/s" + (s.batch > 1 ? " per user for " + std::to_string(s.batch) + " users" : "");
    // With a cached prefix this is a later turn's wait, not the page's "Time to first token" figure
    // for the whole prompt: say so, or the two figures on screen look contradictory.
    std::string first = num(f.ttft_s, 2) + " s to first token" +
                        (w.prefix_reuse > 0 ? " (" + num(100 * w.prefix_reuse, 0) + "% of each prompt cached from earlier turns)" : "");
    if (lvl == 0) {
        r.reasons.push_back("Fits with " + gib(double(f.headroom_bytes)) + " to spare and generates at " + speed + ", " + first + ".");
    } else {
        r.reasons.push_back("Fits, but " + speed + " and " + first + (lvl == 1 ? " are below what " : " are too slow for ") + w.name +
                            (lvl == 1 ? " needs to feel fast." : "."));
    }
    if (w.steps > 1) r.reasons.push_back("A task of " + std::to_string(w.steps) + " steps takes about " + num(f.task_s, 0) + " s.");
    if (w.good_tokens_per_hour > 0) r.reasons.push_back("Throughput: " + num(f.tokens_per_hour / 1e6, 2) + "M tokens per hour.");
    return r;
}

std::vector<Suggestion> suggest(const ModelArch& arch, const Setup& setup, const Workload& w, const Catalog* catalog,
                                std::string_view model_id, size_t limit) {
    const Assessment now = assess(arch, setup, w);
    std::vector<Suggestion> out;
    auto consider = [&](const std::string& change, const ModelArch& a, const Setup& s) {
        const Assessment r = assess(a, s, w);
        const bool better = verdict_rank(r.verdict) < verdict_rank(now.verdict);
        if (!better) return;
        Suggestion sg;
        sg.change = change;
        sg.verdict = r.verdict;
        sg.decode_tok_s = r.figures.decode_tok_s;
        sg.max_context = r.figures.max_context;
        std::string verdict(verdict_name(r.verdict));
        std::replace(verdict.begin(), verdict.end(), '-', ' ');
        sg.summary = change + ": " + verdict + ", " + num(sg.decode_tok_s) + " tok/s";
        if (now.limiting == "context" || now.limiting == "memory") sg.summary += ", fits " + tokens(sg.max_context) + " tokens";
        out.push_back(sg);
    };
    if (setup.format.gguf) {
        for (const char* f : {"Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "IQ2_M"}) {
            if (setup.format.name == f) continue;
            Setup s = setup;
            s.format = find_weight_format(f).format;
            s.weights_file_bytes = 0;
            consider(f, arch, s);
        }
    }
    if (!setup.flash_attn && (setup.engine == "llama.cpp" || setup.engine == "ollama")) {
        Setup s = setup;
        s.flash_attn = true;  // no attention-score matrix in the compute buffer
        consider("flash attention on", arch, s);
    }
    for (KvType kv : {KvType::q8_0, KvType::q4_0}) {
        if (setup.kv_type == kv) continue;
        Setup s = setup;
        s.kv_type = kv;
        consider(kv == KvType::q8_0 ? "KV cache q8_0" : "KV cache q4_0", arch, s);
    }
    for (int64_t div : {2, 4}) {
        Workload shorter = w;
        shorter.context = std::max<int64_t>(memory_constants::kMinimalContext, w.context / div);
        Setup s = setup;
        s.context = shorter.context;
        if (shorter.context >= w.context) continue;
        const Assessment r = assess(arch, s, shorter);
        if (verdict_rank(r.verdict) < verdict_rank(now.verdict)) {
            std::string verdict(verdict_name(r.verdict));
            std::replace(verdict.begin(), verdict.end(), '-', ' ');
            out.push_back({"context " + tokens(shorter.context), r.verdict, r.figures.decode_tok_s, r.figures.max_context,
                           "context " + tokens(shorter.context) + ": " + verdict + ", " + num(r.figures.decode_tok_s) + " tok/s"});
        }
    }
    if (arch.moe.experts > 0 && !setup.experts_on_host && detail::offloads_layers(setup.engine) &&
        !setup.hardware.unified_memory && setup.hardware.backend != "cpu") {
        Setup s = setup;
        s.experts_on_host = true;
        consider("experts in system RAM (--cpu-moe)", arch, s);
    }
    for (int mult : {2, 4}) {
        Setup s = setup;
        s.devices = setup.devices * mult;
        if (s.devices > 64) continue;
        consider(std::to_string(s.devices) + "x this " + (setup.hardware.backend == "cpu" ? "machine" : "GPU"), arch, s);
    }
    if (catalog) {
        const CatalogModel* self = find_model(*catalog, model_id);
        if (self && !self->family.empty()) {
            const int64_t own = count_params(arch).total;
            for (const CatalogModel& m : all_models(*catalog)) {
                if (m.id == self->id || m.family != self->family || count_params(m.arch).total >= own) continue;
                consider(m.name + " instead", m.arch, setup);
            }
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const Suggestion& x, const Suggestion& y) {
        if (x.verdict != y.verdict) return verdict_rank(x.verdict) < verdict_rank(y.verdict);
        return x.decode_tok_s > y.decode_tok_s;
    });
    if (out.size() > limit) out.resize(limit);
    return out;
}

}  // namespace headroom
