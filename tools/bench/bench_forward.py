"""Interleaved forward benchmark: vlmlens (DJL) against Hugging Face transformers, same checkpoint,
same thread count, one run.

    python tools/bench/bench_forward.py make-medium --fixture vlmlens-hooks/src/test/resources/fixtures/qwen2_vl --out /tmp/medium-qwen2vl
    python tools/bench/bench_forward.py run --checkpoint /tmp/medium-qwen2vl --image IMG --prompt TEXT --threads 1 --rounds 15

`run` starts the Java ForwardServer (vlmlens-examples' jar, built with `mvn package -DskipTests`),
then alternates, round after round: N vlmlens plain forwards, N vlmlens hooked forwards (captures at
2 positions of every block's resid_post), N vlmlens forwards capturing the attention patterns of 2
query positions in every block, N HF forwards (eager attention, no_grad, logits of the whole sequence
as HF computes them), and with --gen-tokens K also N greedy generations of exactly K tokens on both
sides (KV cache; HF generate with min_new_tokens=max_new_tokens=K). It prints medians and the
ratios hooked/plain, pattern/plain, vlmlens/HF and the generation tokens/s of both. Needs the venv
of tools/hf-fixtures (transformers 5, CPU torch).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

import torch
from PIL import Image
import transformers
from transformers import AutoConfig, AutoModelForImageTextToText, AutoProcessor


def make_medium(fixture, out, scale_text, scale_vision):
    src = os.path.join(fixture, "checkpoint")
    cfg = AutoConfig.from_pretrained(src)
    t = cfg.text_config
    t.hidden_size = 512
    t.intermediate_size = 1536
    t.num_hidden_layers = 8
    if getattr(t, "layer_types", None) is not None:
        t.layer_types = [t.layer_types[0]] * 8
    if hasattr(t, "max_window_layers"):
        t.max_window_layers = 8
    t.num_attention_heads = 8
    t.num_key_value_heads = 2
    t.head_dim = 64
    rp = getattr(t, "rope_parameters", None) or {}
    if "mrope_section" in rp:
        rp["mrope_section"] = [8, 12, 12]
        t.rope_parameters = rp
    v = cfg.vision_config
    if hasattr(v, "embed_dim"):
        v.embed_dim = 256
    v.hidden_size = 256 if not hasattr(v, "embed_dim") else 512
    if hasattr(v, "out_hidden_size"):
        v.out_hidden_size = 512
    v.num_heads = 8
    v.depth = 8
    if hasattr(v, "intermediate_size"):
        v.intermediate_size = 768
    torch.manual_seed(0)
    model = AutoModelForImageTextToText.from_config(cfg).eval()
    os.makedirs(out, exist_ok=True)
    model.save_pretrained(out)
    for f in os.listdir(src):
        if not f.endswith(".safetensors") and f not in ("config.json", "config.v4.json", "generation_config.json"):
            shutil.copy(os.path.join(src, f), os.path.join(out, f))
    print("wrote", out, sum(p.numel() for p in model.parameters()), "parameters")


def load_processor(checkpoint):
    """The checkpoint's processor; without torchvision (not importable here) the Qwen processors are
    built with their image processor and tokenizer only, as tools/hf-fixtures does."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "hf-fixtures"))
    from generate import images_only
    cls_name = json.load(open(os.path.join(checkpoint, "processor_config.json"))).get("processor_class", "")
    if cls_name in ("Qwen2VLProcessor", "Qwen2_5_VLProcessor", "LlavaOnevisionProcessor"):
        images_only(getattr(transformers, cls_name))
        return getattr(transformers, cls_name).from_pretrained(checkpoint)
    return AutoProcessor.from_pretrained(checkpoint)


def run(args):
    torch.set_num_threads(args.threads)
    jar = os.path.join(args.repo, "vlmlens-examples", "target", "vlmlens.jar")
    java = subprocess.Popen(
        ["java", "-cp", jar, "io.github.vlmlens.examples.bench.ForwardServer",
         args.checkpoint, args.image, args.prompt, str(args.threads)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = java.stdout.readline()
    while line and not line.startswith("ready"):
        line = java.stdout.readline()
    print("vlmlens:", line.strip())

    processor = load_processor(args.checkpoint)
    model = AutoModelForImageTextToText.from_pretrained(
        args.checkpoint, torch_dtype=torch.float32, attn_implementation=args.attn).eval()
    image = Image.open(args.image).convert("RGB")
    inputs = processor(text=[args.prompt], images=[image], return_tensors="pt")
    print("HF:", inputs["input_ids"].shape[1], "tokens", "transformers", transformers.__version__, "torch", torch.__version__)

    def java_times(kind, n, extra=""):
        java.stdin.write(f"{kind} {n} {extra}\n")
        java.stdin.flush()
        return [float(x) for x in java.stdout.readline().split()]

    def hf_times(n):
        out = []
        with torch.no_grad():
            for _ in range(n):
                t0 = time.perf_counter()
                model(**inputs)
                out.append((time.perf_counter() - t0) * 1e3)
        return out

    def hf_gen_times(n, k):
        out = []
        with torch.no_grad():
            for _ in range(n):
                t0 = time.perf_counter()
                model.generate(**inputs, max_new_tokens=k, min_new_tokens=k, do_sample=False)
                out.append((time.perf_counter() - t0) * 1e3)
        return out

    k = args.gen_tokens
    for _ in range(2):  # warm-up
        java_times("plain", args.n)
        java_times("hooked", args.n)
        java_times("pattern", args.n)
        hf_times(args.n)
        if k:
            java_times("generate", 1, k)
            hf_gen_times(1, k)
    plain, hooked, pattern, hf, jgen, hgen = [], [], [], [], [], []
    for _ in range(args.rounds):
        plain += java_times("plain", args.n)
        hooked += java_times("hooked", args.n)
        pattern += java_times("pattern", args.n)
        hf += hf_times(args.n)
        if k:
            jgen += java_times("generate", 1, k)
            hgen += hf_gen_times(1, k)
    java.stdin.write("quit\n")
    java.stdin.flush()
    java.wait()
    mp, mh, mpat, mf = (statistics.median(x) for x in (plain, hooked, pattern, hf))
    result = {
        "checkpoint": args.checkpoint, "threads": args.threads, "runs_each": len(plain),
        "tokens": int(inputs["input_ids"].shape[1]),
        "vlmlens_plain_ms": mp, "vlmlens_hooked_ms": mh, "vlmlens_pattern_ms": mpat, "hf_ms": mf,
        "hf_attn": args.attn, "hooked_over_plain": mh / mp, "pattern_over_plain": mpat / mp,
        "vlmlens_over_hf": mp / mf,
    }
    if k:
        jg, hg = statistics.median(jgen), statistics.median(hgen)
        result.update({
            "gen_tokens": k, "vlmlens_generate_ms": jg, "hf_generate_ms": hg,
            "vlmlens_tokens_per_s": k / (jg / 1e3), "hf_tokens_per_s": k / (hg / 1e3),
            "vlmlens_generate_over_hf": jg / hg,
        })
    print(json.dumps(result, indent=2))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make-medium")
    m.add_argument("--fixture", required=True)
    m.add_argument("--out", required=True)
    r = sub.add_parser("run")
    r.add_argument("--checkpoint", required=True)
    r.add_argument("--image", required=True)
    r.add_argument("--prompt", required=True)
    r.add_argument("--threads", type=int, default=1)
    r.add_argument("--rounds", type=int, default=15)
    r.add_argument("--n", type=int, default=3)
    r.add_argument("--attn", default="eager")
    r.add_argument("--gen-tokens", type=int, default=0)
    r.add_argument("--repo", default=os.getcwd())
    a = p.parse_args()
    if a.cmd == "make-medium":
        make_medium(a.fixture, a.out, None, None)
    else:
        run(a)


if __name__ == "__main__":
    main()
