//! Regions, their rosters of agencies, accounts and their sessions.

use rusqlite::{params, Connection, Row, TransactionBehavior};
use serde::Serialize;

use super::{now, optional, Store, StoreError};

/// What an account may do: set up the office, review a region, or write
/// one agency's report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Reviewer,
    Writer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reviewer => "reviewer",
            Role::Writer => "writer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "reviewer" => Some(Role::Reviewer),
            "writer" => Some(Role::Writer),
            _ => None,
        }
    }

    /// The role in the office's words.
    pub fn title(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Reviewer => "审核人",
            Role::Writer => "填报人",
        }
    }
}

/// A signed-in person.
#[derive(Clone, Debug, Serialize)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: Role,
    /// The region a reviewer reviews.
    pub region: Option<i64>,
    /// The agency a writer writes for.
    pub agency: Option<i64>,
}

/// A region of the tree.
#[derive(Clone, Debug, Serialize)]
pub struct Region {
    pub id: i64,
    pub parent: Option<i64>,
    pub name: String,
}

/// An agency of a region's roster.
#[derive(Clone, Debug, Serialize)]
pub struct Agency {
    pub id: i64,
    pub region: i64,
    pub name: String,
}

/// The columns [`account`] reads, first in a query.
const ACCOUNT: &str = "SELECT id, login, name, role, region, agency";

fn account(row: &Row) -> rusqlite::Result<Account> {
    let role: String = row.get(3)?;
    Ok(Account {
        id: row.get(0)?,
        login: row.get(1)?,
        name: row.get(2)?,
        role: Role::parse(&role).unwrap_or(Role::Writer),
        region: row.get(4)?,
        agency: row.get(5)?,
    })
}

/// The regions from `region` up to the root, `region` first.
pub(super) fn chain(c: &Connection, region: i64) -> Result<Vec<i64>, StoreError> {
    let mut q = c.prepare_cached(
        "WITH RECURSIVE up(id, parent) AS (
             SELECT id, parent FROM regions WHERE id = ?
             UNION ALL SELECT r.id, r.parent FROM regions r JOIN up ON r.id = up.parent)
         SELECT id FROM up",
    )?;
    let ids = q.query_map([region], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(ids)
}

/// `region` and every region below it.
pub(super) fn subtree(c: &Connection, region: i64) -> Result<Vec<i64>, StoreError> {
    let mut q = c.prepare_cached(
        "WITH RECURSIVE down(id) AS (
             SELECT id FROM regions WHERE id = ?
             UNION ALL SELECT r.id FROM regions r JOIN down ON r.parent = down.id)
         SELECT id FROM down",
    )?;
    let ids = q.query_map([region], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(ids)
}

impl Store {
    /// Adds a region under `parent` (`None`: a top region); a name its
    /// parent already has is refused.
    pub fn add_region(&self, parent: Option<i64>, name: &str) -> Result<Option<i64>, StoreError> {
        self.with(|c| {
            optional(c.query_row(
                "INSERT INTO regions (parent, name, created) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                params![parent, name, now()],
                |r| r.get(0),
            ))
        })
    }

    pub fn regions(&self) -> Result<Vec<Region>, StoreError> {
        self.with(|c| {
            let mut q = c.prepare_cached("SELECT id, parent, name FROM regions ORDER BY id")?;
            let rows = q.query_map([], |r| Ok(Region { id: r.get(0)?, parent: r.get(1)?, name: r.get(2)? }))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    pub fn region(&self, id: i64) -> Result<Option<Region>, StoreError> {
        self.with(|c| {
            optional(c.query_row("SELECT id, parent, name FROM regions WHERE id = ?", [id], |r| {
                Ok(Region { id: r.get(0)?, parent: r.get(1)?, name: r.get(2)? })
            }))
        })
    }

    /// The regions from `region` up to the root, `region` first.
    pub fn region_chain(&self, region: i64) -> Result<Vec<i64>, StoreError> {
        self.with(|c| chain(c, region))
    }

    /// Adds the agencies of a roster to `region` in one transaction: the
    /// names it did not have yet, and how many it had already.
    pub fn add_agencies(&self, region: i64, names: &[String]) -> Result<(Vec<String>, usize), StoreError> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (mut added, mut had) = (Vec::new(), 0);
            {
                let mut q = tx.prepare_cached(
                    "INSERT INTO agencies (region, name, created) VALUES (?, ?, ?) ON CONFLICT (region, name) DO NOTHING",
                )?;
                for name in names {
                    if q.execute(params![region, name, now()])? == 1 {
                        added.push(name.clone());
                    } else {
                        had += 1;
                    }
                }
            }
            tx.commit()?;
            Ok((added, had))
        })
    }

    /// The agencies of `region` and the regions below it, by name.
    pub fn agencies_under(&self, region: i64) -> Result<Vec<Agency>, StoreError> {
        self.with(|c| {
            let regions = subtree(c, region)?;
            let mut q = c.prepare_cached("SELECT id, region, name FROM agencies WHERE region = ? ORDER BY name")?;
            let mut out = Vec::new();
            for r in regions {
                for a in q.query_map([r], |r| Ok(Agency { id: r.get(0)?, region: r.get(1)?, name: r.get(2)? }))? {
                    out.push(a?);
                }
            }
            Ok(out)
        })
    }

    pub fn agency(&self, id: i64) -> Result<Option<Agency>, StoreError> {
        self.with(|c| {
            optional(c.query_row("SELECT id, region, name FROM agencies WHERE id = ?", [id], |r| {
                Ok(Agency { id: r.get(0)?, region: r.get(1)?, name: r.get(2)? })
            }))
        })
    }

    /// Adds an account waiting for its password: `invitation` is the
    /// hash of the one-time secret its link carries, good until `until`.
    /// `None` when the login is taken.
    pub fn add_account(
        &self,
        login: &str,
        name: &str,
        role: Role,
        place: Option<i64>,
        invitation: &str,
        until: i64,
    ) -> Result<Option<i64>, StoreError> {
        let (region, agency) = match role {
            Role::Admin => (None, None),
            Role::Reviewer => (place, None),
            Role::Writer => (None, place),
        };
        self.with(|c| {
            let id = c.query_row(
                "INSERT INTO accounts (login, name, role, region, agency, invitation, invited_until, created)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (login) DO NOTHING RETURNING id",
                params![login, name, role.as_str(), region, agency, invitation, until, now()],
                |r| r.get(0),
            );
            optional(id)
        })
    }

    /// The first administrator, with its password hash: `None` if the
    /// login is taken.
    pub fn add_admin(&self, login: &str, name: &str, password: &str) -> Result<Option<i64>, StoreError> {
        self.with(|c| {
            optional(c.query_row(
                "INSERT INTO accounts (login, name, role, password, created) VALUES (?, ?, 'admin', ?, ?)
                 ON CONFLICT (login) DO NOTHING RETURNING id",
                params![login, name, password, now()],
                |r| r.get(0),
            ))
        })
    }

    /// Every account, with whether it has a password and whether it is
    /// stopped.
    pub fn accounts(&self) -> Result<Vec<(Account, bool, bool)>, StoreError> {
        self.with(|c| {
            let mut q = c.prepare_cached(&format!(
                "{ACCOUNT}, password IS NOT NULL, disabled IS NOT NULL FROM accounts ORDER BY id"
            ))?;
            let rows = q.query_map([], |r| Ok((account(r)?, r.get(6)?, r.get(7)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// An account by its login, with its password hash (none until its
    /// invitation is taken up).
    pub fn account_by_login(&self, login: &str) -> Result<Option<(Account, Option<String>)>, StoreError> {
        self.with(|c| {
            optional(c.query_row(
                &format!("{ACCOUNT}, password FROM accounts WHERE login = ? AND disabled IS NULL"),
                [login],
                |r| Ok((account(r)?, r.get(6)?)),
            ))
        })
    }

    /// Whether an invitation (by its hash) is still good.
    pub fn invitation_open(&self, invitation: &str) -> Result<bool, StoreError> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT EXISTS (SELECT 1 FROM accounts WHERE invitation = ? AND invited_until >= ? AND disabled IS NULL)",
                params![invitation, now()],
                |r| r.get(0),
            )?)
        })
    }

    /// Takes up an invitation: sets the password of the account whose
    /// invitation hash is `invitation`, if still good, and ends the
    /// invitation. The account, or `None`.
    pub fn accept_invitation(&self, invitation: &str, password: &str) -> Result<Option<Account>, StoreError> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let found = optional(tx.query_row(
                &format!("{ACCOUNT}, password FROM accounts WHERE invitation = ? AND invited_until >= ? AND disabled IS NULL"),
                params![invitation, now()],
                account,
            ))?;
            let Some(a) = found else { return Ok(None) };
            // Used once, whatever the isolation: the update names the
            // invitation it takes up.
            let taken = tx.execute(
                "UPDATE accounts SET password = ?, invitation = NULL, invited_until = NULL WHERE id = ? AND invitation = ?",
                params![password, a.id, invitation],
            )?;
            if taken != 1 {
                return Ok(None);
            }
            tx.commit()?;
            Ok(Some(a))
        })
    }

    /// Starts session `id` (a hash of the cookie's secret) for `account`;
    /// sessions gone stale (idle past `idle` seconds, or begun more than
    /// `longest` ago) are removed on the way.
    pub fn add_session(&self, id: &str, account: i64, idle: i64, longest: i64) -> Result<(), StoreError> {
        let t = now();
        self.with(|c| {
            c.execute("DELETE FROM sessions WHERE seen < ? OR created < ?", params![t - idle, t - longest])?;
            c.execute(
                "INSERT INTO sessions (id, account, created, seen) VALUES (?, ?, ?, ?)",
                params![id, account, t, t],
            )?;
            Ok(())
        })
    }

    /// The account of session `id` if it was used within `idle` seconds
    /// and began within `longest`; marks it used. A stale session is
    /// removed.
    pub fn session(&self, id: &str, idle: i64, longest: i64) -> Result<Option<Account>, StoreError> {
        let t = now();
        self.with(|c| {
            let found = optional(c.query_row(
                "SELECT a.id, a.login, a.name, a.role, a.region, a.agency, s.seen, s.created
                 FROM sessions s JOIN accounts a ON a.id = s.account WHERE s.id = ? AND a.disabled IS NULL",
                [id],
                |r| Ok((account(r)?, r.get::<_, i64>(6)?, r.get::<_, i64>(7)?)),
            ))?;
            match found {
                Some((a, seen, created)) if t - seen <= idle && t - created <= longest => {
                    // Marked used once a minute at most (sooner for short
                    // idle limits): not a disk write per request.
                    if t - seen >= (idle / 2).clamp(1, 60) {
                        c.execute("UPDATE sessions SET seen = ? WHERE id = ?", params![t, id])?;
                    }
                    Ok(Some(a))
                }
                Some(_) => {
                    c.execute("DELETE FROM sessions WHERE id = ?", [id])?;
                    Ok(None)
                }
                None => Ok(None),
            }
        })
    }

    /// Stops an account (`stop`) or lets it sign in again: its sessions end
    /// either way. Whether there is such an account.
    pub fn stop_account(&self, id: i64, stop: bool) -> Result<bool, StoreError> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let found = tx.execute("UPDATE accounts SET disabled = ? WHERE id = ?", params![stop.then(now), id])?;
            tx.execute("DELETE FROM sessions WHERE account = ?", [id])?;
            tx.commit()?;
            Ok(found == 1)
        })
    }

    /// Gives an account a new invitation (hash `invitation`, good until
    /// `until`) in place of its password, which stops working; its
    /// sessions end. Whether there is such an account.
    pub fn reinvite(&self, id: i64, invitation: &str, until: i64) -> Result<bool, StoreError> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let found = tx.execute(
                "UPDATE accounts SET password = NULL, invitation = ?, invited_until = ? WHERE id = ?",
                params![invitation, until, id],
            )?;
            tx.execute("DELETE FROM sessions WHERE account = ?", [id])?;
            tx.commit()?;
            Ok(found == 1)
        })
    }

    pub fn end_session(&self, id: &str) -> Result<(), StoreError> {
        self.with(|c| Ok(c.execute("DELETE FROM sessions WHERE id = ?", [id]).map(|_| ())?))
    }
}
