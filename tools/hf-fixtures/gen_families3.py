#!/usr/bin/env python3
"""Tiny random checkpoints and reference outputs for model families III: InternVL (``internvl``, the
HF-native format) and Llama-3.2-Vision (``mllama``). Shares generate.py's helpers (tokenizer training,
weight init, recorders, fixture finalisation); see README.md.

Run:  /work/venv/bin/python tools/hf-fixtures/gen_families3.py [--out DIR] [--family internvl|mllama ...]
"""

import argparse
import json
import math
import os
import shutil
import sys
import tempfile

import torch
from PIL import Image
from safetensors.torch import load_file, save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as G  # noqa: E402
from generate import QUESTION, t32, tlong  # noqa: E402

INTERNVL_PROMPT = "<|im_start|>user\n<IMG_CONTEXT>\n" + QUESTION + "<|im_end|>\n<|im_start|>assistant\n"
INTERNVL_TEXT_PROMPT = "<|im_start|>user\n" + QUESTION + "<|im_end|>\n<|im_start|>assistant\n"
# The chat template of OpenGVLab/InternVL3-*-hf (transformers' convert_internvl_weights_to_hf.py): no
# default system prompt; an image renders as "<IMG_CONTEXT>\n".
INTERNVL_CHAT_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n'}}"
    "{% if message['content'] is string %}{{ message['content'] }}{% else %}"
    "{% for content in message['content'] %}{% if content['type'] == 'image' %}{{ '<IMG_CONTEXT>\n' }}"
    "{% elif content['type'] == 'video' %}{{ '<video>\n' }}{% elif content['type'] == 'text' %}"
    "{{ content['text'] }}{% endif %}{% endfor %}{% endif %}{{'<|im_end|>\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{'<|im_start|>assistant\n' }}{% endif %}"
)
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def build_internvl_tokenizer(bpe_vocab_size):
    """Qwen2 byte-level BPE (as generate.py trains it) with InternVL's special tokens; the processor finds
    <img>, </img>, <IMG_CONTEXT> and <video> through the tokenizer's named extra special tokens."""
    from tokenizers import AddedToken
    from transformers import Qwen2Tokenizer

    vocab, merges = G.train_qwen_bpe(bpe_vocab_size)
    tok = Qwen2Tokenizer(
        vocab=vocab, merges=merges, unk_token=None, bos_token=None, eos_token="<|endoftext|>",
        pad_token="<|endoftext|>", errors="replace", model_max_length=32768, split_special_tokens=False,
        clean_up_tokenization_spaces=False,
        extra_special_tokens={"start_image_token": "<img>", "end_image_token": "</img>",
                              "context_image_token": "<IMG_CONTEXT>", "video_token": "<video>"},
    )
    for s in ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<img>", "</img>", "<IMG_CONTEXT>", "<video>"]:
        tok.add_tokens([AddedToken(s, special=True, normalized=False)], special_tokens=True)
    tok.eos_token = "<|im_end|>"
    tok.chat_template = INTERNVL_CHAT_TEMPLATE
    return tok


def info_header(family, model, processor, tok, seed, image, fam_dir):
    """The first entries of reference.json, as generate.py writes them."""
    return {
        "family": family,
        "model_class": type(model).__name__,
        "processor_class": type(processor).__name__,
        "image_processor_class": type(processor.image_processor).__name__,
        "tokenizer_class": type(tok).__name__,
        "attn_implementation": "eager",
        "dtype": "float32",
        "seed": seed,
        "versions": G.versions(),
        "image": {"file": "image.png", "width": image.width, "height": image.height,
                  "sha256": G.sha256(os.path.join(fam_dir, "image.png"))},
    }


def common_tail(model, inputs, text_inputs, tensors, desc):
    gen, gen_logits = G.run_generate(model, inputs)
    tensors["generated_ids"] = tlong(gen)
    tensors["generated_step_logits"] = t32(gen_logits)
    with torch.no_grad():
        tout = model(**text_inputs, output_hidden_states=True)
    tensors["text_input_ids"] = tlong(text_inputs["input_ids"])
    tensors["text_attention_mask"] = tlong(text_inputs["attention_mask"])
    tensors["text_logits"] = t32(tout.logits)
    tensors["text_lm_final_norm"] = t32(tout.hidden_states[-1])
    tensors["text_generated_ids"] = tlong(G.run_generate(model, text_inputs)[0])
    return gen


# ----------------------------------------------------------------------------------------------
# InternVL
# ----------------------------------------------------------------------------------------------


def gen_internvl(out_root):
    from transformers import (
        GotOcr2ImageProcessorPil,
        InternVLConfig,
        InternVLForConditionalGeneration,
        InternVLProcessor,
        InternVLVisionConfig,
        Qwen2Config,
    )

    G.images_only(InternVLProcessor)
    family = "internvl"
    fam_dir = os.path.join(out_root, family)
    ckpt = os.path.join(fam_dir, "checkpoint")
    shutil.rmtree(fam_dir, ignore_errors=True)
    os.makedirs(ckpt)
    # 97x61 px, aspect 1.59: among the grids with 1..4 tiles the closest is 2x1 -> 2 tiles of 28 px
    # (the image resized to 56x28 without keeping its aspect ratio) + a 28x28 thumbnail = 3 tiles.
    image = G.make_test_image(os.path.join(fam_dir, "image.png"), 97, 61)
    tile, patch = 28, 7
    tok = build_internvl_tokenizer(bpe_vocab_size=330)
    n_tok = len(tok)
    vocab_size = int(math.ceil((n_tok + 1) / 32.0) * 32)
    ids = {s: tok.convert_tokens_to_ids(s) for s in [
        "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<img>", "</img>", "<IMG_CONTEXT>", "<video>"]}
    H = 64
    vision_config = InternVLVisionConfig(
        hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32, attention_bias=True,
        use_qk_norm=True, hidden_act="gelu", norm_type="layer_norm", layer_norm_eps=1e-6, image_size=tile,
        patch_size=patch, layer_scale_init_value=0.1, use_mean_pooling=True, use_absolute_position_embeddings=True,
    )
    text_config = Qwen2Config(
        vocab_size=vocab_size, hidden_size=H, intermediate_size=80, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, hidden_act="silu", max_position_embeddings=32768, rms_norm_eps=1e-6,
        use_sliding_window=False, rope_parameters={"rope_type": "default", "rope_theta": 1000000.0},
        bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|im_end|>"], pad_token_id=ids["<|endoftext|>"],
        tie_word_embeddings=True,
    )
    tokens_per_tile = (tile // patch) ** 2 // 4
    config = InternVLConfig(
        vision_config=vision_config, text_config=text_config, image_token_id=ids["<IMG_CONTEXT>"],
        image_seq_length=tokens_per_tile, downsample_ratio=0.5, projector_hidden_act="gelu",
        vision_feature_layer=-1, vision_feature_select_strategy="default", tie_word_embeddings=True,
    )
    # crop_to_patches=False as in the published InternVL3-*-hf preprocessor configs: InternVLProcessor
    # passes crop_to_patches=True itself (its default images_kwargs), so the processor tiles anyway.
    image_processor = GotOcr2ImageProcessorPil(
        size={"height": tile, "width": tile}, crop_to_patches=False, min_patches=1, max_patches=4,
        image_mean=IMAGENET_MEAN, image_std=IMAGENET_STD, resample=3, do_convert_rgb=True,
    )
    processor = InternVLProcessor(image_processor=image_processor, tokenizer=tok, image_seq_length=tokens_per_tile,
                                  chat_template=INTERNVL_CHAT_TEMPLATE)

    def proc_inputs(proc):
        return proc(images=Image.open(os.path.join(fam_dir, "image.png")).convert("RGB"), text=INTERNVL_PROMPT,
                    return_tensors="pt")

    inputs = proc_inputs(processor)
    text_inputs = processor(text=INTERNVL_TEXT_PROMPT, return_tensors="pt")
    n_tiles = inputs["pixel_values"].shape[0]
    assert n_tiles == 3, n_tiles
    msgs = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": QUESTION}]}]
    rendered = processor.apply_chat_template(msgs, add_generation_prompt=True, tokenize=False)
    assert rendered == INTERNVL_PROMPT, rendered

    model, seed = G.make_model(InternVLForConditionalGeneration, config, 3030, inputs)
    model.save_pretrained(ckpt)
    processor.save_pretrained(ckpt)
    tok.save_pretrained(ckpt)

    vt = model.model.vision_tower
    lm = model.model.language_model
    rec = G.lm_capture(model, lm)
    rec.output(vt.embeddings, "vision_embeddings")
    for i, layer in enumerate(vt.encoder.layer):
        rec.output(layer, "vision_block_%d" % i)
    rec.output(model.model.multi_modal_projector, "projector_module_out")
    with torch.no_grad():
        out = model(**inputs, output_attentions=True, output_hidden_states=True)
    rec.remove()
    d = rec.data
    T = inputs["input_ids"].shape[1]
    V = out.logits.shape[-1]
    nvl = vision_config.num_hidden_layers
    nl = text_config.num_hidden_layers
    img_pos = (inputs["input_ids"][0] == ids["<IMG_CONTEXT>"]).nonzero().flatten()
    tensors = {
        "input_ids": tlong(inputs["input_ids"]),
        "attention_mask": tlong(inputs["attention_mask"]),
        "pixel_values": t32(inputs["pixel_values"]),
        "vision_block_input": t32(d["vision_embeddings"]),
        "logits": t32(out.logits),
        "lm_final_norm": t32(out.hidden_states[-1]),
    }
    for i in range(nvl):
        tensors["vision_block_%d" % i] = t32(d["vision_block_%d" % i])
    for i in range(nl + 1):
        tensors["lm_hidden_%d" % i] = t32(d["lm_hidden_%d" % i])
    for i in range(nl):
        tensors["lm_attn_%d" % i] = t32(out.attentions[i])
    proj = d["projector_module_out"]
    tensors["projector_out"] = t32(proj.reshape(-1, proj.shape[-1]))
    assert torch.equal(tensors["lm_hidden_0"], t32(out.hidden_states[0]))
    assert torch.equal(tensors["lm_hidden_0"][0, img_pos], tensors["projector_out"])
    with torch.no_grad():
        feats = model.model.get_image_features(pixel_values=inputs["pixel_values"], return_dict=True)
    assert torch.equal(t32(feats.pooler_output.reshape(-1, H)), tensors["projector_out"])

    desc = {}
    G.describe_common(desc, nl, text_config.num_attention_heads, T, V, text_inputs["input_ids"].shape[1])
    n_patch = (tile // patch) ** 2
    desc["pixel_values"] = (
        "[%d,3,%d,%d] float32 as InternVLProcessor + GotOcr2ImageProcessorPil return it: the image resized (PIL "
        "bicubic, aspect NOT kept) to the best tile grid (2 columns x 1 row -> 56x28 px) and cut into tiles in "
        "row-major order, then the whole image resized to %dx%d as a thumbnail (last); x/255, (x-mean)/std with "
        "ImageNet mean/std" % (n_tiles, tile, tile, tile, tile))
    desc["vision_block_input"] = (
        "[%d,%d,Dv] InternVLVisionEmbeddings output per tile: class token row 0, then the %d patches row-major, "
        "plus the position embeddings" % (n_tiles, n_patch + 1, n_patch))
    for i in range(nvl):
        desc["vision_block_%d" % i] = "[%d,%d,Dv] raw output of vision layer %d (encoder.layer[%d]) per tile" % (
            n_tiles, n_patch + 1, i, i)
    desc["projector_out"] = (
        "[%d,H] multi_modal_projector output, tiles one after another (%d rows each) = the rows scattered into the "
        "<IMG_CONTEXT> positions in order; its input is the last vision layer without the class row, pixel-shuffled "
        "(downsample 0.5: %d channels)" % (n_tiles * tokens_per_tile, tokens_per_tile, vision_config.hidden_size * 4))
    gen = common_tail(model, inputs, text_inputs, tensors, desc)
    info = info_header(family, model, processor, tok, seed, image, fam_dir)
    info["tiles"] = {"grid_columns": 2, "grid_rows": 1, "thumbnail": True, "count": n_tiles, "tile_size": tile,
                      "tokens_per_tile": tokens_per_tile}
    info.update({
        "prompt": INTERNVL_PROMPT,
        "text_prompt": INTERNVL_TEXT_PROMPT,
        "processor_call": "processor(images=Image.open('image.png').convert('RGB'), text=prompt, return_tensors='pt')",
        "tokens": tok.convert_ids_to_tokens(inputs["input_ids"][0].tolist()),
        "text_tokens": tok.convert_ids_to_tokens(text_inputs["input_ids"][0].tolist()),
        "generated_tokens": tok.convert_ids_to_tokens(gen[0, T:].tolist()),
        "special_token_ids": ids,
        "tokenizer_size": n_tok,
        "vocab_size": vocab_size,
        "num_image_tokens": int(img_pos.numel()),
        "image_token_positions": img_pos.tolist(),
        "config": json.loads(config.to_json_string(use_diff=False)),
        "tensors": {k: {"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", ""),
                        "description": desc.get(k, "")} for k, v in sorted(tensors.items())},
        "notes": [
            "init: see init_weights_ in generate.py (layer-scale lambdas N(0,0.5) as 1-D parameters).",
            "The prompt holds <IMG_CONTEXT> once per image; the processor replaces it by <img> + <IMG_CONTEXT> x "
            "(image_seq_length x tiles) + </img>.",
        ],
    })
    expanded = INTERNVL_PROMPT.replace(
        "<IMG_CONTEXT>", "<img>" + "<IMG_CONTEXT>" * (n_tiles * tokens_per_tile) + "</img>")
    from tokenizers import Tokenizer
    rt = Tokenizer.from_file(os.path.join(ckpt, "tokenizer.json"))
    assert rt.encode(expanded).ids == inputs["input_ids"][0].tolist()
    assert rt.encode(INTERNVL_TEXT_PROMPT).ids == text_inputs["input_ids"][0].tolist()
    info["expanded_prompt"] = expanded
    for k, v in info["tensors"].items():
        assert v["description"], "missing description for " + k
    write_internvl_v4(ckpt)
    G.finalize_fixture(fam_dir, family, InternVLForConditionalGeneration, InternVLProcessor, tensors, info,
                       proc_inputs, check_fn=lambda c, ref: check_internvl_v4(c, ref, proc_inputs))
    return fam_dir


def write_internvl_v4(ckpt):
    """config.json in the form the published OpenGVLab/InternVL3-*-hf repositories have (transformers 4:
    rope_theta/rope_scaling at the text level, no rope_parameters), and their preprocessor_config.json."""
    with open(os.path.join(ckpt, "config.json")) as f:
        c = json.load(f)
    tc = dict(c["text_config"])
    rp = tc.pop("rope_parameters")
    tc["rope_theta"] = rp["rope_theta"]
    tc["rope_scaling"] = None
    tc.pop("layer_types", None)
    c["text_config"] = tc
    c["transformers_version"] = "4.52.0.dev0"
    c["torch_dtype"] = c.pop("dtype", "float32")
    with open(os.path.join(ckpt, "config.v4.json"), "w") as f:
        json.dump(c, f, indent=2)
        f.write("\n")
    with open(os.path.join(ckpt, "processor_config.json")) as f:
        ip = dict(json.load(f)["image_processor"])
    ip["image_processor_type"] = "GotOcr2ImageProcessor"
    ip["processor_class"] = "InternVLProcessor"
    with open(os.path.join(ckpt, "preprocessor_config.v4.json"), "w") as f:
        json.dump(ip, f, indent=2)
        f.write("\n")


def check_internvl_v4(ckpt, ref, proc_inputs):
    from transformers import InternVLForConditionalGeneration

    with tempfile.TemporaryDirectory() as tmp:
        for fn in os.listdir(ckpt):
            if fn not in ("config.json", "config.v4.json"):
                shutil.copy(os.path.join(ckpt, fn), os.path.join(tmp, fn))
        shutil.copy(os.path.join(ckpt, "config.v4.json"), os.path.join(tmp, "config.json"))
        m = InternVLForConditionalGeneration.from_pretrained(tmp, attn_implementation="eager",
                                                             dtype=torch.float32).eval()
        from transformers import InternVLProcessor
        with torch.no_grad():
            out = m(**proc_inputs(InternVLProcessor.from_pretrained(ckpt)))
        same = torch.equal(out.logits, ref["logits"])
        print("[internvl] config.v4.json load check: logits bit-exact=%s" % same)
        assert same


# ----------------------------------------------------------------------------------------------
# Llama-3.2-Vision (mllama)
# ----------------------------------------------------------------------------------------------

# The Llama-3.2-Vision-Instruct chat format: the tokens before <|image|> see no image (their cross-attention
# rows are fully masked, HF lets them attend to everything and zeroes only the cross-attention MLP branch).
MLLAMA_PROMPT = ("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n<|image|>" + QUESTION
                 + "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
MLLAMA_TEXT_PROMPT = ("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n" + QUESTION
                      + "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
MLLAMA_SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>", "<|image|>", "<|python_tag|>", "<|eot_id|>",
                   "<|start_header_id|>", "<|end_header_id|>", "<|finetune_right_pad_id|>"]


def build_mllama_tokenizer(bpe_vocab_size):
    """Byte-level BPE (Qwen2's pre-tokenizer regex, close to Llama 3's) wrapped in PreTrainedTokenizerFast with
    Llama 3's special tokens; no BOS post-processor: MllamaProcessor writes <|begin_of_text|> into the text."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab, merges = G.train_qwen_bpe(bpe_vocab_size)
    rt = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    rt.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(G.Regex(G.QWEN_PRETOKENIZE_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    rt.decoder = decoders.ByteLevel()
    rt.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in MLLAMA_SPECIALS])
    tok = PreTrainedTokenizerFast(tokenizer_object=rt, bos_token="<|begin_of_text|>", eos_token="<|eot_id|>",
                                  pad_token="<|finetune_right_pad_id|>", clean_up_tokenization_spaces=False,
                                  extra_special_tokens={"image_token": "<|image|>"})
    return tok


def gen_mllama(out_root):
    from transformers import (
        MllamaConfig,
        MllamaForConditionalGeneration,
        MllamaImageProcessorPil,
        MllamaProcessor,
    )

    family = "mllama"
    fam_dir = os.path.join(out_root, family)
    ckpt = os.path.join(fam_dir, "checkpoint")
    shutil.rmtree(fam_dir, ignore_errors=True)
    os.makedirs(ckpt)
    # 97x61 px with tiles of 14 px and at most 2 tiles: the canvas is 2 tiles wide, 1 high; the image is
    # resized keeping its aspect ratio into it and padded (zeros before normalisation) to 28x14.
    image = G.make_test_image(os.path.join(fam_dir, "image.png"), 97, 61)
    tile, patch = 14, 7
    tok = build_mllama_tokenizer(bpe_vocab_size=330)
    n_tok = len(tok)
    vocab_size = int(math.ceil((n_tok + 1) / 32.0) * 32)
    ids = {s: tok.convert_tokens_to_ids(s) for s in MLLAMA_SPECIALS}
    H = 64
    vision_config = dict(
        hidden_size=16, hidden_act="gelu", num_hidden_layers=4, num_global_layers=2, attention_heads=2,
        num_channels=3, intermediate_size=32, vision_output_dim=16 * 3, image_size=tile, patch_size=patch,
        norm_eps=1e-5, max_num_tiles=2, intermediate_layers_indices=[1, 3],
        supported_aspect_ratios=[[1, 1], [1, 2], [2, 1]],
    )
    # llama3 rope with head_dim 16 (theta 5e5): wavelengths 6.3 .. 6.3e5, so original_max_position_embeddings
    # 8192 with low/high factors 1/4 puts frequencies in all three regimes (kept, smoothed, divided by factor).
    text_config = dict(
        vocab_size=vocab_size, hidden_size=H, hidden_act="silu", num_hidden_layers=4, num_attention_heads=4,
        num_key_value_heads=2, intermediate_size=80, rms_norm_eps=1e-5, max_position_embeddings=131072,
        rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0, "low_freq_factor": 1.0,
                         "high_freq_factor": 4.0, "original_max_position_embeddings": 8192},
        cross_attention_layers=[2], tie_word_embeddings=False, bos_token_id=ids["<|begin_of_text|>"],
        eos_token_id=ids["<|eot_id|>"], pad_token_id=ids["<|finetune_right_pad_id|>"],
    )
    config = MllamaConfig(vision_config=vision_config, text_config=text_config, image_token_index=ids["<|image|>"])
    image_processor = MllamaImageProcessorPil(
        size={"height": tile, "width": tile}, max_image_tiles=2, resample=2, do_pad=True,
        image_mean=[0.48145466, 0.4578275, 0.40821073], image_std=[0.26862954, 0.26130258, 0.27577711])
    processor = MllamaProcessor(image_processor=image_processor, tokenizer=tok)

    def proc_inputs(proc):
        return proc(images=Image.open(os.path.join(fam_dir, "image.png")).convert("RGB"), text=MLLAMA_PROMPT,
                    return_tensors="pt")

    inputs = proc_inputs(processor)
    text_inputs = processor(text=MLLAMA_TEXT_PROMPT, return_tensors="pt")
    model, seed = G.make_model(MllamaForConditionalGeneration, config, 4040, inputs)
    # the gates start at 0 in HF's init; re-drawn ones (N(0,0.5)) make every gated branch count
    with torch.no_grad():
        g = torch.Generator().manual_seed(seed)
        for name, p in sorted(model.named_parameters(), key=lambda kv: kv[0]):
            if "gate" in name.rsplit(".", 1)[-1] and p.numel() == 1:
                p.copy_(0.8 + 0.3 * torch.randn(p.shape, generator=g))
    model.save_pretrained(ckpt)
    processor.save_pretrained(ckpt)
    tok.save_pretrained(ckpt)

    vm = model.model.vision_model
    lm = model.model.language_model
    rec = G.lm_capture(model, lm)
    rec.input(vm.layernorm_pre, "vision_pre_norm_input")
    for i, layer in enumerate(vm.transformer.layers):
        rec.output(layer, "vision_local_%d" % i)
    for i, layer in enumerate(vm.global_transformer.layers):
        rec.output(layer, "vision_global_%d" % i)
    rec.handles.append(vm.register_forward_hook(
        lambda mod, args, out: rec.data.__setitem__("vision_out", out.last_hidden_state.detach().clone())))
    rec.output(model.model.multi_modal_projector, "projector_module_out")
    with torch.no_grad():
        out = model(**inputs, output_attentions=True, output_hidden_states=True)
    rec.remove()
    d = rec.data
    T = inputs["input_ids"].shape[1]
    V = out.logits.shape[-1]
    nl = text_config["num_hidden_layers"]
    tensors = {
        "input_ids": tlong(inputs["input_ids"]),
        "attention_mask": tlong(inputs["attention_mask"]),
        "pixel_values": t32(inputs["pixel_values"]),
        "aspect_ratio_ids": tlong(inputs["aspect_ratio_ids"]),
        "aspect_ratio_mask": tlong(inputs["aspect_ratio_mask"]),
        "cross_attention_mask": tlong(inputs["cross_attention_mask"]),
        "vision_embeddings": t32(d["vision_pre_norm_input"]),
        "vision_out": t32(d["vision_out"]),
        "projector_out": t32(d["projector_module_out"].reshape(-1, H)),
        "logits": t32(out.logits),
        "lm_final_norm": t32(out.hidden_states[-1]),
        "rope_inv_freq": t32(lm.rotary_emb.inv_freq),
    }
    for i in range(vision_config["num_hidden_layers"]):
        tensors["vision_local_%d" % i] = t32(d["vision_local_%d" % i])
    for i in range(vision_config["num_global_layers"]):
        tensors["vision_global_%d" % i] = t32(d["vision_global_%d" % i])
    for i in range(nl + 1):
        tensors["lm_hidden_%d" % i] = t32(d["lm_hidden_%d" % i])
    for i in range(nl):
        if i not in text_config["cross_attention_layers"]:
            tensors["lm_attn_%d" % i] = t32(out.attentions[i])
    desc = {}
    G.describe_common(desc, nl, text_config["num_attention_heads"], T, V, text_inputs["input_ids"].shape[1])
    for i in text_config["cross_attention_layers"]:
        desc.pop("lm_attn_%d" % i, None)
        desc["lm_hidden_%d" % (i + 1)] += " (a CROSS-ATTENTION layer: gated cross-attention to projector_out, gated MLP)"
    desc["pixel_values"] = ("[1,1,2,3,%d,%d] (batch, images, max tiles, C, H, W) from MllamaImageProcessorPil: resized "
                            "keeping the aspect ratio into the best canvas (PIL bilinear, resample=2), padded with zeros "
                            "to the canvas, x/255, normalised, split into tiles; missing tiles are zeros" % (tile, tile))
    desc["aspect_ratio_ids"] = "[1,1] int64: 1 + index of the canvas (rows, cols) among supported_aspect_ratios"
    desc["aspect_ratio_mask"] = "[1,1,max_tiles] int64: 1 for real tiles"
    desc["cross_attention_mask"] = ("[1,T,1,max_tiles] int64 from the processor: text positions from the <|image|> "
                                    "token on see the image's real tiles")
    desc["vision_embeddings"] = ("[1,tiles,patches+1,Dv] input of layernorm_pre: patch embeddings + gated pre-tile "
                                 "embedding, class token, gated position + tile-position embeddings (class first)")
    for i in range(vision_config["num_hidden_layers"]):
        desc["vision_local_%d" % i] = ("[1,tiles*P,Dv] raw output of local layer %d (transformer.layers[%d]); P = patches+1 "
                                       "padded to a multiple of 8 (padding rows at the end of each tile)" % (i, i))
    for i in range(vision_config["num_global_layers"]):
        desc["vision_global_%d" % i] = ("[1,tiles*P,Dv] raw output of gated global layer %d (after post-tile "
                                        "embedding); P as for the local layers" % i)
    desc["vision_out"] = ("[1,1,tiles,patches+1,Dv*(1+%d)] vision model output: final global state concatenated with the "
                          "intermediate local outputs %s stacked on the last axis (channel c of layer k at c*%d+k)" % (
                              len(vision_config["intermediate_layers_indices"]),
                              vision_config["intermediate_layers_indices"],
                              len(vision_config["intermediate_layers_indices"])))
    desc["projector_out"] = "[tiles*(patches+1),H] multi_modal_projector(vision_out) = the cross-attention states"
    desc["rope_inv_freq"] = "[head_dim/2] llama3-scaled inverse frequencies (rotary_emb.inv_freq)"
    gen = common_tail(model, inputs, text_inputs, tensors, desc)
    info = info_header(family, model, processor, tok, seed, image, fam_dir)
    info.update({
        "prompt": MLLAMA_PROMPT,
        "text_prompt": MLLAMA_TEXT_PROMPT,
        "processor_call": "processor(images=Image.open('image.png').convert('RGB'), text=prompt, return_tensors='pt')",
        "tokens": tok.convert_ids_to_tokens(inputs["input_ids"][0].tolist()),
        "text_tokens": tok.convert_ids_to_tokens(text_inputs["input_ids"][0].tolist()),
        "generated_tokens": tok.convert_ids_to_tokens(gen[0, T:].tolist()),
        "special_token_ids": ids,
        "tokenizer_size": n_tok,
        "vocab_size": vocab_size,
        "config": json.loads(config.to_json_string(use_diff=False)),
        "tensors": {k: {"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", ""),
                        "description": desc.get(k, "")} for k, v in sorted(tensors.items())},
        "notes": [
            "init: see init_weights_ in generate.py; the tanh gates (1-element parameters) re-drawn as 0.8+N(0,0.3).",
            "The text-only run skips the cross-attention layers entirely (HF: no cross_attention_states, empty cache).",
            "embed_tokens has vocab_size + 8 rows; lm_head has vocab_size.",
        ],
    })
    for k, v in info["tensors"].items():
        assert v["description"], "missing description for " + k
    G.finalize_fixture(fam_dir, family, MllamaForConditionalGeneration, MllamaProcessor, tensors, info, proc_inputs)
    return fam_dir


# ----------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=G.DEFAULT_OUT)
    ap.add_argument("--family", action="append", choices=["internvl", "mllama"])
    args = ap.parse_args()
    fams = args.family or ["internvl", "mllama"]
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    for fam in fams:
        d = gen_internvl(args.out) if fam == "internvl" else gen_mllama(args.out)
        total = G.dir_size(d)
        print("[%s] %s: %d bytes" % (fam, d, total))
        for root, _, files in sorted(os.walk(d)):
            for fn in sorted(files):
                p = os.path.join(root, fn)
                print("    %8d  %s" % (os.path.getsize(p), os.path.relpath(p, d)))
        assert total < 1_000_000, "%s is over 1 MB" % fam


if __name__ == "__main__":
    main()
