//! Recursive types: where Rust needs a `Box`, which aliases must become
//! newtypes, and which types have no finite value at all.
//!
//! Graph walks use explicit stacks: a chain of thousands of named types
//! must not overflow the checker's own stack.

use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Origin, Ty, TypeBody, TypeId};

impl Checker<'_> {
    pub(super) fn resolve_cycles(&mut self) {
        self.mark_boxes();
        self.mark_newtypes();
        self.report_direct_recursion();
        self.report_infinite_types();
    }

    /// `Chain: Chain | null` or `A: B | string`, `B: A | float64`: the type
    /// is defined by itself alone. Its values exist (null), but TypeScript
    /// rejects such an alias as circular and it describes no structure;
    /// recursion must pass through an object, an array or a record.
    fn report_direct_recursion(&mut self) {
        let alias_like =
            |body: &TypeBody| matches!(body, TypeBody::Alias(_) | TypeBody::Untagged(_));
        let graph = Graph::build(self.types.len(), |i, out| {
            if alias_like(&self.types[i].body) {
                let first = out.len();
                self.for_each_member(i, |ty| self.inline_targets(ty, out));
                retain_from(out, first, |t| alias_like(&self.ty(t).body));
            }
        });
        let components = strongly_connected(&graph);
        for index in 0..graph.len() {
            let cyclic = components.is_cyclic(index, graph.edges(index));
            let def = &self.types[index];
            if cyclic && matches!(def.origin, Origin::Named) {
                let name = def.rust_name.clone();
                self.diagnostics.push(
                    Diagnostic::error(Code::DirectRecursion, def.span, format!("type `{name}` is defined by itself alone"))
                        .label("refers to itself through unions or aliases only")
                        .help("let the recursion pass through an object field, an array or a record, e.g. `Chain: { next: Chain | null }`"),
                );
            }
        }
    }

    /// Types a value of `ty` holds inline (not behind a `Vec` or map), as
    /// Rust lays them out: `Option` does not break a cycle, `Vec` does.
    fn inline_targets(&self, ty: &Ty, out: &mut Vec<TypeId>) {
        match ty {
            Ty::Named(id) => out.push(*id),
            Ty::Doc(table) => out.push(self.tables[table.0 as usize].fields),
            Ty::Nullable(inner) => self.inline_targets(inner, out),
            _ => {}
        }
    }

    fn all_targets(&self, ty: &Ty, out: &mut Vec<TypeId>) {
        match ty {
            Ty::Named(id) => out.push(*id),
            Ty::Doc(table) => out.push(self.tables[table.0 as usize].fields),
            Ty::Nullable(inner) | Ty::Array(inner) => self.all_targets(inner, out),
            Ty::Record(key, value) => {
                self.all_targets(key, out);
                self.all_targets(value, out);
            }
            _ => {}
        }
    }

    /// Calls `f` with each member type of type `index`, in the order
    /// `mark_boxes` assigns its decisions back.
    fn for_each_member<'s>(&'s self, index: usize, mut f: impl FnMut(&'s Ty)) {
        match &self.types[index].body {
            TypeBody::Object(object) => object.fields.iter().for_each(|field| f(&field.ty)),
            TypeBody::Tagged(tagged) => tagged
                .variants
                .iter()
                .flat_map(|v| &v.fields)
                .for_each(|field| f(&field.ty)),
            TypeBody::Untagged(variants) => variants.iter().for_each(|v| f(&v.ty)),
            TypeBody::Alias(alias) => f(&alias.ty),
            TypeBody::StringEnum(_) => {}
        }
    }

    /// Boxes every inline reference that stays inside its strongly
    /// connected component: exactly the references that would make a
    /// Rust type infinitely large.
    fn mark_boxes(&mut self) {
        let graph = Graph::build(self.types.len(), |i, out| {
            self.for_each_member(i, |ty| self.inline_targets(ty, out));
            // Rust holds a tagged union's member structs inline, as
            // newtype variants: the members' own fields are where a cycle
            // through the union is boxed.
            if let TypeBody::Tagged(tagged) = &self.types[i].body {
                out.extend(tagged.variants.iter().map(|v| v.member));
            }
        });
        let components = strongly_connected(&graph);
        let mut targets = Vec::new();
        let mut decisions: Vec<bool> = Vec::new();
        for index in 0..self.types.len() {
            decisions.clear();
            self.for_each_member(index, |ty| {
                targets.clear();
                self.inline_targets(ty, &mut targets);
                let cyclic = targets.iter().any(|t| {
                    let t = t.0 as usize;
                    components.of[t] == components.of[index]
                        && (components.size[components.of[t]] > 1 || t == index)
                });
                decisions.push(cyclic);
            });
            let mut decisions = decisions.iter().copied();
            match &mut self.types[index].body {
                TypeBody::Object(object) => object
                    .fields
                    .iter_mut()
                    .for_each(|f| f.boxed = decisions.next().unwrap_or(false)),
                TypeBody::Tagged(tagged) => tagged
                    .variants
                    .iter_mut()
                    .flat_map(|v| v.fields.iter_mut())
                    .for_each(|f| f.boxed = decisions.next().unwrap_or(false)),
                TypeBody::Untagged(variants) => variants
                    .iter_mut()
                    .for_each(|v| v.boxed = decisions.next().unwrap_or(false)),
                TypeBody::Alias(alias) => alias.boxed = decisions.next().unwrap_or(false),
                TypeBody::StringEnum(_) => {}
            }
        }
    }

    /// Rust has no recursive type aliases (`type Tree = Vec<Tree>`): an
    /// alias on a cycle of aliases becomes a transparent newtype.
    fn mark_newtypes(&mut self) {
        let is_alias = |body: &TypeBody| matches!(body, TypeBody::Alias(_));
        let graph = Graph::build(self.types.len(), |i, out| {
            if let TypeBody::Alias(alias) = &self.types[i].body {
                let first = out.len();
                self.all_targets(&alias.ty, out);
                retain_from(out, first, |t| is_alias(&self.ty(t).body));
            }
        });
        let components = strongly_connected(&graph);
        for index in 0..graph.len() {
            let recursive = components.is_cyclic(index, graph.edges(index));
            if let TypeBody::Alias(alias) = &mut self.types[index].body {
                alias.newtype = recursive;
            }
        }
    }

    /// A type has a finite value when some choice of members avoids
    /// itself: a least fixpoint, computed with a worklist.
    fn report_infinite_types(&mut self) {
        let count = self.types.len();
        let uses = Graph::build(count, |i, out| {
            self.for_each_member(i, |ty| self.inline_targets(ty, out));
        });
        let dependents = uses.reversed();
        let mut finite = vec![false; count];
        let mut queue: Vec<usize> = Vec::new();
        for (index, done) in finite.iter_mut().enumerate() {
            if self.has_finite_value(index, &[]) {
                *done = true;
                queue.push(index);
            }
        }
        // `has_finite_value` reads `finite`, so re-evaluate dependents only.
        let mut finite_now = finite.clone();
        while let Some(done) = queue.pop() {
            for dependent in dependents.edges(done).iter().map(|d| d.0 as usize) {
                if !finite_now[dependent] && self.has_finite_value(dependent, &finite_now) {
                    finite_now[dependent] = true;
                    queue.push(dependent);
                }
            }
        }
        finite = finite_now;
        for (index, is_finite) in finite.iter().enumerate() {
            let def = &self.types[index];
            if !is_finite && matches!(def.origin, Origin::Named | Origin::Table(_)) {
                let name = def.rust_name.clone();
                self.diagnostics.push(
                    Diagnostic::error(Code::InfiniteType, def.span, format!("type `{name}` has no finite value: every value of it contains another"))
                        .label("infinitely recursive")
                        .help("make a field on the cycle optional (`name?:`), nullable (`| null`) or a list (`array<…>`)"),
                );
            }
        }
    }

    /// Whether a value exists, given which types are known to have one
    /// (an empty `known` means none yet).
    fn has_finite_value(&self, index: usize, known: &[bool]) -> bool {
        let ty_ok = |ty: &Ty| self.ty_finite(ty, known);
        match &self.types[index].body {
            TypeBody::Object(object) => object.fields.iter().all(|f| f.optional || ty_ok(&f.ty)),
            TypeBody::StringEnum(_) => true,
            TypeBody::Tagged(tagged) => tagged
                .variants
                .iter()
                .any(|v| v.fields.iter().all(|f| f.optional || ty_ok(&f.ty))),
            TypeBody::Untagged(variants) => variants.iter().any(|v| ty_ok(&v.ty)),
            TypeBody::Alias(alias) => ty_ok(&alias.ty),
        }
    }

    fn ty_finite(&self, ty: &Ty, known: &[bool]) -> bool {
        let is_known = |id: TypeId| known.get(id.0 as usize).copied().unwrap_or(false);
        match ty {
            Ty::Named(id) => is_known(*id),
            Ty::Doc(table) => is_known(self.tables[table.0 as usize].fields),
            _ => true,
        }
    }
}

/// A directed graph over the type arena, its edges in one flat array (a
/// schema has thousands of types; a `Vec` per type would be as many
/// allocations).
struct Graph {
    starts: Vec<usize>,
    targets: Vec<TypeId>,
}

impl Graph {
    /// `edges(i, out)` appends the edges of node `i` to `out`.
    fn build(nodes: usize, mut edges: impl FnMut(usize, &mut Vec<TypeId>)) -> Graph {
        let mut graph = Graph {
            starts: Vec::with_capacity(nodes + 1),
            targets: Vec::new(),
        };
        for node in 0..nodes {
            graph.starts.push(graph.targets.len());
            edges(node, &mut graph.targets);
        }
        graph.starts.push(graph.targets.len());
        graph
    }

    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    fn edges(&self, node: usize) -> &[TypeId] {
        &self.targets[self.starts[node]..self.starts[node + 1]]
    }

    /// The same graph with every edge turned around.
    fn reversed(&self) -> Graph {
        let mut incoming: Vec<Vec<TypeId>> = Vec::new();
        incoming.resize_with(self.len(), Vec::new);
        for node in 0..self.len() {
            for target in self.edges(node) {
                incoming[target.0 as usize].push(TypeId(node as u32));
            }
        }
        Graph::build(self.len(), |node, out| {
            out.extend_from_slice(&incoming[node])
        })
    }
}

/// Keeps, among `out[first..]`, the targets `keep` accepts.
fn retain_from(out: &mut Vec<TypeId>, first: usize, keep: impl Fn(TypeId) -> bool) {
    let mut write = first;
    for read in first..out.len() {
        if keep(out[read]) {
            out[write] = out[read];
            write += 1;
        }
    }
    out.truncate(write);
}

/// Strongly connected components: `of[node]` is the component of each
/// node, `size[component]` its node count.
struct Components {
    of: Vec<usize>,
    size: Vec<usize>,
}

impl Components {
    /// Whether `node` lies on a cycle: in a component of several nodes, or
    /// with an edge to itself.
    fn is_cyclic(&self, node: usize, edges: &[TypeId]) -> bool {
        self.size[self.of[node]] > 1 || edges.iter().any(|t| t.0 as usize == node)
    }
}

/// Tarjan's algorithm with an explicit call stack.
fn strongly_connected(graph: &Graph) -> Components {
    const UNVISITED: usize = usize::MAX;
    let n = graph.len();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut components = Components {
        of: vec![0; n],
        size: Vec::new(),
    };
    let mut next_index = 0;
    let mut calls: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        calls.push((root, 0));
        while let Some(&mut (node, ref mut edge)) = calls.last_mut() {
            if *edge == 0 && index[node] == UNVISITED {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(target) = graph.edges(node).get(*edge) {
                *edge += 1;
                let target = target.0 as usize;
                if index[target] == UNVISITED {
                    calls.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let component = components.size.len();
                let mut size = 0;
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    components.of[member] = component;
                    size += 1;
                    if member == node {
                        break;
                    }
                }
                components.size.push(size);
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cycles_without_recursion() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone; plus a 100 000-long chain.
        let lists = [
            vec![TypeId(1)],
            vec![TypeId(2)],
            vec![TypeId(0)],
            vec![TypeId(3)],
            vec![],
        ];
        let graph = Graph::build(lists.len(), |i, out| out.extend_from_slice(&lists[i]));
        let c = strongly_connected(&graph);
        assert_eq!(c.size[c.of[0]], 3);
        assert_eq!(c.of[0], c.of[2]);
        assert_eq!(c.size[c.of[3]], 1);
        assert_ne!(c.of[3], c.of[4]);
        let graph = Graph::build(100_000, |i, out| out.push(TypeId((i as u32 + 1) % 100_000)));
        let c = strongly_connected(&graph);
        let reversed = graph.reversed();
        assert_eq!(reversed.edges(0), &[TypeId(99_999)]);
        assert_eq!(c.size[c.of[0]], 100_000);
    }
}
