"""PyTorch CPU peer of `glassbox bench`: the same workloads as bench/workloads/*.ts.

Request on stdin (JSON):
  {"mode": "time",  "case": "mlp_step"|"block_step"|"conv_trunk"|"lm_fwd_bwd"|"route_ae_step", "shape": {...}, "threads": N, "plan": {...}}
  {"mode": "check", "case": ..., "shape": {...}, "threads": N, "state": "<path of exported state>"}
Reply: one JSON line on stdout. Weights and gradients are exchanged under glassbox's names and
layouts; each model converts them (GlassboxLayout)."""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import fail, load_state, read_request, reply, time_runs  # noqa: E402

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:
    fail("torch is not importable: %s" % e, missing=True)


# ---- glassbox layout <-> torch layout ----

class GlassboxLayout(nn.Module):
    """A peer model that converts tensors between glassbox's names and layouts and its own.
    By default the names are the same; glassbox stores Linear weights as [in, out] and conv
    filters as [kh, kw, in, out]."""

    def to_glassbox(self, tensors):
        """{torch name: tensor} (a state dict or gradients) -> {glassbox name: tensor}."""
        out = {}
        for name, t in tensors.items():
            if name.rpartition(".")[2] in ("num_batches_tracked", "mask"):
                continue
            if t.dim() == 2 and name.endswith(".weight"):
                t = t.t()
            elif t.dim() == 4:
                t = t.permute(2, 3, 1, 0)  # [out, in, kh, kw] -> [kh, kw, in, out]
            out[name] = t
        return out

    def from_glassbox(self, params):
        """{glassbox name: tensor} -> {torch state-dict name: tensor}."""
        out = {}
        for name, t in params.items():
            if t.dim() == 2 and name.endswith(".weight"):
                t = t.t()
            elif t.dim() == 4:
                t = t.permute(3, 2, 0, 1)  # [kh, kw, in, out] -> [out, in, kh, kw]
            out[name] = t
        return out


# ---- workloads (mirrors of bench/workloads/*.ts) ----

class Mlp(GlassboxLayout):
    """Linear layers with an activation between them (glassbox's src/nn MLP)."""

    def __init__(self, sizes, activation):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)])
        self.activation = activation

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = self.activation(x)
        return x


class Attention(nn.Module):
    def __init__(self, d, heads, seq):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.register_buffer("mask", torch.triu(torch.full((seq, seq), -1e9), diagonal=1))

    def forward(self, x):
        b, t, d = x.shape
        dh = d // self.heads
        q, k, v = self.qkv(x).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, dh).transpose(1, 2) for z in (q, k, v))
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(dh)) + self.mask
        mixed = F.softmax(scores, dim=-1) @ v
        return self.proj(mixed.transpose(1, 2).contiguous().view(b, t, d))


class Block(GlassboxLayout):
    """nanoGPT-style block (one fused qkv projection). glassbox's block (src/nn/transformer) has
    TransformerLens's names and layouts: ln1.w/b, attn.W_Q/W_K/W_V [heads, d, d_head],
    b_Q/b_K/b_V [heads, d_head], W_O [heads, d_head, d], b_O, mlp.W_in [d, d_mlp], b_in, W_out, b_out."""

    def __init__(self, s):
        super().__init__()
        self.d = s["dModel"]
        self.heads = s["heads"]
        self.ln1 = nn.LayerNorm(s["dModel"])
        self.attn = Attention(s["dModel"], s["heads"], s["seq"])
        self.ln2 = nn.LayerNorm(s["dModel"])
        self.mlp = Mlp([s["dModel"], s["dMlp"], s["dModel"]], lambda x: F.gelu(x, approximate="tanh"))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))

    def to_glassbox(self, t):
        d, h = self.d, self.heads
        e = d // h
        out = {}
        for ln in ("ln1", "ln2"):
            out[ln + ".w"] = t[ln + ".weight"]
            out[ln + ".b"] = t[ln + ".bias"]
        w, b = t["attn.qkv.weight"], t["attn.qkv.bias"]
        for i, x in enumerate("QKV"):
            out["attn.W_" + x] = w[i * d:(i + 1) * d].t().reshape(d, h, e).permute(1, 0, 2)
            out["attn.b_" + x] = b[i * d:(i + 1) * d].reshape(h, e)
        out["attn.W_O"] = t["attn.proj.weight"].t().reshape(h, e, d)
        out["attn.b_O"] = t["attn.proj.bias"]
        out["mlp.W_in"] = t["mlp.layers.0.weight"].t()
        out["mlp.b_in"] = t["mlp.layers.0.bias"]
        out["mlp.W_out"] = t["mlp.layers.1.weight"].t()
        out["mlp.b_out"] = t["mlp.layers.1.bias"]
        return out

    def from_glassbox(self, p):
        d, h = self.d, self.heads
        e = d // h
        out = {}
        for ln in ("ln1", "ln2"):
            out[ln + ".weight"] = p[ln + ".w"]
            out[ln + ".bias"] = p[ln + ".b"]
        out["attn.qkv.weight"] = torch.cat([p["attn.W_" + x].permute(1, 0, 2).reshape(d, h * e).t() for x in "QKV"], 0)
        out["attn.qkv.bias"] = torch.cat([p["attn.b_" + x].reshape(-1) for x in "QKV"], 0)
        out["attn.proj.weight"] = p["attn.W_O"].reshape(h * e, d).t()
        out["attn.proj.bias"] = p["attn.b_O"]
        out["mlp.layers.0.weight"] = p["mlp.W_in"].t()
        out["mlp.layers.0.bias"] = p["mlp.b_in"]
        out["mlp.layers.1.weight"] = p["mlp.W_out"].t()
        out["mlp.layers.1.bias"] = p["mlp.b_out"]
        return out


class Lm(GlassboxLayout):
    """GPT-2 style language model of Blocks: token and learned position embeddings, final
    LayerNorm, untied unembedding with bias. glassbox names (TransformerLens): embed.W_E
    [vocab, d], pos_embed.W_pos [n_ctx, d], blocks.{L}.* (as Block), ln_final.w/b,
    unembed.W_U [d, vocab], unembed.b_U."""

    def __init__(self, s):
        super().__init__()
        self.embed = nn.Embedding(s["vocab"], s["dModel"])
        self.pos = nn.Parameter(torch.zeros(s["seq"], s["dModel"]))
        self.blocks = nn.ModuleList([Block(s) for _ in range(s["layers"])])
        self.ln_final = nn.LayerNorm(s["dModel"])
        self.unembed = nn.Linear(s["dModel"], s["vocab"])

    def forward(self, tokens):
        x = self.embed(tokens) + self.pos[: tokens.shape[1]]
        for b in self.blocks:
            x = b(x)
        return self.unembed(self.ln_final(x))

    # (glassbox name, torch name, transposed): the tensors outside the blocks.
    OUTER = [("embed.W_E", "embed.weight", False), ("pos_embed.W_pos", "pos", False),
             ("ln_final.w", "ln_final.weight", False), ("ln_final.b", "ln_final.bias", False),
             ("unembed.W_U", "unembed.weight", True), ("unembed.b_U", "unembed.bias", False)]

    def _convert(self, tensors, to_glassbox):
        """Renames (and transposes) OUTER, and converts each block's tensors with Block's mapping."""
        out = {}
        for gb, th, transposed in self.OUTER:
            src, dst = (th, gb) if to_glassbox else (gb, th)
            out[dst] = tensors[src].t() if transposed else tensors[src]
        for i, block in enumerate(self.blocks):
            prefix = "blocks.%d." % i
            sub = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
            converted = block.to_glassbox(sub) if to_glassbox else block.from_glassbox(sub)
            out.update({prefix + k: v for k, v in converted.items()})
        return out

    def to_glassbox(self, t):
        return self._convert(t, True)

    def from_glassbox(self, p):
        return self._convert(p, False)


class ResBlock(nn.Module):
    """Pre-activation: x + conv2(relu(bn2(conv1(relu(bn1(x))))))."""

    def __init__(self, c):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(c)
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)

    def forward(self, x):
        return x + self.conv2(F.relu(self.bn2(self.conv1(F.relu(self.bn1(x))))))


class ConvTrunk(GlassboxLayout):
    def __init__(self, s):
        super().__init__()
        k = s["inputKernel"]
        self.input = nn.Conv2d(s["inChannels"], s["channels"], k, padding=k // 2, bias=False)
        self.blocks = nn.ModuleList([ResBlock(s["channels"]) for _ in range(s["blocks"])])

    def forward(self, x):
        x = self.input(x)
        for b in self.blocks:
            x = b(x)
        return x


class RoutedAutoencoder(GlassboxLayout):
    """The gradient-routing experiment's autoencoder (src/route/mnist/autoencoder.ts): encoder trunk
    (ReLU after every layer), two bias-free heads (the code halves), mirrored ReLU decoder."""

    def __init__(self, s):
        super().__init__()
        half = s["codeSize"] // 2
        self.encoder = nn.Module()
        self.encoder.trunk = Mlp([s["inputSize"]] + s["hidden"], F.relu)
        self.encoder.head_first = nn.Linear(s["hidden"][-1], half, bias=False)
        self.encoder.head_second = nn.Linear(s["hidden"][-1], half, bias=False)
        self.decoder = Mlp([s["codeSize"]] + s["hidden"][::-1] + [s["inputSize"]], F.relu)

    def encode(self, x):
        h = F.relu(self.encoder.trunk(x))
        return torch.cat([self.encoder.head_first(h), self.encoder.head_second(h)], 1)


def routed_autoencoder_loss(model, s, x, weights, mask):
    """Group-mean MAE through the routed code (mask*code + (1-mask)*stop_gradient(code)), L1 on each
    half (sum over dimensions of the batch-mean |value|), mean |Pearson correlation| across halves."""
    code = model.encode(x)
    routed = mask * code + (1 - mask) * code.detach()
    loss = (weights * (model.decoder(routed) - x).abs().mean(1)).sum()
    half = s["codeSize"] // 2
    a, b = code[:, :half], code[:, half:]
    loss = loss + s["l1"] * (a.abs().mean(0).sum() + b.abs().mean(0).sum())

    def standardize(t):
        return (t - t.mean(0)) / torch.sqrt(t.var(0, unbiased=False) + 1e-6)

    corr = standardize(a).t() @ standardize(b) / x.shape[0]
    return loss + s["corr"] * corr.abs().mean()


def tensor_of(entry):
    return torch.tensor(entry["data"], dtype=torch.float32).reshape(entry["shape"])


def glassbox_param_shapes(model):
    """Parameter and batch-norm statistic shapes under glassbox's names and layouts."""
    return {name: list(t.shape) for name, t in model.to_glassbox(model.state_dict()).items()}


def load_params(model, params):
    expected = set(glassbox_param_shapes(model))
    if set(params) != expected:
        fail("parameter names differ: glassbox %s, torch %s" % (sorted(params), sorted(expected)))
    sd = model.state_dict()
    for name, t in model.from_glassbox({k: tensor_of(v) for k, v in params.items()}).items():
        target = sd[name]
        if list(t.shape) != list(target.shape):
            fail("parameter %s: shape %s, torch expects %s" % (name, list(t.shape), list(target.shape)))
        target.copy_(t)


# ---- cases ----

def make_case(case, shape, state):
    """Returns (model, run, check): run() is the timed unit; check() returns the values to compare."""
    if case == "mlp_step":
        model = Mlp(shape["sizes"], F.relu)
        if state:
            x = tensor_of(state["inputs"]["x"])
            labels = torch.tensor(state["inputs"]["labels"]["data"], dtype=torch.long)
        else:
            x = torch.randn(shape["batch"], shape["sizes"][0])
            labels = torch.randint(0, shape["sizes"][-1], (shape["batch"],))
        return train_case(model, shape, state, lambda: F.cross_entropy(model(x), labels))
    if case == "block_step":
        model = Block(shape)
        x = tensor_of(state["inputs"]["x"]) if state else torch.randn(shape["batch"], shape["seq"], shape["dModel"])
        return train_case(model, shape, state, lambda: model(x).square().mean())
    if case == "conv_trunk":
        model = ConvTrunk(shape).eval()
        if state:
            load_params(model, state["params"])
            x = tensor_of(state["inputs"]["x"]).permute(0, 3, 1, 2)  # NHWC -> NCHW (logical)
        else:
            x = torch.randn(shape["batch"], shape["inChannels"], shape["size"], shape["size"])
        # channels_last (NHWC in memory, as glassbox) measured faster here than contiguous NCHW
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)

        def forward():
            with torch.inference_mode():
                return model(x)

        def check():
            return {"output": forward().permute(0, 2, 3, 1).contiguous().view(-1).tolist()}

        return model, forward, check
    if case == "lm_fwd_bwd":
        model = Lm(shape)
        if state:
            with torch.no_grad():
                load_params(model, state["params"])
            inputs, targets = (tensor_of(state["inputs"][k]).long() for k in ("inputs", "targets"))
        else:
            inputs, targets = (torch.randint(0, shape["vocab"], (shape["batch"], shape["seq"])) for _ in range(2))
        return fwd_bwd_case(model, lambda: F.cross_entropy(model(inputs).view(-1, shape["vocab"]), targets.reshape(-1)), state)
    if case == "route_ae_step":
        model = RoutedAutoencoder(shape)
        n, d, c = shape["batch"], shape["inputSize"], shape["codeSize"]
        if state:
            x, weights, mask = (tensor_of(state["inputs"][k]) for k in ("x", "weights", "mask"))
        else:
            x = torch.rand(n, d) * 2 - 1
            weights = torch.full((n,), 2.0 / n)
            mask = torch.zeros(n, c)
            mask[: n // 2, : c // 2] = 1
            mask[n // 2:, c // 2:] = 1
        opt = dict(shape, optimizer={"lr": shape["lr"], "weightDecay": shape["weightDecay"]})
        return train_case(model, opt, state, lambda: routed_autoencoder_loss(model, shape, x, weights, mask), adam=True)
    fail("unknown case %r" % case)


def train_case(model, shape, state, loss_fn, adam=False):
    """adam: torch.optim.Adam (L2-style weight decay) instead of AdamW."""
    if state:
        with torch.no_grad():
            load_params(model, state["params"])
    o = shape["optimizer"]
    cls = torch.optim.Adam if adam else torch.optim.AdamW
    opt = cls(model.parameters(), lr=o["lr"], betas=(0.9, 0.999), eps=1e-8, weight_decay=o["weightDecay"])

    def step(on_grads=None):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        if on_grads:
            on_grads()
        opt.step()
        return loss

    def check():
        """Gradients of the first step (glassbox order and layout) and the losses of three steps."""
        grads = []

        def collect():
            by_name = model.to_glassbox({name: p.grad for name, p in model.named_parameters()})
            for name in state["params"]:
                grads.extend(by_name[name].reshape(-1).tolist())

        loss = [step(collect).item(), step().item(), step().item()]
        return {"loss": loss, "grads": grads}

    return model, step, check


def fwd_bwd_case(model, loss_fn, state):
    """Forward and backward (gradients of every parameter), no optimizer step."""

    def run():
        model.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        return loss

    def check():
        """The loss and its gradients (glassbox order and layout)."""
        nll = run().item()
        by_name = model.to_glassbox({name: p.grad for name, p in model.named_parameters()})
        grads = []
        for name in state["params"]:
            grads.extend(by_name[name].reshape(-1).tolist())
        return {"nll": [nll], "grads": grads}

    return model, run, check


def main():
    req = read_request()
    torch.set_num_threads(int(req["threads"]))
    torch.manual_seed(0)
    state = load_state(req["state"]) if req["mode"] == "check" else None
    model, run, check = make_case(req["case"], req["shape"], state)
    out = {"case": req["case"], "param_shapes": glassbox_param_shapes(model),
           "facts": {"version": torch.__version__, "threads": torch.get_num_threads()}}
    if req["mode"] == "check":
        out["values"] = check()
    else:
        out.update(time_runs(run, req["plan"]))
    reply(out)


main()
