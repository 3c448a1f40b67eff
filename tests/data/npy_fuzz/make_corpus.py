"""Regenerates the kept .npy fuzz corpus in this directory (seeded, so the output is stable).

Each file is a mutation of a valid .npy file: bytes flipped or inserted in the prefix and header,
truncations, header-length fields changed, shape and descr values replaced with hostile ones.
c_tests/test_npy.c loads every file (under valgrind in `make test`): each must load or fail with
NDM_ERR_FORMAT / NDM_ERR_IO. bindings/python/tests/test_npy.py compares ndmem with NumPy on
them and on fresh hypothesis-driven mutations.

Usage: python make_corpus.py   (needs numpy)
"""
import io
import os
import random

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = [
    np.arange(6.0).reshape(2, 3),
    np.asfortranarray(np.arange(6, dtype="<i4").reshape(3, 2)),
    np.array([1.0, -2.0, 0.5], ">f4"),
    np.zeros(2, np.dtype([("a", "i1"), ("b", "<f8"), ("c", "<i2")], align=True)),
    np.zeros(2, [("id", "<i4"), ("m", "<f4", (2, 3))]),
    np.array(3.25),
    np.zeros((0, 3)),
    np.array([b"ab", b"hello"]),
    np.array([True, False, True]),
    np.arange(4, dtype="<c16"),
]
TOKENS = [b"(", b")", b"[", b"]", b"{", b"}", b"'", b",", b":", b"-1", b"9" * 25, b"True",
          b"None", b"'|O'", b"'<U0'", b"\\x00", b"\x00", b"\xff", b"\n", b"(((((", b"'shape'",
          b"'descr'", b"2147483647", b"(2147483647, 2147483647)", b"[('', '|V7')]"]


def npy_bytes(a, version=None):
    f = io.BytesIO()
    np.lib.format.write_array(f, a, version=version, allow_pickle=False)
    return bytearray(f.getvalue())


def mutate(rng, data):
    data = bytearray(data)
    header_end = data.index(b"\n") + 1 if b"\n" in data else len(data)
    kind = rng.randrange(7)
    if kind == 0:  # flip bytes in the prefix or header
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(header_end)
            data[i] = rng.randrange(256)
    elif kind == 1:  # truncate anywhere
        del data[rng.randrange(len(data)):]
    elif kind == 2:  # a different header length field
        major = data[6]
        size = 2 if major == 1 else 4
        value = rng.choice([0, 1, 63, 64, 117, 118, 119, 0xFFFF, 0xFFFFFFFF, rng.randrange(1 << 16)])
        data[8:8 + size] = (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
    elif kind == 3:  # insert a token into the header text
        i = rng.randrange(10, max(header_end - 1, 11))
        data[i:i] = rng.choice(TOKENS)
    elif kind == 4:  # replace the shape
        s = data.index(b"'shape': ") + 9 if b"'shape': " in data else 10
        e = data.index(b"}", s) if b"}" in data[s:] else s
        shape = rng.choice([b"(-5,)", b"(1099511627776,)", b"(65536, 65536, 65536)", b"()",
                            b"(0,)", b"(2, 3, 0)", b"(3,)", b"(7,)", b"(1, " * 70 + b")",
                            b"(4611686018427387904, 4)", b"(2.5,)", b"'2'"])
        data[s:e] = shape + b", "
    elif kind == 5:  # replace the descr
        s = data.index(b"'descr': ") + 9 if b"'descr': " in data else 10
        e = data.index(b", 'fortran_order'", s) if b", 'fortran_order'" in data else s
        descr = rng.choice([b"'|O'", b"'<f16'", b"'<M8[ns]'", b"'>i8'", b"'|V0'", b"'<U2'",
                            b"[('a', '<i4'), ('a', '<f8')]", b"[('', '<i4')]", b"[]",
                            b"[('x', '<f8', (-1,))]", b"[(('t', 'x'), '<f8')]", b"('<f8', (2,))",
                            b"'|S0'", b"[('a', [('b', [('c', '<i2')])])]"])
        data[s:e] = descr
    else:  # duplicate or drop a chunk of the header
        i, j = sorted(rng.randrange(10, header_end) for _ in range(2))
        if rng.random() < 0.5:
            del data[i:j]
        else:
            data[i:i] = data[i:j]
    return bytes(data)


def main():
    rng = random.Random(20261122)
    for old in os.listdir(HERE):
        if old.endswith(".npy"):
            os.remove(os.path.join(HERE, old))
    bases = [npy_bytes(a) for a in SEEDS] + [npy_bytes(SEEDS[0], (2, 0)), npy_bytes(SEEDS[1], (3, 0))]
    for n in range(160):
        data = mutate(rng, rng.choice(bases))
        if rng.random() < 0.3:
            data = mutate(rng, data)
        with open(os.path.join(HERE, f"mut_{n:03d}.npy"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
