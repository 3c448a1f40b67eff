"""NumPy's order and casting strings as the C API's NDM_ORDER_* / NDM_CASTING_* codes."""
from . import _ffi

_ORDERS = {"C": _ffi.NDM_ORDER_C, "F": _ffi.NDM_ORDER_F, "A": _ffi.NDM_ORDER_A, "K": _ffi.NDM_ORDER_K}
_CASTINGS = {
    "no": _ffi.NDM_CASTING_NO,
    "equiv": _ffi.NDM_CASTING_EQUIV,
    "safe": _ffi.NDM_CASTING_SAFE,
    "same_kind": _ffi.NDM_CASTING_SAME_KIND,
    "unsafe": _ffi.NDM_CASTING_UNSAFE,
}


def order_code(order, allowed="CFAK"):
    """The NDM_ORDER_* code of a NumPy order string."""
    key = "C" if order is None else str(order).upper()
    if key not in _ORDERS or key not in allowed:
        choices = ", ".join(f"'{c}'" for c in allowed)
        raise ValueError(f"order must be one of {choices} (got {order!r})")
    return _ORDERS[key]


def casting_code(casting):
    """The NDM_CASTING_* code of a NumPy casting string."""
    if casting not in _CASTINGS:
        raise ValueError("casting must be one of 'no', 'equiv', 'safe', 'same_kind', or 'unsafe'")
    return _CASTINGS[casting]
