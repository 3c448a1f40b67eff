"""Hostile input from Python (hostile_cases.py), each batch in a subprocess of its own: a crash
(a signal) fails the batch that caused it instead of ending the test run, and says so."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import ndmem

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from hostile_cases import CASES  # noqa: E402

NAMES = sorted(CASES)
BATCHES = 8
BATCH = {f"batch{k}": NAMES[k::BATCHES] for k in range(BATCHES)}


@pytest.mark.parametrize("batch", sorted(BATCH))
def test_hostile_batch_in_a_subprocess(batch):
    names = BATCH[batch]
    env = dict(os.environ)  # the same library and hypothesis profile; this ndmem package
    env["PYTHONPATH"] = os.pathsep.join([str(Path(ndmem.__file__).parents[1]), env.get("PYTHONPATH", "")])
    r = subprocess.run([sys.executable, str(HERE / "hostile_cases.py"), *names],
                       capture_output=True, text=True, cwd=HERE, env=env, timeout=900)
    if r.returncode < 0:
        pytest.fail(f"the process crashed (signal {-r.returncode}) in one of {names}:\n{r.stderr[-3000:]}")
    assert r.returncode == 0, f"{names}:\n{r.stdout[-2000:]}\n{r.stderr[-6000:]}"
