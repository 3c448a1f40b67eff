! Step 3 of the shared-data demo (Fortran): map shared.npy read-write; the C-order 3 x 4 array is
! the Fortran 4 x 3 array p (axes reversed), so p(:, 2) is row 1 of the C array: add 1 to it.
program step3
  use, intrinsic :: iso_c_binding
  use ndmem_c
  use ndmem
  implicit none
  type(c_ptr) :: arr
  real(c_double), pointer :: p(:, :)
  type(ndm_mem_counts) :: m
  call ndm_check(ndm_open_memmap(ndm_cstr('shared.npy'), ndm_cstr('r+'), c_null_ptr, 0, &
       [0_c_int64_t], .false._c_bool, 0, arr))
  call ndm_check(ndm_pointer(arr, p))
  p(:, 2) = p(:, 2) + 1
  call ndm_check(ndm_flush(arr))
  print '(a, 4f6.0)', 'Fortran: added 1 to row 1:', p(:, 2)
  call ndm_check(ndm_array_free(arr))
  m%size = c_sizeof(m)  ! the ledger: what this step copied
  call ndm_check(ndm_mem_stats(m))
  print '(a, i0, a, i0, a)', '         ledger: ', m%explicit_copies + m%implicit_copies, ' copies, ', &
       m%explicit_bytes + m%implicit_bytes, ' bytes copied'
  if (m%explicit_copies + m%implicit_copies /= 0) error stop 1
end program
