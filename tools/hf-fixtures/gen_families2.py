#!/usr/bin/env python3
"""Fixtures for "Model families II": Gemma 3 (gemma3) and LLaVA-OneVision (llava_onevision, images and video).

Uses the shared helpers of generate.py (tokenizer training, weight init, hooks, reload check); generate.py's
own families are untouched. Output: vlmlens-hooks/src/test/resources/fixtures/<family>/ (see README.md).

Run:  /work/venv/bin/python tools/hf-fixtures/gen_families2.py [--out DIR] [--family gemma3|llava_onevision]
"""

import argparse
import json
import math
import os
import shutil
import sys
import tempfile

import numpy as np
import torch
from PIL import Image, ImageDraw
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer, models, trainers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as G  # noqa: E402

QUESTION = G.QUESTION
GEMMA_PROMPT = "<start_of_turn>user\n<start_of_image>" + QUESTION + "<end_of_turn>\n<start_of_turn>model\n"
GEMMA_TEXT_PROMPT = "<start_of_turn>user\n" + QUESTION + "<end_of_turn>\n<start_of_turn>model\n"
# The chat template of google/gemma-3-*-it, reduced to user/model turns with images and text (no system turn).
GEMMA_CHAT_TEMPLATE = (
    "{{ bos_token }}{%- for message in messages -%}"
    "{%- set role = 'model' if message['role'] == 'assistant' else message['role'] -%}"
    "{{ '<start_of_turn>' + role + '\n' }}"
    "{%- if message['content'] is string -%}{{ message['content'] | trim }}"
    "{%- else -%}{%- for item in message['content'] -%}"
    "{%- if item['type'] == 'image' -%}{{ '<start_of_image>' }}"
    "{%- elif item['type'] == 'text' -%}{{ item['text'] | trim }}{%- endif -%}"
    "{%- endfor -%}{%- endif -%}{{ '<end_of_turn>\n' }}{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<start_of_turn>model\n' }}{%- endif -%}"
)

OV_PROMPT = "<|im_start|>user <image>\n" + QUESTION + "<|im_end|><|im_start|>assistant\n"
OV_VIDEO_PROMPT = "<|im_start|>user <video>\n" + QUESTION + "<|im_end|><|im_start|>assistant\n"
OV_TEXT_PROMPT = "<|im_start|>user \n" + QUESTION + "<|im_end|><|im_start|>assistant\n"
# The chat template of llava-hf/llava-onevision-qwen2-*-ov-hf.
OV_CHAT_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + ' '}}"
    "{# Render all images first #}{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}"
    "{{ '<image>' }}{% endfor %}"
    "{# Render all video then #}{% for content in message['content'] | selectattr('type', 'equalto', 'video') %}"
    "{{ '<video>' }}{% endfor %}"
    "{# Render all text next #}{% if message['role'] != 'assistant' %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{{ '\n' + content['text'] }}"
    "{% endfor %}{% else %}{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}"
    "{% generation %}{{ '\n' + content['text'] }}{% endgeneration %}{% endfor %}{% endif %}{{'<|im_end|>'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def build_gemma_tokenizer(bpe_vocab_size):
    """Gemma-style BPE (byte fallback, ' ' -> '\u2581', BOS added): ids 0..4 <pad> <eos> <bos> <unk> <mask>, the 256
    byte tokens, trained pieces, then <start_of_turn> <end_of_turn> <start_of_image> <end_of_image> <image_soft_token>."""
    from tokenizers import AddedToken
    from transformers import GemmaTokenizer

    base = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>"] + ["<0x%02X>" % i for i in range(256)]
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    trainer = trainers.BpeTrainer(vocab_size=bpe_vocab_size, min_frequency=1, special_tokens=base,
                                  show_progress=False)
    lines = []
    for line in G.weighted_corpus():
        words = line.replace("\n", " ").split(" ")
        lines.extend([w if i == 0 else "\u2581" + w for i, w in enumerate(words) if w])
    tok.train_from_iterator(lines, trainer=trainer)
    data = json.loads(tok.to_str())
    vocab = data["model"]["vocab"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in data["model"]["merges"]]
    for i, b in enumerate(base):
        assert vocab[b] == i, (b, vocab[b])
    gt = GemmaTokenizer(vocab=vocab, merges=merges, add_bos_token=True, add_eos_token=False,
                        model_max_length=8192, clean_up_tokenization_spaces=False)
    specials = ["<start_of_turn>", "<end_of_turn>", "<start_of_image>", "<end_of_image>", "<image_soft_token>"]
    for s in specials:
        gt.add_tokens([AddedToken(s, special=True, normalized=False)], special_tokens=True)
    gt.boi_token = "<start_of_image>"
    gt.eoi_token = "<end_of_image>"
    gt.image_token = "<image_soft_token>"
    gt.init_kwargs["extra_special_tokens"] = {"boi_token": "<start_of_image>", "eoi_token": "<end_of_image>",
                                              "image_token": "<image_soft_token>"}
    gt.chat_template = GEMMA_CHAT_TEMPLATE
    return gt


def set_gemma_token_attrs(tok):
    for name, text in (("boi_token", "<start_of_image>"), ("eoi_token", "<end_of_image>"),
                       ("image_token", "<image_soft_token>")):
        setattr(tok, name, text)
        setattr(tok, name + "_id", tok.convert_tokens_to_ids(text))
    return tok


def common_tensors(tensors, rec_data, out, nl, model_attn=True):
    for i in range(nl + 1):
        tensors["lm_hidden_%d" % i] = G.t32(rec_data["lm_hidden_%d" % i])
    for i in range(nl):
        tensors["lm_attn_%d" % i] = G.t32(out.attentions[i])
    assert torch.equal(tensors["lm_hidden_0"], G.t32(out.hidden_states[0]))
    for i in range(1, nl):
        assert torch.equal(tensors["lm_hidden_%d" % i], G.t32(out.hidden_states[i]))


def write_info(fam_dir, family, model, processor, tok, seed, image, prompt, text_prompt, inputs, text_inputs, gen,
               tensors, desc, config, extra):
    T = inputs["input_ids"].shape[1]
    info = {
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
        "prompt": prompt,
        "text_prompt": text_prompt,
        "processor_call": "processor(images=Image.open('image.png').convert('RGB'), text=prompt, return_tensors='pt')",
        "tokens": tok.convert_ids_to_tokens(inputs["input_ids"][0].tolist()),
        "text_tokens": tok.convert_ids_to_tokens(text_inputs["input_ids"][0].tolist()),
        "generated_tokens": tok.convert_ids_to_tokens(gen[0, T:].tolist()),
        "text_generated_tokens": tok.convert_ids_to_tokens(
            tensors["text_generated_ids"][0, text_inputs["input_ids"].shape[1]:].tolist()),
        "tokenizer_size": len(tok),
        "config": json.loads(config.to_json_string(use_diff=False)),
        "tensors": {k: {"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", ""),
                        "description": desc.get(k, "")} for k, v in sorted(tensors.items())},
        "notes": [
            "init: all weights re-drawn (see init_weights_ in generate.py): matrices N(0,1/fan_in), norms 1+N(0,0.1), "
            "biases N(0,0.05), token embeddings N(0,%g)." % G.EMBED_STD,
            "hidden_states from HF: [0] = embeddings with image rows, [k] = raw output of layer k-1 for k<L, "
            "[L] = final-normed output.",
        ],
    }
    info.update(extra)
    for k, v in info["tensors"].items():
        assert v["description"], "missing description for " + k
    return info


def text_run(model, text_inputs, tensors):
    with torch.no_grad():
        tout = model(**text_inputs, output_hidden_states=True)
    tensors["text_input_ids"] = G.tlong(text_inputs["input_ids"])
    tensors["text_attention_mask"] = G.tlong(text_inputs["attention_mask"])
    tensors["text_logits"] = G.t32(tout.logits)
    tensors["text_lm_final_norm"] = G.t32(tout.hidden_states[-1])
    tensors["text_generated_ids"] = G.tlong(G.run_generate(model, text_inputs)[0])


# ----------------------------------------------------------------------------------------------
# Gemma 3
# ----------------------------------------------------------------------------------------------


def gen_gemma3(out_root):
    from transformers import (Gemma3Config, Gemma3ForConditionalGeneration, Gemma3ImageProcessorPil,
                              Gemma3Processor, Gemma3TextConfig, SiglipVisionConfig)

    family = "gemma3"
    fam_dir = os.path.join(out_root, family)
    ckpt = os.path.join(fam_dir, "checkpoint")
    shutil.rmtree(fam_dir, ignore_errors=True)
    os.makedirs(ckpt)
    image = G.make_test_image(os.path.join(fam_dir, "image.png"), 83, 58)

    tok = set_gemma_token_attrs(build_gemma_tokenizer(bpe_vocab_size=420))
    n_tok = len(tok)
    vocab_size = int(math.ceil((n_tok + 3) / 32.0) * 32)
    ids = {s: tok.convert_tokens_to_ids(s) for s in
           ["<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>", "<start_of_image>",
            "<end_of_image>", "<image_soft_token>"]}

    img_size, patch, mm_tokens = 32, 8, 4
    vision_config = SiglipVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                                       image_size=img_size, patch_size=patch, hidden_act="gelu_pytorch_tanh",
                                       layer_norm_eps=1e-6, vision_use_head=False)
    text_config = Gemma3TextConfig(
        vocab_size=vocab_size, hidden_size=64, intermediate_size=48, num_hidden_layers=3, num_attention_heads=4,
        num_key_value_heads=2, head_dim=12, hidden_activation="gelu_pytorch_tanh", rms_norm_eps=1e-6,
        query_pre_attn_scalar=20, sliding_window=3,
        layer_types=["sliding_attention", "full_attention", "sliding_attention"],
        rope_parameters={"full_attention": {"rope_type": "linear", "factor": 8.0, "rope_theta": 1000000.0},
                         "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0}},
        final_logit_softcapping=5.0, attn_logit_softcapping=None, max_position_embeddings=8192,
        pad_token_id=ids["<pad>"], bos_token_id=ids["<bos>"], eos_token_id=ids["<eos>"], tie_word_embeddings=True)
    config = Gemma3Config(vision_config=vision_config, text_config=text_config, mm_tokens_per_image=mm_tokens,
                          boi_token_index=ids["<start_of_image>"], eoi_token_index=ids["<end_of_image>"],
                          image_token_index=ids["<image_soft_token>"], tie_word_embeddings=True)
    image_processor = Gemma3ImageProcessorPil(size={"height": img_size, "width": img_size}, resample=2,
                                              do_pan_and_scan=False, image_mean=[0.5, 0.5, 0.5],
                                              image_std=[0.5, 0.5, 0.5])
    processor = Gemma3Processor(image_processor=image_processor, tokenizer=tok, chat_template=GEMMA_CHAT_TEMPLATE,
                                image_seq_length=mm_tokens)

    def proc_inputs(proc):
        return proc(images=Image.open(os.path.join(fam_dir, "image.png")).convert("RGB"), text=GEMMA_PROMPT,
                    return_tensors="pt")

    inputs = proc_inputs(processor)
    text_inputs = processor(text=GEMMA_TEXT_PROMPT, return_tensors="pt")
    # the chat template renders the same ids (it writes <bos> itself and tokenizes without special tokens)
    msgs = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": QUESTION}]}]
    rendered = processor.apply_chat_template(msgs, add_generation_prompt=True, tokenize=False)
    assert rendered == "<bos>" + GEMMA_PROMPT, rendered
    chat_ids = processor(images=Image.open(os.path.join(fam_dir, "image.png")).convert("RGB"), text=rendered,
                         add_special_tokens=False, return_tensors="pt")["input_ids"]
    assert torch.equal(chat_ids, inputs["input_ids"]), (chat_ids, inputs["input_ids"])

    # Gemma scales the token embeddings by sqrt(hidden) = 8: draw them 8x smaller than the other families' so that
    # the scaled embeddings do not dominate the residual stream (a random model then just repeats its last token).
    base_init = G.init_weights_

    def gemma_init(model, seed):
        base_init(model, seed)
        with torch.no_grad():
            model.model.language_model.embed_tokens.weight.mul_(1.0 / math.sqrt(text_config.hidden_size))
            # Gemma's RMSNorms apply (1 + w): draw w around 0 (as trained Gemma weights are), not around 1
            for name, p in model.named_parameters():
                if p.dim() == 1 and name.endswith("norm.weight") and "vision_tower" not in name:
                    p.sub_(1.0)

    G.init_weights_ = gemma_init
    try:
        model, seed = G.make_model(Gemma3ForConditionalGeneration, config, 3030, inputs)
    finally:
        G.init_weights_ = base_init
    model.save_pretrained(ckpt)
    processor.save_pretrained(ckpt)
    tok.save_pretrained(ckpt)
    # google/gemma-3-*-it name the image tokens in tokenizer_config.json; Gemma3Processor needs them
    tc_path = os.path.join(ckpt, "tokenizer_config.json")
    with open(tc_path) as f:
        tc = json.load(f)
    tc["extra_special_tokens"] = {"boi_token": "<start_of_image>", "eoi_token": "<end_of_image>",
                                  "image_token": "<image_soft_token>"}
    with open(tc_path, "w") as f:
        json.dump(tc, f, indent=2, ensure_ascii=False)
        f.write("\n")

    vt = model.model.vision_tower
    lm = model.model.language_model
    rec = G.lm_capture(model, lm)
    rec.output(vt.embeddings if hasattr(vt, "embeddings") else vt.vision_model.embeddings, "vision_embeddings")
    enc = vt.encoder if hasattr(vt, "encoder") else vt.vision_model.encoder
    for i, layer in enumerate(enc.layers):
        rec.output(layer, "vision_block_%d" % i)
    rec.output(model.model.multi_modal_projector, "projector_out")
    with torch.no_grad():
        out = model(**inputs, output_attentions=True, output_hidden_states=True)
        vis = vt(inputs["pixel_values"], output_hidden_states=True)
    rec.remove()
    d = rec.data
    T = inputs["input_ids"].shape[1]
    V = out.logits.shape[-1]
    nl = text_config.num_hidden_layers
    nvl = vision_config.num_hidden_layers
    tensors = {
        "input_ids": G.tlong(inputs["input_ids"]),
        "attention_mask": G.tlong(inputs["attention_mask"]),
        "token_type_ids": G.tlong(inputs["token_type_ids"]),
        "pixel_values": G.t32(inputs["pixel_values"]),
        "vision_block_input": G.t32(d["vision_embeddings"]),
        "vision_post_layernorm": G.t32(vis.last_hidden_state),
        "projector_out": G.t32(d["projector_out"].reshape(-1, d["projector_out"].shape[-1])),
        "logits": G.t32(out.logits),
        "lm_final_norm": G.t32(out.hidden_states[-1]),
    }
    for i in range(nvl):
        tensors["vision_block_%d" % i] = G.t32(d["vision_block_%d" % i])
        assert torch.equal(tensors["vision_block_%d" % i], G.t32(vis.hidden_states[i + 1]))
    common_tensors(tensors, d, out, nl)
    img_pos = (inputs["input_ids"][0] == ids["<image_soft_token>"]).nonzero().flatten()
    assert torch.equal(tensors["lm_hidden_0"][0, img_pos], tensors["projector_out"])
    gen, gen_logits = G.run_generate(model, inputs)
    tensors["generated_ids"] = G.tlong(gen)
    tensors["generated_step_logits"] = G.t32(gen_logits)
    assert torch.allclose(gen_logits[0], out.logits[0, -1], atol=1e-5)
    text_run(model, text_inputs, tensors)

    # Without token_type_ids HF falls back to a plain causal mask: record how much the bidirectional image
    # block changes the logits (it must, or the test would not see a lost mask).
    with torch.no_grad():
        causal = model(input_ids=inputs["input_ids"], pixel_values=inputs["pixel_values"],
                       attention_mask=inputs["attention_mask"]).logits
    bidi_effect = (causal - out.logits).abs().max().item()
    assert bidi_effect > 1e-3, bidi_effect

    desc = {}
    G.describe_common(desc, nl, text_config.num_attention_heads, T, V, text_inputs["input_ids"].shape[1])
    desc["token_type_ids"] = "[1,T] int64: 1 at image soft tokens (the processor's mm_token_type_ids), else 0"
    desc["pixel_values"] = ("[1,3,%d,%d] Gemma3ImageProcessorPil: PIL bilinear resize (resample=2) of the RGB image to "
                            "%dx%d (no aspect ratio kept), x/255 (float64 -> float32), (x-0.5)/0.5" %
                            (img_size, img_size, img_size, img_size))
    desc["vision_block_input"] = ("[1,%d,Dv] SiglipVisionEmbeddings output (patch conv + position embedding), input "
                                  "of encoder layer 0; no class token" % ((img_size // patch) ** 2))
    for i in range(nvl):
        desc["vision_block_%d" % i] = "[1,%d,Dv] raw output of SigLIP encoder layer %d" % ((img_size // patch) ** 2, i)
    desc["vision_post_layernorm"] = "[1,%d,Dv] SigLIP post_layernorm(vision_block_%d): the projector's input" % (
        (img_size // patch) ** 2, nvl - 1)
    desc["projector_out"] = ("[%d,H] Gemma3MultiModalProjector output (avg-pool %dx%d -> %d tokens, mm_soft_emb_norm "
                             "(1+w), matmul mm_input_projection_weight) = the rows at the <image_soft_token> "
                             "positions" % (mm_tokens, img_size // patch, img_size // patch, mm_tokens))
    desc["lm_hidden_0"] += ("; text rows are embed_tokens * sqrt(hidden) (Gemma3TextScaledWordEmbedding), image rows "
                            "are projector_out unscaled")
    info = write_info(fam_dir, family, model, processor, tok, seed, image, GEMMA_PROMPT, GEMMA_TEXT_PROMPT, inputs,
                      text_inputs, gen, tensors, desc, config, {
                          "special_token_ids": ids,
                          "vocab_size": vocab_size,
                          "num_image_tokens": int(img_pos.numel()),
                          "image_token_positions": img_pos.tolist(),
                          "max_abs_logit_change_without_bidirectional_image_mask": bidi_effect,
                          "chat_template_rendering": rendered,
                      })
    full = processor.full_image_sequence
    info["expanded_prompt"] = G.check_rust_tokenizer(ckpt, processor, GEMMA_PROMPT, "<start_of_image>", 1,
                                                     inputs["input_ids"]) if False else GEMMA_PROMPT.replace(
        "<start_of_image>", full)
    rt = Tokenizer.from_file(os.path.join(ckpt, "tokenizer.json"))
    assert rt.encode(info["expanded_prompt"], add_special_tokens=True).ids == inputs["input_ids"][0].tolist()
    assert rt.encode(GEMMA_TEXT_PROMPT, add_special_tokens=True).ids == text_inputs["input_ids"][0].tolist()
    info["expanded_prompt_note"] = ("<start_of_image> replaced by the processor's full_image_sequence "
                                    "'\\n\\n<start_of_image>' + %d x '<image_soft_token>' + '<end_of_image>\\n\\n'; "
                                    "tokenizer.json encodes it (BOS added) to input_ids" % mm_tokens)

    def check(ckpt_dir, ref):
        write_gemma_v4(ckpt_dir)
        check_v4(ckpt_dir, ref, Gemma3ForConditionalGeneration, Gemma3Processor, proc_inputs, "config.v4.json",
                 extra=dict(token_type_ids=None))

    G.finalize_fixture(fam_dir, family, Gemma3ForConditionalGeneration, Gemma3Processor, tensors, info, proc_inputs,
                       check_fn=check)
    return fam_dir


def write_gemma_v4(ckpt):
    """config.v4.json: the settings in the transformers-4 form google/gemma-3-*-it use (rope_theta,
    rope_local_base_freq, rope_scaling for the global layers, sliding_window_pattern, sizes at their defaults
    omitted where they equal the class default)."""
    with open(os.path.join(ckpt, "config.json")) as f:
        c = json.load(f)
    tc = c["text_config"]
    rp = tc["rope_parameters"]
    full = dict(rp["full_attention"])
    lt = tc["layer_types"]
    # layer_types sliding, full, sliding = pattern 2 for 2 layers + a third sliding one; pattern keeps only
    # periodic layouts, so write layer_types (transformers 4.5x configs accept both) and the old rope keys.
    v4t = {k: tc[k] for k in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                              "num_attention_heads", "num_key_value_heads", "head_dim", "hidden_activation",
                              "rms_norm_eps", "query_pre_attn_scalar", "sliding_window", "final_logit_softcapping",
                              "attn_logit_softcapping", "max_position_embeddings", "pad_token_id", "bos_token_id",
                              "eos_token_id")}
    v4t["model_type"] = "gemma3_text"
    v4t["layer_types"] = lt
    v4t["rope_theta"] = full["rope_theta"]
    v4t["rope_local_base_freq"] = rp["sliding_attention"]["rope_theta"]
    v4t["rope_scaling"] = {"factor": full["factor"], "rope_type": full["rope_type"]}
    vc = {k: c["vision_config"][k] for k in ("hidden_size", "image_size", "intermediate_size", "num_attention_heads",
                                             "num_hidden_layers", "patch_size", "vision_use_head", "layer_norm_eps",
                                             "hidden_act")}
    vc["model_type"] = "siglip_vision_model"
    v4 = {"architectures": ["Gemma3ForConditionalGeneration"], "model_type": "gemma3",
          "boi_token_index": c["boi_token_index"], "eoi_token_index": c["eoi_token_index"],
          "image_token_index": c["image_token_index"], "mm_tokens_per_image": c["mm_tokens_per_image"],
          "initializer_range": 0.02, "text_config": v4t, "vision_config": vc, "torch_dtype": "float32",
          "transformers_version": "4.50.0.dev0"}
    with open(os.path.join(ckpt, "config.v4.json"), "w") as f:
        json.dump(v4, f, indent=2)
        f.write("\n")


def check_v4(ckpt, ref, Model, Proc, proc_inputs, name, extra=None):
    with tempfile.TemporaryDirectory() as tmp:
        for fn in os.listdir(ckpt):
            if fn not in ("config.json", name):
                shutil.copy(os.path.join(ckpt, fn), os.path.join(tmp, fn))
        shutil.copy(os.path.join(ckpt, name), os.path.join(tmp, "config.json"))
        m = Model.from_pretrained(tmp, attn_implementation="eager", dtype=torch.float32).eval()
        inputs = proc_inputs(Proc.from_pretrained(ckpt))
        with torch.no_grad():
            out = m(**inputs)
        same = torch.equal(out.logits, ref["logits"])
        print("[%s] %s load check: logits bit-exact=%s" % (os.path.basename(os.path.dirname(ckpt)), name, same))
        assert same


# ----------------------------------------------------------------------------------------------
# LLaVA-OneVision
# ----------------------------------------------------------------------------------------------


def make_video_frames(w, h, n):
    """n RGB frames: a red square moving left to right over a gradient, a blue disc moving down."""
    frames = []
    for t in range(n):
        y, x = np.mgrid[0:h, 0:w].astype(np.float64)
        arr = np.stack([255.0 * x / (w - 1), 255.0 * y / (h - 1), np.full_like(x, 60.0 + 40 * t)], -1)
        img = Image.fromarray(arr.round().clip(0, 255).astype(np.uint8), "RGB")
        d = ImageDraw.Draw(img)
        cx = 3 + t * (w - 14) // max(1, n - 1)
        d.rectangle([cx, 4, cx + 9, 13], fill=(230, 20, 30))
        cy = 2 + t * (h - 12) // max(1, n - 1)
        d.ellipse([w - 14, cy, w - 4, cy + 10], fill=(20, 30, 220))
        frames.append(img)
    return frames


def gen_onevision(out_root):
    from tokenizers import AddedToken
    from transformers import (LlavaOnevisionConfig, LlavaOnevisionForConditionalGeneration,
                              LlavaOnevisionImageProcessorPil, LlavaOnevisionProcessor, SiglipVisionConfig)

    G.images_only(LlavaOnevisionProcessor)
    family = "llava_onevision"
    fam_dir = os.path.join(out_root, family)
    ckpt = os.path.join(fam_dir, "checkpoint")
    shutil.rmtree(fam_dir, ignore_errors=True)
    os.makedirs(ckpt)
    image = G.make_test_image(os.path.join(fam_dir, "image.png"), 97, 45)
    n_frames = 4
    frames = make_video_frames(40, 30, n_frames)
    os.makedirs(os.path.join(fam_dir, "video"))
    for i, f in enumerate(frames):
        f.save(os.path.join(fam_dir, "video", "frame_%d.png" % i), format="PNG", optimize=False)
    frames = [Image.open(os.path.join(fam_dir, "video", "frame_%d.png" % i)).convert("RGB") for i in range(n_frames)]

    tok = G.build_qwen_tokenizer(bpe_vocab_size=330)
    tok.add_tokens([AddedToken("<image>", special=True, normalized=False)], special_tokens=True)
    tok.add_tokens([AddedToken("<video>", special=True, normalized=False)], special_tokens=True)
    tok.chat_template = OV_CHAT_TEMPLATE
    n_tok = len(tok)
    vocab_size = int(math.ceil((n_tok + 1) / 32.0) * 32)
    ids = {s: tok.convert_tokens_to_ids(s) for s in
           ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<image>", "<video>"]}

    tile, patch = 16, 4
    pinpoints = [[16, 16], [16, 32], [32, 16], [32, 32], [16, 48], [32, 48]]
    vision_config = SiglipVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                                       image_size=tile, patch_size=patch, hidden_act="gelu_pytorch_tanh",
                                       layer_norm_eps=1e-6, vision_use_head=False)
    text_config = dict(model_type="qwen2", vocab_size=vocab_size, hidden_size=64, intermediate_size=48,
                       num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, hidden_act="silu",
                       max_position_embeddings=32768, rms_norm_eps=1e-6, use_sliding_window=False,
                       rope_parameters={"rope_type": "default", "rope_theta": 1000000.0},
                       bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|im_end|>"],
                       pad_token_id=ids["<|endoftext|>"], tie_word_embeddings=True)
    config = LlavaOnevisionConfig(vision_config=vision_config, text_config=text_config,
                                  image_token_index=ids["<image>"], video_token_index=ids["<video>"],
                                  projector_hidden_act="gelu", vision_feature_select_strategy="full",
                                  vision_feature_layer=-1, vision_aspect_ratio="anyres_max_1",
                                  image_grid_pinpoints=pinpoints, multimodal_projector_bias=True,
                                  tie_word_embeddings=True)  # as llava-onevision-qwen2-0.5b-ov-hf
    image_processor = LlavaOnevisionImageProcessorPil(size={"height": tile, "width": tile},
                                                      image_grid_pinpoints=pinpoints, resample=3, do_pad=True)
    processor = LlavaOnevisionProcessor(image_processor=image_processor, tokenizer=tok,
                                        num_image_tokens=(tile // patch) ** 2, vision_feature_select_strategy="full",
                                        chat_template=OV_CHAT_TEMPLATE, vision_aspect_ratio="anyres_max_1")

    def proc_inputs(proc):
        return proc(images=Image.open(os.path.join(fam_dir, "image.png")).convert("RGB"), text=OV_PROMPT,
                    return_tensors="pt")

    inputs = proc_inputs(processor)
    text_inputs = processor(text=OV_TEXT_PROMPT, return_tensors="pt")
    msgs = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": QUESTION}]}]
    rendered = processor.apply_chat_template(msgs, add_generation_prompt=True, tokenize=False)
    assert rendered == OV_PROMPT, rendered

    model, seed = G.make_model(LlavaOnevisionForConditionalGeneration, config, 4040, inputs)
    model.save_pretrained(ckpt)
    processor.save_pretrained(ckpt)
    tok.save_pretrained(ckpt)

    vt = model.model.vision_tower
    lm = model.model.language_model
    enc = vt.encoder if hasattr(vt, "encoder") else vt.vision_model.encoder
    emb = vt.embeddings if hasattr(vt, "embeddings") else vt.vision_model.embeddings
    rec = G.lm_capture(model, lm)
    rec.output(emb, "vision_embeddings")
    for i, layer in enumerate(enc.layers):
        rec.output(layer, "vision_block_%d" % i)
    rec.output(model.model.multi_modal_projector, "projector_module_out")
    with torch.no_grad():
        out = model(**inputs, output_attentions=True, output_hidden_states=True)
        feats = model.model.get_image_features(pixel_values=inputs["pixel_values"], image_sizes=inputs["image_sizes"],
                                               batch_num_images=inputs.get("batch_num_images"), return_dict=True)
    rec.remove()
    d = rec.data
    T = inputs["input_ids"].shape[1]
    V = out.logits.shape[-1]
    nl = config.text_config.num_hidden_layers
    nvl = vision_config.num_hidden_layers
    packed = torch.cat(list(feats.pooler_output), 0)
    tensors = {
        "input_ids": G.tlong(inputs["input_ids"]),
        "attention_mask": G.tlong(inputs["attention_mask"]),
        "pixel_values": G.t32(inputs["pixel_values"]),
        "image_sizes": G.tlong(inputs["image_sizes"]),
        "vision_block_input": G.t32(d["vision_embeddings"]),
        "projector_linear_out": G.t32(d["projector_module_out"]),
        "projector_out": G.t32(packed),
        "image_newline": G.t32(model.model.image_newline),
        "logits": G.t32(out.logits),
        "lm_final_norm": G.t32(out.hidden_states[-1]),
    }
    for i in range(nvl):
        tensors["vision_block_%d" % i] = G.t32(d["vision_block_%d" % i])
    common_tensors(tensors, d, out, nl)
    img_pos = (inputs["input_ids"][0] == ids["<image>"]).nonzero().flatten()
    assert torch.equal(tensors["lm_hidden_0"][0, img_pos], tensors["projector_out"])
    gen, gen_logits = G.run_generate(model, inputs)
    tensors["generated_ids"] = G.tlong(gen)
    tensors["generated_step_logits"] = G.t32(gen_logits)
    assert torch.allclose(gen_logits[0], out.logits[0, -1], atol=1e-5)
    text_run(model, text_inputs, tensors)

    # ---- video: 4 frames through the model's video path. The video processor needs torchvision (not importable
    # here); the frames are processed as LlavaOnevisionVideoProcessor does with its defaults (RGB, resize to
    # size x size with bicubic, x/255, OpenAI CLIP mean/std) but by the image processor's PIL path, the path
    # vlmlens reproduces. The <video> token is expanded as the processor's replace_video_token does.
    vpx = [image_processor(images=f, return_tensors="pt")["pixel_values"][0, 0] for f in frames]
    # (the anyres image path's first tile is the plain size x size resize: exactly the video frame processing)
    pixel_values_videos = torch.stack(vpx, 0)[None]
    side = tile // patch
    pooled = math.ceil(side / 2)
    n_video_tokens = n_frames * pooled * pooled + 1
    video_text = OV_VIDEO_PROMPT.replace("<video>", "<video>" * n_video_tokens)
    video_ids = tok(video_text, return_tensors="pt")
    vrec = G.lm_capture(model, lm)
    for i, layer in enumerate(enc.layers):
        vrec.output(layer, "video_vision_block_%d" % i)
    vrec.input(enc.layers[0], "video_vision_block_input")
    with torch.no_grad():
        vout = model(input_ids=video_ids["input_ids"], attention_mask=video_ids["attention_mask"],
                     pixel_values_videos=pixel_values_videos, output_hidden_states=True)
        vfeats = model.model.get_video_features(pixel_values_videos=pixel_values_videos, return_dict=True)
    vrec.remove()
    vd = vrec.data
    tensors["video_input_ids"] = G.tlong(video_ids["input_ids"])
    tensors["pixel_values_videos"] = G.t32(pixel_values_videos)
    tensors["video_vision_block_input"] = G.t32(vd["video_vision_block_input"])
    for i in range(nvl):
        tensors["video_vision_block_%d" % i] = G.t32(vd["video_vision_block_%d" % i])
    tensors["video_projector_out"] = G.t32(vfeats.pooler_output.reshape(-1, vfeats.pooler_output.shape[-1]))
    for i in range(nl + 1):
        tensors["video_lm_hidden_%d" % i] = G.t32(vd["lm_hidden_%d" % i])
    tensors["video_logits"] = G.t32(vout.logits)
    vpos = (video_ids["input_ids"][0] == ids["<video>"]).nonzero().flatten()
    assert torch.equal(tensors["video_lm_hidden_0"][0, vpos], tensors["video_projector_out"])

    desc = {}
    G.describe_common(desc, nl, config.text_config.num_attention_heads, T, V, text_inputs["input_ids"].shape[1])
    desc["pixel_values"] = ("[1,tiles,3,%d,%d] LlavaOnevisionImageProcessorPil: tile 0 = the whole image resized "
                            "(PIL bicubic) to %dx%d; then the image resized keeping its aspect ratio into the best "
                            "pinpoint (select_best_resolution), zero-padded centred, cut into %dx%d tiles row-major" %
                            (tile, tile, tile, tile, tile, tile))
    desc["image_sizes"] = "[1,2] original (height, width)"
    desc["vision_block_input"] = "[tiles,%d,Dv] SigLIP embeddings of every tile (no class token)" % (side * side)
    for i in range(nvl):
        desc["vision_block_%d" % i] = "[tiles,%d,Dv] raw output of SigLIP encoder layer %d, every tile" % (
            side * side, i)
    desc["projector_linear_out"] = ("[tiles,%d,H] multi_modal_projector output per tile (its input is the last "
                                    "encoder layer's raw output, vision_feature_layer=-1, strategy full, before "
                                    "post_layernorm)" % (side * side))
    desc["projector_out"] = ("[N,H] pack_image_features output = the rows at the <image> positions, in order: the "
                             "base tile's %d rows, then the tiles' grid unpadded to the image's aspect ratio, "
                             "shrunk bilinearly past anyres_max_1, row-major with image_newline after each row" %
                             (side * side))
    desc["image_newline"] = "[H] the image_newline parameter"
    desc["video_input_ids"] = "[1,Tv] the video prompt with <video> expanded to frames*ceil(side/2)^2+1 = %d" % (
        n_video_tokens)
    desc["pixel_values_videos"] = ("[1,%d,3,%d,%d] frames resized (PIL bicubic) to %dx%d, x/255, CLIP mean/std "
                                   "(the image processor's PIL path; the torchvision video processor differs by at "
                                   "most one 8-bit level)" % (n_frames, tile, tile, tile, tile))
    desc["video_vision_block_input"] = "[frames,%d,Dv] SigLIP embeddings per frame" % (side * side)
    for i in range(nvl):
        desc["video_vision_block_%d" % i] = "[frames,%d,Dv] raw output of SigLIP layer %d per frame" % (side * side, i)
    desc["video_projector_out"] = ("[%d,H] get_video_features: projector per frame, 2x2 bilinear pooling "
                                   "(interpolate to ceil(side/2)), frames concatenated, one image_newline row at the "
                                   "end = the rows at the <video> positions" % n_video_tokens)
    for i in range(nl + 1):
        desc["video_lm_hidden_%d" % i] = "[1,Tv,H] as lm_hidden_%d for the video prompt" % i
    desc["video_logits"] = "[1,Tv,V] logits of the video prompt"
    info = write_info(fam_dir, family, model, processor, tok, seed, image, OV_PROMPT, OV_TEXT_PROMPT, inputs,
                      text_inputs, gen, tensors, desc, config, {
                          "special_token_ids": ids,
                          "vocab_size": vocab_size,
                          "num_image_tokens": int(img_pos.numel()),
                          "image_token_positions": img_pos.tolist(),
                          "video_prompt": OV_VIDEO_PROMPT,
                          "video_frames": ["video/frame_%d.png" % i for i in range(n_frames)],
                          "num_video_tokens": n_video_tokens,
                      })
    info["expanded_prompt"] = G.check_rust_tokenizer(ckpt, processor, OV_PROMPT, "<image>", int(img_pos.numel()),
                                                     inputs["input_ids"])
    G.check_rust_tokenizer(ckpt, processor, OV_TEXT_PROMPT, "<image>", 0, text_inputs["input_ids"])
    G.check_rust_tokenizer(ckpt, processor, OV_VIDEO_PROMPT, "<video>", n_video_tokens, video_ids["input_ids"])
    G.finalize_fixture(fam_dir, family, LlavaOnevisionForConditionalGeneration, LlavaOnevisionProcessor, tensors,
                       info, proc_inputs)
    return fam_dir


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=G.DEFAULT_OUT)
    ap.add_argument("--family", action="append", choices=["gemma3", "llava_onevision"])
    args = ap.parse_args()
    fams = args.family or ["gemma3", "llava_onevision"]
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    for fam in fams:
        d = gen_gemma3(args.out) if fam == "gemma3" else gen_onevision(args.out)
        total = G.dir_size(d)
        print("[%s] %s: %d bytes" % (fam, d, total))
        for root, _, files in sorted(os.walk(d)):
            for fn in sorted(files):
                p = os.path.join(root, fn)
                print("    %8d  %s" % (os.path.getsize(p), os.path.relpath(p, d)))
        assert total < 1_000_000, "%s is over 1 MB" % fam


if __name__ == "__main__":
    main()
