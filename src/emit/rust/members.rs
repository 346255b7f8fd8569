//! Named structs as the variants of tagged enums: `Image(ImageAttachment)`
//! rather than a struct variant repeating `ImageAttachment`'s fields, so
//! that a union member is one Rust type, as it is one TypeScript type.
//!
//! The struct keeps its tag field (it is read and written alone too); the
//! runtime's `tagged` module leaves it to the enum inside the union, using
//! the tag and value each member struct declares through
//! `tagged::Member`. A struct declares one tag, so a union whose member is
//! already a member of a union told apart by another field keeps struct
//! variants.

use std::collections::HashMap;

use super::idents::ident;
use super::layout::Printer;
use super::runtime;
use super::syntax;
use crate::ir::{Schema, TaggedUnion, TypeBody, TypeDef, TypeId};

/// The tag field and value of each struct that is a newtype variant.
pub struct Members {
    tags: HashMap<TypeId, (String, String)>,
}

impl Members {
    /// Each struct takes the tag of the first union it is a member of, in
    /// schema order.
    pub fn new(schema: &Schema) -> Self {
        let mut tags: HashMap<TypeId, (String, String)> = HashMap::new();
        for def in &schema.types {
            let TypeBody::Tagged(union) = &def.body else {
                continue;
            };
            for variant in &union.variants {
                tags.entry(variant.member)
                    .or_insert_with(|| (union.tag.wire.clone(), variant.tag_value.clone()));
            }
        }
        Members { tags }
    }

    /// Whether every member of `union` declares `union`'s tag, so that its
    /// variants can hold the member structs.
    pub fn newtype_variants(&self, union: &TaggedUnion) -> bool {
        union.variants.iter().all(|v| {
            self.tags
                .get(&v.member)
                .is_some_and(|(tag, _)| *tag == union.tag.wire)
        })
    }

    /// `impl tagged::Member for T`, for a struct that [`Members::is_member`].
    pub fn member_impl(&self, p: &mut Printer, def: &TypeDef, id: TypeId) {
        let Some((tag, value)) = self.tags.get(&id) else {
            return;
        };
        let name = ident(&def.rust_name);
        syntax::impl_item(
            p,
            &[],
            Some(&|p| p.word(runtime::TAGGED_MEMBER)),
            &|p| p.word(name),
            |p| {
                syntax::impl_const(p, "TAG", &|p| p.word("&'static str"), &|p| {
                    syntax::string_literal(p, tag)
                });
                syntax::impl_const(p, "VALUE", &|p| p.word("&'static str"), &|p| {
                    syntax::string_literal(p, value);
                });
            },
        );
    }

    /// Whether `id` is a newtype variant of some tagged enum.
    pub fn is_member(&self, id: TypeId) -> bool {
        self.tags.contains_key(&id)
    }
}
