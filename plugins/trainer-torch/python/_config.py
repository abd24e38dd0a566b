"""What the trainer reads from a Hugging Face config.json, and what it refuses.

The one reader of a config's constraints for @ual/trainer-torch: the plugin runs this file on the
init folder before it launches anything (`python3 _config.py <folder>`), and the training script
reads the same way, so the two sides cannot disagree. A setting the trainer cannot honour is an
error naming the key and the value, never a silently different model. (@ual/models' own reader,
for the tfjs models, is stricter: no RoPE scaling, no sliding window.)

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


def _refuse(where, key, value, why):
    raise UnsupportedConfig(f"{where}: {key} {json.dumps(value)} is not supported: {why}")


def _rope(config, where):
    """{'type', 'theta', and the scaling's own fields} from either spelling."""
    params = config.get("rope_parameters")
    scaling = config.get("rope_scaling")
    if isinstance(params, dict):
        theta = params.get("rope_theta", config.get("rope_theta", 10000.0))
        kind = params.get("rope_type", params.get("type", "default"))
        fields, key = params, "rope_parameters"
    else:
        theta = config.get("rope_theta", 10000.0)
        if scaling is None:
            return {"type": "default", "theta": float(theta)}
        if not isinstance(scaling, dict):
            _refuse(where, "rope_scaling", scaling, "expected null or an object")
        kind = scaling.get("rope_type", scaling.get("type", "default"))
        fields, key = scaling, "rope_scaling"
    if kind not in ROPE_TYPES:
        _refuse(where, f"{key}.rope_type", kind, f"the RoPE types implemented are {', '.join(ROPE_TYPES)}")
    rope = {"type": kind, "theta": float(theta)}
    if kind == "linear":
        rope["factor"] = float(fields["factor"])
    elif kind == "llama3":
        for name in ("factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings"):
            if not isinstance(fields.get(name), (int, float)):
                _refuse(where, f"{key}.{name}", fields.get(name), "llama3 RoPE needs a number here")
            rope[name] = float(fields[name])
    if kind != "default" and fields.get("attention_factor") not in (None, 1, 1.0):
        _refuse(where, f"{key}.attention_factor", fields["attention_factor"], "only 1 is")
    return rope


def model_spec(config, where="config.json"):
    """The normalised description the model code uses: family, shape, RoPE, window, biases."""
    architectures = config.get("architectures") or ["(none)"]
    architecture = str(architectures[0])
    if architecture not in SUPPORTED:
        raise UnsupportedConfig(f"{where}: architecture {architecture} is not supported (supported: {', '.join(SUPPORTED)})")
    if architecture in GPT2_ARCHITECTURES:
        act = config.get("activation_function", "gelu_new")
        if act not in ("gelu_new", "gelu_pytorch_tanh"):
            _refuse(where, "activation_function", act, "GPT-2 blocks use gelu_new (tanh GELU)")
        return {"family": "gpt2", "architecture": architecture, "layers": config["n_layer"], "heads": config["n_head"],
                "hidden": config["n_embd"], "vocab": config["vocab_size"], "context": config.get("n_positions", 1024),
                "norm_eps": config.get("layer_norm_epsilon", 1e-5), "tied": True}
    act = config.get("hidden_act", "silu")
    if act != "silu":
        _refuse(where, "hidden_act", act, "the SwiGLU MLP uses silu")
    if config.get("attention_dropout") not in (None, 0, 0.0):
        _refuse(where, "attention_dropout", config["attention_dropout"], "only 0 is (LoRA dropout is the trainer's)")
    heads = config["num_attention_heads"]
    window = None
    if architecture == "Qwen2ForCausalLM":
        if config.get("use_sliding_window") is True:
            _refuse(where, "use_sliding_window", True, "Qwen2's per-layer sliding window is not implemented")
    elif config.get("sliding_window") is not None:
        window = int(config["sliding_window"])
        if window < 1:
            _refuse(where, "sliding_window", config["sliding_window"], "expected a positive number of tokens or null")
    return {
        "family": "llama", "architecture": architecture, "layers": config["num_hidden_layers"], "heads": heads,
        "kv_heads": config.get("num_key_value_heads") or heads, "hidden": config["hidden_size"],
        "head_dim": config.get("head_dim") or config["hidden_size"] // heads, "ffn": config["intermediate_size"],
        "vocab": config["vocab_size"], "context": config.get("max_position_embeddings", 2048),
        "norm_eps": config.get("rms_norm_eps", 1e-6), "rope": _rope(config, where), "sliding_window": window,
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
