//! Values of a schema's types, and whether a value belongs to a type: a
//! small interpreter of the model (`schemabridge::ir`) that shares no code
//! with `diff`, so that it can judge `diff`'s verdicts.
//!
//! A value is JSON as it travels (SPEC §3): `int64` is `{"$int64": "…"}`
//! and `bytes` is `{"$bytes": "…"}`, so neither is a float64 or a string.
//! A document id is a string that names its table (`id:users:1`): every
//! id is a string, but a string is not an id, and an id of one table is
//! not an id of another.

use schemabridge::ir::{Field, Literal, Schema, Ty, TypeBody, TypeId};
use serde_json::{json, Map, Value};

/// splitmix64: the test's values follow from proptest's seeds alone.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn one_in(&mut self, n: u64) -> bool {
        self.next() % n == 0
    }

    pub fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.below(items.len())]
    }
}

fn id_value(table: &str, n: usize) -> String {
    format!("id:{table}:{n}")
}

/// Scalars to draw from: a few of each kind, and every literal either
/// schema mentions, so that a literal narrowed away or an enum member
/// dropped is met by some value.
pub struct Pools {
    strings: Vec<String>,
    numbers: Vec<f64>,
}

impl Pools {
    pub fn of(schemas: &[&Schema]) -> Self {
        let mut pools = Pools {
            strings: ["", "x", "hello world"].map(String::from).into(),
            numbers: vec![0.0, 1.0, -2.5, 1e9],
        };
        for schema in schemas {
            for def in &schema.types {
                match &def.body {
                    TypeBody::Object(object) => object.fields.iter().for_each(|f| pools.add(&f.ty)),
                    TypeBody::Untagged(variants) => variants.iter().for_each(|v| pools.add(&v.ty)),
                    TypeBody::Alias(alias) => pools.add(&alias.ty),
                    TypeBody::StringEnum(variants) => pools
                        .strings
                        .extend(variants.iter().map(|v| v.wire.clone())),
                    TypeBody::Tagged(_) => {}
                }
            }
            for module in &schema.modules {
                module.functions.iter().for_each(|f| pools.add(&f.returns));
            }
            // A plain string may look like an id; it still is a string.
            let ids = schema.tables.iter().map(|t| id_value(&t.name, 7));
            pools.strings.extend(ids);
        }
        pools.strings.sort();
        pools.strings.dedup();
        pools
    }

    /// The literals written in `ty`.
    fn add(&mut self, ty: &Ty) {
        match ty {
            Ty::Literal(Literal::String(text)) => self.strings.push(text.clone()),
            Ty::Literal(Literal::Number { value, .. }) => self.numbers.push(*value),
            Ty::Array(inner) | Ty::Nullable(inner) | Ty::Record(_, inner) => self.add(inner),
            _ => {}
        }
    }
}

/// Below this depth choices are random; deeper, every value is the
/// smallest one its type has, so that recursive types end.
const WIDE: usize = 4;
/// Type nodes visited per value before values turn smallest too.
const FUEL: usize = 80;

/// Draws values of one schema's types.
pub struct Generator<'s> {
    schema: &'s Schema,
    pools: &'s Pools,
    /// Per named type, the height of its smallest value (`None`: the type
    /// has no finite value, as `A: {a: A}`).
    heights: Vec<Option<usize>>,
    fuel: usize,
}

impl<'s> Generator<'s> {
    pub fn new(schema: &'s Schema, pools: &'s Pools) -> Self {
        Generator {
            schema,
            pools,
            heights: heights(schema),
            fuel: 0,
        }
    }

    /// A value of `ty`, or `None` when the type has no finite value.
    pub fn value(&mut self, ty: &Ty, rng: &mut Rng) -> Option<Value> {
        self.fuel = FUEL;
        self.ty(ty, 0, rng)
    }

    fn ty(&mut self, ty: &Ty, depth: usize, rng: &mut Rng) -> Option<Value> {
        let small = depth >= WIDE || self.fuel == 0;
        self.fuel = self.fuel.saturating_sub(1);
        Some(match ty {
            Ty::String => Value::String(rng.pick(&self.pools.strings).clone()),
            Ty::Float64 => json!(*rng.pick(&self.pools.numbers)),
            Ty::Int64 => json!({ "$int64": rng.pick(&["0", "-7", "9007199254740993"]) }),
            Ty::Boolean => Value::Bool(rng.one_in(2)),
            Ty::Bytes => json!({ "$bytes": rng.pick(&["", "AAE="]) }),
            Ty::Null => Value::Null,
            Ty::Any => rng
                .pick(&[
                    json!(null),
                    json!(true),
                    json!(1.5),
                    json!("x"),
                    json!({ "$int64": "1" }),
                    json!([]),
                    json!([1, "a"]),
                    json!({ "k": "v" }),
                ])
                .clone(),
            Ty::Id(table) => Value::String(id_value(&self.schema.table(*table).name, rng.below(3))),
            Ty::Doc(table) => {
                let table = self.schema.table(*table);
                let mut doc = self.named(table.fields, depth, rng)?;
                let map = doc.as_object_mut().expect("a table's fields are an object");
                map.insert("_id".into(), json!(id_value(&table.name, rng.below(3))));
                map.insert("_creationTime".into(), json!(1.7e12));
                doc
            }
            Ty::Array(item) => {
                let len = if small { 0 } else { rng.below(3) };
                let items = (0..len).filter_map(|_| self.ty(item, depth + 1, rng));
                Value::Array(items.collect())
            }
            Ty::Record(key, value) => {
                let len = if small { 0 } else { rng.below(3) };
                let mut map = Map::new();
                for _ in 0..len {
                    let key = self.ty(key, depth + 1, rng);
                    let value = self.ty(value, depth + 1, rng);
                    if let (Some(Value::String(key)), Some(value)) = (key, value) {
                        map.insert(key, value);
                    }
                }
                Value::Object(map)
            }
            Ty::Nullable(inner) => match small || rng.one_in(3) {
                true => Value::Null,
                false => self.ty(inner, depth, rng).unwrap_or(Value::Null),
            },
            Ty::Literal(literal) => literal_value(literal),
            Ty::Named(id) => return self.named(*id, depth, rng),
        })
    }

    fn named(&mut self, id: TypeId, depth: usize, rng: &mut Rng) -> Option<Value> {
        self.heights[id.0 as usize]?;
        let small = depth >= WIDE || self.fuel == 0;
        let schema = self.schema;
        match &schema.ty(id).body {
            TypeBody::Object(object) => {
                let mut map = Map::new();
                for field in &object.fields {
                    if field.optional && (small || rng.one_in(2)) {
                        continue;
                    }
                    match self.ty(&field.ty, depth + 1, rng) {
                        Some(value) => {
                            map.insert(field.name.wire.clone(), value);
                        }
                        None if field.optional => {}
                        None => return None,
                    }
                }
                Some(Value::Object(map))
            }
            TypeBody::StringEnum(variants) => Some(Value::String(rng.pick(variants).wire.clone())),
            TypeBody::Tagged(tagged) => {
                let members: Vec<Ty> = tagged
                    .variants
                    .iter()
                    .map(|v| Ty::Named(v.member))
                    .collect();
                let member = self.member(members.iter(), small, rng)?;
                self.ty(member, depth, rng)
            }
            TypeBody::Untagged(variants) => {
                let member = self.member(variants.iter().map(|v| &v.ty), small, rng)?;
                self.ty(member, depth, rng)
            }
            TypeBody::Alias(alias) => self.ty(&alias.ty, depth, rng),
        }
    }

    /// A union member with a finite value: any of them, or (when values
    /// must be small) one with the smallest, which keeps recursion finite.
    fn member<'m>(
        &self,
        members: impl Iterator<Item = &'m Ty>,
        small: bool,
        rng: &mut Rng,
    ) -> Option<&'m Ty> {
        let finite: Vec<(usize, &Ty)> = members
            .filter_map(|m| ty_height(self.schema, &self.heights, m).map(|h| (h, m)))
            .collect();
        let lowest = finite.iter().map(|(h, _)| *h).min()?;
        let choices: Vec<&Ty> = finite
            .iter()
            .filter(|(h, _)| !small || *h == lowest)
            .map(|(_, m)| *m)
            .collect();
        Some(*rng.pick(&choices))
    }
}

fn literal_value(literal: &Literal) -> Value {
    match literal {
        Literal::String(text) => json!(text),
        Literal::Number { value, .. } => json!(*value),
        Literal::Bool(value) => json!(*value),
    }
}

/// The height of the smallest value of every named type, by fixpoint:
/// each named type counts one, so a smallest member is always lower
/// than the union that holds it.
fn heights(schema: &Schema) -> Vec<Option<usize>> {
    let mut heights: Vec<Option<usize>> = vec![None; schema.types.len()];
    loop {
        let mut changed = false;
        for (i, def) in schema.types.iter().enumerate() {
            let height = |ty: &Ty| ty_height(schema, &heights, ty);
            let body = match &def.body {
                TypeBody::Object(object) => object
                    .fields
                    .iter()
                    .filter(|f| !f.optional)
                    .try_fold(0, |most, f| height(&f.ty).map(|h| most.max(h))),
                TypeBody::StringEnum(variants) => (!variants.is_empty()).then_some(0),
                TypeBody::Tagged(tagged) => tagged
                    .variants
                    .iter()
                    .filter_map(|v| height(&Ty::Named(v.member)))
                    .min(),
                TypeBody::Untagged(variants) => variants.iter().filter_map(|v| height(&v.ty)).min(),
                TypeBody::Alias(alias) => height(&alias.ty),
            };
            let new = body.map(|h| h + 1);
            let lower = match (new, heights[i]) {
                (Some(new), Some(old)) => new < old,
                (Some(_), None) => true,
                (None, _) => false,
            };
            if lower {
                heights[i] = new;
                changed = true;
            }
        }
        if !changed {
            return heights;
        }
    }
}

fn ty_height(schema: &Schema, heights: &[Option<usize>], ty: &Ty) -> Option<usize> {
    match ty {
        Ty::Named(id) => heights[id.0 as usize],
        Ty::Doc(table) => heights[schema.table(*table).fields.0 as usize].map(|h| h + 1),
        // Empty, or null: a leaf.
        _ => Some(0),
    }
}

/// Whether values belong to one schema's types. Closed objects reject
/// fields they do not declare (stored documents, arguments); open ones
/// ignore them (how a client reads a result).
pub struct Checker<'s> {
    schema: &'s Schema,
    open: bool,
}

/// How many named types a check may unfold without descending into the
/// value: only a type that holds itself (`A: A | null`) needs more, and
/// such a type holds no value but `null`.
const MAX_UNFOLD: usize = 64;

impl<'s> Checker<'s> {
    pub fn closed(schema: &'s Schema) -> Self {
        Checker {
            schema,
            open: false,
        }
    }

    pub fn open(schema: &'s Schema) -> Self {
        Checker { schema, open: true }
    }

    pub fn holds(&self, ty: &Ty, value: &Value) -> bool {
        self.check(ty, value, 0)
    }

    fn check(&self, ty: &Ty, value: &Value, unfolded: usize) -> bool {
        match ty {
            Ty::String => value.is_string(),
            Ty::Float64 => value.is_number(),
            Ty::Int64 => wrapped(value, "$int64").is_some_and(|t| t.parse::<i64>().is_ok()),
            Ty::Bytes => wrapped(value, "$bytes").is_some(),
            Ty::Boolean => value.is_boolean(),
            Ty::Null => value.is_null(),
            Ty::Any => true,
            Ty::Id(table) => value.as_str().is_some_and(|text| {
                let name = &self.schema.table(*table).name;
                text.strip_prefix("id:")
                    .and_then(|rest| rest.rsplit_once(':'))
                    .is_some_and(|(of, _)| of == name)
            }),
            Ty::Doc(id) => {
                let table = self.schema.table(*id);
                let Some(map) = value.as_object() else {
                    return false;
                };
                let (Some(system_id), Some(time)) = (map.get("_id"), map.get("_creationTime"))
                else {
                    return false;
                };
                let mut fields = map.clone();
                fields.remove("_id");
                fields.remove("_creationTime");
                self.check(&Ty::Id(*id), system_id, 0)
                    && time.is_number()
                    && self.object(self.fields(table.fields), &Value::Object(fields))
            }
            Ty::Array(item) => value
                .as_array()
                .is_some_and(|items| items.iter().all(|v| self.check(item, v, 0))),
            Ty::Record(key, item) => value.as_object().is_some_and(|map| {
                // A key starting with `$` marks a wire-encoded scalar.
                map.iter().all(|(k, v)| {
                    !k.starts_with('$')
                        && self.check(key, &Value::String(k.clone()), 0)
                        && self.check(item, v, 0)
                })
            }),
            Ty::Nullable(inner) => value.is_null() || self.check(inner, value, unfolded),
            Ty::Literal(literal) => match literal {
                Literal::String(text) => value.as_str() == Some(text),
                Literal::Number { value: n, .. } => value.as_f64() == Some(*n),
                Literal::Bool(b) => value.as_bool() == Some(*b),
            },
            Ty::Named(id) => {
                if unfolded >= MAX_UNFOLD {
                    return false;
                }
                match &self.schema.ty(*id).body {
                    TypeBody::Object(object) => self.object(&object.fields, value),
                    TypeBody::StringEnum(variants) => value
                        .as_str()
                        .is_some_and(|text| variants.iter().any(|v| v.wire == text)),
                    TypeBody::Tagged(tagged) => tagged
                        .variants
                        .iter()
                        .any(|v| self.check(&Ty::Named(v.member), value, unfolded + 1)),
                    TypeBody::Untagged(variants) => variants
                        .iter()
                        .any(|v| self.check(&v.ty, value, unfolded + 1)),
                    TypeBody::Alias(alias) => self.check(&alias.ty, value, unfolded + 1),
                }
            }
        }
    }

    fn object(&self, fields: &[Field], value: &Value) -> bool {
        let Some(map) = value.as_object() else {
            return false;
        };
        let declared = |key: &String| fields.iter().any(|f| f.name.wire == *key);
        fields.iter().all(|f| match map.get(&f.name.wire) {
            Some(v) => self.check(&f.ty, v, 0),
            None => f.optional,
        }) && (self.open || map.keys().all(declared))
    }

    fn fields(&self, id: TypeId) -> &'s [Field] {
        match &self.schema.ty(id).body {
            TypeBody::Object(object) => &object.fields,
            _ => &[],
        }
    }
}

/// The text of a wire-encoded scalar `{"<key>": "<text>"}`.
fn wrapped<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    let map = value.as_object()?;
    (map.len() == 1).then(|| map.get(key)?.as_str()).flatten()
}
