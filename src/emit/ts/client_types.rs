//! Which generated types the TypeScript client needs: every type except
//! those only an internal function uses (its args, the objects and unions
//! written inline in its args or result). Internal functions are not
//! served over the network, so the client never builds or reads them.

use crate::ir::{Origin, Schema, Ty, TypeBody, TypeId};

/// `needed[id]` says whether `schema.ts` declares type `id`.
pub(super) fn needed(schema: &Schema) -> Vec<bool> {
    let mut needed = vec![false; schema.types.len()];
    let mut stack: Vec<TypeId> = Vec::new();
    for (index, def) in schema.types.iter().enumerate() {
        if matches!(def.origin, Origin::Named | Origin::Table(_)) {
            stack.push(TypeId(index as u32));
        }
    }
    let mut results = Vec::new();
    for function in schema.modules.iter().flat_map(|m| &m.functions) {
        if !function.internal {
            stack.push(function.args);
            results.push(&function.returns);
        }
    }
    for ty in results {
        push_ty(&mut stack, ty);
    }
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut needed[id.0 as usize], true) {
            continue;
        }
        match &schema.ty(id).body {
            TypeBody::Object(object) => object
                .fields
                .iter()
                .for_each(|f| push_ty(&mut stack, &f.ty)),
            TypeBody::StringEnum(_) => {}
            TypeBody::Tagged(union) => {
                for variant in &union.variants {
                    stack.push(variant.member);
                    variant
                        .fields
                        .iter()
                        .for_each(|f| push_ty(&mut stack, &f.ty));
                }
            }
            TypeBody::Untagged(variants) => {
                variants.iter().for_each(|v| push_ty(&mut stack, &v.ty))
            }
            TypeBody::Alias(alias) => push_ty(&mut stack, &alias.ty),
        }
    }
    needed
}

fn push_ty(stack: &mut Vec<TypeId>, ty: &Ty) {
    match ty {
        Ty::Named(id) => stack.push(*id),
        Ty::Array(item) | Ty::Nullable(item) => push_ty(stack, item),
        Ty::Record(key, value) => {
            push_ty(stack, key);
            push_ty(stack, value);
        }
        // A table's fields type is always needed, so `doc<t>` adds nothing.
        Ty::String
        | Ty::Float64
        | Ty::Int64
        | Ty::Boolean
        | Ty::Bytes
        | Ty::Null
        | Ty::Any
        | Ty::Id(_)
        | Ty::Doc(_)
        | Ty::Literal(_) => {}
    }
}
