"""Gated MLP (SwiGLU): (silu(x Wg^T) * (x Wu^T)) Wd^T for 24 tokens, d_model 128, d_ff 256, PyTorch weight layouts; three __bang_matmul with reshaped WRAM weights, silu via active_exp/add_scalar/div; Union1, 6 tokens per coreId."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, coreId-only split (Union1, 4 tasks), __mlu_func__ weight loader, __bang_reshape_filter/__bang_matmul x3, __bang_active_exp/__bang_div"
ENTRY = "gated_mlp_silu"
PARAMS = ["x", "w_gate", "w_up", "w_down", "out"]
OUTPUTS = ["out"]
FAMILY = "gated_mlp"
CASES = [{}]
TOLERANCE = {"rtol": 1e-3, "atol": 1e-4}   # active_exp is approximate
LAUNCH = {"union": 1, "tasks": 4}

T, DM, DFF = 24, 128, 256


def make_inputs(rng: np.random.Generator) -> dict:
    return {"x": rng.standard_normal((T, DM)).astype(np.float32),
            "w_gate": (rng.standard_normal((DFF, DM)) * 0.1).astype(np.float32),
            "w_up": (rng.standard_normal((DFF, DM)) * 0.1).astype(np.float32),
            "w_down": (rng.standard_normal((DM, DFF)) * 0.07).astype(np.float32),
            "out": np.zeros((T, DM), np.float32)}


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    g = x @ inputs["w_gate"].astype(np.float64).T
    u = x @ inputs["w_up"].astype(np.float64).T
    h = g / (1.0 + np.exp(-g)) * u
    return {"out": (h @ inputs["w_down"].astype(np.float64).T).astype(np.float32)}
