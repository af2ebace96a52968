#!/usr/bin/env python3
"""The PyTorch side of `scripts/bench-core`: MobileNetV2 training speed and peak memory on the CPU.

Each phase of the recipe is measured in a process of its own, so that its peak resident set size
(`ru_maxrss`) is its own:

- phase 1: the ImageNet base frozen (no gradients, batch norm in inference mode), only the new
  10-class head `classifier.1` trains; SGD, learning rate 0.2, momentum 0.9.
- phase 2: everything trains, batch norm in training mode; SGD, learning rate 0.01, momentum 0.9.

The input is one batch of seeded random images in NCHW layout with seeded random labels, reused
every step, so only the training step is timed. After two warm-up steps, `--steps` steps are
timed. Each phase prints one JSON object on standard output.

The model is written out here rather than imported from torchvision: PyPI's torchvision wheels
are CUDA builds, and with the CPU-only torch `import torchvision` fails ("operator torchvision::nms
does not exist"). The layers, their order and their parameter names are torchvision's, so the
ImageNet state dict loads strictly.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

REPOSITORY = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("THAW_CACHE", REPOSITORY / ".cache"))
DEFAULT_WEIGHTS = CACHE / "weights" / "mobilenet_v2-b0353104.pth"

# (expansion t, output channels c, repeats n, stride of the first repeat s), from the paper.
BLOCK_PLAN = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]

# Phase: (learning rate, momentum).
PHASE_SGD = {1: (0.2, 0.9), 2: (0.01, 0.9)}

WARM_UP_STEPS = 2


def convolution_unit(inputs: int, outputs: int, kernel: int, stride: int, groups: int = 1) -> nn.Sequential:
    """Convolution without bias, batch norm, ReLU6: torchvision's `Conv2dNormActivation`."""
    return nn.Sequential(
        nn.Conv2d(inputs, outputs, kernel, stride, padding=kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(outputs),
        nn.ReLU6(inplace=True),
    )


class InvertedResidual(nn.Module):
    """Expand (1x1, unless the expansion is 1), depthwise 3x3, project (1x1, linear)."""

    def __init__(self, inputs: int, outputs: int, stride: int, expansion: int):
        super().__init__()
        hidden = inputs * expansion
        layers = [] if expansion == 1 else [convolution_unit(inputs, hidden, 1, 1)]
        layers += [
            convolution_unit(hidden, hidden, 3, stride, groups=hidden),
            nn.Conv2d(hidden, outputs, 1, bias=False),
            nn.BatchNorm2d(outputs),
        ]
        self.conv = nn.Sequential(*layers)
        self.is_residual = stride == 1 and inputs == outputs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv(x)
        return x + y if self.is_residual else y


class MobileNetV2(nn.Module):
    """torchvision's MobileNetV2 (width 1.0): `features.0` to `features.18`, then `classifier`."""

    def __init__(self, classes: int = 1000, dropout: float = 0.2):
        super().__init__()
        blocks: list[nn.Module] = [convolution_unit(3, 32, 3, 2)]
        inputs = 32
        for expansion, outputs, repeats, first_stride in BLOCK_PLAN:
            for repeat in range(repeats):
                blocks.append(InvertedResidual(inputs, outputs, first_stride if repeat == 0 else 1, expansion))
                inputs = outputs
        blocks.append(convolution_unit(inputs, 1280, 1, 1))
        self.features = nn.Sequential(*blocks)
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(1280, classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: [batch, 3, height, width] -> features: [batch, 1280, height / 32, width / 32]
        features = self.features(x)
        pooled = F.adaptive_avg_pool2d(features, 1).flatten(1)
        return self.classifier(pooled)


def make_model(weights: Path, classes: int) -> MobileNetV2:
    """The ImageNet base from the legacy `torch.save` file, with a new `classes`-way head."""
    model = MobileNetV2(classes=1000)
    state = torch.load(weights, map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    model.classifier[1] = nn.Linear(1280, classes)
    return model


def make_optimizer(model: MobileNetV2, phase: int) -> torch.optim.SGD:
    """Freezes or unfreezes the base for `phase` and returns SGD over what trains."""
    learning_rate, momentum = PHASE_SGD[phase]
    is_base_trainable = phase == 2

    for parameter in model.features.parameters():
        parameter.requires_grad_(is_base_trainable)
    model.train()
    if not is_base_trainable:
        model.features.eval()

    trainable = [parameter for parameter in model.parameters() if parameter.requires_grad]
    return torch.optim.SGD(trainable, lr=learning_rate, momentum=momentum)


def measure_phase(arguments: argparse.Namespace) -> dict:
    """Runs the warm-up and timed steps of one phase in this process and returns its figures."""
    torch.set_num_threads(arguments.threads)
    torch.manual_seed(arguments.seed)

    model = make_model(arguments.weights, arguments.classes)
    optimizer = make_optimizer(model, arguments.phase)
    size = arguments.image_size
    images = torch.randn(arguments.batch, 3, size, size)
    labels = torch.randint(0, arguments.classes, (arguments.batch,))

    def step() -> float:
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(WARM_UP_STEPS):
        step()

    start = time.perf_counter()
    for _ in range(arguments.steps):
        loss = step()
    seconds = time.perf_counter() - start

    # Linux reports ru_maxrss in KiB.
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "framework": "pytorch",
        "phase": arguments.phase,
        "samples_per_second": round(arguments.steps * arguments.batch / seconds, 2),
        "peak_rss_mib": round(peak_rss_mib, 1),
        "threads": arguments.threads,
        "batch": arguments.batch,
        "image_size": size,
        "torch": torch.__version__,
        "steps": arguments.steps,
        "seconds": round(seconds, 3),
        "last_loss": round(loss, 4),
    }


def run_phases_in_children(arguments: argparse.Namespace, phases: list[int]) -> int:
    """Measures each phase in a fresh interpreter, passing its JSON line through."""
    environment = dict(os.environ, OMP_NUM_THREADS=str(arguments.threads), MKL_NUM_THREADS=str(arguments.threads))
    for phase in phases:
        command = [
            sys.executable, __file__, "--phase", str(phase), "--steps", str(arguments.steps),
            "--threads", str(arguments.threads), "--batch", str(arguments.batch),
            "--image-size", str(arguments.image_size), "--classes", str(arguments.classes),
            "--seed", str(arguments.seed), "--weights", str(arguments.weights),
        ]
        child = subprocess.run(command, env=environment, stdout=subprocess.PIPE, text=True)
        if child.returncode != 0:
            print(f"bench_torch: phase {phase} failed with exit status {child.returncode}", file=sys.stderr)
            return child.returncode
        sys.stdout.write(child.stdout)
        sys.stdout.flush()
    return 0


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure MobileNetV2 training speed and peak memory with PyTorch on the CPU, one process a phase."
    )
    parser.add_argument("--phase", choices=["1", "2", "all"], default="all",
                        help="1: frozen base, head only; 2: everything trains; all: both, each in its own process.")
    parser.add_argument("--steps", type=int, default=10, help="Timed steps after %d warm-up steps." % WARM_UP_STEPS)
    parser.add_argument("--threads", type=int, default=1, help="Intra-op threads (torch.set_num_threads).")
    parser.add_argument("--batch", type=int, default=32, help="Images a step.")
    parser.add_argument("--image-size", type=int, default=96, help="Height and width of the square input.")
    parser.add_argument("--classes", type=int, default=10, help="Outputs of the new head.")
    parser.add_argument("--seed", type=int, default=0, help="Seed for the head, the images and the labels.")
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS,
                        help="torchvision's ImageNet MobileNetV2 file (default: %(default)s).")
    arguments = parser.parse_args()

    for name in ("steps", "threads", "batch", "image_size", "classes"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if not arguments.weights.is_file():
        parser.error(f"no weights at {arguments.weights}; run scripts/setup to fetch them, or pass --weights")
    return arguments


def main() -> int:
    arguments = parse_arguments()
    if arguments.phase == "all":
        return run_phases_in_children(arguments, [1, 2])

    arguments.phase = int(arguments.phase)
    print(json.dumps(measure_phase(arguments)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
