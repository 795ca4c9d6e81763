"""Fictional names for sandbox orgs, users, model series and derived repos."""

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


def syllable_words(rng: np.random.Generator, n: int, n_syllables: int = 2, capital: bool = True) -> np.ndarray:
    """n pronounceable fictional words."""
    parts = [np.array(_ONSETS)[rng.integers(0, len(_ONSETS), n)].astype(object)
             + np.array(_VOWELS)[rng.integers(0, len(_VOWELS), n)].astype(object)
             for _ in range(n_syllables)]
    words = parts[0]
    for p in parts[1:]:
        words = words + p
    return np.array([w.capitalize() for w in words], dtype=object) if capital else words


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
    out = np.full(len(params), "", dtype=object)
    b = params / 1e9
    big = b >= 1
    out[big] = [f"{x:.0f}B" if x >= 10 or x == int(x) else f"{x:.1f}B" for x in b[big]]
    small = (params > 0) & ~big
    out[small] = [f"{x / 1e6:.0f}M" for x in params[small]]
    return out


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


def make_unique(ids: pd.Series) -> pd.Series:
    """Append -v2, -v3 ... to repeated ids (case-insensitively, as on the Hub)."""
    ids = ids.copy()
    for _ in range(5):
        dup = ids.str.lower().groupby(ids.str.lower()).cumcount()
        if not (dup > 0).any():
            return ids
        ids[dup > 0] = ids[dup > 0] + "-v" + (dup[dup > 0] + 1).astype(str)
    return ids
