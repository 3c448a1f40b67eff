"""Step 4 of the shared-data demo (Python): map shared.npy read-only and view it from NumPy."""
import numpy as np

import ndmem

m = ndmem.load("shared.npy", mmap_mode="r")
view = np.asarray(m)  # NumPy over the same mapped bytes
assert view.__array_interface__["data"][0] == m.__array_interface__["data"][0]
expect = np.arange(12.0).reshape(3, 4) * 10
expect[1] += 1
assert np.array_equal(view, expect) and np.array_equal(np.load("shared.npy"), expect)
print("Python:  NumPy sees the same bytes, no copy:", view.tolist())
s = ndmem.memory_stats()  # the ledger: what this step copied
print(f"         ledger: {s.copies} copies, {s.bytes_copied} bytes copied")
assert s.copies == 0 and s.bytes_copied == 0
