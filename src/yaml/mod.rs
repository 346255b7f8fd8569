//! A YAML reader that keeps a span on every node.
//!
//! It is built on `saphyr-parser`'s event stream rather than a document
//! loader: events carry positions, aliases arrive unexpanded (so an alias
//! bomb costs nothing), and nesting depth is checked as events arrive, so
//! hostile input never grows a deep tree.

mod node;
mod quoting;
mod reader;

pub use node::{Entry, Node, NodeKind, Scalar, ScalarStyle};
pub use reader::{read, MAX_DEPTH};
