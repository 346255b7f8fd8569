//! What only generated code calls. Not part of the stable API: names and
//! signatures here change together with the generator, never by hand.

pub mod optional;
mod router;
pub mod tagged;
mod validate;
pub mod wire;

pub(crate) use router::finite as router_finite;
pub(crate) use router::run;
pub use router::RouterBuilder;
pub(crate) use router::{Call, Functions, Live};
pub use validate::validate;
