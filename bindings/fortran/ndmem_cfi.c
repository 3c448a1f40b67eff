/* The bridge between Fortran descriptors (ISO_Fortran_binding.h, CFI_cdesc_t) and ndmem arrays.
 * Compile it with the C compiler matching the Fortran compiler (gfortran >= 12: its header is in
 * `gcc -print-file-name=include`). Axes are reversed between the two: a Fortran array a(n1, n2)
 * is the ndmem array of shape (n2, n1), so column-major Fortran data is C-contiguous in ndmem and
 * C-ordered ndmem data is contiguous in Fortran. Byte strides become `sm` unchanged (negative
 * ones included); nothing is copied in either direction. */
#include <ISO_Fortran_binding.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ndmem.h"

/* The ndmem kind of an intrinsic Fortran type, or -1. */
static int32_t kind_of(CFI_type_t t) {
    switch (t) {
    case CFI_type_Bool: return NDM_KIND_BOOL;
    case CFI_type_int8_t: return NDM_KIND_INT8;
    case CFI_type_int16_t: return NDM_KIND_INT16;
    case CFI_type_int32_t: return NDM_KIND_INT32;
    case CFI_type_int64_t: return NDM_KIND_INT64;
    case CFI_type_float: return NDM_KIND_FLOAT32;
    case CFI_type_double: return NDM_KIND_FLOAT64;
    case CFI_type_float_Complex: return NDM_KIND_COMPLEX64;
    case CFI_type_double_Complex: return NDM_KIND_COMPLEX128;
    default: return -1;
    }
}

/* An ndmem array over the Fortran array described by `d`, with no copy, writeable or read-only.
 * `dtype` may be NULL for intrinsic types; it is required for derived types (a record dtype of
 * the same size). The caller keeps the Fortran array alive while the ndmem array lives. */
ndm_status ndmf_from_descriptor(const CFI_cdesc_t *d, const ndm_dtype *dtype, bool writeable,
                                ndm_array **out) {
    char msg[160];
    if (d == NULL || out == NULL) return ndm_set_last_error(NDM_ERR_NULL_ARG, "ndm_wrap: no array");
    if (d->base_addr == NULL)
        return ndm_set_last_error(NDM_ERR_NULL_ARG, "ndm_wrap: the array is not allocated or associated");
    ndm_dtype *own = NULL;
    if (dtype == NULL) {
        int32_t kind = kind_of(d->type);
        if (kind < 0) {
            snprintf(msg, sizeof msg,
                     "ndm_wrap: Fortran type code %d (character, logical of another kind, or a derived "
                     "type) has no ndmem dtype; pass a record dtype for bind(C) derived types",
                     (int)d->type);
            return ndm_set_last_error(NDM_ERR_DTYPE, msg);
        }
        ndm_status s = ndm_dtype_new(kind, NDM_BYTEORDER_NATIVE, 0, &own);
        if (s != NDM_OK) return s;
        dtype = own;
    }
    if ((size_t)ndm_dtype_itemsize(dtype) != d->elem_len) {
        snprintf(msg, sizeof msg, "ndm_wrap: the dtype's itemsize %lld is not the element size %zu",
                 (long long)ndm_dtype_itemsize(dtype), d->elem_len);
        ndm_dtype_free(own);
        return ndm_set_last_error(NDM_ERR_DTYPE, msg);
    }
    int rank = d->rank;
    int64_t shape[CFI_MAX_RANK], strides[CFI_MAX_RANK];
    int64_t lo = 0, hi = (int64_t)d->elem_len;
    for (int k = 0; k < rank; k++) {
        const CFI_dim_t *dim = &d->dim[rank - 1 - k];
        shape[k] = dim->extent;
        strides[k] = dim->sm;
        if (dim->extent == 0) lo = hi = 0;
    }
    for (int k = 0; k < rank && hi > 0; k++) {
        int64_t reach = (shape[k] - 1) * strides[k];
        if (reach < 0) lo += reach; else hi += reach;
    }
    ndm_status s = ndm_from_ptr((char *)d->base_addr + lo, (size_t)(hi - lo), -lo, dtype, rank,
                                shape, strides, writeable ? NDM_FLAG_WRITEABLE : 0, NULL, NULL, out);
    ndm_dtype_free(own);
    return s;
}

/* Points the Fortran pointer described by `d` (rank equal to a's ndim, element type the array's
 * native dtype) at a's elements with no copy. Strides that are not a multiple of the element
 * size are refused with NDM_ERR_INVALID_ARG: gfortran miscompiles such pointers. The ndmem
 * array (or a view of the same memory) must outlive the pointer. */
ndm_status ndmf_to_descriptor(const ndm_array *a, CFI_cdesc_t *d) {
    char msg[160];
    if (a == NULL) return ndm_set_last_error(NDM_ERR_NULL_ARG, "ndm_pointer: the array handle is NULL");
    if (d == NULL) return ndm_set_last_error(NDM_ERR_NULL_ARG, "ndm_pointer: no pointer");
    int rank = ndm_ndim(a);
    if (rank < 0) return ndm_last_status(); /* a bad handle: ndm_ndim recorded why */
    if (rank != d->rank || d->attribute != CFI_attribute_pointer) {
        snprintf(msg, sizeof msg, "ndm_pointer: the array has %d axes but the pointer has rank %d", rank,
                 (int)d->rank);
        return ndm_set_last_error(NDM_ERR_INVALID_ARG, msg);
    }
    ndm_dtype *dt = NULL;
    ndm_status s = ndm_array_dtype(a, &dt);
    if (s != NDM_OK) return s;
    char typestr[32];
    snprintf(typestr, sizeof typestr, "%s", ndm_dtype_str(dt));
    const uint16_t one = 1;
    int32_t native = *(const unsigned char *)&one ? NDM_BYTEORDER_LITTLE : NDM_BYTEORDER_BIG;
    int32_t order = ndm_dtype_byteorder(dt);
    bool same = ndm_dtype_kind(dt) == kind_of(d->type) && (order == NDM_BYTEORDER_NA || order == native);
    ndm_dtype_free(dt);
    if (!same) {
        snprintf(msg, sizeof msg,
                 "ndm_pointer: the array's elements are %s, not the pointer's type (Fortran type code %d)",
                 typestr, (int)d->type);
        return ndm_set_last_error(NDM_ERR_DTYPE, msg);
    }
    int64_t item = ndm_itemsize(a);
    const int64_t *shape = ndm_shape(a), *strides = ndm_strides(a);
    CFI_index_t extents[CFI_MAX_RANK];
    for (int k = 0; k < rank; k++) {
        if (strides[k] % item != 0) {
            snprintf(msg, sizeof msg,
                     "ndm_pointer: stride %lld of axis %d is not a multiple of the element size %lld "
                     "(a Fortran pointer cannot express it; copy the array first)",
                     (long long)strides[k], k, (long long)item);
            return ndm_set_last_error(NDM_ERR_INVALID_ARG, msg);
        }
        extents[rank - 1 - k] = shape[k];
    }
    if (CFI_establish(d, ndm_data(a), CFI_attribute_pointer, d->type, d->elem_len, rank, extents) !=
        CFI_SUCCESS)
        return ndm_set_last_error(NDM_ERR_INVALID_ARG, "ndm_pointer: CFI_establish refused the pointer");
    for (int k = 0; k < rank; k++) {
        d->dim[rank - 1 - k].sm = strides[k];
        d->dim[rank - 1 - k].lower_bound = 1;
    }
    return NDM_OK;
}
