"""ndmem and NumPy sharing memory both ways, with no copy."""
import numpy as np

import ndmem

n = np.arange(12.0).reshape(3, 4)
x = ndmem.asarray(n[:, ::-2])  # a strided, reversed NumPy view, wrapped with no copy
print("ndmem view:", x.shape, x.strides, x.dtype, "shares NumPy's pointer:",
      x.data_ptr == n[:, ::-2].__array_interface__["data"][0])
n[0, 3] = 100.0
print("NumPy wrote n[0,3] = 100; ndmem sees x[0,0] =", x.item(0, 0))

y = ndmem.zeros((2, 3), dtype="f4", order="F")
v = np.asarray(y)  # NumPy views ndmem memory
v[1, 2] = 7.5
print("NumPy wrote through its view; ndmem reads", y.item(1, 2), "flags F:", y.flags.f_contiguous)
print("a K-order copy keeps the memory order:", x.copy(order="K").strides,
      "NumPy:", n[:, ::-2].copy(order="K").strides)
