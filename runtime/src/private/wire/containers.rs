//! The wire encoding through `Option`, `Vec`, `BTreeMap` and `Box`: the
//! container is plain JSON, each element is encoded by its own `Wire` impl.

use super::{Encoded, EncodedRef, Wire};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

impl<T: Wire> Wire for Option<T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&EncodedRef(value)),
            None => serializer.serialize_none(),
        }
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Option::<Encoded<T>>::deserialize(deserializer)?;
        Ok(value.map(|Encoded(value)| value))
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(EncodedRef))
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<Encoded<T>>::deserialize(deserializer)?;
        Ok(items.into_iter().map(|Encoded(item)| item).collect())
    }
}

// Keys are plain serde: the schema only allows `string` and `id<t>` keys.
impl<K, V> Wire for BTreeMap<K, V>
where
    K: Ord + Serialize + DeserializeOwned,
    V: Wire,
{
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(key, value)| (key, EncodedRef(value))))
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entries = BTreeMap::<K, Encoded<V>>::deserialize(deserializer)?;
        Ok(entries
            .into_iter()
            .map(|(key, Encoded(value))| (key, value))
            .collect())
    }
}

// Recursive schema types are boxed by the generator; a box is transparent.
impl<T: Wire> Wire for Box<T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize_wire(serializer)
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_wire(deserializer).map(Box::new)
    }
}
