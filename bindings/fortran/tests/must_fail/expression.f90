! Must not compile: an expression is a temporary the compiler frees after the call, so an ndmem
! array over it would dangle. ndm_wrap's intent(inout) refuses it.
program expression
  use, intrinsic :: iso_c_binding
  use ndmem
  implicit none
  real(c_double), target :: a(6, 4)
  type(c_ptr) :: arr
  a = 0
  call ndm_check(ndm_wrap(a * 2, arr))
end program
