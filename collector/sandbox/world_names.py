"""Fictional names for sandbox orgs, users, model series and derived repos."""

import functools

import numpy as np
import pandas as pd

_ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "kr", "st", "th", "tr", "gl"]
_VOWELS = ["a", "e", "i", "o", "u", "ae", "io"]
_ORG_SUFFIXES = ["AI", "Labs", "Research", "ML", "Systems", "Collective", "Works"]
FIXTURE_ORGS = ["test-org", "ci-internal-testing", "tiny-models-testing", "hub-ci-fixtures"]
_FIXTURE_ARCHS = ["Llama", "Mistral", "Bert", "T5", "Gpt2", "Qwen2", "Phi", "Gemma", "Whisper", "Vit"]
_FINETUNE_SUFFIXES = ["Instruct", "Chat", "sft", "dpo", "Coder", "Med", "Law", "Roleplay", "Uncensored", "RP-v2",
                      "Math", "orpo", "it", "Reasoning", "ft-v1", "Finance", "German", "Japanese"]
_QUANT_SUFFIXES = ["GGUF", "GGUF", "GGUF", "AWQ", "GPTQ", "MLX-4bit", "bnb-4bit", "exl2"]
_ADAPTER_SUFFIXES = ["lora", "LoRA-r16", "qlora", "adapter", "peft-lora"]
_MERGE_SUFFIXES = ["Merge", "SLERP", "TIES", "DARE", "passthrough", "MoE-merge"]
_ODD_NAMES = ["Café-Lumière", "Ōkami-Shiro", "Zürich-Tal", "Ñandú-Chat", "Smørrebrød", "Ünïcode-Tëst"]


@functools.cache
def _vocabulary(n_syllables: int, capital: bool) -> np.ndarray:
    """Every word of n syllables (onset + vowel each), sorted."""
    words = [""]
    for _ in range(n_syllables):
        words = [w + o + v for w in words for o in _ONSETS for v in _VOWELS]
    return np.array([w.capitalize() if capital else w for w in words], dtype=object)


def syllable_words(rng: np.random.Generator, n: int, n_syllables: int = 2, capital: bool = True) -> np.ndarray:
    """n pronounceable fictional words."""
    vocabulary = _vocabulary(n_syllables, capital)
    return vocabulary[rng.integers(0, len(vocabulary), n)]


def org_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Org names such as 'Taebrio-Labs'."""
    words = syllable_words(rng, n, 2)
    suffixes = np.array(_ORG_SUFFIXES, dtype=object)[rng.integers(0, len(_ORG_SUFFIXES), n)]
    return words + "-" + suffixes


def user_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Individual uploader handles such as 'kora-mit42'."""
    a = syllable_words(rng, n, 2, capital=False)
    b = syllable_words(rng, n, 1, capital=False)
    digits = rng.integers(0, 100, n).astype(str).astype(object)
    return a + "-" + b + np.where(rng.random(n) < 0.4, digits, "")


def size_label(params: np.ndarray) -> np.ndarray:
    """'7B', '0.5B', '350M' style labels; '' for unknown sizes."""
    b = np.asarray(params, dtype=np.float64) / 1e9
    key = np.where(b >= 10, np.round(b), np.where(b >= 1, np.round(b, 1), -np.round(b * 1e3)))
    unique, inverse = np.unique(key, return_inverse=True)
    labels = np.array(["" if k == 0 else f"{-k:.0f}M" if k < 0 else f"{k:.0f}B" if k == int(k) else f"{k:.1f}B"
                       for k in unique], dtype=object)
    return labels[inverse.reshape(-1)]


def pick(rng: np.random.Generator, choices: list[str], n: int) -> np.ndarray:
    """n random picks from choices, as an object array."""
    return np.array(choices, dtype=object)[rng.integers(0, len(choices), n)]


def fixture_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Test-fixture repo names: 'tiny-random-LlamaForCausalLM', 'dummy-bert-ci' and the like."""
    arch = pick(rng, _FIXTURE_ARCHS, n)
    style = rng.integers(0, 3, n)
    return np.where(style == 0, "tiny-random-" + arch + "ForCausalLM",
                    np.where(style == 1, "tiny-" + arch.astype(str).astype(object) + "-testing",
                             "dummy-" + arch + "-ci"))


def derived_suffix(rng: np.random.Generator, relation: np.ndarray) -> np.ndarray:
    """Name suffix for derived repos by relation."""
    n = len(relation)
    out = pick(rng, _FINETUNE_SUFFIXES, n)
    for rel, choices in (("quantized", _QUANT_SUFFIXES), ("adapter", _ADAPTER_SUFFIXES), ("merge", _MERGE_SUFFIXES)):
        mask = relation == rel
        out[mask] = pick(rng, choices, int(mask.sum()))
    return out


def odd_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Names with unicode letters or very long names, for round-trip tests."""
    out = pick(rng, _ODD_NAMES, n)
    long = np.arange(n) % 3 == 2
    out[long] = [f"Extremely-Long-Experimental-Model-Name-For-Testing-Path-Handling-v{i}-Distilled-Preview.2"
                 for i in range(int(long.sum()))]
    return out


def reuploaded(rng: np.random.Generator, names: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """A re-upload's name: half keep the source's; the rest are lower-cased, re-punctuated, carry a word that says
    what they are, or the source's owner in front (`owner_-_name`): all seen on the real Hub."""
    out = names.astype(object).copy()
    how = rng.choice(5, len(names), p=[0.5, 0.15, 0.15, 0.1, 0.1])
    word = pick(rng, ["-mirror", "_copy", "-backup", "-reupload"], len(names))
    for i in range(len(names)):
        name = names[i]
        out[i] = [name, name.lower(), name.replace("-", "_").replace(".", ""), name + word[i],
                  f"{owners[i]}_-_{name}"][how[i]]
    return out


def make_unique(ids: pd.Series) -> pd.Series:
    """Append -v2, -v3 ... to repeated ids (case-insensitively, as on the Hub)."""
    ids = ids.reset_index(drop=True)
    for _ in range(5):
        codes = pd.factorize(ids.str.lower())[0]
        order = np.argsort(codes, kind="stable")
        first = np.r_[True, codes[order][1:] != codes[order][:-1]]
        rank = np.empty(len(ids), dtype=np.int64)
        rank[order] = np.arange(len(ids)) - np.maximum.accumulate(np.where(first, np.arange(len(ids)), 0))
        dup = np.flatnonzero(rank > 0)
        if not len(dup):
            return ids
        ids[dup] = ids[dup] + "-v" + pd.Series(rank[dup] + 1, index=dup).astype(str)
    return ids
