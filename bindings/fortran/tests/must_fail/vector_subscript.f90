! Must not compile: a vector subscript is passed as a temporary copy that the compiler frees
! after the call, so an ndmem array over it would dangle. ndm_wrap's intent(inout) refuses it.
program vector_subscript
  use, intrinsic :: iso_c_binding
  use ndmem
  implicit none
  real(c_double), target :: a(6, 4)
  type(c_ptr) :: arr
  a = 0
  call ndm_check(ndm_wrap(a([1, 3, 5], :), arr))
end program
