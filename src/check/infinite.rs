//! Types with no finite value (`Chicken: { egg: Egg }`, `Egg: { chicken:
//! Chicken }`): one error per cycle, naming the fields around it and the
//! one that closes it.

use super::cycles::{strongly_connected, Graph};
use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Origin, Ty, TypeBody, TypeId};
use crate::source::Span;

/// One step of a cycle: the member of a type that needs a value of the
/// next type.
struct Step {
    /// The field name, or `None` for a union member or an alias.
    field: Option<String>,
    span: Span,
}

impl Checker<'_> {
    /// Reports each cycle of types that has no way out. `skip` marks types
    /// already reported as defined by themselves alone, and types that
    /// only contain an infinite type (`Nest: { chicken: Chicken }`) are
    /// left alone: their fix is the cycle's.
    pub(super) fn report_infinite_types(&mut self, skip: &[bool]) {
        let finite = self.finite_types();
        // Edges only between infinite types, through required members.
        let needs = Graph::build(self.types.len(), |i, out| {
            if !finite[i] {
                self.for_each_required(i, |target, _| {
                    if !finite[target.0 as usize] {
                        out.push(target);
                    }
                });
            }
        });
        let components = strongly_connected(&needs);
        let mut reported = vec![false; components.size.len()];
        for index in 0..self.types.len() {
            let component = components.of[index];
            if finite[index]
                || reported[component]
                || !components.is_cyclic(index, needs.edges(index))
            {
                continue;
            }
            reported[component] = true;
            let members: Vec<usize> = (0..self.types.len())
                .filter(|&i| components.of[i] == component)
                .collect();
            if members.iter().any(|&i| skip[i]) {
                continue;
            }
            // The cycle is told from the type written first.
            let root = members
                .iter()
                .copied()
                .filter(|&i| matches!(self.types[i].origin, Origin::Named | Origin::Table(_)))
                .min_by_key(|&i| self.types[i].span.start)
                .unwrap_or(index);
            let cycle = shortest_cycle(&needs, root, |i| components.of[i] == component);
            self.report_cycle(&cycle);
        }
    }

    /// `cycle` runs from the root back to it: `[root, …, last]`, where
    /// `last` needs the root again.
    fn report_cycle(&mut self, cycle: &[usize]) {
        let root = cycle[0];
        let mut path = self.display_name(root).to_owned();
        let mut closing = None;
        for (position, &from) in cycle.iter().enumerate() {
            let to = *cycle.get(position + 1).unwrap_or(&root);
            let step = self.step(from, to);
            if let Some(field) = &step.field {
                path.push('.');
                path.push_str(field);
            }
            // Nested objects are part of the path through their fields.
            if to == root || !matches!(self.types[to].origin, Origin::Nested | Origin::Args) {
                path.push_str(" → ");
                path.push_str(self.display_name(to));
            }
            closing = Some(step);
        }
        let def = &self.types[root];
        let name = self.display_name(root);
        let subject = match def.origin {
            Origin::Table(_) => format!("the documents of table `{name}` have"),
            _ => format!("type `{name}` has"),
        };
        let mut diagnostic = Diagnostic::error(
            Code::InfiniteType,
            def.span,
            format!("{subject} no finite value: the cycle {path} has no way out"),
        )
        .label("infinitely recursive");
        let mut help = "make a field on the cycle optional (`name?:`), nullable (`| null`) or a list (`array<…>`)".to_owned();
        if let Some(step) = closing {
            diagnostic =
                diagnostic.related(step.span, format!("closes the cycle back to `{name}`"));
            if let Some(field) = step.field {
                help = format!("make `{field}` optional (`{field}?:`), nullable (`| null`) or a list (`array<…>`), or another field on the cycle");
            }
        }
        self.diagnostics.push(diagnostic.help(help));
    }

    /// What the schema calls type `index`: a table by its name.
    fn display_name(&self, index: usize) -> &str {
        let def = &self.types[index];
        match def.origin {
            Origin::Table(table) => &self.tables[table.0 as usize].name,
            _ => &def.rust_name,
        }
    }

    /// The member of type `from` that needs a `to`.
    fn step(&self, from: usize, to: usize) -> Step {
        let def = &self.types[from];
        let mut found = None;
        self.for_each_required(from, |target, step| {
            if found.is_none() && target.0 as usize == to {
                found = Some(step);
            }
        });
        found.unwrap_or(Step {
            field: None,
            span: def.span,
        })
    }

    /// Calls `f` with each type that a value of type `index` must hold
    /// inline (a required field, a union member, an alias's type), and
    /// the member that holds it.
    fn for_each_required(&self, index: usize, mut f: impl FnMut(TypeId, Step)) {
        let def = &self.types[index];
        let mut field = |field: &crate::ir::Field| {
            if let (false, Some(target)) = (field.optional, self.required_target(&field.ty)) {
                let step = Step {
                    field: Some(field.name.wire.clone()),
                    span: field.span,
                };
                f(target, step);
            }
        };
        match &def.body {
            TypeBody::Object(object) => object.fields.iter().for_each(&mut field),
            TypeBody::Tagged(tagged) => tagged
                .variants
                .iter()
                .flat_map(|v| &v.fields)
                .for_each(&mut field),
            TypeBody::Untagged(variants) => {
                for variant in variants {
                    if let Some(target) = self.required_target(&variant.ty) {
                        let step = Step {
                            field: None,
                            span: variant.span,
                        };
                        f(target, step);
                    }
                }
            }
            TypeBody::Alias(alias) => {
                if let Some(target) = self.required_target(&alias.ty) {
                    let step = Step {
                        field: None,
                        span: def.span,
                    };
                    f(target, step);
                }
            }
            TypeBody::StringEnum(_) => {}
        }
    }

    /// The type a value of `ty` cannot exist without; `null`, an empty
    /// array or record make any other type finite.
    fn required_target(&self, ty: &Ty) -> Option<TypeId> {
        match ty {
            Ty::Named(id) => Some(*id),
            Ty::Doc(table) => Some(self.tables[table.0 as usize].fields),
            _ => None,
        }
    }

    /// Which types have a finite value: those where some choice of members
    /// avoids the type itself. A least fixpoint, computed with a worklist.
    fn finite_types(&self) -> Vec<bool> {
        let count = self.types.len();
        let uses = Graph::build(count, |i, out| {
            self.for_each_required(i, |target, _| out.push(target));
        });
        let dependents = uses.reversed();
        let mut finite = vec![false; count];
        let mut queue: Vec<usize> = Vec::new();
        for index in 0..count {
            if self.has_finite_value(index, &finite) {
                finite[index] = true;
                queue.push(index);
            }
        }
        while let Some(done) = queue.pop() {
            for dependent in dependents.edges(done).iter().map(|d| d.0 as usize) {
                if !finite[dependent] && self.has_finite_value(dependent, &finite) {
                    finite[dependent] = true;
                    queue.push(dependent);
                }
            }
        }
        finite
    }

    /// Whether a value exists, given which types are known to have one.
    fn has_finite_value(&self, index: usize, known: &[bool]) -> bool {
        let ty_ok = |ty: &Ty| {
            self.required_target(ty)
                .is_none_or(|id| known[id.0 as usize])
        };
        match &self.types[index].body {
            TypeBody::Object(object) => object.fields.iter().all(|f| f.optional || ty_ok(&f.ty)),
            TypeBody::StringEnum(_) => true,
            TypeBody::Tagged(tagged) => tagged
                .variants
                .iter()
                .any(|v| v.fields.iter().all(|f| f.optional || ty_ok(&f.ty))),
            // A union left empty by an error elsewhere is not reported.
            TypeBody::Untagged(variants) => {
                variants.is_empty() || variants.iter().any(|v| ty_ok(&v.ty))
            }
            TypeBody::Alias(alias) => ty_ok(&alias.ty),
        }
    }
}

/// The shortest path from `root` back to itself through nodes `inside`
/// accepts, as `[root, …, last]`. Breadth first, so that the cycle named is
/// the tightest one; `root` must lie on a cycle.
fn shortest_cycle(graph: &Graph, root: usize, inside: impl Fn(usize) -> bool) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let mut parent = vec![NONE; graph.len()];
    let mut queue = std::collections::VecDeque::from([root]);
    let mut last = root;
    'search: while let Some(node) = queue.pop_front() {
        for target in graph.edges(node).iter().map(|t| t.0 as usize) {
            if target == root {
                last = node;
                break 'search;
            }
            if parent[target] == NONE && inside(target) {
                parent[target] = node;
                queue.push_back(target);
            }
        }
    }
    let mut cycle = vec![last];
    let mut node = last;
    while node != root && parent[node] != NONE {
        node = parent[node];
        cycle.push(node);
    }
    cycle.reverse();
    cycle
}
