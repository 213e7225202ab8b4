"""Train a multi-layer perceptron on scikit-learn's handwritten digits by backpropagation.

    python examples/digits_mlp.py            # the full run: >= 95% test accuracy
    python examples/digits_mlp.py --smoke    # a few seconds, for the test suite

The 1,797 8x8 images ship with scikit-learn (no download). A 64-128-10 perceptron with
ReLU is trained with Adam on minibatches of 64; gradients come from `cr.value_and_grad`
(reverse mode, i.e. backpropagation). A progress bar shows when tqdm is installed and the
loss curve is saved to a PNG when matplotlib is.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import numpy as np

import chainrule as cr
import chainrule.nn as nn
import chainrule.optim as optim


def load_data(seed: int = 0):
    """Standardised features, split 80/20 by class so both parts hold every digit."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        sys.exit('digits_mlp needs scikit-learn for its data: pip install "chainrule[examples]"')
    digits = load_digits()
    x, y = digits.data.astype(np.float64), digits.target
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label in range(10):
        index = rng.permutation(np.flatnonzero(y == label))
        cut = int(round(0.8 * len(index)))
        train.extend(index[:cut])
        test.extend(index[cut:])
    train, test = np.array(train), np.array(test)
    mean, std = x[train].mean(axis=0), x[train].std(axis=0) + 1e-8
    x = (x - mean) / std
    return x[train], y[train], x[test], y[test]


def loss(params, x, labels):
    return nn.softmax_cross_entropy(nn.mlp(params, x), labels)


def train(epochs: int = 40, batch_size: int = 64, hidden: int = 128, seed: int = 0,
          limit: int | None = None, progress: bool = True) -> dict:  # fmt: skip
    x_train, y_train, x_test, y_test = load_data(seed)
    if limit is not None:
        x_train, y_train = x_train[:limit], y_train[:limit]
    rng = np.random.default_rng(seed)
    params = nn.mlp_init(rng, [64, hidden, 10])
    steps_per_epoch = -(-len(x_train) // batch_size)
    schedule = optim.cosine_decay(3e-3, decay_steps=epochs * steps_per_epoch, final_value=1e-4)
    optimizer = optim.adamw(learning_rate=schedule, weight_decay=1e-4)
    state = optimizer.init(params)
    value_and_grad = cr.value_and_grad(loss)

    epochs_range = range(epochs)
    if progress:
        try:
            from tqdm import tqdm

            epochs_range = tqdm(epochs_range, desc="epochs", unit="epoch")
        except ImportError:
            pass
    history = []
    start = time.perf_counter()
    for _ in epochs_range:
        total = 0.0
        for x_batch, y_batch in nn.batches(rng, x_train, y_train, batch_size=batch_size):
            value, grads = value_and_grad(params, x_batch, y_batch)
            updates, state = optimizer.update(grads, state, params)
            params = optim.apply_updates(params, updates)
            total += float(value) * len(x_batch)
        history.append(total / len(x_train))
        if hasattr(epochs_range, "set_postfix"):
            epochs_range.set_postfix(loss=f"{history[-1]:.4f}")
    seconds = time.perf_counter() - start
    return {
        "params": params,
        "history": history,
        "train_accuracy": nn.accuracy(nn.mlp(params, x_train), y_train),
        "test_accuracy": nn.accuracy(nn.mlp(params, x_test), y_test),
        "test_size": len(y_test),
        "seconds": seconds,
    }


def plot(history: list[float], path: pathlib.Path) -> bool:
    """Save the loss curve; False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figure, axes = plt.subplots(figsize=(6, 3.5), dpi=120)
    axes.plot(range(1, len(history) + 1), history, marker="o", markersize=3)
    axes.set_yscale("log")
    axes.set_xlabel("epoch")
    axes.set_ylabel("training loss (cross-entropy)")
    axes.set_title("64-128-10 MLP on the digits, AdamW, chainrule gradients")
    axes.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return True


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="3 epochs only")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--plot", default="digits_loss.png", help="where to save the curve")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        result = train(epochs=3, progress=False)
    else:
        result = train(epochs=args.epochs, progress=not args.no_progress)
    print(f"trained {len(result['history'])} epochs in {result['seconds']:.1f} s")
    print(f"final training loss {result['history'][-1]:.4f}")
    print(f"train accuracy {result['train_accuracy']:.2%}")
    print(f"test accuracy  {result['test_accuracy']:.2%} on {result['test_size']} images")
    if args.plot:
        path = pathlib.Path(args.plot)
        if plot(result["history"], path):
            print(f"loss curve saved to {path}")
        else:
            print("(install matplotlib to save the loss curve)")
    return result


if __name__ == "__main__":
    main()
