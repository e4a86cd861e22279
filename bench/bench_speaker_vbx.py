"""Issue 30 round 13: VBx-style resegmentation of the engine's prints, beside the engine as it is.

    python bench/bench_speaker_vbx.py --work DIR [--unseen DIR] [--held]

The recordings are bench_speakers.py's (``material``; DIR as there, its meetings reused). For each, the
engine's chunks and CAM++ prints (``voices._segment_and_print``: segmentation-3.0, CAM++ int8) are taken
once; then the engine's own steps (``voices._speakers_of``: clustering, ties to the chunks' local speakers,
cannot-link, reconstruction, small-speaker rule) run with ``voices.cluster`` as it is ("engine") or with
the clustering followed by VBx ("vbx ..."), auto count only (a count asked for is left to the engine).

VBx (Landini, Profant, Diez, Burget: "Bayesian HMM clustering of x-vector sequences (VBx) in speaker
diarization: theory, implementation and analysis on standard tasks", Computer Speech & Language 2022; read
in BUTSpeechFIT/VBx, VBx/VBx.py, Apache-2.0, and pyannote.audio's VBxClustering; the NumPy below is
written for this bench, not copied): each speaker s has a hidden point y_s ~ N(0, I); a print of theirs is
x = V y_s + e, e ~ N(0, I), V = diag(sqrt(phi)); the prints are the states' outputs of an HMM whose
speaker stays with probability LOOP from one print to the next (prints in the engine's order: chunk by
chunk, local speaker by local speaker) and else moves to speaker j with probability pi_j. Mean-field VB
alternates the speakers' posteriors q(y_s) (eq. 16-17 of the paper), the prints' responsibilities gamma
(forward-backward; with LOOP 0 the HMM is a mixture and gamma is a softmax), and the priors pi (eq. 24);
FA scales the prints' statistics (they are not independent), FB the speakers' prior (the larger, the
fewer speakers). A speaker that ends up with no print (the argmax of none) is dropped. It is initialised
from the agglomerative result (today's ``voices.cluster``, stopped at INIT: SAME_SPEAKER as today, or
higher to start from more speakers and let VBx merge, as the VBx recipe over-clusters), its one-hot
labels smoothed by a softmax (SMOOTH, pyannote's 7).

No PLDA exists for CAM++ here (VBx's ResNet PLDA is for another print). In its place an isotropic
two-covariance model on the unit-length prints: within-speaker variance w and between-speaker b = 1 - w
in each of the 192 dimensions alike, so x is scaled by sqrt(192 / w) and phi = b / w. Its scoring is then
plain cosine scoring (the log-likelihood of a print under a speaker is linear in their cosine: a von
Mises-Fisher-like model). w comes from the recording itself ("self": the mean 1 - cosine of each strong
print to its AHC cluster's mean print, from the clusters of two or more prints; 1 - SAME_SPEAKER where
there are none), or is fixed ("fixed": 1 - 0.72, the mean cosine of two prints of one person on the AMI
tuning part). Prints centred on the recording's mean first, or not.

Printed: the tuning part's grid (AMI trn01-05, tune_three, tune_four: mean DER and right counts), the
variant chosen by the rule fixed before the grid was run (below, ``choose``), and with --held the
held-out part (AMI trn06-09, the other synthetic meetings, the stereo mix, pyannote's sample) for the
engine and that variant, held out first; and VBx's CPU time against the stage's.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

DIM = 192
FIXED_SAME = 0.72  # mean cosine of two strong prints of one person, AMI tuning part (round 13)
SMOOTH = 7.0  # the one-hot AHC labels smoothed by softmax(SMOOTH * onehot) (pyannote's VBx init_smoothing)
ITERS = 20
GRID = {"init": (0.62, 0.70, 0.80), "fa": (0.05, 0.1, 0.2, 0.4, 1.0), "fb": (0.5, 1.0, 2.0, 5.0, 10.0, 20.0),
        "loop": (0.0, 0.5, 0.9), "space": ("self", "fixed"), "centre": (False, True)}


def _logsumexp(a: np.ndarray, axis: int) -> np.ndarray:
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    return np.squeeze(top, axis) + np.log(np.sum(np.exp(a - top), axis=axis))


def _forward_backward(log_p: np.ndarray, pi: np.ndarray, loop: float):
    """gamma (n, s), log p(X), and the new pi (eq. 24) of the HMM: stay with *loop*, else move by *pi*."""
    n, s = log_p.shape
    log_tr = np.log(loop * np.eye(s) + (1 - loop) * pi[None, :] + 1e-8)
    fw, bw = np.empty_like(log_p), np.zeros_like(log_p)
    fw[0] = log_p[0] + np.log(pi + 1e-8)
    for t in range(1, n):
        fw[t] = log_p[t] + _logsumexp(fw[t - 1][:, None] + log_tr, axis=0)
    for t in range(n - 2, -1, -1):
        bw[t] = _logsumexp(log_tr + (log_p[t + 1] + bw[t + 1])[None, :], axis=1)
    total = float(_logsumexp(fw[-1], axis=0))
    gamma = np.exp(fw + bw - total)
    moved = (1 - loop) * pi * np.exp(_logsumexp(fw[:-1], axis=1)[:, None] + log_p[1:] + bw[1:] - total).sum(axis=0)
    new_pi = gamma[0] + moved
    return gamma, total, new_pi / new_pi.sum()


def vbx(x: np.ndarray, phi: np.ndarray, gamma: np.ndarray, loop: float, fa: float, fb: float,
        iters: int = ITERS, tol: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """Responsibilities (n, s) and speaker priors (s,) of the prints *x* (n, d) after VB (see the docstring)."""
    n, d = x.shape
    s = gamma.shape[1]
    pi = np.full(s, 1.0 / s)
    const = -0.5 * (np.sum(x ** 2, axis=1) + d * np.log(2 * np.pi))
    rho = x * np.sqrt(phi)
    last = -np.inf
    for _ in range(iters):
        inv_l = 1.0 / (1.0 + fa / fb * gamma.sum(axis=0)[:, None] * phi)  # (17)
        alpha = fa / fb * inv_l * (gamma.T @ rho)  # (16)
        log_p = fa * (rho @ alpha.T - 0.5 * (inv_l + alpha ** 2) @ phi + const[:, None])  # (23)
        if loop > 0 and n > 1:
            gamma, log_px, pi = _forward_backward(log_p, pi, loop)
        else:  # a mixture: every print on its own
            joint = log_p + np.log(pi + 1e-8)
            norm = _logsumexp(joint, axis=1)
            gamma = np.exp(joint - norm[:, None])
            log_px = float(norm.sum())
            pi = gamma.sum(axis=0) / n
        elbo = log_px + fb * 0.5 * np.sum(np.log(inv_l) - inv_l - alpha ** 2 + 1)  # (25)
        if elbo - last < tol:
            break
        last = elbo
    return gamma, pi


def vbx_cluster(params: dict, clock: list):
    """A ``voices.cluster`` that runs the engine's clustering, then VBx on its strong prints (auto count)."""
    from workers.engines import voices

    engine_cluster = voices.cluster

    def cluster(embeddings, count=None, seed=0, weak=None):
        count = count or voices.SpeakerCount()
        if count.low is not None or len(embeddings) < 2:
            return engine_cluster(embeddings, count, seed, weak)
        started = time.process_time()
        strong = np.flatnonzero(~weak) if weak is not None and (~weak).any() else np.arange(len(embeddings))
        saved = voices.SAME_SPEAKER
        voices.SAME_SPEAKER = params["init"]
        try:
            init = engine_cluster(embeddings[strong], count, seed)
        finally:
            voices.SAME_SPEAKER = saved
        speakers = int(init.max()) + 1
        if speakers < 2:  # one voice even when stopped later: the engine's one voice
            clock.append(time.process_time() - started)
            return engine_cluster(embeddings, count, seed, weak)
        x = embeddings[strong].astype(np.float64)
        if params["centre"]:
            x = x - x.mean(axis=0)
        if params["space"] == "fixed":
            within = 1 - FIXED_SAME
        else:
            spread = [1 - x[init == s] @ voices.voice_print(x[init == s]) for s in range(speakers)
                      if np.sum(init == s) >= 2]
            within = float(np.mean(np.concatenate(spread))) if spread else 1 - saved
            within = min(max(within, 0.05), 0.95)
        scale = np.sqrt(np.mean(np.sum(x ** 2, axis=1)))  # 1 unless centred
        x = x / scale * np.sqrt(DIM / within)
        phi = np.full(DIM, (1 - within) / within)
        onehot = np.eye(speakers)[init]
        gamma0 = np.exp(SMOOTH * onehot)
        gamma0 /= gamma0.sum(axis=1, keepdims=True)
        gamma, _ = vbx(x, phi, gamma0, params["loop"], params["fa"], params["fb"])
        owner = np.argmax(gamma, axis=1)
        kept = np.unique(owner)  # a speaker who is no print's most likely is dropped
        weights = gamma[:, kept]
        centroids = weights.T @ embeddings[strong]
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True) + 1e-9
        labels = voices._renumber(np.argmax(embeddings @ centroids.T, axis=1))
        clock.append(time.process_time() - started)
        return labels

    return cluster


# --- VBx resegmentation over windows (--resegment) ------------------------------------------------------------

WINDOW = 1.5  # seconds of a window's print (VBx's x-vectors: 1.5 s)
LEAST_RUN = 0.5  # a run of one voice shorter than this gets no window (it keeps the engine's speaker)
RESEGMENT_GRID = {"init": ("engine", 0.4, 0.5, 0.6), "hop": (0.75, 1.5), "loop": (0.0, 0.5, 0.8, 0.95),
                  "fa": (0.1, 0.3, 1.0), "fb": (0.5, 1.0, 5.0, 20.0), "centre": (False, True)}


def windows_of(item: dict, hop: float) -> dict:
    """The engine's answer (activity, frames x speakers) and CAM++ prints of WINDOW s windows every *hop* s over
    the runs of frames where exactly one speaker talks (a shorter run: one window of all of it), with the CPU
    time of those prints."""
    from workers.engines import segmentation as sg
    from workers.engines import voices
    from workers.media import SAMPLE_RATE

    activity, _ = voices._speakers_of(item["local"], item["prints"], item["owners"], item["weak"], item["starts"],
                                      voices.SpeakerCount())
    audio = np.concatenate([b for _, b in voices.blocks(str(item["path"]))])
    step = sg.FRAME_STEP / SAMPLE_RATE
    size, stride, least = round(WINDOW / step), round(hop / step), round(LEAST_RUN / step)
    spans = []
    for a, b in zip(*voices._runs(activity.sum(axis=1) == 1)):
        if b - a < least:
            continue
        starts = list(range(a, max(b - size, a) + 1, stride))
        if starts[-1] + size < b:
            starts.append(b - size)
        spans += [(f, min(f + size, b)) for f in starts]
    started = time.process_time()
    enc = voices.encoder()
    prints = np.zeros((len(spans), voices.CamppEncoder.DIM), np.float32)
    cuts = [(int(sg.frame_samples(a)[0]), int(sg.frame_samples(b - 1)[1])) for a, b in spans]
    for length in sorted({hi - lo for lo, hi in cuts}):
        rows = [i for i, (lo, hi) in enumerate(cuts) if hi - lo == length]
        prints[rows] = enc.embed(np.stack([np.pad(audio[lo:hi], (0, max(0, hi - len(audio))))[:length]
                                           for lo, hi in (cuts[i] for i in rows)]))
    return {"activity": activity, "spans": np.asarray(spans, int).reshape(-1, 2), "window_prints": prints,
            "window_cpu": time.process_time() - started}


def resegment(w: dict, params: dict) -> np.ndarray:
    """The engine's activity with its one-voice frames given again by VBx over the window prints: initialised
    from the engine's speaker of each window (or that split further by average linkage at *init*, over-
    clustered as the VBx recipe starts), a speaker with no window dropped, overlapped frames left to the
    engine's speakers (a dropped one's to where most of its windows went)."""
    from workers.engines import voices

    activity, spans, x0 = w["activity"], w["spans"], w["window_prints"].astype(np.float64)
    if len(spans) < 2:
        return activity
    single = activity.sum(axis=1) == 1
    engine = np.array([np.argmax(activity[a:b].sum(axis=0)) for a, b in spans])
    init = engine.copy()
    if params["init"] != "engine":
        saved, init = voices.SAME_SPEAKER, np.zeros_like(engine)
        voices.SAME_SPEAKER, top = params["init"], 0
        try:
            for s in np.unique(engine):
                rows = np.flatnonzero(engine == s)
                groups = voices._agglomerate(w["window_prints"][rows], 1, len(rows)) if len(rows) > 1 else [[0]]
                for g in groups:
                    init[rows[np.asarray(g)]] = top
                    top += 1
        finally:
            voices.SAME_SPEAKER = saved
    _, init = np.unique(init, return_inverse=True)
    speakers = int(init.max()) + 1
    x = x0 - x0.mean(axis=0) if params["centre"] else x0
    spread = [1 - x[init == s] @ voices.voice_print(x[init == s]) for s in range(speakers) if np.sum(init == s) >= 2]
    within = min(max(float(np.mean(np.concatenate(spread))) if spread else 1 - voices.SAME_SPEAKER, 0.05), 0.95)
    x = x / np.sqrt(np.mean(np.sum(x ** 2, axis=1))) * np.sqrt(DIM / within)
    gamma0 = np.exp(SMOOTH * np.eye(speakers)[init])
    gamma0 /= gamma0.sum(axis=1, keepdims=True)
    gamma, _ = vbx(x, np.full(DIM, (1 - within) / within), gamma0, params["loop"], params["fa"], params["fb"])
    owner = np.argmax(gamma, axis=1)
    kept = np.unique(owner)
    gamma = gamma[:, kept]
    score = np.zeros((len(activity), len(kept)))
    for (a, b), g in zip(spans, gamma):
        score[a:b] += g
    covered = single & (score.sum(axis=1) > 0)
    where = {s: kept.tolist().index(np.bincount(owner[engine == s]).argmax()) for s in np.unique(engine)}
    extra = [s for s in range(activity.shape[1]) if s not in where]  # engine speakers with no window
    where.update({s: len(kept) + i for i, s in enumerate(extra)})
    out = np.zeros((len(activity), len(kept) + len(extra)), bool)
    out[np.flatnonzero(covered), np.argmax(score[covered], axis=1)] = True
    rest = activity & ~covered[:, None]
    for s in range(activity.shape[1]):
        out[rest[:, s], where[s]] = True
    return out[:, out.any(axis=0)]


def scored(item: dict, activity: np.ndarray) -> tuple[float, int]:
    from workers.engines import voices

    turns = voices._turns_of(activity)
    hyp = [(t.start, t.end, str(t.speaker)) for t in turns]
    return (voices.error_parts(item["reference"], hyp)["der"] if hyp else 1.0), len({t.speaker for t in turns})


def speakers(item: dict, cluster=None) -> tuple[float, int]:
    """DER and speakers found (as ``voices.diarize`` counts them) through the engine's own steps."""
    from workers.engines import voices

    if not len(item["prints"]):
        return 1.0, 0
    saved = voices.cluster
    if cluster is not None:
        voices.cluster = cluster
    try:
        activity, chosen = voices._speakers_of(item["local"], item["prints"], item["owners"], item["weak"],
                                               item["starts"], voices.SpeakerCount())
    finally:
        voices.cluster = saved
    turns = voices._turns_of(activity)
    found = {t.speaker for t in turns} & set(np.unique(chosen).tolist())
    hyp = [(t.start, t.end, str(t.speaker)) for t in turns if t.speaker in found]
    return (voices.error_parts(item["reference"], hyp)["der"] if hyp else 1.0), len(found)


def summary(items: list[dict], results: dict) -> tuple[float, int, float, int]:
    """Mean DER and right counts of the AMI recordings, then of the synthetic ones, of *results* (name: DER, found)."""
    def part(kind):
        rows = [(results[i["name"]][0], results[i["name"]][1] == i["wanted"]) for i in items if i["kind"] == kind]
        return statistics.mean(d for d, _ in rows), sum(r for _, r in rows)

    return (*part("ami"), *part("synthetic"))


def choose(rows: list[tuple[dict, tuple]], engine: tuple) -> tuple[dict, bool]:
    """The rule, fixed before the grid was run: among the variants no worse than the engine on either tuning
    part's mean DER (4 decimals) and right counts, the most right counts, then the lowest mean of the two
    parts' DERs, then the most neighbours in the grid (one setting away) that score the same (a plateau, not
    a point), and True. If none is better than the engine in count or DER: the variant no worse than the engine
    with the widest plateau (what the tuning part cannot tell from the engine), and False: its held-out reading
    is a record of what VBx does on speech it was not tuned on, not a choice. Where no variant is even no worse
    (--resegment), that record is the variant the ranking above puts first among all (the most right counts):
    whether a count gained on the tuning part holds on the held-out part."""
    ok = [(p, s) for p, s in rows if round(s[0], 4) <= round(engine[0], 4) and round(s[2], 4) <= round(engine[2], 4)
          and s[1] >= engine[1] and s[3] >= engine[3]]
    better = [(p, s) for p, s in ok if s[1] + s[3] > engine[1] + engine[3]
              or round(s[0] + s[2], 4) < round(engine[0] + engine[2], 4)]

    def rank(row):
        p, s = row
        same = sum(1 for q, t in rows if sum(q[k] != p[k] for k in p) == 1 and
                   all(round(a, 4) == round(b, 4) for a, b in zip(s, t)))
        return (-(s[1] + s[3]), round(s[0] + s[2], 4), -same)

    if better:
        return min(better, key=rank)[0], True
    return (min(ok, key=lambda row: rank(row)[2]) if ok else min(rows, key=rank))[0], False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, required=True, help="bench_speakers' --work folder")
    parser.add_argument("--unseen", type=Path, help="bench_speakers' --unseen folder")
    parser.add_argument("--held", action="store_true", help="also score the held-out part (once, at the end)")
    parser.add_argument("--resegment", action="store_true", help="VBx over window prints instead (RESEGMENT_GRID)")
    args = parser.parse_args()
    import bench_speakers as bs
    from threadpoolctl import threadpool_limits

    from workers.engines import voices

    items = bs.material(args.work, args.unseen)
    stage = 0.0
    with threadpool_limits(limits=1, user_api="blas"):
        for item in items:
            started = time.process_time()
            local, prints, owners, weak, starts = voices._segment_and_print(str(item["path"]), None, None)
            stage += time.process_time() - started
            item.update(local=local, prints=prints, owners=owners, weak=weak, starts=starts,
                        wanted=len({who for *_, who in item["reference"]}))
    tune = [i for i in items if i["tuned"]]
    if args.resegment:
        return resegment_main(items, tune, stage, args.held)
    engine_rows = {i["name"]: speakers(i) for i in items}
    clock: list[float] = []
    with threadpool_limits(limits=1, user_api="blas"):
        search("", GRID, lambda item, params: speakers(item, vbx_cluster(params, clock)), items, tune, engine_rows,
               args.held, lambda: print(f"VBx's CPU: {statistics.mean(clock) * 1000:.1f} ms a recording on average "
                                        f"(the stage's prints: {stage / len(items) * 1000:.0f} ms a recording)"))


def resegment_main(items: list[dict], tune: list[dict], stage: float, held: bool) -> None:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        for item in items:
            item["windows"] = {hop: windows_of(item, hop) if len(item["prints"]) else None
                               for hop in RESEGMENT_GRID["hop"]}
    engine_rows = {i["name"]: scored(i, i["windows"][RESEGMENT_GRID["hop"][0]]["activity"]) if len(i["prints"])
                   else (1.0, 0) for i in items}

    def run(item, params):
        w = item["windows"][params["hop"]]
        return scored(item, resegment(w, params)) if w is not None else (1.0, 0)

    def cost():
        for hop in RESEGMENT_GRID["hop"]:
            extra = sum(i["windows"][hop]["window_cpu"] for i in items if i["windows"][hop] is not None)
            print(f"window prints every {hop} s: {extra:.1f} s CPU, {extra / stage:.2f}x the stage's own "
                  f"(segmentation + CAM++ {stage:.1f} s), all recordings")

    search(" --resegment", RESEGMENT_GRID, run, items, tune, engine_rows, held, cost)


def search(label: str, grid: dict, run, items: list[dict], tune: list[dict], engine_rows: dict, held: bool,
           cost) -> None:
    """The tuning part's grid beside the engine, the rule's choice, *cost*'s lines, and with *held* the held-out
    part read for that choice."""
    engine = summary(tune, engine_rows)
    print(f"bench_speaker_vbx{label}: tuning part (AMI trn01-05 | tune_three, tune_four): mean DER, right counts")
    print(f"  engine{'':52} AMI {engine[0]:.4f} {engine[1]}/5 | synthetic {engine[2]:.4f} {engine[3]}/2")
    rows = []
    for values in itertools.product(*grid.values()):
        params = dict(zip(grid, values))
        per = {i["name"]: run(i, params) for i in tune}
        s = summary(tune, per)
        rows.append((params, s))
        print(f"  vbx {' '.join(f'{k} {v}' for k, v in params.items()):54} AMI {s[0]:.4f} {s[1]}/5 | synthetic "
              f"{s[2]:.4f} {s[3]}/2   " + " ".join(f"{n[-5:]} {d:.3f} {k}" for n, (d, k) in per.items()))
    chosen, better = choose(rows, engine)
    print(f"\nchosen by the rule: {chosen} ({'better than' if better else 'NOT better than'} the engine on the "
          f"tuning part)")
    cost()
    if held:
        order = sorted(items, key=lambda i: (i["tuned"], i["kind"] != "unseen", i["kind"] != "ami", i["name"]))
        print(f"\n{'recording':18} {'part':5} {'engine':>14} {'vbx':>14}")
        for item in order:
            item["vbx"] = run(item, chosen)
            part = "tune" if item["tuned"] else "new" if item["kind"] == "unseen" else "held"
            print(f"{item['name']:18} {part:5} " + " ".join(
                f"{der:6.3f} {k}/{item['wanted']}{'*' if k != item['wanted'] else ' ':1}".rjust(14)
                for der, k in (engine_rows[item["name"]], item["vbx"])))
        parts(items, engine_rows)


def parts(items: list[dict], engine_rows: dict) -> None:
    for title, part in (("AMI held out", lambda i: i["kind"] == "ami" and not i["tuned"]),
                        ("synthetic held out", lambda i: i["kind"] == "synthetic" and not i["tuned"]),
                        ("never seen + stereo", lambda i: i["kind"] in ("unseen", "other")),
                        ("AMI tuning", lambda i: i["kind"] == "ami" and i["tuned"]),
                        ("synthetic tuning", lambda i: i["kind"] == "synthetic" and i["tuned"])):
        chosen_items = [i for i in items if part(i)]
        print(f"{title:20} " + "  ".join(
            f"{label} {statistics.mean(r[0] for r in rs):.4f} "
            f"{sum(r[1] == i['wanted'] for r, i in zip(rs, chosen_items))}/{len(chosen_items)}"
            for label, rs in (("engine", [engine_rows[i["name"]] for i in chosen_items]),
                              ("vbx", [i["vbx"] for i in chosen_items]))))


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
