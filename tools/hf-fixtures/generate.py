#!/usr/bin/env python3
"""Generate tiny random Hugging Face checkpoints and reference outputs for vlmlens' Java tests.

Everything here is computed by Hugging Face transformers' own classes (configs, models, tokenizers,
image processors, processors). The outputs are written to
vlmlens-hooks/src/test/resources/fixtures/<family>/ (see README.md next to this file).

Run:  /work/venv/bin/python tools/hf-fixtures/generate.py [--out DIR] [--family NAME ...]
"""

import argparse
import hashlib
import json
import math
import os
import platform
import shutil
import sys
import tempfile

import numpy as np
import PIL
import safetensors
import tokenizers
import torch
import transformers
from PIL import Image, ImageDraw
from safetensors.torch import load_file, save_file
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(REPO_ROOT, "vlmlens-hooks", "src", "test", "resources", "fixtures")

QUESTION = "Is the dog to the left or right of the cat?"
LLAVA_PROMPT = "USER: <image>\n" + QUESTION + " ASSISTANT:"
LLAVA_TEXT_PROMPT = "USER: " + QUESTION + " ASSISTANT:"
QWEN_PROMPT = (
    "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>" + QUESTION + "<|im_end|>\n<|im_start|>assistant\n"
)
QWEN_TEXT_PROMPT = "<|im_start|>user\n" + QUESTION + "<|im_end|>\n<|im_start|>assistant\n"
MAX_NEW_TOKENS = 6
# Token embedding init std. Kept below the O(1) size of the layer outputs: with tied embeddings and an
# embedding-dominated residual stream a random model just repeats its last token.
EMBED_STD = 0.3

# Training corpus for the tiny BPE tokenizers: the test prompts, the spatial/temporal words the
# experiments use, and some common English.
CORPUS = [
    QUESTION,
    "USER: Is the dog to the left or right of the cat? ASSISTANT:",
    "user assistant system You are a helpful assistant.",
    "left right above below dog cat Yes No before after",
    "Is the cat above or below the dog? Is the dog before or after the cat?",
    "Yes, the dog is to the left of the cat. No, the cat is to the right of the dog.",
    "The dog is above the cat. The cat is below the dog. The dog came before the cat, the cat after.",
    "the of and to in is that it for on with as was at by this be are from or have an they which one",
    "you all were her she there would their we him been has when who will more no if out so said what",
    "up its about into than them can only other new some could time these two may then do first any",
    "my now such like our over man me even most made after also did many before must through back years",
    "where much your way well down should because each just those people how too little state good very",
    "Describe the image. What is in the picture? There is a dog and a cat in the picture.",
    "Answer with Yes or No. Which animal is on the left? Which animal is on the right?",
    "0 1 2 3 4 5 6 7 8 9 10 100 2024",
]



def weighted_corpus():
    """The first four corpus lines (the test prompts) weigh more, so that their words get merged."""
    return CORPUS[:4] * 40 + CORPUS[4:] * 2


# Hand-written copy of the Qwen2-VL-*-Instruct chat template (Qwen2.5-VL uses the same one).
QWEN_CHAT_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}"
    "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}"
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n"
    "{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}"
    "{% set image_count.value = image_count.value + 1 %}"
    "{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}"
    "<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif content['type'] == 'video' or 'video' in content %}"
    "{% set video_count.value = video_count.value + 1 %}"
    "{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}"
    "<|vision_start|><|video_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n"
    "{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

# The chat template of llava-hf/llava-1.5-7b-hf ("USER: <image>\n... ASSISTANT:").
LLAVA_CHAT_TEMPLATE = (
    "{% for message in messages %}{% if message['role'] != 'system' %}{{ message['role'].upper() + ': '}}"
    "{% endif %}{# Render all images first #}{% for content in message['content'] | selectattr('type', "
    "'equalto', 'image') %}{{ '<image>\n' }}{% endfor %}{# Render all text next #}"
    "{% if message['role'] != 'assistant' %}{% for content in message['content'] | selectattr('type', "
    "'equalto', 'text') %}{{ content['text'] + ' '}}{% endfor %}{% else %}{% for content in "
    "message['content'] | selectattr('type', 'equalto', 'text') %}{% generation %}{{ content['text'] + ' '}}"
    "{% endgeneration %}{% endfor %}{% endif %}{% endfor %}{% if add_generation_prompt %}"
    "{{ 'ASSISTANT:' }}{% endif %}"
)

# Qwen2's pre-tokenization regex (from transformers/models/qwen2/tokenization_qwen2.py).
QWEN_PRETOKENIZE_REGEX = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def make_test_image(path, w=97, h=61):
    """A deterministic, non-square RGB image (default 97x61) with gradients and shapes (PNG, lossless)."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 255.0 * x / (w - 1)
    g = 255.0 * y / (h - 1)
    b = 127.5 + 127.5 * np.sin(x / 5.0) * np.cos(y / 7.0)
    arr = np.stack([r, g, b], axis=-1).round().clip(0, 255).astype(np.uint8)
    img = Image.fromarray(arr, "RGB")
    d = ImageDraw.Draw(img)

    def sx(v):
        return int(round(v * (w - 1) / 96.0))

    def sy(v):
        return int(round(v * (h - 1) / 60.0))

    d.rectangle([sx(8), sy(10), sx(30), sy(40)], fill=(220, 30, 40))  # "dog" on the left
    d.ellipse([sx(60), sy(15), sx(88), sy(47)], fill=(20, 40, 200), outline=(255, 255, 0))  # "cat" on the right
    d.line([0, h - 1, w - 1, 0], fill=(255, 255, 255), width=2)
    d.polygon([(sx(45), sy(5)), (sx(55), sy(25)), (sx(35), sy(25))], fill=(10, 200, 10))
    img.save(path, format="PNG", optimize=False)
    return Image.open(path).convert("RGB")


def init_weights_(model, seed):
    """Deterministic re-initialisation with O(1) activations, so that attention is not uniform and
    every weight matters (HF's default std 0.02 makes a tiny random model nearly constant).
    Norm weights are 1 + noise (a wrong norm convention shows), biases small noise, matrices
    N(0, 1/fan_in), token embeddings N(0, EMBED_STD), CLIP position/class embeddings N(0, 0.5)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters(), key=lambda kv: kv[0]):
            leaf = name.rsplit(".", 1)[-1]
            lname = name.lower()
            is_norm = ("norm" in lname or "ln_q" in lname or "layrnorm" in lname) and p.dim() == 1
            if is_norm and leaf == "weight":
                new = 1.0 + 0.1 * torch.randn(p.shape, generator=g)
            elif is_norm and leaf == "bias":
                new = 0.05 * torch.randn(p.shape, generator=g)
            elif leaf == "bias":
                new = 0.05 * torch.randn(p.shape, generator=g)
            elif p.dim() == 1:  # e.g. CLIP class_embedding
                new = 0.5 * torch.randn(p.shape, generator=g)
            elif "embed_tokens" in name or "position_embedding" in name:
                new = torch.randn(p.shape, generator=g) * (EMBED_STD if "embed_tokens" in name else 0.5)
            else:
                fan_in = int(np.prod(p.shape[1:]))
                new = torch.randn(p.shape, generator=g) / math.sqrt(fan_in)
            p.copy_(new.to(p.dtype))
    # tied weights stay tied because they are the same Parameter object


def t32(x):
    return x.detach().to(torch.float32).contiguous().clone()


def tlong(x):
    return x.detach().to(torch.int64).contiguous().clone()


def dir_size(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def versions():
    return {
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "tokenizers": tokenizers.__version__,
        "safetensors": safetensors.__version__,
        "numpy": np.__version__,
        "pillow": PIL.__version__,
        "python": platform.python_version(),
        "torchvision": "not installed (image processors use their PIL backend classes)",
    }


def images_only(proc_cls):
    """Qwen2-VL/2.5-VL processors have a video_processor attribute, and video processors require
    torchvision, which does not import here (the wheel on disk is a CUDA build). Make the processor class
    treat image_processor and tokenizer as its only attributes, so that it can be built, saved and
    reloaded without one (processor_config.json then has no "video_processor" entry)."""
    attrs = [a for a in proc_cls.get_attributes() if a != "video_processor"]
    proc_cls.get_attributes = classmethod(lambda cls: list(attrs))
    return proc_cls


class Recorder:
    """Forward hooks that record module inputs/outputs."""

    def __init__(self):
        self.handles = []
        self.data = {}

    def output(self, module, key):
        def hook(mod, args, out):
            o = out[0] if isinstance(out, (tuple, list)) else out
            self.data[key] = o.detach().clone()

        self.handles.append(module.register_forward_hook(hook))

    def input(self, module, key):
        def hook(mod, args, kwargs):
            x = args[0] if len(args) > 0 else kwargs["hidden_states"]
            self.data[key] = x.detach().clone()

        self.handles.append(module.register_forward_pre_hook(hook, with_kwargs=True))

    def remove(self):
        for h in self.handles:
            h.remove()
        self.handles = []


# ----------------------------------------------------------------------------------------------
# tokenizers
# ----------------------------------------------------------------------------------------------


def train_qwen_bpe(bpe_vocab_size):
    """Byte-level BPE with Qwen2's pre-tokenizer; returns (vocab, merges)."""
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(QWEN_PRETOKENIZE_REGEX), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    trainer = trainers.BpeTrainer(
        vocab_size=bpe_vocab_size,
        min_frequency=1,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=[],
        show_progress=False,
    )
    tok.train_from_iterator(weighted_corpus(), trainer=trainer)
    data = json.loads(tok.to_str())
    vocab = data["model"]["vocab"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in data["model"]["merges"]]
    return vocab, merges


def build_qwen_tokenizer(bpe_vocab_size):
    from transformers import Qwen2Tokenizer
    from tokenizers import AddedToken

    vocab, merges = train_qwen_bpe(bpe_vocab_size)
    tok = Qwen2Tokenizer(
        vocab=vocab,
        merges=merges,
        unk_token=None,
        bos_token=None,
        eos_token="<|endoftext|>",  # added first (id = BPE size), as in the real Qwen vocab; eos reset below
        pad_token="<|endoftext|>",
        errors="replace",
        model_max_length=32768,
        split_special_tokens=False,
        clean_up_tokenization_spaces=False,
    )
    specials = [
        "<|endoftext|>",
        "<|im_start|>",
        "<|im_end|>",
        "<|vision_start|>",
        "<|vision_end|>",
        "<|image_pad|>",
        "<|video_pad|>",
    ]
    # add in a fixed order so that ids are deterministic
    for s in specials:
        tok.add_tokens([AddedToken(s, special=True, normalized=False)], special_tokens=True)
    tok.eos_token = "<|im_end|>"  # as in Qwen2-VL-*-Instruct's tokenizer_config.json
    ids = [tok.convert_tokens_to_ids(s) for s in specials]
    assert ids == list(range(len(vocab), len(vocab) + len(specials))), ids
    tok.chat_template = QWEN_CHAT_TEMPLATE
    return tok


def build_llama_tokenizer(bpe_vocab_size):
    """SentencePiece-style Llama BPE (Metaspace + byte fallback), as llava-1.5's tokenizer is:
    ids 0..2 = <unk>, <s>, </s>; 3..258 = <0x00>..<0xFF>; then the trained pieces; then the added
    special tokens <image> and <pad> (as llava-hf added them after the Llama vocab)."""
    from transformers import LlamaTokenizer
    from tokenizers import AddedToken

    base = ["<unk>", "<s>", "</s>"] + ["<0x%02X>" % i for i in range(256)]
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="first", split=False)
    trainer = trainers.BpeTrainer(
        vocab_size=bpe_vocab_size,
        min_frequency=1,
        special_tokens=base,
        show_progress=False,
    )
    # The Metaspace pre-tokenizer with split=False keeps the whole text as one word, which makes
    # the trainer see whole lines; pre-split on spaces for training only.
    train_lines = []
    for line in weighted_corpus():
        train_lines.extend(("\u2581" + w) for w in line.replace("\n", " ").split(" ") if w)
    tok.pre_tokenizer = None
    tok.train_from_iterator(train_lines, trainer=trainer)
    data = json.loads(tok.to_str())
    vocab = data["model"]["vocab"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in data["model"]["merges"]]
    for i, b in enumerate(base):
        assert vocab[b] == i, (b, vocab[b])
    lt = LlamaTokenizer(
        vocab=vocab,
        merges=merges,
        unk_token="<unk>",
        bos_token="<s>",
        eos_token="</s>",
        add_bos_token=True,
        add_eos_token=False,
        legacy=False,
        add_prefix_space=True,
        model_max_length=4096,
        clean_up_tokenization_spaces=False,
    )
    lt.add_tokens([AddedToken("<image>", special=True, normalized=False)], special_tokens=True)
    lt.add_tokens([AddedToken("<pad>", special=True, normalized=False)], special_tokens=True)
    lt.pad_token = "<pad>"
    lt.chat_template = LLAVA_CHAT_TEMPLATE
    return lt


# ----------------------------------------------------------------------------------------------
# reference computation
# ----------------------------------------------------------------------------------------------


def run_generate(model, inputs):
    """Greedy generate; returns (sequences [1,T+n], raw logits of each generation step [n,V])."""
    with torch.no_grad():
        out = model.generate(**inputs, max_new_tokens=MAX_NEW_TOKENS, do_sample=False, num_beams=1,
                             output_logits=True, return_dict_in_generate=True)
    return out.sequences, torch.cat([l for l in out.logits], 0)


def make_model(model_cls, config, base_seed, inputs, tries=32):
    """Build the tiny model with the first seed >= base_seed whose greedy continuation of the image
    prompt has MAX_NEW_TOKENS tokens with at least 4 distinct ones (random models tend to loop on a
    single token, which would make the generation check weak)."""
    T = inputs["input_ids"].shape[1]
    for seed in range(base_seed, base_seed + tries):
        torch.manual_seed(seed)
        model = model_cls(config).to(torch.float32)
        init_weights_(model, seed=seed)
        model.set_attn_implementation("eager")
        model.eval()
        seq, _ = run_generate(model, inputs)
        new = seq[0, T:].tolist()
        if len(new) == MAX_NEW_TOKENS and len(set(new)) >= 4:
            return model, seed
    raise RuntimeError("no seed gave a varied generation")


def lm_capture(model, lm):
    rec = Recorder()
    rec.input(lm.layers[0], "lm_hidden_0")
    for i, layer in enumerate(lm.layers):
        rec.output(layer, "lm_hidden_%d" % (i + 1))
    rec.output(lm.norm, "lm_final_norm_hook")
    return rec


def describe_common(desc, n_layers, heads, T, V, text_T):
    desc["input_ids"] = "[1,T] int64, T=%d: processor output for the image prompt (image tokens already expanded)" % T
    desc["attention_mask"] = "[1,T] int64, all ones"
    desc["lm_hidden_0"] = (
        "[1,T,H] input of decoder layer 0 = token embeddings with the projected image features scattered into "
        "the image-token positions (what HF's hidden_states[0] holds)"
    )
    for i in range(1, n_layers + 1):
        desc["lm_hidden_%d" % i] = (
            "[1,T,H] RAW output of decoder layer %d (0-based layer %d), from a forward hook on the layer module; "
            "no final norm" % (i, i - 1)
        )
    desc["lm_final_norm"] = (
        "[1,T,H] final RMSNorm applied to lm_hidden_%d; equals HF's output_hidden_states[-1] (HF replaces the "
        "last raw layer output by the normed one)" % n_layers
    )
    for i in range(n_layers):
        desc["lm_attn_%d" % i] = (
            "[1,%d,T,T] eager softmax attention probabilities of decoder layer %d (query rows, key columns; "
            "causal, upper triangle exactly 0)" % (heads, i)
        )
    desc["logits"] = "[1,T,V] float32, V=%d (= config vocab_size), all positions" % V
    desc["generated_ids"] = (
        "[1,T+n] int64: greedy model.generate(**processor_outputs, max_new_tokens=%d, do_sample=False); the "
        "prompt followed by the new tokens (n may be < %d only if EOS was produced)" % (MAX_NEW_TOKENS, MAX_NEW_TOKENS)
    )
    desc["generated_step_logits"] = (
        "[n,V] raw logits of each generate step (row 0 = last prompt position, equal to logits[0,-1] up to "
        "float rounding; row k = logits after feeding generated token k-1 through the KV cache)"
    )
    desc["text_input_ids"] = "[1,T_text] int64, T_text=%d: processor output for the text-only prompt (no image)" % text_T
    desc["text_attention_mask"] = "[1,T_text] int64, all ones"
    desc["text_logits"] = "[1,T_text,V] logits of the text-only prompt, all positions"
    desc["text_lm_final_norm"] = "[1,T_text,H] final-normed hidden states of the text-only prompt"
    desc["text_generated_ids"] = "[1,T_text+n] greedy generate for the text-only prompt, %d new tokens" % MAX_NEW_TOKENS


def check_rust_tokenizer(ckpt, processor, prompt, image_token, n_image_tokens, input_ids):
    """The Java side tokenizes with tokenizer.json through the Rust tokenizers library: check that
    tokenizer.json alone, on the prompt with the image token expanded as the processor does it, gives
    the processor's input_ids. Returns the expanded prompt."""
    expanded = prompt.replace(image_token, image_token * n_image_tokens) if n_image_tokens else prompt
    rt = Tokenizer.from_file(os.path.join(ckpt, "tokenizer.json"))
    ids = rt.encode(expanded, add_special_tokens=True).ids
    assert ids == input_ids[0].tolist(), (ids, input_ids[0].tolist())
    return expanded


def finalize_fixture(fam_dir, family, model_cls, processor_cls, tensors, info, proc_inputs_fn, check_fn=None):
    """Save reference files; reload the checkpoint with from_pretrained and check bit-exact logits."""
    ckpt = os.path.join(fam_dir, "checkpoint")
    save_file({k: v.contiguous() for k, v in sorted(tensors.items())}, os.path.join(fam_dir, "reference.safetensors"))
    with open(os.path.join(fam_dir, "reference.json"), "w") as f:
        json.dump(info, f, indent=2, sort_keys=False, ensure_ascii=False)
        f.write("\n")

    # reload check
    model2 = model_cls.from_pretrained(ckpt, attn_implementation="eager", dtype=torch.float32).eval()
    proc2 = processor_cls.from_pretrained(ckpt)
    inputs2 = proc_inputs_fn(proc2)
    ref = load_file(os.path.join(fam_dir, "reference.safetensors"))
    assert torch.equal(inputs2["input_ids"], ref["input_ids"]), "reloaded processor gives other input_ids"
    assert torch.equal(inputs2["pixel_values"].float(), ref["pixel_values"]), "reloaded processor: pixel_values"
    with torch.no_grad():
        out2 = model2(**inputs2, output_attentions=True)
    same = torch.equal(out2.logits, ref["logits"])
    maxdiff = (out2.logits - ref["logits"]).abs().max().item()
    print("[%s] reload check: logits bit-exact=%s max|diff|=%g" % (family, same, maxdiff))
    assert same, "reloaded checkpoint does not reproduce the stored logits bit-exactly"
    if check_fn is not None:
        check_fn(ckpt, ref)
    return model2


# ----------------------------------------------------------------------------------------------
# LLaVA
# ----------------------------------------------------------------------------------------------


def gen_llava(out_root, image_path_for):
    from transformers import (
        CLIPImageProcessorPil,
        CLIPVisionConfig,
        LlamaConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        LlavaProcessor,
    )

    family = "llava"
    fam_dir = os.path.join(out_root, family)
    ckpt = os.path.join(fam_dir, "checkpoint")
    shutil.rmtree(fam_dir, ignore_errors=True)
    os.makedirs(ckpt)
    image = make_test_image(os.path.join(fam_dir, "image.png"))

    tok = build_llama_tokenizer(bpe_vocab_size=380)
    n_tok = len(tok)
    vocab_size = int(math.ceil(n_tok / 64.0) * 64)  # llava-hf pads the vocab to a multiple of 64
    image_token_id = tok.convert_tokens_to_ids("<image>")
    pad_token_id = tok.convert_tokens_to_ids("<pad>")

    img_size, patch = 24, 6
    vision_config = CLIPVisionConfig(
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=3,
        num_attention_heads=2,
        image_size=img_size,
        patch_size=patch,
        hidden_act="quick_gelu",
        layer_norm_eps=1e-5,
        projection_dim=32,
    )
    text_config = LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=64,
        intermediate_size=80,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        rms_norm_eps=1e-5,
        max_position_embeddings=4096,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=pad_token_id,
        tie_word_embeddings=False,
    )
    n_patches = (img_size // patch) ** 2
    config = LlavaConfig(
        vision_config=vision_config,
        text_config=text_config,
        image_token_index=image_token_id,
        projector_hidden_act="gelu",
        vision_feature_select_strategy="default",
        vision_feature_layer=-2,
        image_seq_length=n_patches,
        pad_token_id=pad_token_id,
        tie_word_embeddings=False,
    )
    image_processor = CLIPImageProcessorPil(
        size={"shortest_edge": img_size},
        crop_size={"height": img_size, "width": img_size},
        do_center_crop=True,
        do_convert_rgb=True,
        resample=3,
    )
    processor = LlavaProcessor(
        image_processor=image_processor,
        tokenizer=tok,
        patch_size=patch,
        vision_feature_select_strategy="default",
        num_additional_image_tokens=1,
        chat_template=LLAVA_CHAT_TEMPLATE,
    )

    def proc_inputs(proc):
        return proc(images=Image.open(os.path.join(fam_dir, "image.png")).convert("RGB"), text=LLAVA_PROMPT,
                    return_tensors="pt")

    inputs = proc_inputs(processor)
    text_inputs = processor(text=LLAVA_TEXT_PROMPT, return_tensors="pt")

    model, seed = make_model(LlavaForConditionalGeneration, config, 1234, inputs)
    model.save_pretrained(ckpt)
    processor.save_pretrained(ckpt)
    tok.save_pretrained(ckpt)

    vt = model.model.vision_tower
    lm = model.model.language_model
    rec = lm_capture(model, lm)
    rec.output(vt.embeddings, "vision_embeddings")
    rec.input(vt.encoder.layers[0], "vision_block_input")
    for i, layer in enumerate(vt.encoder.layers):
        rec.output(layer, "vision_block_%d" % i)
    rec.output(model.model.multi_modal_projector, "projector_out")
    with torch.no_grad():
        out = model(**inputs, output_attentions=True, output_hidden_states=True)
        vis = vt(inputs["pixel_values"], output_hidden_states=True)
    rec.remove()
    d = rec.data

    T = inputs["input_ids"].shape[1]
    V = out.logits.shape[-1]
    tensors = {
        "input_ids": tlong(inputs["input_ids"]),
        "attention_mask": tlong(inputs["attention_mask"]),
        "pixel_values": t32(inputs["pixel_values"]),
        "vision_embeddings": t32(d["vision_embeddings"]),
        "vision_block_input": t32(d["vision_block_input"]),
        "projector_out": t32(d["projector_out"].reshape(-1, d["projector_out"].shape[-1])),
        "logits": t32(out.logits),
        "lm_final_norm": t32(out.hidden_states[-1]),
    }
    nvl = config.vision_config.num_hidden_layers
    for i in range(nvl):
        tensors["vision_block_%d" % i] = t32(d["vision_block_%d" % i])
    nl = config.text_config.num_hidden_layers
    for i in range(nl + 1):
        tensors["lm_hidden_%d" % i] = t32(d["lm_hidden_%d" % i])
    for i in range(nl):
        tensors["lm_attn_%d" % i] = t32(out.attentions[i])

    # consistency checks against HF's own outputs
    assert torch.equal(tensors["lm_hidden_0"], t32(out.hidden_states[0]))
    for i in range(1, nl):
        assert torch.equal(tensors["lm_hidden_%d" % i], t32(out.hidden_states[i]))
    assert torch.equal(tensors["lm_final_norm"], t32(d["lm_final_norm_hook"]))
    assert torch.equal(tensors["vision_block_input"], t32(vis.hidden_states[0]))
    for i in range(nvl):
        assert torch.equal(tensors["vision_block_%d" % i], t32(vis.hidden_states[i + 1]))
    img_pos = (inputs["input_ids"][0] == image_token_id).nonzero().flatten()
    assert torch.equal(tensors["lm_hidden_0"][0, img_pos], tensors["projector_out"])
    with torch.no_grad():
        feats = model.model.get_image_features(pixel_values=inputs["pixel_values"], return_dict=True)
    pooled = feats.pooler_output if hasattr(feats, "pooler_output") else feats
    if isinstance(pooled, (list, tuple)):
        pooled = torch.cat(list(pooled), 0)
    assert torch.equal(t32(pooled.reshape(-1, pooled.shape[-1])), tensors["projector_out"])

    gen, gen_logits = run_generate(model, inputs)
    tensors["generated_ids"] = tlong(gen)
    tensors["generated_step_logits"] = t32(gen_logits)
    assert torch.equal(gen_logits[0], out.logits[0, -1]) or torch.allclose(gen_logits[0], out.logits[0, -1], atol=1e-5)
    with torch.no_grad():
        tout = model(**text_inputs, output_hidden_states=True)
    tensors["text_input_ids"] = tlong(text_inputs["input_ids"])
    tensors["text_attention_mask"] = tlong(text_inputs["attention_mask"])
    tensors["text_logits"] = t32(tout.logits)
    tensors["text_lm_final_norm"] = t32(tout.hidden_states[-1])
    tensors["text_generated_ids"] = tlong(run_generate(model, text_inputs)[0])

    desc = {}
    describe_common(desc, nl, config.text_config.num_attention_heads, T, V, text_inputs["input_ids"].shape[1])
    desc["pixel_values"] = (
        "[1,3,%d,%d] float32 exactly as CLIPImageProcessorPil returned it: RGB, shortest edge resized to %d "
        "(PIL bicubic, other edge int(%d*long/short); 97x61 -> 38x24), center-cropped to %dx%d (offset "
        "(size-crop)//2: columns 7..30), float64 x*(1/255) cast to float32, (x-mean)/std in float32 with "
        "OPENAI_CLIP_MEAN/STD, channels first" % (img_size, img_size, img_size, img_size, img_size, img_size)
    )
    desc["vision_embeddings"] = (
        "[1,%d,D] output of CLIPVisionEmbeddings (class token row 0, then patches row-major), BEFORE pre_layrnorm"
        % (n_patches + 1)
    )
    desc["vision_block_input"] = (
        "[1,%d,D] input of encoder layer 0 = pre_layrnorm(vision_embeddings) = CLIP hidden_states[0]" % (n_patches + 1)
    )
    for i in range(nvl):
        desc["vision_block_%d" % i] = "[1,%d,D] output of CLIP encoder layer %d (= CLIP hidden_states[%d])" % (
            n_patches + 1, i, i + 1)
    desc["projector_out"] = (
        "[%d,H] multi_modal_projector output = the rows scattered into the <image> token positions, in order; "
        "its input is vision_block_%d (vision_feature_layer=-2) without the CLS row" % (n_patches, nvl - 2)
    )

    info = {
        "family": family,
        "model_class": type(model).__name__,
        "processor_class": type(processor).__name__,
        "image_processor_class": type(processor.image_processor).__name__,
        "tokenizer_class": type(tok).__name__,
        "attn_implementation": "eager",
        "dtype": "float32",
        "seed": seed,
        "versions": versions(),
        "image": {"file": "image.png", "width": image.width, "height": image.height, "sha256": sha256(
            os.path.join(fam_dir, "image.png"))},
        "prompt": LLAVA_PROMPT,
        "text_prompt": LLAVA_TEXT_PROMPT,
        "processor_call": "processor(images=Image.open('image.png').convert('RGB'), text=prompt, return_tensors='pt')",
        "tokens": tok.convert_ids_to_tokens(inputs["input_ids"][0].tolist()),
        "text_tokens": tok.convert_ids_to_tokens(text_inputs["input_ids"][0].tolist()),
        "generated_tokens": tok.convert_ids_to_tokens(gen[0, T:].tolist()),
        "text_generated_tokens": tok.convert_ids_to_tokens(
            tensors["text_generated_ids"][0, text_inputs["input_ids"].shape[1]:].tolist()),
        "special_token_ids": {"<unk>": 0, "<s>": 1, "</s>": 2, "<image>": image_token_id, "<pad>": pad_token_id},
        "tokenizer_size": n_tok,
        "vocab_size": vocab_size,
        "num_image_tokens": int((inputs["input_ids"] == image_token_id).sum()),
        "image_token_positions": img_pos.tolist(),
        "config": json.loads(config.to_json_string(use_diff=False)),
        "tensors": {k: {"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", ""),
                        "description": desc.get(k, "")} for k, v in sorted(tensors.items())},
        "notes": [
            "init: all weights re-drawn (see init_weights_ in generate.py): matrices N(0,1/fan_in), norms 1+N(0,0.1), "
            "biases N(0,0.05), token embeddings N(0,%g)." % EMBED_STD,
            "hidden_states from HF: [0] = embeddings with image rows, [k] = raw output of layer k-1 for k<L, "
            "[L] = final-normed output (not the raw output of the last layer).",
        ],
    }
    pre_crop = processor.image_processor(images=image, do_center_crop=False, do_rescale=False, do_normalize=False,
                                         return_tensors="pt")["pixel_values"]
    info["resized_image"] = {
        "before_center_crop_width": int(pre_crop.shape[-1]), "before_center_crop_height": int(pre_crop.shape[-2]),
        "width": img_size, "height": img_size, "patch_grid": [img_size // patch, img_size // patch],
        "num_image_tokens": n_patches}
    info["expanded_prompt"] = check_rust_tokenizer(ckpt, processor, LLAVA_PROMPT, "<image>", n_patches,
                                                   inputs["input_ids"])
    info["expanded_prompt_note"] = (
        "prompt with <image> repeated (H/p)*(W/p) + num_additional_image_tokens(1) - 1 (default strategy) times; "
        "tokenizers.Tokenizer.from_file('checkpoint/tokenizer.json').encode(expanded_prompt) gives input_ids "
        "(BOS <s> added by the post-processor)")
    check_rust_tokenizer(ckpt, processor, LLAVA_TEXT_PROMPT, "<image>", 0, text_inputs["input_ids"])
    for k, v in info["tensors"].items():
        assert v["description"], "missing description for " + k

    def check(ckpt_dir, ref):
        check_llava_published_layout(ckpt_dir, ref, proc_inputs)

    finalize_fixture(fam_dir, family, LlavaForConditionalGeneration, LlavaProcessor, tensors, info, proc_inputs,
                     check_fn=check)
    return fam_dir


def check_llava_published_layout(ckpt, ref, proc_inputs):
    """transformers 5 writes vision_tower.* (no vision_model.); the published llava-hf checkpoints have
    vision_tower.vision_model.*. Check that transformers 5 loads that layout to the same model."""
    from transformers import LlavaForConditionalGeneration, LlavaProcessor

    sd = load_file(os.path.join(ckpt, "model.safetensors"))
    renamed = {("vision_tower.vision_model." + k[len("vision_tower."):] if k.startswith("vision_tower.") else k): v
               for k, v in sd.items()}
    with tempfile.TemporaryDirectory() as tmp:
        for fn in os.listdir(ckpt):
            if fn != "model.safetensors":
                shutil.copy(os.path.join(ckpt, fn), os.path.join(tmp, fn))
        save_file(renamed, os.path.join(tmp, "model.safetensors"), metadata={"format": "pt"})
        m = LlavaForConditionalGeneration.from_pretrained(tmp, attn_implementation="eager", dtype=torch.float32).eval()
        with torch.no_grad():
            out = m(**proc_inputs(LlavaProcessor.from_pretrained(ckpt)))
    same = torch.equal(out.logits, ref["logits"])
    print("[llava] published key layout (vision_tower.vision_model.*) load check: logits bit-exact=%s" % same)
    assert same


# ----------------------------------------------------------------------------------------------
# Qwen2-VL / Qwen2.5-VL
# ----------------------------------------------------------------------------------------------


def gen_qwen(out_root, family):
    from transformers import Qwen2VLImageProcessorPil

    if family == "qwen2_vl":
        from transformers import Qwen2VLConfig as Cfg
        from transformers import Qwen2VLForConditionalGeneration as Model
        from transformers import Qwen2VLProcessor as Proc
    else:
        from transformers import Qwen2_5_VLConfig as Cfg
        from transformers import Qwen2_5_VLForConditionalGeneration as Model
        from transformers import Qwen2_5_VLProcessor as Proc

    images_only(Proc)
    is25 = family == "qwen2_5_vl"
    seed = 2025 if is25 else 2024
    fam_dir = os.path.join(out_root, family)
    ckpt = os.path.join(fam_dir, "checkpoint")
    shutil.rmtree(fam_dir, ignore_errors=True)
    os.makedirs(ckpt)
    # qwen2_vl: 97x70 px; smart_resize: H 70/28 = 2.5 rounds (half to even) to 2 -> 56, W 97/28 = 3.46 -> 84:
    #   84x56 (W x H) -> 4x6 patches -> 2x3 merged = 6 image tokens (half-up rounding would give 84x84, 9 tokens).
    # qwen2_5_vl: 75x97 px (portrait) -> 84x84 -> 6x6 patches -> 3x3 merged = 9 image tokens; window_size 56 px
    #   = 2x2 merged tokens, so 4 windows of 4, 2, 2 and 1 merged tokens (partial windows at the border).
    img_w, img_h = (75, 97) if is25 else (97, 70)
    image = make_test_image(os.path.join(fam_dir, "image.png"), img_w, img_h)

    tok = build_qwen_tokenizer(bpe_vocab_size=330)
    n_tok = len(tok)
    vocab_size = int(math.ceil((n_tok + 1) / 32.0) * 32)  # > tokenizer size, like the real Qwen checkpoints
    ids = {s: tok.convert_tokens_to_ids(s) for s in [
        "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>", "<|image_pad|>",
        "<|video_pad|>"]}

    H = 64
    patch, tps, merge = 14, 2, 2
    text_config = dict(
        vocab_size=vocab_size,
        hidden_size=H,
        intermediate_size=80,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        hidden_act="silu",
        max_position_embeddings=32768,
        rms_norm_eps=1e-6,
        use_sliding_window=False,
        sliding_window=32768,
        max_window_layers=2,
        rope_parameters={"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": [2, 3, 3]},
        bos_token_id=ids["<|endoftext|>"],
        eos_token_id=ids["<|im_end|>"],
        pad_token_id=ids["<|endoftext|>"],
        tie_word_embeddings=is25,
    )
    if is25:
        vision_config = dict(
            depth=4,
            hidden_size=16,
            intermediate_size=32,
            num_heads=2,
            hidden_act="silu",
            in_channels=3,
            patch_size=patch,
            temporal_patch_size=tps,
            spatial_merge_size=merge,
            window_size=56,
            fullatt_block_indexes=[1, 3],
            out_hidden_size=H,
            tokens_per_second=2,
        )
        min_pixels, max_pixels = 56 * 56, 28 * 28 * 16
    else:
        vision_config = dict(
            depth=2,
            embed_dim=16,
            hidden_size=H,
            num_heads=2,
            mlp_ratio=2,
            hidden_act="quick_gelu",
            in_channels=3,
            patch_size=patch,
            temporal_patch_size=tps,
            spatial_merge_size=merge,
        )
        min_pixels, max_pixels = 56 * 56, 28 * 28 * 16
    config = Cfg(
        text_config=text_config,
        vision_config=vision_config,
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
        tie_word_embeddings=is25,
    )

    image_processor = Qwen2VLImageProcessorPil(
        min_pixels=min_pixels,
        max_pixels=max_pixels,
        patch_size=patch,
        temporal_patch_size=tps,
        merge_size=merge,
    )
    processor = Proc(image_processor=image_processor, tokenizer=tok, chat_template=QWEN_CHAT_TEMPLATE)
    def proc_inputs(proc):
        return proc(images=Image.open(os.path.join(fam_dir, "image.png")).convert("RGB"), text=QWEN_PROMPT,
                    return_tensors="pt")

    inputs = proc_inputs(processor)
    text_inputs = processor(text=QWEN_TEXT_PROMPT, return_tensors="pt")

    model, seed = make_model(Model, config, seed, inputs)
    if is25:
        assert model.lm_head.weight is model.model.language_model.embed_tokens.weight
    model.save_pretrained(ckpt)
    processor.save_pretrained(ckpt)
    tok.save_pretrained(ckpt)
    # chat template renders the same prompt
    msgs = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": QUESTION}]}]
    rendered = processor.apply_chat_template(msgs, add_generation_prompt=True, tokenize=False)
    assert rendered.endswith(QWEN_PROMPT), rendered

    visual = model.model.visual
    lm = model.model.language_model
    rec = lm_capture(model, lm)
    rec.output(visual.patch_embed, "vision_patch_embed")
    rec.input(visual.blocks[0], "vision_block_input")
    for i, blk in enumerate(visual.blocks):
        rec.output(blk, "vision_block_%d" % i)
    rec.output(visual.merger, "merger_module_out")
    with torch.no_grad():
        out = model(**inputs, output_attentions=True, output_hidden_states=True)
        vis = visual(inputs["pixel_values"], grid_thw=inputs["image_grid_thw"], output_hidden_states=True)
    rec.remove()
    d = rec.data

    grid = inputs["image_grid_thw"]
    position_ids, rope_deltas = model.model.get_rope_index(
        inputs["input_ids"], mm_token_type_ids=inputs["mm_token_type_ids"], image_grid_thw=grid,
        attention_mask=inputs["attention_mask"])

    T = inputs["input_ids"].shape[1]
    V = out.logits.shape[-1]
    nvl = len(visual.blocks)
    nl = config.text_config.num_hidden_layers
    tensors = {
        "input_ids": tlong(inputs["input_ids"]),
        "attention_mask": tlong(inputs["attention_mask"]),
        "mm_token_type_ids": tlong(inputs["mm_token_type_ids"]),
        "pixel_values": t32(inputs["pixel_values"]),
        "image_grid_thw": tlong(grid),
        "position_ids": tlong(position_ids),
        "rope_deltas": tlong(rope_deltas),
        "vision_patch_embed": t32(d["vision_patch_embed"]),
        "logits": t32(out.logits),
        "lm_final_norm": t32(out.hidden_states[-1]),
    }
    for i in range(nl + 1):
        tensors["lm_hidden_%d" % i] = t32(d["lm_hidden_%d" % i])
    for i in range(nl):
        tensors["lm_attn_%d" % i] = t32(out.attentions[i])
    assert torch.equal(tensors["lm_hidden_0"], t32(out.hidden_states[0]))
    for i in range(1, nl):
        assert torch.equal(tensors["lm_hidden_%d" % i], t32(out.hidden_states[i]))
    assert torch.equal(tensors["lm_final_norm"], t32(d["lm_final_norm_hook"]))
    img_pos = (inputs["input_ids"][0] == ids["<|image_pad|>"]).nonzero().flatten()
    with torch.no_grad():
        feats = model.model.get_image_features(inputs["pixel_values"], grid, return_dict=True)
    projector_out = torch.cat(list(feats.pooler_output), 0)
    tensors["projector_out"] = t32(projector_out)
    assert torch.equal(tensors["lm_hidden_0"][0, img_pos], tensors["projector_out"])
    assert torch.equal(t32(vis.hidden_states[0]), t32(d["vision_block_input"]))

    desc = {}
    describe_common(desc, nl, config.text_config.num_attention_heads, T, V, text_inputs["input_ids"].shape[1])
    gt, gh, gw = grid[0].tolist()
    rh, rw = gh * patch, gw * patch
    n_rows = gt * gh * gw
    row_len = 3 * tps * patch * patch
    desc["pixel_values"] = (
        "[%d,%d] float32 exactly as Qwen2VLImageProcessorPil returned it. Image resized (PIL bicubic, smart_resize) "
        "to %dx%d px (W x H) -> grid t=%d h=%d w=%d patches. Rows are in 2x2 merge-block order: "
        "for bh in 0..h/2-1, bw in 0..w/2-1, mh in 0..1, mw in 0..1 the patch (row=2*bh+mh, col=2*bw+mw). "
        "Each row is (channel 3, temporal %d, patch_y %d, patch_x %d) flattened C-order; the single image is "
        "duplicated over the temporal axis. Values: x/255 then (x-OPENAI_CLIP_MEAN)/OPENAI_CLIP_STD" % (
            n_rows, row_len, rw, rh, gt, gh, gw, tps, patch, patch)
    )
    desc["image_grid_thw"] = "[1,3] int64 (t, h, w) in patches (before the 2x2 merge)"
    desc["mm_token_type_ids"] = "[1,T] int64 from the processor: 0 text, 1 image token (needed by HF 5 forward)"
    desc["position_ids"] = (
        "[3,1,T] int64 M-RoPE position ids (rows t, h, w) from model.model.get_rope_index(input_ids, "
        "mm_token_type_ids, image_grid_thw, attention_mask)"
    )
    desc["rope_deltas"] = "[1,1] int64 = max(position_ids)+1-T (added to positions of generated tokens)"
    desc["vision_patch_embed"] = "[%d,Dv] output of the Conv3d patch embedding, rows in processor (pixel_values) order" % n_rows
    desc["projector_out"] = (
        "[%d,H] merger output in natural (processor / merged-token raster) order = the rows scattered into the "
        "<|image_pad|> positions in order (model.get_image_features(...).pooler_output)" % (n_rows // 4)
    )

    rows_note = None
    if is25:
        from transformers.vision_utils import get_vision_window_index

        window_index, cu_window_seqlens = get_vision_window_index(
            grid, spatial_merge_size=merge, window_size=config.vision_config.window_size, patch_size=patch)
        reverse = torch.argsort(window_index)
        unit = merge * merge

        def unpermute(x):
            n = x.shape[0]
            return x.reshape(n // unit, unit, -1)[reverse].reshape(n, -1)

        def permute(x):
            n = x.shape[0]
            return x.reshape(n // unit, unit, -1)[window_index].reshape(n, -1)

        tensors["vision_window_index"] = tlong(window_index)
        tensors["vision_cu_window_seqlens"] = tlong(cu_window_seqlens)
        tensors["vision_block_input_windowed"] = t32(d["vision_block_input"])
        tensors["vision_block_input"] = t32(unpermute(d["vision_block_input"]))
        assert torch.equal(tensors["vision_block_input_windowed"], t32(permute(d["vision_patch_embed"])))
        assert torch.equal(tensors["vision_block_input"], tensors["vision_patch_embed"])
        for i in range(nvl):
            w = t32(d["vision_block_%d" % i])
            assert torch.equal(w, t32(vis.hidden_states[i + 1]))
            tensors["vision_block_%d_windowed" % i] = w
            tensors["vision_block_%d" % i] = t32(unpermute(w))
        tensors["merger_out_windowed"] = t32(d["merger_module_out"])
        assert torch.equal(t32(d["merger_module_out"])[reverse], tensors["projector_out"])
        # show that windowed attention really matters on this image: rerun with all blocks full attention
        saved = list(visual.fullatt_block_indexes)
        visual.fullatt_block_indexes = list(range(nvl))
        with torch.no_grad():
            alt = visual(inputs["pixel_values"], grid_thw=grid).pooler_output
        visual.fullatt_block_indexes = saved
        win_vs_full = (alt - projector_out).abs().max().item()
        assert win_vs_full > 1e-3, "windowed attention does not change the result on this image"
        rows_note = {
            "window_index": window_index.tolist(),
            "cu_window_seqlens": cu_window_seqlens.tolist(),
            "max_abs_diff_projector_out_if_all_blocks_full_attention": win_vs_full,
        }
        desc["vision_window_index"] = (
            "[%d] int64 window_index from transformers.vision_utils.get_vision_window_index: entry j is the natural "
            "merged-token index (raster over the merged grid) placed at windowed position j. Windows are "
            "window_size/patch/merge = %d merged tokens square, walked in raster order over the window grid, "
            "tokens raster within a window; partial windows at the border just hold fewer tokens" % (
                n_rows // unit, config.vision_config.window_size // patch // merge)
        )
        desc["vision_cu_window_seqlens"] = (
            "[n_windows+1] int64 cumulative window lengths in PATCH rows (4 per merged token) used by the windowed "
            "blocks; full-attention blocks (fullatt_block_indexes=%s) use [0, %d]" % (
                list(config.vision_config.fullatt_block_indexes), n_rows)
        )
        desc["vision_block_input_windowed"] = (
            "[%d,Dv] input of vision block 0 as HF has it: patch embeddings permuted into window order (groups of 4 "
            "patch rows = one merged token, moved as a unit by window_index)" % n_rows
        )
        desc["vision_block_input"] = "[%d,Dv] vision_block_input_windowed un-permuted to processor row order (= vision_patch_embed)" % n_rows
        for i in range(nvl):
            kind = "FULL attention" if i in config.vision_config.fullatt_block_indexes else "WINDOWED attention"
            desc["vision_block_%d_windowed" % i] = (
                "[%d,Dv] raw output of vision block %d (%s) as HF has it, WINDOW-PERMUTED row order "
                "(= HF visual(..., output_hidden_states=True).hidden_states[%d])" % (n_rows, i, kind, i + 1)
            )
            desc["vision_block_%d" % i] = (
                "[%d,Dv] vision_block_%d_windowed un-permuted to natural processor row order (same order as "
                "pixel_values rows)" % (n_rows, i)
            )
        desc["merger_out_windowed"] = (
            "[%d,H] raw output of the merger module (window order); projector_out = merger_out_windowed["
            "argsort(window_index)]" % (n_rows // unit)
        )
    else:
        tensors["vision_block_input"] = t32(d["vision_block_input"])
        assert torch.equal(tensors["vision_block_input"], tensors["vision_patch_embed"])
        for i in range(nvl):
            tensors["vision_block_%d" % i] = t32(d["vision_block_%d" % i])
            assert torch.equal(tensors["vision_block_%d" % i], t32(vis.hidden_states[i + 1]))
        assert torch.equal(t32(d["merger_module_out"]), tensors["projector_out"])
        desc["vision_block_input"] = "[%d,Dv] input of vision block 0 (= vision_patch_embed), processor row order" % n_rows
        for i in range(nvl):
            desc["vision_block_%d" % i] = "[%d,Dv] raw output of vision block %d, processor row order" % (n_rows, i)

    gen, gen_logits = run_generate(model, inputs)
    tensors["generated_ids"] = tlong(gen)
    tensors["generated_step_logits"] = t32(gen_logits)
    assert torch.equal(gen_logits[0], out.logits[0, -1]) or torch.allclose(gen_logits[0], out.logits[0, -1], atol=1e-5)
    with torch.no_grad():
        tout = model(**text_inputs, output_hidden_states=True)
    tensors["text_input_ids"] = tlong(text_inputs["input_ids"])
    tensors["text_attention_mask"] = tlong(text_inputs["attention_mask"])
    tensors["text_logits"] = t32(tout.logits)
    tensors["text_lm_final_norm"] = t32(tout.hidden_states[-1])
    tensors["text_generated_ids"] = tlong(run_generate(model, text_inputs)[0])
    if "mm_token_type_ids" in text_inputs:
        tensors["text_mm_token_type_ids"] = tlong(text_inputs["mm_token_type_ids"])
        desc["text_mm_token_type_ids"] = "[1,T_text] int64, all 0"

    info = {
        "family": family,
        "model_class": type(model).__name__,
        "processor_class": type(processor).__name__,
        "image_processor_class": type(processor.image_processor).__name__,
        "tokenizer_class": type(tok).__name__,
        "attn_implementation": "eager",
        "dtype": "float32",
        "seed": seed,
        "versions": versions(),
        "image": {"file": "image.png", "width": image.width, "height": image.height,
                  "sha256": sha256(os.path.join(fam_dir, "image.png"))},
        "resized_image": {"width": rw, "height": rh, "grid_thw": [gt, gh, gw],
                          "merged_grid_hw": [gh // merge, gw // merge], "num_image_tokens": n_rows // 4,
                          "min_pixels": min_pixels, "max_pixels": max_pixels},
        "prompt": QWEN_PROMPT,
        "text_prompt": QWEN_TEXT_PROMPT,
        "processor_call": "processor(images=Image.open('image.png').convert('RGB'), text=prompt, return_tensors='pt')",
        "tokens": tok.convert_ids_to_tokens(inputs["input_ids"][0].tolist()),
        "text_tokens": tok.convert_ids_to_tokens(text_inputs["input_ids"][0].tolist()),
        "generated_tokens": tok.convert_ids_to_tokens(gen[0, T:].tolist()),
        "text_generated_tokens": tok.convert_ids_to_tokens(
            tensors["text_generated_ids"][0, text_inputs["input_ids"].shape[1]:].tolist()),
        "special_token_ids": ids,
        "tokenizer_size": n_tok,
        "vocab_size": vocab_size,
        "tie_word_embeddings": is25,
        "num_image_tokens": int(img_pos.numel()),
        "image_token_positions": img_pos.tolist(),
        "position_ids": position_ids[:, 0].tolist(),
        "rope_deltas": int(rope_deltas.flatten()[0]),
        "config": json.loads(config.to_json_string(use_diff=False)),
        "tensors": {k: {"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", ""),
                        "description": desc.get(k, "")} for k, v in sorted(tensors.items())},
        "notes": [
            "init: all weights re-drawn (see init_weights_ in generate.py): matrices N(0,1/fan_in), norms 1+N(0,0.1), "
            "biases N(0,0.05), token embeddings N(0,%g)." % EMBED_STD,
            "transformers 5 forward needs mm_token_type_ids (returned by the processor) to compute M-RoPE; without it "
            "a forward with image_grid_thw raises ValueError.",
            "hidden_states from HF: [0] = embeddings with image rows, [k] = raw output of layer k-1 for k<L, "
            "[L] = final-normed output.",
        ],
    }
    if rows_note:
        info["window_attention"] = rows_note
    info["expanded_prompt"] = check_rust_tokenizer(ckpt, processor, QWEN_PROMPT, "<|image_pad|>", n_rows // 4,
                                                   inputs["input_ids"])
    info["expanded_prompt_note"] = (
        "prompt with <|image_pad|> repeated grid t*h*w/merge^2 times; tokenizers.Tokenizer.from_file("
        "'checkpoint/tokenizer.json').encode(expanded_prompt) gives input_ids (no BOS is added)")
    check_rust_tokenizer(ckpt, processor, QWEN_TEXT_PROMPT, "<|image_pad|>", 0, text_inputs["input_ids"])
    for k, v in info["tensors"].items():
        assert v["description"], "missing description for " + k

    def check(ckpt_dir, ref):
        if family != "qwen2_vl":
            return
        check_v4_config(ckpt_dir, ref, Model, Proc, proc_inputs)

    if family == "qwen2_vl":
        write_v4_config(ckpt)
    finalize_fixture(fam_dir, family, Model, Proc, tensors, info, proc_inputs, check_fn=check)
    return fam_dir


def write_v4_config(ckpt):
    """Rewrite config.json in the transformers-4 form the published Qwen2-VL hub configs use."""
    with open(os.path.join(ckpt, "config.json")) as f:
        c = json.load(f)
    tc = c["text_config"]
    rp = dict(tc.get("rope_parameters") or {})
    v4 = {
        "architectures": c["architectures"],
        "model_type": "qwen2_vl",
        "attention_dropout": tc.get("attention_dropout", 0.0),
        "bos_token_id": tc["bos_token_id"],
        "eos_token_id": tc["eos_token_id"],
        "vision_start_token_id": c["vision_start_token_id"],
        "vision_end_token_id": c["vision_end_token_id"],
        "vision_token_id": c["image_token_id"] - 1 if False else None,
        "image_token_id": c["image_token_id"],
        "video_token_id": c["video_token_id"],
        "hidden_act": tc["hidden_act"],
        "hidden_size": tc["hidden_size"],
        "initializer_range": tc.get("initializer_range", 0.02),
        "intermediate_size": tc["intermediate_size"],
        "max_position_embeddings": tc["max_position_embeddings"],
        "max_window_layers": tc["max_window_layers"],
        "num_attention_heads": tc["num_attention_heads"],
        "num_hidden_layers": tc["num_hidden_layers"],
        "num_key_value_heads": tc["num_key_value_heads"],
        "rms_norm_eps": tc["rms_norm_eps"],
        "rope_theta": rp["rope_theta"],
        "sliding_window": 32768,
        "tie_word_embeddings": c.get("tie_word_embeddings", False),
        "torch_dtype": "float32",
        "transformers_version": "4.45.0.dev0",
        "use_cache": True,
        "use_sliding_window": False,
        "vision_config": {
            k: v for k, v in c["vision_config"].items()
            if k in ("depth", "embed_dim", "mlp_ratio", "num_heads", "in_chans", "hidden_size", "patch_size",
                     "spatial_merge_size", "temporal_patch_size", "hidden_act", "in_channels")
        },
        "rope_scaling": {"type": "mrope", "mrope_section": list(rp["mrope_section"])},
        "vocab_size": tc["vocab_size"],
    }
    del v4["vision_token_id"]
    # the published vision configs spell in_channels as in_chans
    if "in_channels" in v4["vision_config"]:
        v4["vision_config"]["in_chans"] = v4["vision_config"].pop("in_channels")
    with open(os.path.join(ckpt, "config.v4.json"), "w") as f:
        json.dump(v4, f, indent=2)
        f.write("\n")

    # preprocessor_config.json as the published Qwen2-VL repositories have it (transformers 4 form)
    with open(os.path.join(ckpt, "processor_config.json")) as f:
        ip = json.load(f)["image_processor"]
    pp = {
        "min_pixels": ip["size"]["shortest_edge"],
        "max_pixels": ip["size"]["longest_edge"],
        "patch_size": ip["patch_size"],
        "temporal_patch_size": ip["temporal_patch_size"],
        "merge_size": ip["merge_size"],
        "image_mean": ip["image_mean"],
        "image_std": ip["image_std"],
        "image_processor_type": "Qwen2VLImageProcessor",
        "processor_class": "Qwen2VLProcessor",
    }
    with open(os.path.join(ckpt, "preprocessor_config.v4.json"), "w") as f:
        json.dump(pp, f, indent=2)
        f.write("\n")


def check_v4_config(ckpt, ref, Model, Proc, proc_inputs):
    """Load the checkpoint with config.v4.json as its config.json and compare logits."""
    with tempfile.TemporaryDirectory() as tmp:
        for fn in os.listdir(ckpt):
            if fn not in ("config.json", "config.v4.json"):
                shutil.copy(os.path.join(ckpt, fn), os.path.join(tmp, fn))
        shutil.copy(os.path.join(ckpt, "config.v4.json"), os.path.join(tmp, "config.json"))
        m = Model.from_pretrained(tmp, attn_implementation="eager", dtype=torch.float32).eval()
        p = Proc.from_pretrained(ckpt)
        inputs = proc_inputs(p)
        with torch.no_grad():
            out = m(**inputs)
        same = torch.equal(out.logits, ref["logits"])
        print("[qwen2_vl] config.v4.json load check: logits bit-exact=%s max|diff|=%g" % (
            same, (out.logits - ref["logits"]).abs().max().item()))
        tc = m.config.text_config
        print("[qwen2_vl]   v4 -> rope_parameters=%s tie=%s" % (tc.rope_parameters, m.config.tie_word_embeddings))
        assert same, "config.v4.json does not load to the same model"
        m5 = Model.from_pretrained(ckpt).config
        t4, t5 = m.config.text_config.to_dict(), m5.text_config.to_dict()
        for k in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                  "num_key_value_heads", "rms_norm_eps", "hidden_act", "bos_token_id", "eos_token_id"):
            assert t4[k] == t5[k], (k, t4[k], t5[k])
        assert t4["rope_parameters"]["rope_theta"] == t5["rope_parameters"]["rope_theta"]
        assert list(t4["rope_parameters"]["mrope_section"]) == list(t5["rope_parameters"]["mrope_section"])
        v4v, v5v = m.config.vision_config.to_dict(), m5.vision_config.to_dict()
        for k in ("depth", "embed_dim", "hidden_size", "num_heads", "mlp_ratio", "in_channels", "patch_size",
                  "spatial_merge_size", "temporal_patch_size", "hidden_act"):
            assert v4v[k] == v5v[k], (k, v4v[k], v5v[k])
        for k in ("image_token_id", "video_token_id", "vision_start_token_id", "vision_end_token_id",
                  "tie_word_embeddings"):
            assert getattr(m.config, k) == getattr(m5, k), k

    # the published-form preprocessor_config.json must give the same pixel values
    from transformers import Qwen2VLImageProcessorPil

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(ckpt, "preprocessor_config.v4.json"), os.path.join(tmp, "preprocessor_config.json"))
        ip = Qwen2VLImageProcessorPil.from_pretrained(tmp)
        img = Image.open(os.path.join(os.path.dirname(ckpt), "image.png")).convert("RGB")
        px = ip(images=img, return_tensors="pt")
        same_px = torch.equal(px["pixel_values"].float(), ref["pixel_values"]) and torch.equal(
            px["image_grid_thw"], ref["image_grid_thw"])
        print("[qwen2_vl] preprocessor_config.v4.json: pixel_values/grid identical=%s" % same_px)
        assert same_px


# ----------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--family", action="append", choices=["llava", "qwen2_vl", "qwen2_5_vl"])
    args = ap.parse_args()
    fams = args.family or ["llava", "qwen2_vl", "qwen2_5_vl"]
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    for fam in fams:
        if fam == "llava":
            d = gen_llava(args.out, None)
        else:
            d = gen_qwen(args.out, fam)
        total = dir_size(d)
        print("[%s] %s: %d bytes" % (fam, d, total))
        for root, _, files in sorted(os.walk(d)):
            for fn in sorted(files):
                p = os.path.join(root, fn)
                print("    %8d  %s" % (os.path.getsize(p), os.path.relpath(p, d)))
        assert total < 1_000_000, "%s is over 1 MB" % fam


if __name__ == "__main__":
    main()
