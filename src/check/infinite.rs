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
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); components.size.len()];
        for index in 0..self.types.len() {
            if !finite[index] && components.is_cyclic(index, needs.edges(index)) {
                members[components.of[index]].push(index);
            }
        }
        let mut search = CycleSearch::new(self.types.len());
        for (component, members) in members.iter().enumerate() {
            if members.is_empty() || members.iter().any(|&i| skip[i]) {
                continue;
            }
            // The cycle is told from the type written first.
            let root = members
                .iter()
                .copied()
                .filter(|&i| matches!(self.types[i].origin, Origin::Named | Origin::Table(_)))
                .min_by_key(|&i| self.types[i].span.start)
                .unwrap_or(members[0]);
            let cycle = search.shortest(&needs, root, |i| components.of[i] == component);
            self.report_cycle(&cycle);
        }
    }

    /// `cycle` runs from the root back to it: `[root, …, last]`, where
    /// `last` needs the root again.
    fn report_cycle(&mut self, cycle: &[usize]) {
        let root = cycle[0];
        // The path as written: one part per named type, its fields joined
        // with `.` (nested objects are part of the path through them).
        let mut parts = vec![self.display_name(root).to_owned()];
        let mut closing = None;
        for (position, &from) in cycle.iter().enumerate() {
            let to = *cycle.get(position + 1).unwrap_or(&root);
            let step = self.step(from, to);
            if let Some(field) = &step.field {
                let last = parts.len() - 1;
                parts[last].push('.');
                parts[last].push_str(field);
            }
            if to == root || !matches!(self.types[to].origin, Origin::Nested | Origin::Args) {
                parts.push(self.display_name(to).to_owned());
            }
            closing = Some(step);
        }
        let path = abbreviate(&parts);
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

/// `parts` joined with arrows; a long cycle keeps its first and last
/// parts only, so that a message stays readable.
fn abbreviate(parts: &[String]) -> String {
    const HEAD: usize = 4;
    const TAIL: usize = 3;
    if parts.len() <= HEAD + TAIL + 1 {
        return parts.join(" → ");
    }
    let skipped = parts.len() - HEAD - TAIL;
    format!(
        "{} → … ({skipped} more) → {}",
        parts[..HEAD].join(" → "),
        parts[parts.len() - TAIL..].join(" → ")
    )
}

/// Finds the shortest path from a node back to itself, breadth first, so
/// that the cycle named is the tightest one. Its buffers serve every
/// search: a schema may hold thousands of cycles.
struct CycleSearch {
    parent: Vec<usize>,
    visited: Vec<usize>,
}

impl CycleSearch {
    const NONE: usize = usize::MAX;

    fn new(nodes: usize) -> Self {
        CycleSearch {
            parent: vec![Self::NONE; nodes],
            visited: Vec::new(),
        }
    }

    /// The cycle through `root` whose nodes `inside` accepts, as
    /// `[root, …, last]`; `root` must lie on such a cycle.
    fn shortest(
        &mut self,
        graph: &Graph,
        root: usize,
        inside: impl Fn(usize) -> bool,
    ) -> Vec<usize> {
        let mut queue = std::collections::VecDeque::from([root]);
        let mut last = root;
        'search: while let Some(node) = queue.pop_front() {
            for target in graph.edges(node).iter().map(|t| t.0 as usize) {
                if target == root {
                    last = node;
                    break 'search;
                }
                if self.parent[target] == Self::NONE && inside(target) {
                    self.parent[target] = node;
                    self.visited.push(target);
                    queue.push_back(target);
                }
            }
        }
        let mut cycle = vec![last];
        let mut node = last;
        while node != root && self.parent[node] != Self::NONE {
            node = self.parent[node];
            cycle.push(node);
        }
        cycle.reverse();
        for node in self.visited.drain(..) {
            self.parent[node] = Self::NONE;
        }
        cycle
    }
}
