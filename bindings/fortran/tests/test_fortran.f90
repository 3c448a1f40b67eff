! Tests of the Fortran binding: a strided section of a Fortran array updated in place by an
! ndmem ufunc and seen by Fortran; ndmem arrays read through Fortran pointers (reversed axes,
! negative strides); a record array read as a bind(C) derived type; error paths; optional
! arguments standing for C's NULL; the shim's own error messages. Compiled with -cpp: the build
! passes the test data directory as NDM_TEST_DATA (the test runs from any directory).
#ifndef NDM_TEST_DATA
#define NDM_TEST_DATA 'tests/data'
#endif
module test_fortran_copies
  use, intrinsic :: iso_c_binding
  implicit none
  integer :: warned = 0
  integer(c_int32_t) :: warned_reason = -1
contains
  ! The copy callback under NDM_COPY_POLICY_WARN: called by ndmem before each implicit copy.
  subroutine on_copy(reason, bytes, op, userdata) bind(C)
    integer(c_int32_t), value :: reason
    integer(c_int64_t), value :: bytes
    type(c_ptr), value :: op, userdata
    if (bytes > 0 .and. c_associated(op) .and. .not. c_associated(userdata)) warned = warned + 1
    warned_reason = reason
  end subroutine
end module

program test_fortran
  use, intrinsic :: iso_c_binding
  use ndmem_c
  use ndmem
  use test_fortran_copies
  implicit none
  type, bind(C) :: person
    integer(c_int32_t) :: age
    real(c_double) :: salary
  end type
  integer :: passed = 0, failed = 0
  real(c_double), target :: a(6, 4)
  real(c_double), pointer :: p1(:), p2(:, :)
  type(person), target :: staff(3)
  type(c_ptr) :: arr, view, res, d, f8, field, i4
  type(ndm_scalar) :: ten
  type(ndm_index_item) :: rev(1)
  real(c_double), target :: x, b3(5, 4, 3)
  complex(c_double_complex), target :: c7(2, 1, 3, 1, 2, 1, 2)
  real(c_double), pointer :: p3(:, :, :)
  complex(c_double_complex), pointer :: p7(:, :, :, :, :, :, :)
  integer(c_int32_t), pointer :: q1(:)
  type(person), pointer :: people(:)
  integer(c_int64_t) :: shape2(2) = [2_c_int64_t, 3_c_int64_t], idx(2), n3(1) = [3_c_int64_t]
  integer :: i
  real(c_double), target :: v6(6)
  integer(c_int64_t), target :: picks(2)
  logical(c_bool), target :: keep(6)
  character(len=1), target :: chars(3)
  type(c_ptr) :: idx_arr, handles(2), builder

  ! 1. a(1:6:2, :) is ndmem shape (4, 3), strides (48, 16): multiply it by 10 in place.
  a = reshape([(real(i, c_double), i = 1, 24)], [6, 4])
  call ndm_check(ndm_wrap(a(1:6:2, :), arr), 'wrap')
  call check(ndm_ndim(arr) == 2)
  call shape_is(arr, [4_c_int64_t, 3_c_int64_t], [48_c_int64_t, 16_c_int64_t])
  call check(c_associated(ndm_data(arr), c_loc(a(1, 1))))
  ten = ndm_scalar(ndm_scalar_float, 0_c_int64_t, 10.0_c_double, 0.0_c_double)
  call ndm_check(ndm_ufunc_scalar(ndm_multiply, arr, ten, .false._c_bool, arr, result=res), 'multiply')
  call ndm_check(ndm_array_free(res))
  call check(a(1, 1) == 10 .and. a(2, 1) == 2 .and. a(3, 1) == 30 .and. a(5, 4) == 230 .and. a(6, 4) == 24)
  call ndm_check(ndm_array_free(arr))

  ! 2. An ndmem C-order (2, 3) array is a Fortran (3, 2) pointer over the same memory.
  call ndm_check(ndm_dtype_parse(ndm_cstr('<f8'), f8))
  call ndm_check(ndm_zeros(f8, 2, shape2, ndm_order_c, arr))
  call ndm_check(ndm_pointer(arr, p2), 'pointer')
  call check(size(p2, 1) == 3 .and. size(p2, 2) == 2)
  p2(1, 2) = 5
  idx = [1_c_int64_t, 0_c_int64_t]
  call ndm_check(ndm_get_item(arr, idx, 2, ndm_kind_float64, c_loc(x)))
  call check(x == 5)
  ! A reversed view: p1(1) is the last element, the stride is negative.
  call ndm_check(ndm_ravel(arr, ndm_order_c, view))
  call ndm_check(ndm_array_free(arr))
  rev(1) = ndm_index_item(ndm_index_slice, ior(ndm_slice_no_start, ndm_slice_no_stop), 0, 0, -1)
  call ndm_check(ndm_index(view, rev, 1, arr))
  call ndm_check(ndm_pointer(arr, p1))
  call check(size(p1) == 6 .and. p1(3) == 5 .and. p1(1) == 0)
  p1(6) = 7
  call check(p2(1, 1) == 7)
  call ndm_check(ndm_array_free(arr))
  call ndm_check(ndm_array_free(view))

  ! 3. Records: Fortran bind(C) derived type <-> aligned record dtype; salaries doubled in place.
  staff = [person(30, 100.0_c_double), person(40, 200.0_c_double), person(50, 300.0_c_double)]
  call ndm_check(ndm_dtype_parse_align(ndm_cstr("[('age', '<i4'), ('salary', '<f8')]"), .true._c_bool, d))
  call check(ndm_dtype_itemsize(d) == c_sizeof(staff(1)))
  call ndm_check(ndm_wrap(staff, arr, d), 'wrap records')
  call ndm_check(ndm_field(arr, ndm_cstr('salary'), field))
  call ndm_check(ndm_pointer(field, p1))
  call check(p1(2) == 200)
  ten%f = 2
  call ndm_check(ndm_ufunc_scalar(ndm_multiply, field, ten, .false._c_bool, field, result=res))
  call ndm_check(ndm_array_free(res))
  call check(staff(1)%salary == 200 .and. staff(3)%salary == 600 .and. staff(2)%age == 40)
  call ndm_check(ndm_array_free(field))
  call ndm_check(ndm_array_free(arr))

  ! 4. Higher ranks: a rank-3 section and a rank-7 array both ways; complex elements; an ndmem
  !    record array read as the derived type.
  b3 = reshape([(real(i, c_double), i = 1, 60)], [5, 4, 3])
  call ndm_check(ndm_wrap(b3(5:1:-2, 2:, ::2), arr), 'wrap rank 3')
  call shape_is(arr, [2_c_int64_t, 3_c_int64_t, 3_c_int64_t], [320_c_int64_t, 40_c_int64_t, -16_c_int64_t])
  call ndm_check(ndm_pointer(arr, p3))
  call check(all(shape(p3) == [3, 3, 2]) .and. p3(1, 1, 1) == b3(5, 2, 1) .and. p3(3, 2, 2) == b3(1, 3, 3))
  p3(2, 3, 2) = -1
  call check(b3(3, 4, 3) == -1)
  call ndm_check(ndm_array_free(arr))
  c7 = (1.0_c_double, 2.0_c_double)
  call ndm_check(ndm_wrap(c7, arr), 'wrap rank 7')
  call check(ndm_ndim(arr) == 7 .and. ndm_size(arr) == 2 * 1 * 3 * 1 * 2 * 1 * 2)
  call ndm_check(ndm_pointer(arr, p7))
  p7(2, 1, 3, 1, 2, 1, 2) = (5.0_c_double, 0.0_c_double)
  call check(c7(2, 1, 3, 1, 2, 1, 2) == (5.0_c_double, 0.0_c_double) .and. all(shape(p7) == shape(c7)))
  call ndm_check(ndm_array_free(arr))
  call ndm_check(ndm_zeros(d, 1, n3, ndm_order_c, arr))
  call ndm_check(ndm_field(arr, ndm_cstr('age'), field))
  call ndm_check(ndm_pointer(field, q1))
  q1 = [7, 8, 9]
  call c_f_pointer(ndm_data(arr), people, [3])
  call check(people(2)%age == 8 .and. people(3)%salary == 0)
  call ndm_check(ndm_array_free(field))
  call ndm_check(ndm_array_free(arr))

  ! 5. A read-only handle of a Fortran array and back; its bytes read as int32 through a checked
  !    buffer view; a zeroed array laid out like it; the errno of a file-system failure.
  a = 1
  call ndm_check(ndm_wrap(a, arr), 'wrap')
  call ndm_check(ndm_with_writeable(arr, .false._c_bool, view))
  call check(iand(ndm_flags(view), ndm_flag_writeable) == 0)
  call ndm_check(ndm_with_writeable(view, .true._c_bool, res))
  call check(iand(ndm_flags(res), ndm_flag_writeable) /= 0 .and. c_associated(ndm_data(res), c_loc(a)))
  call ndm_check(ndm_array_free(res))
  call ndm_check(ndm_array_free(view))
  call ndm_check(ndm_dtype_parse(ndm_cstr('<i4'), i4))
  call ndm_check(ndm_view_buffer(arr, i4, 4_c_int64_t, 1, [2_c_int64_t], [8_c_int64_t], .true._c_bool, view))
  call ndm_check(ndm_pointer(view, q1), 'pointer')
  call check(size(q1) == 2 .and. q1(1) == 1072693248 .and. q1(2) == 1072693248)  ! high words of 1.0
  call check(ndm_view_buffer(arr, i4, 190_c_int64_t, 1, [1_c_int64_t], [4_c_int64_t], .true._c_bool, &
      res) == ndm_err_bounds)
  call ndm_check(ndm_array_free(view))
  call ndm_check(ndm_dtype_free(i4))
  call ndm_check(ndm_empty_like(arr, c_null_ptr, ndm_order_k, .true._c_bool, res))
  call shape_is(res, [4_c_int64_t, 6_c_int64_t], [48_c_int64_t, 8_c_int64_t])
  call ndm_check(ndm_array_free(res))
  call ndm_check(ndm_array_free(arr))
  call check(ndm_load_npy(ndm_cstr('/nonexistent/x.npy'), res) == ndm_err_io)
  call check(ndm_last_errno() == 2)  ! ENOENT
  call check(ndm_load_npy_ex(ndm_cstr(NDM_TEST_DATA // '/npy/f_i4_3x2.npy'), 10_c_int64_t, res) == ndm_err_format)
  call check(index(ndm_message(), 'max_header_size') > 0)  ! NumPy's header limit, here 10 bytes

  ! 6. intent(in) data is wrapped read-only (ndm_wrap needs intent(inout): no temporaries).
  call check(readonly_view_of(a) == 0)

  ! 7. Errors: a status and the message; strides that are not a multiple of the element size.
  call check(ndm_dtype_parse(ndm_cstr('f3'), view) == ndm_err_dtype)
  call check(index(ndm_message(), 'f3') > 0 .and. ndm_last_status() == ndm_err_dtype)
  call check(ndm_status_name(ndm_err_dtype) == 'NDM_ERR_DTYPE' .and. ndm_status_name(ndm_ok) == 'NDM_OK')
  call check(ndm_status_name(-5) == 'NDM_ERR_UNKNOWN')
  call ndm_check(ndm_dtype_parse(ndm_cstr("[('a', 'i1'), ('b', '<f8')]"), field))  ! packed: b at 1
  call ndm_check(ndm_zeros(field, 1, n3, ndm_order_c, view))
  call ndm_check(ndm_field(view, ndm_cstr('b'), arr))
  call check(ndm_pointer(arr, p1) == ndm_err_invalid_arg)  ! stride 9
  call check(ndm_wrap(a, res, d) == ndm_err_dtype)         ! 8-byte reals are not 16-byte records
  call ndm_check(ndm_array_free(arr))
  call ndm_check(ndm_array_free(view))
  call ndm_check(ndm_dtype_free(field))
  call ndm_check(ndm_dtype_free(d))

  ! 8. Every pointer C accepts as NULL is an optional argument (absent: NULL).
  v6 = [(real(i, c_double), i = 1, 6)]
  call ndm_check(ndm_wrap(v6, arr))
  call ndm_check(ndm_ufunc_binary(ndm_add, arr, arr, arr))            ! no result handle: v6 doubled
  call ndm_check(ndm_ufunc_unary(ndm_negative, arr, arr))             ! negated
  ten%f = -0.5
  call ndm_check(ndm_ufunc_scalar(ndm_multiply, arr, ten, .false._c_bool, arr))  ! back to 1..6
  call check(v6(1) == 1 .and. v6(6) == 6)
  call ndm_check(ndm_zeros(f8, 0, n3, ndm_order_c, res))             ! a 0-d out
  call ndm_check(ndm_reduce(ndm_add, arr, naxes=ndm_all_axes, keepdims=.false._c_bool, out=res))
  call ndm_check(ndm_get_item(res, idx, 0, ndm_kind_float64, c_loc(x)))
  call check(x == 21)
  call ndm_check(ndm_array_free(res))
  call ndm_check(ndm_reduce(ndm_add, arr, naxes=0, keepdims=.false._c_bool, out=c_null_ptr, result=res))
  call check(ndm_ndim(res) == 1)                                      ! no axes listed: nothing reduced
  call ndm_check(ndm_array_free(res))
  call ndm_check(ndm_from_ptr(c_loc(v6), 48_c_size_t, 0_c_int64_t, f8, 2, shape2, flags=0, &
      release=c_null_funptr, ctx=c_null_ptr, out=view))               ! no strides: C order
  call shape_is(view, shape2, [24_c_int64_t, 8_c_int64_t])
  call ndm_check(ndm_transpose(view, naxes=ndm_all_axes, out=res))
  call shape_is(res, [3_c_int64_t, 2_c_int64_t], [8_c_int64_t, 24_c_int64_t])
  call ndm_check(ndm_array_free(res))
  call ndm_check(ndm_squeeze(view, naxes=ndm_all_axes, out=res))
  call check(ndm_ndim(res) == 2)
  call ndm_check(ndm_array_free(res))
  call ndm_check(ndm_view_buffer(arr, f8, 8_c_int64_t, 1, [5_c_int64_t], writeable=.false._c_bool, out=res))
  call ndm_check(ndm_get_item(res, [0_c_int64_t], 1, ndm_kind_float64, c_loc(x)))
  call check(x == 2)
  call ndm_check(ndm_array_free(res))
  call ndm_check(ndm_sliding_window_view(arr, 1, [3_c_int64_t], writeable=.false._c_bool, out=res))
  call shape_is(res, [4_c_int64_t, 3_c_int64_t], [8_c_int64_t, 8_c_int64_t])
  call ndm_check(ndm_array_free(res))
  picks = [5, 0]
  call ndm_check(ndm_wrap(picks, idx_arr))
  call ndm_check(ndm_take(view, idx_arr, out=res))                     ! no axis: the flattened array
  call ndm_check(ndm_get_item(res, [0_c_int64_t], 1, ndm_kind_float64, c_loc(x)))
  call check(x == 6 .and. ndm_size(res) == 2)
  call ndm_check(ndm_array_free(res))
  call ndm_check(ndm_array_free(idx_arr))
  keep = [.true., .false., .true., .false., .false., .true.]
  call ndm_check(ndm_wrap(keep, idx_arr))
  call ndm_check(ndm_compress(view, idx_arr, out=res))
  call check(ndm_size(res) == 3)
  call ndm_check(ndm_array_free(res))
  call ndm_check(ndm_array_free(idx_arr))
  handles = [arr, view]
  call ndm_check(ndm_concatenate(2, handles, dtype=c_null_ptr, casting=ndm_casting_same_kind, out=res))
  call check(ndm_size(res) == 12 .and. ndm_ndim(res) == 1)
  call ndm_check(ndm_array_free(res))
  call ndm_check(ndm_byteswap(arr, .true._c_bool))                     ! in place, no handle
  call check(transfer(v6(1), 0_c_int64_t) == int(z'F03F', c_int64_t))  ! 1.0's bytes reversed
  call ndm_check(ndm_byteswap(arr, .true._c_bool))
  call check(v6(1) == 1)
  call ndm_check(ndm_dtype_record_new(builder))
  call ndm_check(ndm_dtype_record_add_field_ex(builder, ndm_cstr('v'), dtype=f8, ndim=1, &
      shape=[3_c_int64_t], offset=-1_c_int64_t))                       ! no title
  call ndm_check(ndm_dtype_record_finish(builder, .false._c_bool, 0_c_int64_t, d))
  call check(ndm_dtype_itemsize(d) == 24)
  call ndm_check(ndm_dtype_free(d))
  call ndm_check(ndm_dtype_record_free(builder))
  call ndm_check(ndm_array_free(view))

  ! 9. The shim's own failures carry their own message, not the previous call's.
  call check(ndm_wrap(chars, res) == ndm_err_dtype)
  call check(index(ndm_message(), 'character') > 0)
  call check(ndm_pointer(arr, p2) == ndm_err_invalid_arg)              ! rank 1 array, rank 2 pointer
  call check(index(ndm_message(), 'pointer has rank 2') > 0)
  call check(ndm_pointer(arr, q1) == ndm_err_dtype)                    ! float64 elements, integer pointer
  call check(index(ndm_message(), '<f8') > 0)
  call check(ndm_set_last_error(ndm_err_shape) == ndm_err_shape)     ! no message: the status name
  call check(ndm_message() == 'NDM_ERR_SHAPE')
  call ndm_check(ndm_array_free(arr))
  call ndm_check(ndm_dtype_free(f8))

  ! 10. Memory accounting: a Fortran section updated by an ndmem ufunc and read back through a
  ! Fortran pointer costs no copy and no allocation; a forbidden implicit copy is refused; at
  ! the end no handle and no buffer is left.
  block
    type(ndm_mem_counts) :: s
    real(c_double), target :: g(4, 3)
    real(c_double), pointer :: gp(:, :)
    type(c_ptr) :: ga, gr
    g = 1
    s%size = c_sizeof(s)
    call ndm_check(ndm_mem_scope_begin())
    call ndm_check(ndm_wrap(g(1:4:2, :), ga), 'wrap')
    call ndm_check(ndm_ufunc_binary(ndm_add, ga, ga, ga))
    call ndm_check(ndm_pointer(ga, gp))
    gp(1, 1) = 5
    call ndm_check(ndm_set_tag(ga, ndm_cstr('g')))
    call ndm_check(ndm_mem_scope_end(s))
    call check(s%explicit_copies == 0 .and. s%implicit_copies == 0 .and. s%allocations == 0)
    call check(s%bytes_allocated == 0 .and. s%block_buffers == 0)
    call check(g(1, 1) == 5 .and. g(3, 2) == 2 .and. g(2, 1) == 1)
    call ndm_check(ndm_set_thread_copy_policy(ndm_copy_policy_forbid))
    call check(ndm_reshape(ga, 1, [6_c_int64_t], ndm_order_f, ndm_copy_if_needed, gr) == ndm_err_copy_required)
    call check(index(ndm_message(), 'reshape: ') == 1 .and. index(ndm_message(), 'forbids implicit copies') > 0)
    call ndm_check(ndm_set_copy_callback(c_funloc(on_copy), c_null_ptr))
    call ndm_check(ndm_set_thread_copy_policy(ndm_copy_policy_warn))
    call ndm_check(ndm_reshape(ga, 1, [6_c_int64_t], ndm_order_f, ndm_copy_if_needed, gr))
    call check(warned == 1 .and. warned_reason == ndm_copy_reason_reshape)
    call ndm_check(ndm_array_free(gr))
    call ndm_check(ndm_set_copy_callback(c_null_funptr, c_null_ptr))
    call ndm_check(ndm_set_thread_copy_policy(ndm_copy_policy_process))
    call ndm_check(ndm_reshape(ga, 1, [6_c_int64_t], ndm_order_f, ndm_copy_if_needed, gr))
    call ndm_check(ndm_mem_stats(s))
    call check(s%implicit_copies_by_reason(ndm_copy_reason_reshape + 1) >= 2)
    call check(s%live_buffers_by_origin(ndm_origin_foreign + 1) >= 1)
    call ndm_check(ndm_array_free(gr))
    call ndm_check(ndm_array_free(ga))
    call ndm_check(ndm_mem_stats(s))
    call check(s%live_arrays == 0 .and. s%live_dtypes == 0 .and. s%live_buffers == 0)
    call check(s%live_record_builders == 0 .and. s%size == c_sizeof(s))
    if (s%live_arrays /= 0) call ndm_check(ndm_mem_leak_report())
  end block

  ! Growable arrays: rows appended to a C-order (n, 3) array are the columns of the Fortran
  ! pointer m(3, n) (ndm_pointer reverses the axes), which stays valid, with its values, when
  ! the array moves; then the same to an .npy file.
  block
    type(c_ptr) :: g, gv, gd, loaded
    real(c_double), target :: col(3)
    real(c_double), pointer :: m(:, :)
    integer(c_int64_t) :: k
    call ndm_check(ndm_dtype_parse(ndm_cstr('<f8'), gd))
    call ndm_check(ndm_empty_growable(gd, 2, [0_c_int64_t, 3_c_int64_t], 0_c_int64_t, ndm_order_c, g), 'grow')
    do k = 1, 100
      col = [real(k, c_double), 2 * real(k, c_double), 3 * real(k, c_double)]
      call ndm_check(ndm_append_raw(g, c_loc(col), 1_c_int64_t), 'append')
    end do
    call check(ndm_growable_len(g) == 100 .and. ndm_capacity(g) >= 100 .and. ndm_growable_axis(g) == 0)
    call ndm_check(ndm_growable_view(g, gv))
    call ndm_check(ndm_pointer(gv, m), 'pointer')
    call check(size(m, 1) == 3 .and. size(m, 2) == 100 .and. m(2, 50) == 100 .and. m(3, 100) == 300)
    call check(ndm_growable_live_views(g) == 1)
    call ndm_check(ndm_growable_set_policy(g, ndm_grow_refuse))
    call check(ndm_reserve(g, 1000_c_int64_t) == ndm_err_in_use)
    call check(index(ndm_message(), '1 live view(s)') > 0)
    call ndm_check(ndm_growable_set_policy(g, ndm_grow_move))
    call ndm_check(ndm_reserve(g, 1000_c_int64_t))
    call check(m(3, 100) == 300 .and. ndm_growable_live_views(g) == 0 .and. ndm_capacity(g) >= 1000)
    call ndm_check(ndm_array_free(gv))
    call ndm_check(ndm_growable_free(g))
    call ndm_check(ndm_open_append(ndm_cstr('/tmp/ndm_test_fortran_grow.npy'), gd, 1, [3_c_int64_t], &
                                   ndm_order_c, g), 'open_append')
    call ndm_check(ndm_append_raw(g, c_loc(col), 1_c_int64_t))
    call ndm_check(ndm_append_raw(g, c_loc(col), 1_c_int64_t))
    call ndm_check(ndm_growable_free(g))
    call ndm_check(ndm_load_npy(ndm_cstr('/tmp/ndm_test_fortran_grow.npy'), loaded))
    call ndm_check(ndm_pointer(loaded, m))
    call check(size(m, 1) == 3 .and. size(m, 2) == 2 .and. m(3, 2) == 300)
    call ndm_check(ndm_array_free(loaded))
    call ndm_check(ndm_dtype_free(gd))
    open(unit=11, file='/tmp/ndm_test_fortran_grow.npy')
    close(11, status='delete')
  end block

  ! DLPack: a Fortran section handed out as a DLPack 1.x tensor (what another library would
  ! consume) and taken back: the same memory, and the last free releases it.
  block
    type(c_ptr) :: wrapped, tensor, back
    real(c_double), target :: grid(4, 5)
    real(c_double), pointer :: g2(:, :)
    type(ndm_mem_counts) :: before, after
    grid = 1
    call ndm_check(ndm_wrap(grid(2:4, 1:5:2), wrapped), 'wrap')
    before%size = c_sizeof(before)
    after%size = c_sizeof(after)
    call ndm_check(ndm_mem_stats(before))
    call ndm_check(ndm_to_dlpack(wrapped, 0, tensor), 'to_dlpack')
    call ndm_check(ndm_array_free(wrapped))
    call ndm_check(ndm_from_dlpack_versioned(tensor, back), 'from_dlpack')
    call check(c_associated(ndm_data(back), c_loc(grid(2, 1))))
    call ndm_check(ndm_pointer(back, g2))
    g2(3, 3) = -7  ! through the imported array, into the Fortran section
    call check(grid(4, 5) == -7 .and. size(g2, 1) == 3 .and. size(g2, 2) == 3)
    call ndm_check(ndm_mem_stats(after))
    call check(after%explicit_copies == before%explicit_copies .and. after%bytes_allocated == before%bytes_allocated)
    call ndm_check(ndm_array_free(back))
    call ndm_check(ndm_mem_stats(after))
    call check(after%live_buffers == before%live_buffers - 1)
    call ndm_check(ndm_wrap(grid, wrapped))
    call check(ndm_to_dlpack(wrapped, 4, tensor) == ndm_err_invalid_arg)
    call ndm_check(ndm_array_free(wrapped))
  end block

  print '(a, i0, a, i0, a)', 'test_fortran: ', passed, ' passed, ', failed, ' failed'
  if (failed > 0) error stop 1
contains
  integer function readonly_view_of(x) result(writeable_bits)
    real(c_double), intent(in), target :: x(:, :)
    type(c_ptr) :: h
    call ndm_check(ndm_wrap_readonly(x, h), 'wrap_readonly')
    call check(c_associated(ndm_data(h), c_loc(x(1, 1))) .and. ndm_size(h) == size(x))
    writeable_bits = iand(ndm_flags(h), ndm_flag_writeable)
    call ndm_check(ndm_array_free(h))
  end function
  subroutine check(cond)
    logical, intent(in) :: cond
    if (cond) then
      passed = passed + 1
    else
      failed = failed + 1
      print '(a, i0)', 'check failed: number ', passed + failed
    end if
  end subroutine
  subroutine shape_is(h, s, st)
    type(c_ptr), intent(in) :: h
    integer(c_int64_t), intent(in) :: s(:), st(:)
    integer(c_int64_t), pointer :: ps(:), pst(:)
    call c_f_pointer(ndm_shape(h), ps, [size(s)])
    call c_f_pointer(ndm_strides(h), pst, [size(s)])
    call check(all(ps == s) .and. all(pst == st))
  end subroutine
end program
