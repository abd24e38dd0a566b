"""What the trainer reads from a Hugging Face config.json, and what it refuses.

The Python half of the one reader of a config: @ual/models' hfModelSpec() reads a config.json
the same way, refusals word for word — packages/models/fixtures/hf_config_cases.json holds both to
the same cases (python_test.ts). The plugin reads the init folder with hfModelSpec() and runs this
file on it too (`python3 _config.py <folder>`) before it launches anything; the training script
reads with model_spec(). A setting the trainer cannot honour is an error naming the key and the
value, never a silently different model. (The tfjs models compute the same set; Mistral's window
there by capping the context at it: see llamaConfigFromHf.)

- GPT-2 (`GPT2LMHeadModel`); Llama 2/3/3.1+ (`rope_scaling` of type `llama3`, or `linear`),
  Mistral (`sliding_window`: query t sees keys t-W+1..t, as transformers' Mistral), Qwen2/2.5
  (q/k/v biases; its `use_sliding_window` is refused).
- transformers 5 writes RoPE settings as `rope_parameters` ({rope_type, rope_theta, ...}); older
  configs as `rope_theta` plus `rope_scaling` ({type | rope_type, factor, ...}). Both are read.
"""
import json
import os

GPT2_ARCHITECTURES = ("GPT2LMHeadModel",)
LLAMA_ARCHITECTURES = ("LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM")
SUPPORTED = GPT2_ARCHITECTURES + LLAMA_ARCHITECTURES
ROPE_TYPES = ("default", "linear", "llama3")


class UnsupportedConfig(ValueError):
    """A config.json this trainer cannot run as written (the message names the key and value)."""


def _show(value):
    """A value as JavaScript's JSON.stringify writes it (@ual/models' reader says the same words)."""
    def plain(v):
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v
    return json.dumps(plain(value), separators=(",", ":"), ensure_ascii=False)


def _refuse(where, key, value, why):
    raise UnsupportedConfig(f"{where}: {key} {_show(value)} is not supported: {why}")


def _first(config, *keys, default=None):
    """The first of `keys` that is present and not null (JavaScript's `a ?? b ?? default`)."""
    for key in keys:
        if config.get(key) is not None:
            return config[key]
    return default


def _number(config, key, where, default=None):
    """config[key] as a number (`default` when absent or null); anything else names the key."""
    value = config.get(key)
    if value is None and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UnsupportedConfig(f"{where}: \"{key}\" must be a number, got {_show(value) if key in config else 'undefined'}")
    return value


def _rope(config, where):
    """{'type', 'theta', and the scaling's own fields} from either spelling."""
    params = config.get("rope_parameters")
    scaling = config.get("rope_scaling")
    if isinstance(params, dict):
        theta = _first(params, "rope_theta", default=_first(config, "rope_theta", default=10000.0))
        kind = _first(params, "rope_type", "type", default="default")
        fields, key = params, "rope_parameters"
    else:
        theta = _first(config, "rope_theta", default=10000.0)
        if scaling is None:
            scaling = {}  # plain RoPE, read like an empty scaling of type default
        if not isinstance(scaling, dict):
            _refuse(where, "rope_scaling", scaling, "expected null or an object")
        kind = _first(scaling, "rope_type", "type", default="default")
        fields, key = scaling, "rope_scaling"
    if isinstance(theta, bool) or not isinstance(theta, (int, float)):
        raise UnsupportedConfig(f"{where}: \"rope_theta\" must be a number, got {_show(theta)}")
    if kind not in ROPE_TYPES:
        _refuse(where, f"{key}.rope_type", kind, f"the RoPE types implemented are {', '.join(ROPE_TYPES)}")
    rope = {"type": kind, "theta": float(theta)}
    needs = {"default": (), "linear": ("factor",), "llama3": ("factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings")}[kind]
    for name in needs:
        if isinstance(fields.get(name), bool) or not isinstance(fields.get(name), (int, float)):
            _refuse(where, f"{key}.{name}", fields.get(name), f"{kind} RoPE needs a number here")
        rope[name] = float(fields[name])
    if kind != "default" and fields.get("attention_factor") not in (None, 1, 1.0):
        _refuse(where, f"{key}.attention_factor", fields["attention_factor"], "only 1 is")
    return rope


def model_spec(config, where="config.json"):
    """The normalised description the model code uses: family, shape, RoPE, window, biases.
    @ual/models' hfModelSpec() reads a config.json the same way, refusals word for word
    (packages/models/fixtures/hf_config_cases.json holds both to the same cases)."""
    architectures = config.get("architectures")
    architecture = str(architectures[0]) if isinstance(architectures, list) and architectures else "(none)"
    if architecture not in SUPPORTED:
        raise UnsupportedConfig(f"{where}: architecture {architecture} is not supported (supported: {', '.join(SUPPORTED)})")
    if architecture in GPT2_ARCHITECTURES:
        act = _first(config, "activation_function", default="gelu_new")
        if act not in ("gelu_new", "gelu_pytorch_tanh"):
            _refuse(where, "activation_function", act, "GPT-2 blocks use gelu_new (tanh GELU)")
        context = _number(config, "n_positions", where) if config.get("n_positions") is not None else _number(config, "n_ctx", where, 1024)
        return {"family": "gpt2", "architecture": architecture, "layers": _number(config, "n_layer", where), "heads": _number(config, "n_head", where),
                "hidden": _number(config, "n_embd", where), "vocab": _number(config, "vocab_size", where), "context": context,
                "norm_eps": _number(config, "layer_norm_epsilon", where, 1e-5), "tied": True}
    act = _first(config, "hidden_act", default="silu")
    if act != "silu":
        _refuse(where, "hidden_act", act, "the SwiGLU MLP uses silu")
    if config.get("attention_dropout") not in (None, 0, 0.0):
        _refuse(where, "attention_dropout", config["attention_dropout"], "only 0 is (LoRA dropout is the trainer's)")
    heads = _number(config, "num_attention_heads", where)
    hidden = _number(config, "hidden_size", where)
    window = None
    if architecture == "Qwen2ForCausalLM":
        if config.get("use_sliding_window") is True:
            _refuse(where, "use_sliding_window", True, "Qwen2's per-layer sliding window is not implemented")
    elif config.get("sliding_window") is not None:
        window = _number(config, "sliding_window", where)
        if window < 1 or window != int(window):
            _refuse(where, "sliding_window", config["sliding_window"], "expected a positive number of tokens or null")
        window = int(window)
    return {
        "family": "llama", "architecture": architecture, "layers": _number(config, "num_hidden_layers", where), "heads": heads,
        "kv_heads": _number(config, "num_key_value_heads", where, heads), "hidden": hidden,
        "head_dim": _number(config, "head_dim", where, hidden // heads), "ffn": _number(config, "intermediate_size", where),
        "vocab": _number(config, "vocab_size", where), "context": _number(config, "max_position_embeddings", where, 2048),
        "norm_eps": _number(config, "rms_norm_eps", where, 1e-6), "rope": _rope(config, where), "sliding_window": window,
        "attention_bias": architecture == "Qwen2ForCausalLM" or config.get("attention_bias") is True,
        "tied": config.get("tie_word_embeddings", False) is True,
    }


def read_config(folder):
    """(config.json as read, its model_spec) of a Hugging Face model folder."""
    path = os.path.join(folder, "config.json")
    try:
        with open(path) as f:
            config = json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: missing; init must be a Hugging Face model folder (config.json + model.safetensors)") from None
    return config, model_spec(config, path)


if __name__ == "__main__":
    # `python3 _config.py <model folder>`: the spec as JSON, or the refusal on stderr and exit 1 —
    # the plugin asks this before it launches anything, so the TypeScript side and the script
    # cannot disagree about what a config means (no torch import: fast)
    import sys

    try:
        print(json.dumps(read_config(sys.argv[1])[1]))
    except (UnsupportedConfig, FileNotFoundError, KeyError, ValueError) as error:
        sys.stderr.write(f"{error if not isinstance(error, KeyError) else f'{sys.argv[1]}/config.json: no {error}'}\n")
        sys.exit(1)
