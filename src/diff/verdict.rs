//! The class, message and reason of each difference the walk finds, by
//! the [`Role`] of the place it is in.
//!
//! | change | table field | argument | result |
//! |---|---|---|---|
//! | field removed | data | clients | clients; safe if it was optional |
//! | field added, required | data | clients | safe |
//! | field added, optional | safe | safe | safe |
//! | optional → required | data | clients | safe |
//! | required → optional | safe | safe | clients |
//! | may now be null | safe | safe | clients |
//! | can no longer be null | data | clients | safe |
//! | type widened (OLD ⊂ NEW) | safe | safe | clients |
//! | type narrowed (NEW ⊂ OLD) | data | clients | safe |
//! | type changed otherwise | data | clients | clients |
//!
//! A result is read by a client that ignores fields it does not know, so
//! result objects are compared open (`Subset::open`): a field added to a
//! result is safe. Stored documents and arguments are closed: unknown
//! fields are rejected (the generated structs `deny_unknown_fields`).

use super::atoms::describe;
use super::walk::{At, Role, Site, Walker};
use super::Class;
use crate::ir::{Field, Ty};
use crate::source::Span;

impl<'a> Walker<'a> {
    /// Compares two types whole, as sets of values.
    pub(super) fn compare(
        &mut self,
        site: &Site<'_>,
        path: &[String],
        old: &'a Ty,
        new: &'a Ty,
        at: At,
    ) {
        let widened = self.forward.is_subset(old, new);
        let narrowed = self.backward.is_subset(new, old);
        if widened && narrowed {
            return;
        }
        let cut_off = self.forward.take_gave_up() | self.backward.take_gave_up();
        let verb = match (widened, narrowed) {
            (true, _) => "widened",
            (_, true) => "narrowed",
            _ => "changed",
        };
        let (was, now) = (describe(self.old, old), describe(self.new, new));
        let subject = site.subject(path);
        // The same name on both sides (`Expr`) says nothing: say what it
        // gained or lost instead.
        // Naming the whole type as what no longer fits says nothing when
        // both sides have the same name.
        let same = (was == now).then_some(was.as_str());
        let (gained, lost) = match verb {
            _ if was != now => (Vec::new(), Vec::new()),
            "widened" => (self.backward.missing(new, old), Vec::new()),
            "narrowed" => (Vec::new(), self.forward.missing(old, new)),
            _ => (Vec::new(), Vec::new()),
        };
        let message = if was != now {
            format!("{subject} {verb} from `{was}` to `{now}`")
        } else if let Some(gained) = specific(gained, same) {
            format!("{subject} widened: `{now}` now also holds {gained}")
        } else if let Some(lost) = specific(lost, same) {
            format!("{subject} narrowed: `{now}` no longer holds {lost}")
        } else {
            format!("{subject} {verb} (type `{was}` changed)")
        };
        let (class, mut reason) = match site.role {
            Role::Data if widened => (
                Class::Safe,
                "every value stored under OLD is still valid".to_string(),
            ),
            Role::Arg if widened => (
                Class::Safe,
                "every argument a client built from OLD sends is still accepted".to_string(),
            ),
            Role::Data => (
                Class::Data,
                match specific(self.forward.missing(old, new), same) {
                    Some(some) => format!("stored values such as {some} would be rejected"),
                    None => "some values stored under OLD would be rejected".into(),
                },
            ),
            Role::Arg => (
                Class::Client,
                match specific(self.forward.missing(old, new), same) {
                    Some(some) => {
                        format!("clients built from OLD may send {some}, which is now rejected")
                    }
                    None => "clients built from OLD may send values that are now rejected".into(),
                },
            ),
            Role::Result if self.reading.is_subset(new, old) => (
                Class::Safe,
                "every result is still one that clients built from OLD understand".to_string(),
            ),
            Role::Result => (
                Class::Client,
                match specific(self.reading.missing(new, old), same) {
                    Some(some) => format!("clients built from OLD do not expect {some}"),
                    None => "clients built from OLD may not understand every result".into(),
                },
            ),
        };
        if cut_off | self.reading.take_gave_up() {
            reason = "the types nest too deeply to compare in full, so the change is \
                      taken as breaking"
                .into();
        }
        self.push(
            class,
            message,
            &reason,
            Some((at.old, format!("was `{was}`"))),
            Some((at.new, format!("now `{now}`"))),
        );
    }

    pub(super) fn removed(
        &mut self,
        site: &Site<'_>,
        path: &[String],
        field: &Field,
        parent: Span,
    ) {
        let (class, reason) = match site.role {
            Role::Data => (Class::Data, "documents stored with it would be rejected"),
            Role::Arg => (
                Class::Client,
                "clients built from OLD that send it get `invalid_args`",
            ),
            Role::Result if field.optional => (
                Class::Safe,
                "it was optional, so clients built from OLD handle its absence",
            ),
            Role::Result => (
                Class::Client,
                "clients built from OLD expect it in every result",
            ),
        };
        let message = format!("{} removed", site.subject(path));
        let old = Some((field.span, "removed".to_string()));
        let new = Some((parent, format!("has no `{}` any more", field.name.wire)));
        self.push(class, message, reason, old, new);
    }

    pub(super) fn added(&mut self, site: &Site<'_>, path: &[String], field: &Field) {
        let (class, reason) = match (site.role, field.optional) {
            (Role::Data, false) => (Class::Data, "documents stored under OLD do not have it"),
            (Role::Data, true) => (Class::Safe, "documents without it remain valid"),
            (Role::Arg, false) => (Class::Client, "clients built from OLD do not send it"),
            (Role::Arg, true) => (
                Class::Safe,
                "clients built from OLD leave it out, which is valid",
            ),
            (Role::Result, _) => (
                Class::Safe,
                "clients built from OLD ignore fields they do not know",
            ),
        };
        let subject = site.subject(path);
        let message = match (site.role, field.optional) {
            (Role::Result, _) => format!("{subject} added"),
            (_, true) => format!("optional {subject} added"),
            (_, false) => format!("required {subject} added"),
        };
        let new = Some((field.span, "added".to_string()));
        self.push(class, message, reason, None, new);
    }

    pub(super) fn optionality(
        &mut self,
        site: &Site<'_>,
        path: &[String],
        old: &Field,
        new: &Field,
    ) {
        let (class, reason, what) = match (old.optional, new.optional, site.role) {
            (true, false, Role::Data) => (
                Class::Data,
                "documents stored without it would be rejected",
                "required",
            ),
            (true, false, Role::Arg) => (
                Class::Client,
                "clients built from OLD may leave it out",
                "required",
            ),
            (true, false, Role::Result) => (
                Class::Safe,
                "clients built from OLD handle it present or absent",
                "required",
            ),
            (false, true, Role::Data) => (
                Class::Safe,
                "documents that have it remain valid",
                "optional",
            ),
            (false, true, Role::Arg) => (
                Class::Safe,
                "clients built from OLD always send it",
                "optional",
            ),
            (false, true, Role::Result) => (
                Class::Client,
                "clients built from OLD expect it in every result",
                "optional",
            ),
            _ => return,
        };
        let was = if old.optional { "optional" } else { "required" };
        let message = format!("{} made {what}", site.subject(path));
        let old = Some((old.span, was.to_string()));
        let new = Some((new.span, format!("now {what}")));
        self.push(class, message, reason, old, new);
    }

    pub(super) fn nullability(
        &mut self,
        site: &Site<'_>,
        path: &[String],
        old: bool,
        new: bool,
        at: At,
    ) {
        let (class, reason, what, label) = match (old, new, site.role) {
            (false, true, Role::Data) => (
                Class::Safe,
                "every value stored under OLD is still valid",
                "may now be null",
                "now nullable",
            ),
            (false, true, Role::Arg) => (
                Class::Safe,
                "every argument a client built from OLD sends is still accepted",
                "may now be null",
                "now nullable",
            ),
            (false, true, Role::Result) => (
                Class::Client,
                "clients built from OLD do not expect null",
                "may now be null",
                "now nullable",
            ),
            (true, false, Role::Data) => (
                Class::Data,
                "stored null values would be rejected",
                "can no longer be null",
                "no longer nullable",
            ),
            (true, false, Role::Arg) => (
                Class::Client,
                "clients built from OLD may send null, which is now rejected",
                "can no longer be null",
                "no longer nullable",
            ),
            (true, false, Role::Result) => (
                Class::Safe,
                "every result is still one that clients built from OLD understand",
                "can no longer be null",
                "no longer nullable",
            ),
            _ => return,
        };
        let message = format!("{} {what}", site.subject(path));
        let was = if old { "nullable" } else { "not nullable" };
        let old = Some((at.old, was.to_string()));
        let new = Some((at.new, label.to_string()));
        self.push(class, message, reason, old, new);
    }
}

/// The members that do not fit, as examples, unless that says nothing
/// (none, or only the type itself when both sides have its name `same`).
fn specific(missing: Vec<String>, same: Option<&str>) -> Option<String> {
    match missing.as_slice() {
        [] => None,
        [one] if Some(one.as_str()) == same => None,
        _ => Some(examples(missing)),
    }
}

/// At most three examples, quoted: "`\"a\"`, `\"b\"` and 2 more".
fn examples(mut missing: Vec<String>) -> String {
    let more = missing.len().saturating_sub(3);
    missing.truncate(3);
    let quoted: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
    match (quoted.as_slice(), more) {
        ([one], 0) => one.clone(),
        (list, 0) => {
            let (last, rest) = list.split_last().expect("not empty");
            format!("{} and {last}", rest.join(", "))
        }
        (list, more) => format!("{} and {more} more", list.join(", ")),
    }
}
