"""headroom speed model (prototype, plain Python).  See MODEL.md for the formulas and provenance.

decode step  = weight bytes on the devices / effective weight bandwidth
             + KV bytes of the context so far / effective KV bandwidth
             + batch x matrix FLOPs / effective matrix throughput
             + layers x per-layer fixed cost + (devices-1) x per-hop cost
prefill      = max(matrix FLOPs / effective matrix throughput + dequantize traffic + activation traffic,
                   weight bytes x ubatches / effective weight bandwidth)
             + ubatches x (layers x per-layer fixed cost + hops)
"""
import math

# ---------------------------------------------------------------- constants (fit.py overwrites)
C = {
    # decode (memory side)
    'bw_eff_cuda': 0.92,       # fraction of peak bandwidth reached streaming weights (cuda)
    'bw_eff_metal': 0.86,
    'bw_cap_cuda': 1170.0,     # GB/s ceiling one batch-1 matrix-vector kernel reaches (latency bound)
    'kv_eff_cuda': 0.41,       # KV-cache read efficiency relative to weight streaming
    'kv_eff_metal': 0.77,
    'layer_us_cuda': 84.0,     # fixed time per layer per token (kernel launches, syncs)
    'layer_us_metal': 195.0,
    'hop_us': 5.0,             # per device boundary per token (activation copy + sync)
    # prefill (compute side)
    'mm_eff_cuda': 0.60,       # fraction of fp16 matrix peak reached by the prompt GEMMs (cuda: f16 after dequantize)
    'mm_eff_metal_q': 0.62,    # metal dequantizes inside the GEMM: format-dependent efficiency
    'mm_eff_metal_f': 0.76,
    'mm_cap_tflops_cuda': 240.0,  # matrix rate one 512-token ubatch can fill (wave quantization on big GPUs)
    'deq_bytes_cuda': 2.5,     # bytes moved per weight to dequantize to f16 before cuBLAS, per ubatch
    'act_elems': 7.5,          # f32 activation elements moved per (layer x token x row width) in prefill
}
CAP_SHARPNESS = 4.0            # p of the smooth minimum (x^-p + cap^-p)^(-1/p); fixed, not fitted
UBATCH = 512                   # llama.cpp default n_ubatch
MMQ_MAX_TOKENS = 64            # llama.cpp CUDA: a quantized matrix multiplied with >= 64 tokens is dequantized
                               # to f16 and sent to cuBLAS (MMQ_DP4A_MAX_BATCH_SIZE, ggml-cuda mmq.cuh/mmq.cu)
FIT_METAL_CAP = 1e9            # metal has no ceiling in the data (Apple parts <= 800 GB/s)

KV_ELEM_BYTES = {'f16': 2.0, 'bf16': 2.0, 'f32': 4.0, 'q8_0': 34 / 32, 'q4_0': 18 / 32, 'q4_1': 20 / 32,
                 'q5_0': 22 / 32, 'q5_1': 24 / 32, 'iq4_nl': 18 / 32, 'fp8': 1.0}
SIXTEEN_BIT = {'F16', 'BF16', 'FP16', 'F32', 'FP32'}


def smooth_min(x, cap, p=CAP_SHARPNESS):
    return (x ** -p + cap ** -p) ** (-1.0 / p)


# ---------------------------------------------------------------- model shape
def shape(model):
    """Parameter and KV figures from a HF config (dense, GQA, MoE, sliding window, MLA)."""
    cfg = dict(model.get('config', {}))
    if 'text_config' in cfg:
        cfg.update(cfg['text_config'])
    L = cfg['num_hidden_layers']
    d = cfg['hidden_size']
    nh = cfg['num_attention_heads']
    nkv = cfg.get('num_key_value_heads') or nh
    hd = cfg.get('head_dim') or d // nh
    vocab = cfg['vocab_size']
    inter = cfg.get('intermediate_size', 4 * d)
    tied = bool(cfg.get('tie_word_embeddings', False))
    attn = 2 * d * nh * hd + 2 * d * nkv * hd
    E = cfg.get('num_local_experts') or cfg.get('num_experts') or cfg.get('n_routed_experts') or 0
    if E:
        k = cfg.get('num_experts_per_tok') or cfg.get('experts_per_token') or 2
        moe_inter = cfg.get('moe_intermediate_size') or inter
        shared = (cfg.get('n_shared_experts') or 0) * 3 * d * moe_inter
        shared += 3 * d * (cfg.get('shared_expert_intermediate_size') or 0)
        expert = 3 * d * moe_inter
        per_layer_dense = attn + shared + d * E          # router
        inter_active = k * moe_inter
    else:
        k, expert, per_layer_dense, inter_active = 0, 0, attn + 3 * d * inter, inter
    emb = vocab * d
    p_expert = L * E * expert                          # all routed expert weights
    p_dense = L * per_layer_dense + emb                # read every token: layers' dense part + output head
    p_total = p_dense + p_expert + (0 if tied else emb)  # the file: + the token-embedding table
    p_active = p_dense + L * k * expert
    # KV per token of context (elements per layer); sliding-window layers cap at the window
    window = cfg.get('sliding_window')
    types = cfg.get('layer_types')
    if window and types:
        n_slide = sum(1 for t in types if 'sliding' in t)
    elif window and cfg.get('use_sliding_window', True) is not False and cfg.get('model_type') in ('mistral', 'mixtral'):
        n_slide = L
    else:
        n_slide = 0
    kv_lora = cfg.get('kv_lora_rank')
    kv_per_layer = (kv_lora + (cfg.get('qk_rope_head_dim') or 64)) if kv_lora else 2 * nkv * hd
    return dict(L=L, d=d, nh=nh, hd=hd, inter_active=inter_active, E=E, k=k,
                p_file=model.get('params') or p_total, p_total=p_total, p_dense=p_dense,
                p_expert=p_expert, p_active=p_active,
                kv_per_layer=kv_per_layer, window=window or 0, n_slide=n_slide)


def kv_elems(sh, ctx):
    """KV elements held (and read by one token) at context length ctx."""
    full = sh['L'] - sh['n_slide']
    return sh['kv_per_layer'] * (full * ctx + sh['n_slide'] * min(ctx, sh['window']))


def expert_fraction(sh, tokens):
    """Share of the routed experts a step touches when `tokens` tokens are routed independently."""
    if not sh['E']:
        return 0.0
    return 1.0 - (1.0 - sh['k'] / sh['E']) ** max(1, tokens)


def experts_over(sh, tokens, threshold):
    """Expected share of the routed experts that receive at least `threshold` of `tokens` tokens, each
    token picking k of E experts: the count per expert is Binomial(tokens, k/E).  CUDA's MUL_MAT_ID
    multiplies expert by expert, each with the tokens routed to it, so this is the share it dequantizes."""
    q = sh['k'] / sh['E'] if sh['E'] else 0.0
    if q <= 0 or tokens < threshold:
        return 0.0
    if q >= 1.0:
        return 1.0
    n = int(tokens)
    below = 0.0  # P(count < threshold), pmf summed in log space (q^j (1-q)^(n-j) underflows for big n)
    for j in range(int(threshold)):
        below += math.exp(math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1)
                          + j * math.log(q) + (n - j) * math.log1p(-q))
    return max(0.0, 1.0 - below)


def attn_ctx_sum(sh, P):
    """Sum over the prompt's tokens and layers of the context each attends to (causal)."""
    full = sh['L'] - sh['n_slide']
    s = full * P * (P + 1) / 2.0
    if sh['n_slide']:
        w = sh['window']
        s += sh['n_slide'] * (P * (P + 1) / 2.0 if P <= w else w * (w + 1) / 2.0 + (P - w) * w)
    return s


# ---------------------------------------------------------------- the model
def backend_consts(backend, quantized, c=C):
    base = 'metal' if backend == 'metal' else 'cuda'
    q = 'q' if quantized else 'f'
    return dict(bw_eff=c[f'bw_eff_{base}'],
                cap=c['bw_cap_cuda'] if base == 'cuda' else FIT_METAL_CAP,
                kv_eff=c[f'kv_eff_{base}'], layer_s=c[f'layer_us_{base}'] * 1e-6,
                mm_eff=c['mm_eff_cuda'] if base == 'cuda' else c[f'mm_eff_metal_{q}'],
                mm_cap=c['mm_cap_tflops_cuda'] if base == 'cuda' else 1e6,
                deq_bytes=c['deq_bytes_cuda'] if base == 'cuda' and quantized else 0.0)


def predict(sc, c=C):
    hw = sc['hardware']
    g = sc.get('gpus', 1) or 1
    B = sc.get('batch', 1) or 1
    sh = shape(sc['model'])
    quant = sc.get('quant', 'F16')
    quantized = quant.upper() not in SIXTEEN_BIT
    wbytes = sc.get('weights_bytes') or sh['p_file'] * (2.0 if not quantized else 0.6)
    bpp = wbytes / sh['p_file']                        # mean bytes per parameter in the file
    bc = backend_consts(hw.get('backend', 'cuda'), quantized, c)
    bw = hw['bandwidth_gbs'] * 1e9
    bw_w = smooth_min(bc['bw_eff'] * bw, bc['cap'] * 1e9)
    bw_kv = bw_w * bc['kv_eff']
    flops = (hw.get('fp16_tflops') or 0) * 1e12
    f_eff = smooth_min(bc['mm_eff'] * flops, bc['mm_cap'] * 1e12) if flops else 1e30
    eb = KV_ELEM_BYTES.get((sc.get('kv_type') or 'f16').lower(), 2.0)
    L = sh['L']
    hop = c['hop_us'] * 1e-6 * (g - 1)
    fixed = L * bc['layer_s'] + hop
    P = sc.get('prompt_tokens', 0) or 0
    G = sc.get('gen_tokens', 0) or 0
    out = {'id': sc.get('id')}
    # decode: one step serves B sequences; context grows from P to P+G (mean P + G/2)
    ctx = P + G / 2.0
    w_read = bpp * (sh['p_dense'] + expert_fraction(sh, B) * sh['p_expert'])
    t_mem = w_read / bw_w + B * kv_elems(sh, ctx) * eb / bw_kv
    t_cmp = B * 2.0 * sh['p_active'] / f_eff
    t_dec = t_mem + t_cmp + fixed
    out['decode_tok_s'] = 1.0 / t_dec
    if P > 0:
        n_ub = math.ceil(P * B / UBATCH)
        toks = P * B
        w_ub = bpp * (sh['p_dense'] + expert_fraction(sh, min(UBATCH, toks)) * sh['p_expert'])
        mm = 2.0 * sh['p_active'] * toks
        attn = 4.0 * sh['nh'] * sh['hd'] * attn_ctx_sum(sh, P) * B
        t_cmp = (mm + attn) / f_eff
        ub_toks = min(UBATCH, toks)
        p_deq = sh['p_dense'] if ub_toks >= MMQ_MAX_TOKENS else 0.0
        if sh['E']:  # llama.cpp decides per expert, on the tokens routed to it
            p_deq += experts_over(sh, ub_toks, MMQ_MAX_TOKENS) * sh['p_expert']
        t_deq = n_ub * p_deq * bc['deq_bytes'] / bw_w
        score_row = 0.0 if sc.get('flash_attn') else sh['nh'] * P / 2.0  # flash attention keeps scores on chip
        act = 4.0 * c['act_elems'] * L * toks * (sh['d'] + sh['inter_active'] + score_row)
        t_pre = max(t_cmp + t_deq + act / bw_w, n_ub * w_ub / bw_w) + n_ub * fixed
        out['prefill_tok_s'] = toks / t_pre
        out['ttft_s'] = t_pre
    else:
        out['ttft_s'] = t_dec
    return out
