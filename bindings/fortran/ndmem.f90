! Fortran module for ndmem: the generated C interfaces (module ndmem_c) plus helpers.
!   - ndm_wrap(a, arr [, dtype]): an ndmem array over any Fortran array (rank 0-7, any
!     intrinsic type, or a bind(C) derived type with a record dtype), sections such as
!     a(1:n:2, :) included, with no copy. Axes are reversed: a(n1, n2) is ndmem shape (n2, n1).
!     `a` is intent(inout), target: the compiler refuses what it would pass as a temporary copy
!     (a vector subscript a([1,3], :), an expression a*2), which it frees after the call.
!   - ndm_wrap_readonly(a, arr [, dtype]): the same for intent(in) data, as a read-only array.
!     Wrap variables only: an expression is a temporary, gone when the call returns.
!   - ndm_pointer(arr, p): a Fortran pointer (real/integer/complex of 4 or 8 bytes, rank 1-7)
!     over an ndmem array's elements (axes reversed back), negative strides allowed; strides that
!     are not a multiple of the element size are refused (module ndmem_pointers, generated).
!     The element type must be the array's (native byte order), else NDM_ERR_DTYPE.
!   - ndm_check(status): stops with the library's message when status /= ndm_ok; the shim's own
!     failures (a character array, a rank or type mismatch) record their own message.
!   - ndm_message(), ndm_status_name(status): the last failure's text, a status code's name.
! In the C interfaces, every pointer argument to which C gives a meaning when NULL is optional
! (absent: NULL; the list is NULLABLE in gen_interfaces.py):
! `axes` (pass naxes=ndm_all_axes for NumPy's axis=None, or naxes=0 for no axis), `opts`,
! `strides`, `axis`, and `result` when `out` is given, so an in-place ufunc makes no handle:
!   status = ndm_ufunc_binary(ndm_add, x, y, out=x)
! Handles passed by value (out, dtype) take c_null_ptr for "none".
! Needs gfortran >= 12 (assumed-rank and assumed-type dummies, ISO_Fortran_binding.h) and the C
! shim ndmem_cfi.c compiled with the matching C compiler.
module ndmem
  use, intrinsic :: iso_c_binding
  use ndmem_c
  use ndmem_pointers
  implicit none
  private
  public :: ndm_wrap, ndm_wrap_readonly, ndm_pointer, ndm_check, ndm_message, ndm_cstr
  public :: ndm_status_name
  public :: ndm_from_descriptor

  interface
    function ndm_from_descriptor(a, dtype, writeable, out) bind(C, name='ndmf_from_descriptor') &
        result(r)
      import
      type(*), dimension(..), intent(in) :: a
      type(c_ptr), value :: dtype
      logical(c_bool), value :: writeable
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: r
    end function
  end interface

contains

  !> The library's message for the last failure on this thread.
  function ndm_message() result(msg)
    character(:), allocatable :: msg
    msg = from_c(ndm_last_error(), 4096)
  end function

  !> The name of a status code ('NDM_OK', 'NDM_ERR_SHAPE', ...; 'NDM_ERR_UNKNOWN' otherwise).
  function ndm_status_name(status) result(name)
    integer(c_int32_t), intent(in) :: status
    character(:), allocatable :: name
    name = from_c(ndm_status_str(status), 64)
  end function

  !> The NUL-terminated C string at `p` (at most `most` characters) as a Fortran string.
  function from_c(p, most) result(text)
    type(c_ptr), intent(in) :: p
    integer, intent(in) :: most
    character(:), allocatable :: text
    character(kind=c_char), pointer :: chars(:)
    integer :: n
    call c_f_pointer(p, chars, [most])
    n = 0
    do while (n < most)
      if (chars(n + 1) == c_null_char) exit
      n = n + 1
    end do
    allocate(character(n) :: text)
    text = transfer(chars(1:n), text)
  end function

  !> Stops the program with the library's message when `status` is not ndm_ok.
  subroutine ndm_check(status, what)
    integer(c_int32_t), intent(in) :: status
    character(*), intent(in), optional :: what
    if (status == ndm_ok) return
    if (present(what)) then
      error stop what // ': ' // ndm_message()
    end if
    error stop ndm_message()
  end subroutine

  !> `text` as a NUL-terminated C string.
  function ndm_cstr(text) result(c)
    character(*), intent(in) :: text
    character(kind=c_char, len=len_trim(text) + 1) :: c
    c = trim(text) // c_null_char
  end function

  !> An ndmem array over `a` (no copy, writeable); `dtype` (a dtype handle) for derived types.
  !> intent(inout) makes the compiler refuse temporaries (vector subscripts, expressions).
  function ndm_wrap(a, arr, dtype) result(status)
    type(*), dimension(..), intent(inout), target :: a
    type(c_ptr), intent(out) :: arr
    type(c_ptr), intent(in), optional :: dtype
    integer(c_int32_t) :: status
    status = wrap(a, arr, .true._c_bool, dtype)
  end function

  !> A read-only ndmem array over intent(in) data `a` (no copy). Wrap a variable, never an
  !> expression: the compiler passes an expression as a temporary that is freed after the call.
  function ndm_wrap_readonly(a, arr, dtype) result(status)
    type(*), dimension(..), intent(in), target :: a
    type(c_ptr), intent(out) :: arr
    type(c_ptr), intent(in), optional :: dtype
    integer(c_int32_t) :: status
    status = wrap(a, arr, .false._c_bool, dtype)
  end function

  !> The shim call behind ndm_wrap and ndm_wrap_readonly.
  function wrap(a, arr, writeable, dtype) result(status)
    type(*), dimension(..), intent(in), target :: a
    type(c_ptr), intent(out) :: arr
    logical(c_bool), intent(in) :: writeable
    type(c_ptr), intent(in), optional :: dtype
    integer(c_int32_t) :: status
    if (present(dtype)) then
      status = ndm_from_descriptor(a, dtype, writeable, arr)
    else
      status = ndm_from_descriptor(a, c_null_ptr, writeable, arr)
    end if
  end function

end module ndmem
