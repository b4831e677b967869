"""SwiGLU gated MLP y = (silu(x Wg^T) * (x Wu^T)) Wd^T; AVX-512 dot products with masked tails and
_mm512_reduce_add_ps in a static inline helper, scalar silu with expf, std::vector hidden row."""
import numpy as np

ORIGIN = "hand-written: AVX-512 intrinsics (fmadd, maskz_loadu, reduce_add), static inline helpers, expf, std::vector scratch"
ENTRY = "swiglu_mlp"
PARAMS = ["y", "x", "w_gate", "w_up", "w_down", "tokens", "d_model", "ffn"]
OUTPUTS = ["y"]
FAMILY = "gated_mlp"
CASES = [dict(tokens=13, d_model=100, ffn=200), dict(tokens=4, d_model=256, ffn=688)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, tokens=13, d_model=100, ffn=200) -> dict:
    return {
        "y": np.zeros((tokens, d_model), np.float32),
        "x": rng.standard_normal((tokens, d_model)).astype(np.float32),
        "w_gate": (rng.standard_normal((ffn, d_model)) / np.sqrt(d_model)).astype(np.float32),
        "w_up": (rng.standard_normal((ffn, d_model)) / np.sqrt(d_model)).astype(np.float32),
        "w_down": (rng.standard_normal((d_model, ffn)) / np.sqrt(ffn)).astype(np.float32),
        "tokens": np.int32(tokens), "d_model": np.int32(d_model), "ffn": np.int32(ffn),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    g = x @ inputs["w_gate"].astype(np.float64).T
    u = x @ inputs["w_up"].astype(np.float64).T
    h = g / (1.0 + np.exp(-g)) * u
    return {"y": (h @ inputs["w_down"].astype(np.float64).T).astype(np.float32)}
