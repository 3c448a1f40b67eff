"""ctypes declarations of the ndmem C API.

GENERATED from include/ndmem.h by bindings/python/gen_ffi.py; do not edit by hand.
"""
import ctypes

NDM_VERSION_MAJOR = 0
NDM_VERSION_MINOR = 2
NDM_VERSION_PATCH = 0
NDM_VERSION_STRING = "0.2.0"
NDM_MAX_NDIM = 64
NDM_ORDER_C = 0
NDM_ORDER_F = 1
NDM_ORDER_A = 2
NDM_ORDER_K = 3
NDM_CASTING_NO = 0
NDM_CASTING_EQUIV = 1
NDM_CASTING_SAFE = 2
NDM_CASTING_SAME_KIND = 3
NDM_CASTING_UNSAFE = 4
NDM_COPY_IF_NEEDED = 0
NDM_COPY_ALWAYS = 1
NDM_COPY_NEVER = 2
NDM_ALL_AXES = -1
NDM_DLPACK_COPY = 1
NDM_KIND_BOOL = 0
NDM_KIND_INT8 = 1
NDM_KIND_INT16 = 2
NDM_KIND_INT32 = 3
NDM_KIND_INT64 = 4
NDM_KIND_UINT8 = 5
NDM_KIND_UINT16 = 6
NDM_KIND_UINT32 = 7
NDM_KIND_UINT64 = 8
NDM_KIND_FLOAT32 = 9
NDM_KIND_FLOAT64 = 10
NDM_KIND_COMPLEX64 = 11
NDM_KIND_COMPLEX128 = 12
NDM_KIND_BYTES = 13
NDM_KIND_VOID = 14
NDM_KIND_FLOAT16 = 15
NDM_KIND_RECORD = 16
NDM_KIND_UNICODE = 17
NDM_BYTEORDER_NA = 0
NDM_BYTEORDER_LITTLE = 1
NDM_BYTEORDER_BIG = 2
NDM_BYTEORDER_NATIVE = 3
NDM_MAX_FIELDS = (1 << 20)
NDM_NPY_MAX_HEADER_LEN = (16 << 20)
NDM_NPY_MAX_HEADER_SIZE = 10000
NDM_MMAP_READ = 0
NDM_MMAP_READWRITE = 1
NDM_MMAP_COPY = 2
NDM_FLAG_C_CONTIGUOUS = 1
NDM_FLAG_F_CONTIGUOUS = 2
NDM_FLAG_OWNDATA = 4
NDM_FLAG_ALIGNED = 256
NDM_FLAG_WRITEABLE = 1024
NDM_GROW_MOVE = 0
NDM_GROW_REFUSE = 1
NDM_ORIGIN_HEAP = 0
NDM_ORIGIN_HUGE_PAGE = 1
NDM_ORIGIN_FOREIGN = 2
NDM_ORIGIN_MAPPED = 3
NDM_ORIGIN_SLOTS = 8
NDM_COPY_REASON_RESHAPE = 0
NDM_COPY_REASON_RAVEL = 1
NDM_COPY_REASON_UFUNC_OVERLAP = 2
NDM_COPY_REASON_COPYTO_OVERLAP = 3
NDM_COPY_REASON_OPERAND_CONVERSION = 4
NDM_COPY_REASON_REDUCTION_RESULT = 5
NDM_COPY_REASON_GROWTH = 6
NDM_COPY_REASON_SLOTS = 16
NDM_COPY_POLICY_ALLOW = 0
NDM_COPY_POLICY_WARN = 1
NDM_COPY_POLICY_FORBID = 2
NDM_COPY_POLICY_PROCESS = -1
NDM_TRACEMALLOC_DOMAIN = 7234669
NDM_OVERLAP_NO = 0
NDM_OVERLAP_YES = 1
NDM_OVERLAP_TOO_HARD = 2
NDM_BYTEORDER_SWAP = 4
NDM_MAX_FIELD_NDIM = 32
NDM_ADD = 0
NDM_SUBTRACT = 1
NDM_MULTIPLY = 2
NDM_TRUE_DIVIDE = 3
NDM_MAXIMUM = 4
NDM_MINIMUM = 5
NDM_EQUAL = 6
NDM_NOT_EQUAL = 7
NDM_LESS = 8
NDM_LESS_EQUAL = 9
NDM_GREATER = 10
NDM_GREATER_EQUAL = 11
NDM_LOGICAL_AND = 12
NDM_LOGICAL_OR = 13
NDM_LOGICAL_XOR = 14
NDM_BITWISE_AND = 15
NDM_BITWISE_OR = 16
NDM_BITWISE_XOR = 17
NDM_LEFT_SHIFT = 18
NDM_RIGHT_SHIFT = 19
NDM_FLOOR_DIVIDE = 20
NDM_REMAINDER = 21
NDM_POWER = 22
NDM_NEGATIVE = 0
NDM_POSITIVE = 1
NDM_ABSOLUTE = 2
NDM_SQUARE = 3
NDM_RECIPROCAL = 4
NDM_CONJUGATE = 5
NDM_FLOOR = 6
NDM_CEIL = 7
NDM_INVERT = 8
NDM_LOGICAL_NOT = 9
NDM_ISNAN = 10
NDM_ISINF = 11
NDM_ISFINITE = 12
NDM_SQRT = 13
NDM_EXP = 14
NDM_EXPM1 = 15
NDM_LOG = 16
NDM_LOG1P = 17
NDM_SIN = 18
NDM_COS = 19
NDM_TAN = 20
NDM_RINT = 21
NDM_SCALAR_BOOL = 0
NDM_SCALAR_INT = 1
NDM_SCALAR_UINT = 2
NDM_SCALAR_FLOAT = 3
NDM_SCALAR_COMPLEX = 4
NDM_MEAN = 64
NDM_INDEX_INT = 0
NDM_INDEX_SLICE = 1
NDM_INDEX_NEWAXIS = 2
NDM_INDEX_ELLIPSIS = 3
NDM_SLICE_NO_START = 1
NDM_SLICE_NO_STOP = 2
NDM_OK = 0
NDM_ERR_NULL_ARG = 1
NDM_ERR_BAD_HANDLE = 2
NDM_ERR_INVALID_ARG = 3
NDM_ERR_SHAPE = 4
NDM_ERR_ALLOC = 5
NDM_ERR_DTYPE = 6
NDM_ERR_CASTING = 7
NDM_ERR_INDEX = 8
NDM_ERR_AXIS = 9
NDM_ERR_BOUNDS = 10
NDM_ERR_READONLY = 11
NDM_ERR_COPY_REQUIRED = 12
NDM_ERR_OVERFLOW = 13
NDM_ERR_TOO_HARD = 14
NDM_ERR_IO = 15
NDM_ERR_FORMAT = 16
NDM_ERR_INTERNAL = 17
NDM_ERR_IN_USE = 18
NDM_ERR_EXCHANGE = 19

ndm_status = ctypes.c_int32


class ndm_map_info(ctypes.Structure):
    """C struct ndm_map_info."""

    _fields_ = [
        ('mode', ctypes.c_int32),
        ('offset', ctypes.c_int64),
    ]


class ndm_mem_counts(ctypes.Structure):
    """C struct ndm_mem_counts."""

    _fields_ = [
        ('size', ctypes.c_uint64),
        ('live_buffers', ctypes.c_uint64),
        ('live_bytes', ctypes.c_uint64),
        ('live_buffers_by_origin', (ctypes.c_uint64 * NDM_ORIGIN_SLOTS)),
        ('live_bytes_by_origin', (ctypes.c_uint64 * NDM_ORIGIN_SLOTS)),
        ('owned_bytes', ctypes.c_int64),
        ('peak_bytes', ctypes.c_int64),
        ('allocations', ctypes.c_uint64),
        ('bytes_allocated', ctypes.c_uint64),
        ('explicit_copies', ctypes.c_uint64),
        ('explicit_bytes', ctypes.c_uint64),
        ('implicit_copies', ctypes.c_uint64),
        ('implicit_bytes', ctypes.c_uint64),
        ('implicit_copies_by_reason', (ctypes.c_uint64 * NDM_COPY_REASON_SLOTS)),
        ('implicit_bytes_by_reason', (ctypes.c_uint64 * NDM_COPY_REASON_SLOTS)),
        ('block_buffers', ctypes.c_uint64),
        ('block_bytes', ctypes.c_uint64),
        ('live_arrays', ctypes.c_uint64),
        ('live_dtypes', ctypes.c_uint64),
        ('live_record_builders', ctypes.c_uint64),
        ('live_growables', ctypes.c_uint64),
    ]


class ndm_buffer_info(ctypes.Structure):
    """C struct ndm_buffer_info."""

    _fields_ = [
        ('start', ctypes.c_void_p),
        ('bytes', ctypes.c_uint64),
        ('origin', ctypes.c_int32),
        ('handles', ctypes.c_uint64),
        ('reachable_bytes', ctypes.c_uint64),
        ('tag', ctypes.c_char_p),
        ('site', ctypes.c_char_p),
        ('summary', ctypes.c_char_p),
    ]


class ndm_field_info(ctypes.Structure):
    """C struct ndm_field_info."""

    _fields_ = [
        ('name', ctypes.c_char_p),
        ('title', ctypes.c_char_p),
        ('offset', ctypes.c_int64),
        ('ndim', ctypes.c_int32),
        ('shape', ctypes.POINTER(ctypes.c_int64)),
        ('itemsize', ctypes.c_int64),
        ('nlevels', ctypes.c_int32),
        ('levels', ctypes.POINTER(ctypes.c_int32)),
    ]


class ndm_ufunc_opts(ctypes.Structure):
    """C struct ndm_ufunc_opts."""

    _fields_ = [
        ('casting', ctypes.c_int32),
        ('dtype', ctypes.c_void_p),
        ('where_mask', ctypes.c_void_p),
    ]


class ndm_scalar(ctypes.Structure):
    """C struct ndm_scalar."""

    _fields_ = [
        ('kind', ctypes.c_int32),
        ('i', ctypes.c_int64),
        ('f', ctypes.c_double),
        ('imag', ctypes.c_double),
    ]


class ndm_index_item(ctypes.Structure):
    """C struct ndm_index_item."""

    _fields_ = [
        ('kind', ctypes.c_int32),
        ('flags', ctypes.c_uint32),
        ('start', ctypes.c_int64),
        ('stop', ctypes.c_int64),
        ('step', ctypes.c_int64),
    ]

ndm_release_fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
ndm_copy_callback = ctypes.CFUNCTYPE(None, ctypes.c_int32, ctypes.c_uint64, ctypes.c_char_p, ctypes.c_void_p)
ndm_report_callback = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.POINTER(ndm_buffer_info), ctypes.c_void_p)
ndm_track_fn = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_uint32, ctypes.c_size_t, ctypes.c_size_t)
ndm_untrack_fn = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_uint32, ctypes.c_size_t)

FUNCTIONS = {
    'ndm_empty_like': (ndm_status, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int32, ctypes.c_bool, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_copy': (ndm_status, [ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_copyto': (ndm_status, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int32]),
    'ndm_astype': (ndm_status, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_empty': (ndm_status, [ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_zeros': (ndm_status, [ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_full': (ndm_status, [ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_arange': (ndm_status, [ctypes.c_double, ctypes.c_double, ctypes.c_double, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_from_ptr': (ndm_status, [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_int64), ctypes.c_uint32, ndm_release_fn, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_array_free': (ndm_status, [ctypes.c_void_p]),
    'ndm_to_dlpack': (ndm_status, [ctypes.c_void_p, ctypes.c_uint32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_to_dlpack_unversioned': (ndm_status, [ctypes.c_void_p, ctypes.c_uint32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_from_dlpack_versioned': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_from_dlpack': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_dtype_new': (ndm_status, [ctypes.c_int32, ctypes.c_int32, ctypes.c_size_t, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_dtype_parse': (ndm_status, [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_dtype_clone': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_dtype_free': (ndm_status, [ctypes.c_void_p]),
    'ndm_dtype_itemsize': (ctypes.c_int64, [ctypes.c_void_p]),
    'ndm_dtype_alignment': (ctypes.c_int64, [ctypes.c_void_p]),
    'ndm_dtype_kind': (ctypes.c_int32, [ctypes.c_void_p]),
    'ndm_dtype_byteorder': (ctypes.c_int32, [ctypes.c_void_p]),
    'ndm_dtype_str': (ctypes.c_char_p, [ctypes.c_void_p]),
    'ndm_dtype_equal': (ctypes.c_int32, [ctypes.c_void_p, ctypes.c_void_p]),
    'ndm_can_cast': (ndm_status, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_bool)]),
    'ndm_field': (ndm_status, [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_fields': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int64, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_repack': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_view_dtype': (ndm_status, [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_byteswap': (ndm_status, [ctypes.c_void_p, ctypes.c_bool, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_save_npy': (ndm_status, [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int32)]),
    'ndm_load_npy': (ndm_status, [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_load_npy_ex': (ndm_status, [ctypes.c_char_p, ctypes.c_int64, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_open_memmap': (ndm_status, [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.c_bool, ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_open_memmap_ex': (ndm_status, [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.c_bool, ctypes.c_int32, ctypes.c_int64, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_memmap_raw': (ndm_status, [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int64, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_flush': (ndm_status, [ctypes.c_void_p]),
    'ndm_release_pages': (ndm_status, [ctypes.c_void_p]),
    'ndm_memmap_info': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ndm_map_info)]),
    'ndm_ndim': (ctypes.c_int32, [ctypes.c_void_p]),
    'ndm_shape': (ctypes.POINTER(ctypes.c_int64), [ctypes.c_void_p]),
    'ndm_strides': (ctypes.POINTER(ctypes.c_int64), [ctypes.c_void_p]),
    'ndm_size': (ctypes.c_int64, [ctypes.c_void_p]),
    'ndm_itemsize': (ctypes.c_int64, [ctypes.c_void_p]),
    'ndm_nbytes': (ctypes.c_int64, [ctypes.c_void_p]),
    'ndm_data': (ctypes.c_void_p, [ctypes.c_void_p]),
    'ndm_flags': (ctypes.c_uint32, [ctypes.c_void_p]),
    'ndm_array_dtype': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_base': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_buffer_range': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t)]),
    'ndm_empty_growable': (ndm_status, [ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.c_int64, ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_open_append': (ndm_status, [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_append': (ndm_status, [ctypes.c_void_p, ctypes.c_void_p]),
    'ndm_append_raw': (ndm_status, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]),
    'ndm_append_space': (ndm_status, [ctypes.c_void_p, ctypes.c_int64, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_append_commit': (ndm_status, [ctypes.c_void_p, ctypes.c_int64]),
    'ndm_reserve': (ndm_status, [ctypes.c_void_p, ctypes.c_int64]),
    'ndm_shrink_to_fit': (ndm_status, [ctypes.c_void_p]),
    'ndm_capacity': (ctypes.c_int64, [ctypes.c_void_p]),
    'ndm_growable_len': (ctypes.c_int64, [ctypes.c_void_p]),
    'ndm_growable_axis': (ctypes.c_int32, [ctypes.c_void_p]),
    'ndm_growable_row_bytes': (ctypes.c_int64, [ctypes.c_void_p]),
    'ndm_growable_live_views': (ctypes.c_int64, [ctypes.c_void_p]),
    'ndm_growable_view': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_growable_set_policy': (ndm_status, [ctypes.c_void_p, ctypes.c_int32]),
    'ndm_growable_flush': (ndm_status, [ctypes.c_void_p]),
    'ndm_growable_free': (ndm_status, [ctypes.c_void_p]),
    'ndm_get_item': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32, ctypes.c_int32, ctypes.c_void_p]),
    'ndm_set_item': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32, ctypes.c_int32, ctypes.c_void_p]),
    'ndm_mem_stats': (ndm_status, [ctypes.POINTER(ndm_mem_counts)]),
    'ndm_mem_reset_peak': (ndm_status, []),
    'ndm_mem_scope_begin': (ndm_status, []),
    'ndm_mem_scope_end': (ndm_status, [ctypes.POINTER(ndm_mem_counts)]),
    'ndm_set_copy_policy': (ndm_status, [ctypes.c_int32]),
    'ndm_set_thread_copy_policy': (ndm_status, [ctypes.c_int32]),
    'ndm_get_thread_copy_policy': (ctypes.c_int32, []),
    'ndm_get_copy_policy': (ctypes.c_int32, []),
    'ndm_set_copy_callback': (ndm_status, [ndm_copy_callback, ctypes.c_void_p]),
    'ndm_copy_reason_name': (ctypes.c_char_p, [ctypes.c_int32]),
    'ndm_set_tag': (ndm_status, [ctypes.c_void_p, ctypes.c_char_p]),
    'ndm_mem_set_tracking': (ndm_status, [ctypes.c_bool]),
    'ndm_mem_report': (ndm_status, [ndm_report_callback, ctypes.c_void_p]),
    'ndm_mem_leak_report': (ndm_status, []),
    'ndm_set_alloc_hook': (ndm_status, [ndm_track_fn, ndm_untrack_fn, ctypes.c_uint32]),
    'ndm_may_share_memory': (ndm_status, [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_bool)]),
    'ndm_shares_memory': (ndm_status, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.POINTER(ctypes.c_int32)]),
    'ndm_is_self_overlapping': (ndm_status, [ctypes.c_void_p, ctypes.c_int64, ctypes.POINTER(ctypes.c_int32)]),
    'ndm_python_release': (None, [ctypes.c_void_p, ctypes.c_void_p]),
    'ndm_dlpack_capsule_name': (ctypes.c_char_p, [ctypes.c_bool, ctypes.c_bool]),
    'ndm_dlpack_capsule_destructor': (None, [ctypes.c_void_p]),
    'ndm_dtype_record_new': (ndm_status, [ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_dtype_record_free': (ndm_status, [ctypes.c_void_p]),
    'ndm_dtype_record_add_field': (ndm_status, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int64]),
    'ndm_dtype_record_add_field_ex': (ndm_status, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.c_int64]),
    'ndm_dtype_record_finish': (ndm_status, [ctypes.c_void_p, ctypes.c_bool, ctypes.c_int64, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_dtype_parse_align': (ndm_status, [ctypes.c_char_p, ctypes.c_bool, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_dtype_descr': (ctypes.c_char_p, [ctypes.c_void_p]),
    'ndm_dtype_nfields': (ctypes.c_int64, [ctypes.c_void_p]),
    'ndm_dtype_is_aligned_struct': (ctypes.c_int32, [ctypes.c_void_p]),
    'ndm_dtype_field': (ndm_status, [ctypes.c_void_p, ctypes.c_int64, ctypes.POINTER(ndm_field_info)]),
    'ndm_dtype_field_dtype': (ndm_status, [ctypes.c_void_p, ctypes.c_int64, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_dtype_field_index': (ctypes.c_int64, [ctypes.c_void_p, ctypes.c_char_p]),
    'ndm_dtype_newbyteorder': (ndm_status, [ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_take': (ndm_status, [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_compress': (ndm_status, [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_concatenate': (ndm_status, [ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_int64), ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_last_error': (ctypes.c_char_p, []),
    'ndm_last_status': (ndm_status, []),
    'ndm_last_errno': (ctypes.c_int32, []),
    'ndm_set_last_error': (ndm_status, [ndm_status, ctypes.c_char_p]),
    'ndm_status_str': (ctypes.c_char_p, [ndm_status]),
    'ndm_version': (ctypes.c_char_p, []),
    'ndm_ufunc_binary': (ndm_status, [ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ndm_ufunc_opts), ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_simd_level': (ctypes.c_char_p, []),
    'ndm_set_num_threads': (ndm_status, [ctypes.c_int64]),
    'ndm_get_num_threads': (ctypes.c_int64, []),
    'ndm_ufunc_scalar': (ndm_status, [ctypes.c_int32, ctypes.c_void_p, ctypes.POINTER(ndm_scalar), ctypes.c_bool, ctypes.c_void_p, ctypes.POINTER(ndm_ufunc_opts), ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_ufunc_unary': (ndm_status, [ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ndm_ufunc_opts), ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_reduce': (ndm_status, [ctypes.c_int32, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32, ctypes.c_bool, ctypes.c_void_p, ctypes.POINTER(ndm_ufunc_opts), ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_index': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ndm_index_item), ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_transpose': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_swapaxes': (ndm_status, [ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_moveaxis': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_int64), ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_squeeze': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_expand_dims': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_diagonal': (ndm_status, [ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_reshape': (ndm_status, [ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32, ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_ravel': (ndm_status, [ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_flatten': (ndm_status, [ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_ascontiguousarray': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_asfortranarray': (ndm_status, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_broadcast_shapes': (ndm_status, [ctypes.c_int32, ctypes.POINTER(ctypes.c_int32), ctypes.POINTER(ctypes.POINTER(ctypes.c_int64)), ctypes.POINTER(ctypes.c_int32), ctypes.POINTER(ctypes.c_int64)]),
    'ndm_broadcast_to': (ndm_status, [ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_as_strided': (ndm_status, [ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_int64), ctypes.c_bool, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_view_buffer': (ndm_status, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_int64), ctypes.c_bool, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_with_writeable': (ndm_status, [ctypes.c_void_p, ctypes.c_bool, ctypes.POINTER(ctypes.c_void_p)]),
    'ndm_sliding_window_view': (ndm_status, [ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_int64), ctypes.c_bool, ctypes.POINTER(ctypes.c_void_p)]),
}


# The functions that report their outcome as an ndm_status (checked after every call).
CHECKED = frozenset([
    'ndm_append',
    'ndm_append_commit',
    'ndm_append_raw',
    'ndm_append_space',
    'ndm_arange',
    'ndm_array_dtype',
    'ndm_array_free',
    'ndm_as_strided',
    'ndm_ascontiguousarray',
    'ndm_asfortranarray',
    'ndm_astype',
    'ndm_base',
    'ndm_broadcast_shapes',
    'ndm_broadcast_to',
    'ndm_buffer_range',
    'ndm_byteswap',
    'ndm_can_cast',
    'ndm_compress',
    'ndm_concatenate',
    'ndm_copy',
    'ndm_copyto',
    'ndm_diagonal',
    'ndm_dtype_clone',
    'ndm_dtype_field',
    'ndm_dtype_field_dtype',
    'ndm_dtype_free',
    'ndm_dtype_new',
    'ndm_dtype_newbyteorder',
    'ndm_dtype_parse',
    'ndm_dtype_parse_align',
    'ndm_dtype_record_add_field',
    'ndm_dtype_record_add_field_ex',
    'ndm_dtype_record_finish',
    'ndm_dtype_record_free',
    'ndm_dtype_record_new',
    'ndm_empty',
    'ndm_empty_growable',
    'ndm_empty_like',
    'ndm_expand_dims',
    'ndm_field',
    'ndm_fields',
    'ndm_flatten',
    'ndm_flush',
    'ndm_from_dlpack',
    'ndm_from_dlpack_versioned',
    'ndm_from_ptr',
    'ndm_full',
    'ndm_get_item',
    'ndm_growable_flush',
    'ndm_growable_free',
    'ndm_growable_set_policy',
    'ndm_growable_view',
    'ndm_index',
    'ndm_is_self_overlapping',
    'ndm_load_npy',
    'ndm_load_npy_ex',
    'ndm_may_share_memory',
    'ndm_mem_leak_report',
    'ndm_mem_report',
    'ndm_mem_reset_peak',
    'ndm_mem_scope_begin',
    'ndm_mem_scope_end',
    'ndm_mem_set_tracking',
    'ndm_mem_stats',
    'ndm_memmap_info',
    'ndm_memmap_raw',
    'ndm_moveaxis',
    'ndm_open_append',
    'ndm_open_memmap',
    'ndm_open_memmap_ex',
    'ndm_ravel',
    'ndm_reduce',
    'ndm_release_pages',
    'ndm_repack',
    'ndm_reserve',
    'ndm_reshape',
    'ndm_save_npy',
    'ndm_set_alloc_hook',
    'ndm_set_copy_callback',
    'ndm_set_copy_policy',
    'ndm_set_item',
    'ndm_set_num_threads',
    'ndm_set_tag',
    'ndm_set_thread_copy_policy',
    'ndm_shares_memory',
    'ndm_shrink_to_fit',
    'ndm_sliding_window_view',
    'ndm_squeeze',
    'ndm_swapaxes',
    'ndm_take',
    'ndm_to_dlpack',
    'ndm_to_dlpack_unversioned',
    'ndm_transpose',
    'ndm_ufunc_binary',
    'ndm_ufunc_scalar',
    'ndm_ufunc_unary',
    'ndm_view_buffer',
    'ndm_view_dtype',
    'ndm_with_writeable',
    'ndm_zeros',
])


def declare(lib, check):
    """Set restype and argtypes of every ndmem function on a loaded CDLL, and make every
    function that reports its outcome as an ndm_status call `check(status)` after each
    call (ctypes errcheck), so that no caller can forget it."""

    def errcheck(status, func, args):
        check(status)
        return status

    for name, (restype, argtypes) in FUNCTIONS.items():
        fn = getattr(lib, name, None)
        if fn is None:
            raise ImportError(f"ndmem: the library lacks {name} (built from other sources "
                              f"than the header {NDM_VERSION_STRING} these bindings were "
                              "generated from): rebuild it")
        fn.restype = restype
        fn.argtypes = argtypes
        if name in CHECKED:
            fn.errcheck = errcheck
    return lib
