//! The record events: what can happen to a record, as the server's event log records it and
//! the webhooks (OpenAPI `webhooks`, deliveries) name it (`person.created`). One list, so the
//! server and the documents cannot drift apart; no delivery logic here.

/// What happened to a record: the suffix of a webhook's event name (`person.created`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordAction {
    Created,
    /// Also an upsert that matched an existing record.
    Updated,
    /// Soft-deleted (`deletedAt` set).
    Deleted,
    /// Hard-deleted.
    Destroyed,
    Restored,
    /// Created or updated by an upsert: never logged as such (the event log says
    /// `created` or `updated`); a webhook subscribed to `<object>.upserted` gets an
    /// upsert's events under this name.
    Upserted,
}

impl RecordAction {
    /// Every action, in the order the webhooks are documented.
    pub const ALL: [RecordAction; 6] = [
        RecordAction::Created,
        RecordAction::Updated,
        RecordAction::Deleted,
        RecordAction::Destroyed,
        RecordAction::Restored,
        RecordAction::Upserted,
    ];

    /// Twenty's spelling (`created`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordAction::Created => "created",
            RecordAction::Updated => "updated",
            RecordAction::Deleted => "deleted",
            RecordAction::Destroyed => "destroyed",
            RecordAction::Restored => "restored",
            RecordAction::Upserted => "upserted",
        }
    }

    /// The action spelled `name`, if any.
    pub fn parse(name: &str) -> Option<RecordAction> {
        RecordAction::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// Whether an event's record is the record as it was before the change (the record is
    /// gone or hidden afterwards) rather than after it.
    pub fn carries_record_before(self) -> bool {
        matches!(self, RecordAction::Deleted | RecordAction::Destroyed)
    }

    /// Whether an event lists the names of the fields that changed (`updatedFields`) and
    /// the record before (`previousRecord`): always for an update, and for an upsert that
    /// matched a record.
    pub fn lists_updated_fields(self) -> bool {
        matches!(self, RecordAction::Updated | RecordAction::Upserted)
    }

    /// Whether the event is logged under this action (every one but `upserted`).
    pub fn is_logged(self) -> bool {
        self != RecordAction::Upserted
    }
}

impl std::fmt::Display for RecordAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for action in RecordAction::ALL {
            assert_eq!(RecordAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(RecordAction::parse("exploded"), None);
        // `upserted` names webhook deliveries; the event log never says it.
        assert!(!RecordAction::Upserted.is_logged());
        assert!(RecordAction::ALL.iter().filter(|a| !a.is_logged()).count() == 1);
    }
}
