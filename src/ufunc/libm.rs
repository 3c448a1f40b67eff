//! The C library's complex functions, which NumPy's npymath calls for complex sqrt, exp, log,
//! sin, cos, tan and power. (Imports, not exports: `double complex` is passed like a `repr(C)` pair of
//! doubles on the supported platforms.)

use num_complex::Complex;

mod sys {
    use num_complex::Complex;
    extern "C" {
        pub fn csqrt(z: Complex<f64>) -> Complex<f64>;
        pub fn cexp(z: Complex<f64>) -> Complex<f64>;
        pub fn clog(z: Complex<f64>) -> Complex<f64>;
        pub fn csin(z: Complex<f64>) -> Complex<f64>;
        pub fn ccos(z: Complex<f64>) -> Complex<f64>;
        pub fn ctan(z: Complex<f64>) -> Complex<f64>;
        pub fn cpow(z: Complex<f64>, w: Complex<f64>) -> Complex<f64>;
    }
}

macro_rules! wrap {
    ($($name:ident),*) => {$(
        /// The C library's function of the same name.
        pub(crate) fn $name(z: Complex<f64>) -> Complex<f64> {
            // SAFETY: a pure libm function taking and returning a complex double by value.
            unsafe { sys::$name(z) }
        }
    )*};
}
wrap!(csqrt, cexp, clog, csin, ccos, ctan);

/// The C library's `cpow`.
pub(crate) fn cpow(z: Complex<f64>, w: Complex<f64>) -> Complex<f64> {
    // SAFETY: a pure libm function taking and returning complex doubles by value.
    unsafe { sys::cpow(z, w) }
}
