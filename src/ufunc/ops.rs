//! The ufunc vocabulary: the binary operations with their NumPy names and classes, the
//! optional arguments of a call, and the block size of converted runs.

use crate::array::Array;
use crate::dtype::{Casting, Dtype};
use std::sync::Arc;

/// Elements converted per block when operands need casting.
pub const BLOCK: usize = 1024;

/// The binary operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `np.add`
    Add,
    /// `np.subtract`
    Subtract,
    /// `np.multiply`
    Multiply,
    /// `np.true_divide`
    TrueDivide,
    /// `np.maximum` (NaN-propagating)
    Maximum,
    /// `np.minimum` (NaN-propagating)
    Minimum,
    /// `np.equal`
    Equal,
    /// `np.not_equal`
    NotEqual,
    /// `np.less`
    Less,
    /// `np.less_equal`
    LessEqual,
    /// `np.greater`
    Greater,
    /// `np.greater_equal`
    GreaterEqual,
    /// `np.logical_and`
    LogicalAnd,
    /// `np.logical_or`
    LogicalOr,
    /// `np.logical_xor`
    LogicalXor,
    /// `np.bitwise_and` (integers and bool)
    BitwiseAnd,
    /// `np.bitwise_or` (integers and bool)
    BitwiseOr,
    /// `np.bitwise_xor` (integers and bool)
    BitwiseXor,
    /// `np.left_shift` (integers; counts >= the bit width give 0)
    LeftShift,
    /// `np.right_shift` (integers; counts >= the bit width give 0 or -1)
    RightShift,
    /// `np.floor_divide` (integers: Python's floor, 0 for a zero divisor; floats: NumPy's divmod)
    FloorDivide,
    /// `np.remainder` (the sign of the divisor, as Python's `%`)
    Remainder,
    /// `np.power` (integers: negative exponents are an error, as NumPy's)
    Power,
}

impl BinaryOp {
    /// Every binary operation, in the order of their C codes.
    pub const ALL: [BinaryOp; 23] = [
        BinaryOp::Add,
        BinaryOp::Subtract,
        BinaryOp::Multiply,
        BinaryOp::TrueDivide,
        BinaryOp::Maximum,
        BinaryOp::Minimum,
        BinaryOp::Equal,
        BinaryOp::NotEqual,
        BinaryOp::Less,
        BinaryOp::LessEqual,
        BinaryOp::Greater,
        BinaryOp::GreaterEqual,
        BinaryOp::LogicalAnd,
        BinaryOp::LogicalOr,
        BinaryOp::LogicalXor,
        BinaryOp::BitwiseAnd,
        BinaryOp::BitwiseOr,
        BinaryOp::BitwiseXor,
        BinaryOp::LeftShift,
        BinaryOp::RightShift,
        BinaryOp::FloorDivide,
        BinaryOp::Remainder,
        BinaryOp::Power,
    ];

    /// NumPy's ufunc name.
    pub fn name(self) -> &'static str {
        match self {
            BinaryOp::Add => "add",
            BinaryOp::Subtract => "subtract",
            BinaryOp::Multiply => "multiply",
            BinaryOp::TrueDivide => "divide",
            BinaryOp::Maximum => "maximum",
            BinaryOp::Minimum => "minimum",
            BinaryOp::Equal => "equal",
            BinaryOp::NotEqual => "not_equal",
            BinaryOp::Less => "less",
            BinaryOp::LessEqual => "less_equal",
            BinaryOp::Greater => "greater",
            BinaryOp::GreaterEqual => "greater_equal",
            BinaryOp::LogicalAnd => "logical_and",
            BinaryOp::LogicalOr => "logical_or",
            BinaryOp::LogicalXor => "logical_xor",
            BinaryOp::BitwiseAnd => "bitwise_and",
            BinaryOp::BitwiseOr => "bitwise_or",
            BinaryOp::BitwiseXor => "bitwise_xor",
            BinaryOp::LeftShift => "left_shift",
            BinaryOp::RightShift => "right_shift",
            BinaryOp::FloorDivide => "floor_divide",
            BinaryOp::Remainder => "remainder",
            BinaryOp::Power => "power",
        }
    }

    /// True for the operations with bool results (comparisons and logical operations).
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Equal
                | BinaryOp::NotEqual
                | BinaryOp::Less
                | BinaryOp::LessEqual
                | BinaryOp::Greater
                | BinaryOp::GreaterEqual
                | BinaryOp::LogicalAnd
                | BinaryOp::LogicalOr
                | BinaryOp::LogicalXor
        )
    }

    /// True for the operations defined only on integers (and bool, except the shifts).
    pub fn is_integer_only(self) -> bool {
        matches!(
            self,
            BinaryOp::BitwiseAnd
                | BinaryOp::BitwiseOr
                | BinaryOp::BitwiseXor
                | BinaryOp::LeftShift
                | BinaryOp::RightShift
        )
    }
}

/// Optional arguments of a ufunc call (NumPy's keywords).
#[derive(Clone, Debug)]
pub struct Options {
    /// `casting=` for inputs and output; NumPy's default is same_kind.
    pub casting: Casting,
    /// `dtype=`: forces the loop dtype.
    pub dtype: Option<Dtype>,
    /// `where=`: a boolean mask broadcast to the output; unselected elements keep their value.
    pub mask: Option<Arc<Array>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            casting: Casting::SameKind,
            dtype: None,
            mask: None,
        }
    }
}
