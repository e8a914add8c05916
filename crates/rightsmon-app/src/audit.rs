//! The audit log: verifying its hash chain end to end, and reading its latest entries.
//!
//! Each entry's hash covers the hash before it and its own content, so an entry changed in the
//! database no longer matches its hash, and an entry removed from the middle (or moved) breaks
//! the link of the one after it. Removing entries from the end leaves a shorter chain that
//! still verifies; against that, the head of the chain (its last entry's number and hash) is
//! shown by every verification, to be written down elsewhere and given back to a later one.

use crate::{App, AppError, AppResult};
use rightsmon_domain::access::{Actor, Permission};
use rightsmon_domain::audit::AuditEvent;
use serde::Serialize;

/// Entries read at a time while verifying.
const PAGE: u32 = 1000;

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditVerification {
    /// How many entries were read.
    pub entries: u64,
    /// The last entry's number and hash (`None` for an empty log).
    pub head: Option<AuditHead>,
    /// The first problem, if any: the chain is intact when there is none.
    pub problem: Option<AuditProblem>,
}

/// An entry's number and hash, as written down to check a later verification against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditHead {
    pub id: i64,
    pub hash: String,
}

impl AuditHead {
    /// Reads `ID:HASH`.
    pub fn parse(text: &str) -> Option<Self> {
        let (id, hash) = text.trim().split_once(':')?;
        let hash = hash.trim();
        (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Some(Self { id: id.trim().parse().ok()?, hash: hash.to_ascii_lowercase() }))
            .flatten()
    }
}

impl std::fmt::Display for AuditHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.id, self.hash)
    }
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditProblem {
    /// The entry at which the problem shows.
    pub id: i64,
    /// `changed`, `unlinked` or `head_missing`.
    pub kind: &'static str,
    pub message: String,
}

impl AuditVerification {
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

impl App {
    /// Verifies the whole audit chain (and, given a head written down earlier, that it is still
    /// there). For network coordinators, and for the command line (`actor: None`).
    pub async fn verify_audit(&self, actor: Option<&Actor>, expected: Option<&AuditHead>) -> AppResult<AuditVerification> {
        if let Some(actor) = actor
            && !actor.may(Permission::ManageNetwork)
        {
            return Err(AppError::Forbidden);
        }
        let mut verification = AuditVerification { entries: 0, head: None, problem: None };
        let mut previous = String::new();
        let mut after = 0;
        let mut expected_found = expected.is_none();
        'pages: loop {
            let page = self.store.list_audit(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            for entry in &page {
                verification.entries += 1;
                if let Some(problem) = check_entry(entry, &previous) {
                    verification.problem = Some(problem);
                    break 'pages;
                }
                if let Some(expected) = expected
                    && expected.id == entry.id
                {
                    if expected.hash != entry.hash {
                        verification.problem = Some(AuditProblem {
                            id: entry.id,
                            kind: "head_missing",
                            message: format!("entry {} has another hash than the head written down: the log was rewritten", entry.id),
                        });
                        break 'pages;
                    }
                    expected_found = true;
                }
                previous.clone_from(&entry.hash);
                verification.head = Some(AuditHead { id: entry.id, hash: entry.hash.clone() });
            }
        }
        if verification.problem.is_none()
            && !expected_found
            && let Some(expected) = expected
        {
            verification.problem = Some(AuditProblem {
                id: expected.id,
                kind: "head_missing",
                message: format!("entry {} of the head written down is gone: entries were removed from the end of the log", expected.id),
            });
        }
        Ok(verification)
    }

    /// The latest entries of the audit log, newest first, for network coordinators.
    pub async fn recent_audit(&self, actor: &Actor, count: u32) -> AppResult<Vec<AuditEvent>> {
        if !actor.may(Permission::ManageNetwork) {
            return Err(AppError::Forbidden);
        }
        let mut tail: std::collections::VecDeque<AuditEvent> = std::collections::VecDeque::new();
        let mut after = 0;
        loop {
            let page = self.store.list_audit(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            for entry in page {
                if tail.len() == count as usize {
                    tail.pop_front();
                }
                tail.push_back(entry);
            }
        }
        Ok(tail.into_iter().rev().collect())
    }
}

/// The problem of one entry after the entry whose hash is `previous` (empty for the first).
fn check_entry(entry: &AuditEvent, previous: &str) -> Option<AuditProblem> {
    if entry.previous_hash != previous {
        return Some(AuditProblem {
            id: entry.id,
            kind: "unlinked",
            message: format!("entry {} does not follow the entry before it: an entry was removed, added or moved", entry.id),
        });
    }
    if rightsmon_store::audit_hash(previous, &entry.event) != entry.hash {
        return Some(AuditProblem {
            id: entry.id,
            kind: "changed",
            message: format!("entry {} was changed after it was written: its content no longer matches its hash", entry.id),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_is_read_as_number_and_hash() {
        let hash = "ab".repeat(32);
        assert_eq!(AuditHead::parse(&format!("17:{hash}")), Some(AuditHead { id: 17, hash: hash.clone() }));
        assert_eq!(AuditHead::parse(&format!(" 17 : {} ", hash.to_uppercase())).map(|h| h.hash), Some(hash.clone()));
        assert_eq!(AuditHead::parse("17"), None);
        assert_eq!(AuditHead::parse(&format!("x:{hash}")), None);
        assert_eq!(AuditHead::parse("17:abc"), None);
    }
}
