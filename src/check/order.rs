//! The last pass: types in file order (each parent before what is nested
//! in it), ids renumbered to match, and the schema's fingerprint.

use super::Checker;
use crate::ir::{self, Ty, TypeBody, TypeId};

impl Checker<'_> {
    pub(super) fn finish(mut self, source_name: &str) -> ir::Schema {
        let order = self.file_order();
        let mut new_id = vec![TypeId(0); order.len()];
        for (new, old) in order.iter().enumerate() {
            new_id[old.0 as usize] = TypeId(new as u32);
        }
        let remap = |id: &mut TypeId| *id = new_id[id.0 as usize];
        let mut old_types: Vec<Option<ir::TypeDef>> = std::mem::take(&mut self.types)
            .into_iter()
            .map(Some)
            .collect();
        let mut types: Vec<ir::TypeDef> = order
            .iter()
            .map(|old| old_types[old.0 as usize].take().expect("each type once"))
            .collect();
        for def in &mut types {
            remap_body(&mut def.body, &remap);
        }
        let mut tables = std::mem::take(&mut self.tables);
        for table in &mut tables {
            remap(&mut table.fields);
        }
        let mut modules = std::mem::take(&mut self.modules);
        for function in modules.iter_mut().flat_map(|m| m.functions.iter_mut()) {
            remap(&mut function.args);
            remap_ty(&mut function.returns, &remap);
        }
        let mut schema = ir::Schema {
            source_name: source_name.to_string(),
            fingerprint: String::new(),
            types,
            tables,
            modules,
        };
        schema.fingerprint = crate::dump::fingerprint(&schema);
        schema
    }

    /// Top-level types by where they are written, each followed by the
    /// types nested in it, depth first.
    fn file_order(&self) -> Vec<TypeId> {
        let mut is_child = vec![false; self.types.len()];
        for children in &self.children {
            for child in children {
                is_child[child.0 as usize] = true;
            }
        }
        let mut roots: Vec<TypeId> = (0..self.types.len() as u32)
            .map(TypeId)
            .filter(|id| !is_child[id.0 as usize])
            .collect();
        roots.sort_by_key(|id| (self.ty(*id).span.start, id.0));
        let mut order = Vec::with_capacity(self.types.len());
        let mut stack: Vec<TypeId> = roots.into_iter().rev().collect();
        while let Some(id) = stack.pop() {
            order.push(id);
            stack.extend(self.children[id.0 as usize].iter().rev());
        }
        order
    }
}

fn remap_body(body: &mut TypeBody, remap: &impl Fn(&mut TypeId)) {
    match body {
        TypeBody::Object(object) => object
            .fields
            .iter_mut()
            .for_each(|f| remap_ty(&mut f.ty, remap)),
        TypeBody::StringEnum(_) => {}
        TypeBody::Tagged(tagged) => {
            for variant in &mut tagged.variants {
                remap(&mut variant.member);
                variant
                    .fields
                    .iter_mut()
                    .for_each(|f| remap_ty(&mut f.ty, remap));
            }
        }
        TypeBody::Untagged(variants) => {
            variants.iter_mut().for_each(|v| remap_ty(&mut v.ty, remap))
        }
        TypeBody::Alias(alias) => remap_ty(&mut alias.ty, remap),
    }
}

fn remap_ty(ty: &mut Ty, remap: &impl Fn(&mut TypeId)) {
    match ty {
        Ty::Named(id) => remap(id),
        Ty::Array(inner) | Ty::Nullable(inner) => remap_ty(inner, remap),
        Ty::Record(key, value) => {
            remap_ty(key, remap);
            remap_ty(value, remap);
        }
        _ => {}
    }
}
