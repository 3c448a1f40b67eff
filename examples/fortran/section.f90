! Fortran: an array section handed to ndmem with no copy, updated in place by an ndmem ufunc.
program section
  use, intrinsic :: iso_c_binding
  use ndmem_c
  use ndmem
  implicit none
  real(c_double), target :: a(4, 3)
  type(c_ptr) :: arr, res
  integer :: i
  a = reshape([(real(i, c_double), i = 1, 12)], [4, 3])
  call ndm_check(ndm_wrap(a(1:4:2, :), arr))            ! rows 1 and 3: ndmem shape (3, 2)
  call ndm_check(ndm_ufunc_scalar(ndm_multiply, arr, &  ! arr *= 100, in place
       ndm_scalar(ndm_scalar_float, 0_c_int64_t, 100.0_c_double, 0.0_c_double), &
       .false._c_bool, arr, result=res))
  print '(4f7.0)', a                                     ! rows 1 and 3 changed in Fortran
  call ndm_check(ndm_array_free(res))
  call ndm_check(ndm_array_free(arr))
end program
