//! Accounts and their codes: the list, search, edits, HOTP "next", and codes at a time.

use super::{Kunci, TimeEstimate};
use crate::error::KunciError;
use crate::otp::CodeView;
use crate::time::uncertainty_near_step;
use crate::vault::{Account, AccountList, RowFailure};

/// One account's codes at one instant.
#[derive(Debug, Clone)]
pub struct AccountCode {
    pub account: Account,
    pub view: CodeView,
}

/// Everything a code list screen shows.
#[derive(Debug, Clone)]
pub struct CodeSheet {
    pub time: TimeEstimate,
    pub codes: Vec<AccountCode>,
    /// Rows that could not be opened (tampered); the rest are shown.
    pub unreadable: Vec<RowFailure>,
    /// True when the time is uncertain enough that some code may be off by a step.
    pub time_warning: bool,
}

impl Kunci {
    /// Accounts in list order, and the rows that cannot be opened.
    pub fn accounts(&self) -> Result<AccountList, KunciError> {
        Ok(self.vault.list()?)
    }

    /// Accounts whose issuer, name, notes or group contain `query` (any case).
    pub fn search(&self, query: &str) -> Result<AccountList, KunciError> {
        Ok(self.vault.search(query)?)
    }

    pub fn account(&self, id: i64) -> Result<Account, KunciError> {
        Ok(self.vault.get(id)?)
    }

    /// Changes the issuer and/or the name; `None` keeps what is there.
    pub fn rename(
        &self,
        id: i64,
        issuer: Option<&str>,
        name: Option<&str>,
    ) -> Result<Account, KunciError> {
        let current = self.vault.get(id)?;
        let issuer = issuer.unwrap_or(&current.issuer);
        let name = name.unwrap_or(&current.name);
        Ok(self.vault.rename(id, issuer, name, self.stamp())?)
    }

    pub fn set_notes(&self, id: i64, notes: &str) -> Result<Account, KunciError> {
        Ok(self.vault.set_notes(id, notes, self.stamp())?)
    }

    pub fn set_group(&self, id: i64, group: Option<&str>) -> Result<Account, KunciError> {
        Ok(self.vault.set_group(id, group, self.stamp())?)
    }

    /// Moves an account to `position` (0 = first).
    pub fn move_account(&self, id: i64, position: i64) -> Result<(), KunciError> {
        Ok(self.vault.reorder(id, position)?)
    }

    pub fn remove(&self, id: i64) -> Result<(), KunciError> {
        Ok(self.vault.remove(id)?)
    }

    /// HOTP "next code": the counter moves on (saved before anything is shown) and the code at
    /// the new counter is returned, which is also what `codes` shows from now on.
    pub fn next_hotp(&self, id: i64) -> Result<String, KunciError> {
        Ok(self.vault.next_hotp(id, self.stamp())?)
    }

    /// All codes at the trusted time (or `at`, for QA and tests: see [`super::fixed_time`]).
    /// Codes are computed on the threads that unseal the rows (see [`crate::vault::Vault::list_with`]).
    pub fn codes(&self, at: Option<TimeEstimate>) -> Result<CodeSheet, KunciError> {
        let time = at.unwrap_or_else(|| self.now());
        let unix = u64::try_from(time.unix_seconds()).unwrap_or(0);
        let list = self.vault.list_with(|a| a.params.view_at(unix))?;
        let mut codes = Vec::with_capacity(list.accounts.len());
        let mut time_warning = false;
        for (account, view) in list.accounts {
            let view = view?;
            if account.params.kind.is_time_based() {
                time_warning |= uncertainty_near_step(&time, u64::from(account.params.period))
                    || (at.is_none() && crate::time::needs_warning(&time));
            }
            codes.push(AccountCode { account, view });
        }
        Ok(CodeSheet {
            time,
            codes,
            unreadable: list.failures,
            time_warning,
        })
    }
}
