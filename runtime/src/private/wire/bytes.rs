//! `bytes` as `{"$bytes": "<base64>"}`, standard alphabet with padding: the
//! alphabet `btoa`/`atob` and most languages use by default.

use super::tagged::{self, Shape};
use super::Wire;
use base64::display::Base64Display;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserializer, Serializer};

const SHAPE: Shape = Shape {
    tag: "$bytes",
    placeholder: "<base64>",
};

impl Wire for Vec<u8> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        tagged::serialize(serializer, SHAPE, &Base64Display::new(self, &STANDARD))
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        tagged::deserialize(deserializer, SHAPE, parse)
    }
}

/// Decodes strictly: padding is required and stray bits are refused, so each
/// byte string has exactly one encoding.
fn parse(text: &str) -> Result<Vec<u8>, String> {
    STANDARD.decode(text).map_err(|error| {
        format!("invalid $bytes: {error} (expected standard base64 with `=` padding)")
    })
}
