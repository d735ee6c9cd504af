"""Render the numbers of papers/answers/residual_rnn.md from the saved figure data.

Reads ``figures/answers/residual_{jacobians,memory,scan}.npz`` (written by the
``fig_residual_*.py`` scripts of this folder) and rewrites every block of the page between
``<!-- BEGIN rendered:NAME -->`` and ``<!-- END rendered:NAME -->``. Nothing here computes a
result; run the figure scripts first::

    .venv/bin/python papers/answers/fig_residual_jacobians.py   # (make figures runs all three)
    .venv/bin/python papers/answers/render_residual.py          # rewrite the page
    .venv/bin/python papers/answers/render_residual.py --check  # exit 1 if the page is stale

``--root DIR`` reads ``DIR/figures/answers`` instead of the checkout's (the sync test renders from
a fresh run in a temporary folder).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

from linrec.io import load_arrays

HERE = Path(__file__).resolve().parent
PAGE = HERE / "residual_rnn.md"
REPO = HERE.parent.parent
ID = "answers"
SCAN_BLOCK = "scan"          # the only block whose numbers are timings (machine-dependent)


def fmt(x: float, digits: int = 2) -> str:
    """A number with ``digits`` significant digits, scientific outside [1e-2, 1e4)."""
    x = float(x)
    if x != 0 and (abs(x) < 1e-2 or abs(x) >= 1e4):
        return f"{x:.{digits - 1}e}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")
    out = f"{x:.{digits}g}"
    return out if "e" not in out else f"{x:.0f}"


def _load(root: Path, name: str):
    return load_arrays(root / "figures" / ID / f"{name}.npz")


def jacobians(root: Path) -> str:
    """Eigenvalue prediction vs measured product, per ensemble."""
    arrays, meta = _load(root, "residual_jacobians")
    T = meta["T"]
    lines = [f"N = {meta['N']}, T = {T}, {meta['n_W']} draws of W per ensemble, inputs of scale "
             f"{fmt(meta['x_scale'])}, so D_t = I up to max |1 − tanh'| = "
             f"{fmt(max(arrays['plain/max_1_minus_D'].max(), arrays['contractive/max_1_minus_D'].max()))}:", "",
             "| ensemble | ρ(I + W) (min – max) | growth rate log‖∏J‖/T (median) | log ρ(I + W) (median) "
             "| W with 0 ≤ log‖∏J‖ − T log ρ ≤ log cond(V) |", "|---|---|---|---|---|"]
    for name, label in (("plain", "plain, W = G"), ("contractive", f"contractive, W = G − {meta['shift']:g} I")):
        lr = arrays[f"{name}/log_rho"]
        lp = arrays[f"{name}/log_norms"][:, -1]
        d = lp - T * lr
        ok = int(np.sum((d >= 0) & (d <= np.log(arrays[f"{name}/cond_V"]))))
        rho = np.exp(lr)
        lines.append(f"| {label} | {fmt(rho.min(), 3)} – {fmt(rho.max(), 3)} | {fmt(np.median(lp) / T, 3)} "
                     f"| {fmt(np.median(lr), 3)} | {ok} of {len(lr)} |")
    return "\n".join(lines)


def memory(root: Path) -> str:
    """The lambda -> 1 divergence, the normalized/reparameterized fix and the lambda = 1 path."""
    a, _ = _load(root, "residual_memory")
    g = a["gaps"]
    i = int(np.argmin(g))
    Ts, one = a["Ts"], a["at_one"]
    return (f"At gap 1 − λ = {fmt(g[i])}: E[(∂h/∂λ)²] = {fmt(a['raw'][i])} (gap³ × it = "
            f"{fmt(g[i] ** 3 * a['raw'][i], 4)}, the 1/4 of the closed form); with the normalization "
            f"γ = √(1 − λ²) it is still {fmt(a['normed'][i])} (∝ gap⁻²); with normalization and "
            f"λ = exp(−exp(ω)) the sensitivity to ω is {fmt(a['omega'][i], 4)} (→ 1/2). At λ = 1 exactly "
            f"(the linear residual path) there is no stationary value: E[(∂h_T/∂λ)²] = {fmt(one[0])} at "
            f"T = {Ts[0]} and {fmt(one[-1])} at T = {Ts[-1]} (T³/3 = {fmt(Ts[-1] ** 3 / 3)}).")


def unitary(root: Path) -> str:
    """Norm preservation vs angle sensitivity."""
    a, meta = _load(root, "residual_memory")
    n = a["unitary_norms"]
    Ts, s = a["Ts"], a["theta_sens"]
    return (f"Q Haar unitary (N = {meta['N']}): max over n ≤ {len(n) - 1} of |‖Qⁿx‖/‖x‖ − 1| = "
            f"{fmt(np.max(np.abs(n - 1)))} (rounding). The angle sensitivity at |λ| = 1, θ = {meta['theta']:g}: "
            f"E[(∂Re h_T/∂θ)²] = {fmt(s[0])} at T = {Ts[0]}, {fmt(s[-1])} at T = {Ts[-1]} "
            f"(T³/6 = {fmt(Ts[-1] ** 3 / 6)}).")


def scan(root: Path) -> str:
    """Measured scan times (this machine, when the figure was made)."""
    a, meta = _load(root, "residual_scan")
    Ts = a["Ts"]
    rows = ["| T | sequential [ms] | chunked [ms] | tree [ms] | sequential / chunked |", "|---|---|---|---|---|"]
    for i, T in enumerate(Ts):
        s, c, t = (a[f"time/{m}"][i] * 1e3 for m in ("sequential", "chunked", "tree"))
        rows.append(f"| {T} | {fmt(s)} | {fmt(c)} | {fmt(t)} | {fmt(s / c)} |")
    return (f"Width {meta['d']}, best of {meta['repeats']} runs, measured when the figure was made "
            f"(largest deviation from the loop over all T: {fmt(np.max(a['max_dev']))}):\n\n" + "\n".join(rows))


def blocks(root: Path = REPO) -> dict[str, str]:
    """Every rendered block of the page, from the data under ``root/figures/answers``."""
    return {"jacobians": jacobians(root), "memory": memory(root), "unitary": unitary(root), SCAN_BLOCK: scan(root)}


def render(text: str, new: dict[str, str]) -> str:
    """Replace each ``rendered:NAME`` block of ``text`` by ``new[NAME]``."""
    for name, body in new.items():
        pat = re.compile(rf"(<!-- BEGIN rendered:{name} -->\n).*?(<!-- END rendered:{name} -->)", re.S)
        if not pat.search(text):
            raise ValueError(f"page has no block rendered:{name}")
        text = pat.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main(check: bool = False, root: Path = REPO) -> int:
    text = PAGE.read_text(encoding="utf-8")
    new = render(text, blocks(root))
    if check:
        return int(new != text)
    PAGE.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the page differs from the rendering")
    ap.add_argument("--root", type=Path, default=REPO, help="folder holding figures/answers (default: the checkout)")
    args = ap.parse_args()
    sys.exit(main(args.check, args.root))
