//! What only generated code calls. Not part of the stable API: names and
//! signatures here change together with the generator, never by hand.

pub mod optional;
mod router;
pub mod tagged;
pub mod wire;

pub use router::RouterBuilder;
