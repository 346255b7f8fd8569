//! Tests of the TypeScript emitter and of templates/ (the client, the React
//! and Solid bindings). They need Node.js and `npm ci` in the repository
//! root (for tsc, @types/node, React, Solid and jsdom); without them they
//! fail and say so.

mod bindings;
mod builder;
mod cases;
mod client_template;
mod edge_cases;
mod example_case;
mod golden;
mod node;
#[path = "../support/mod.rs"]
mod support;
mod tsc;
