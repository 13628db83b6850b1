//! Reports, every saved version of each (who, when, from which), the
//! steps of their review, the reviewers' comments, and the files frozen
//! at approval.

use rusqlite::{params, Connection, Row, TransactionBehavior};
use serde::Serialize;

use super::{now, optional, people::subtree, Store, StoreError};

/// Where a report is in its year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Being written: the writer saves it.
    Draft,
    /// Sent to the reviewer; the writer can no longer change it.
    Submitted,
    /// Sent back with comments; the writer fixes and resubmits.
    Returned,
    /// Approved; its files are frozen.
    Approved,
    /// Published (approved and out).
    Published,
    /// A past year's report as it was published, brought in for
    /// continuity and comparison.
    Past,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Approved => "approved",
            State::Published => "published",
            State::Past => "past",
        }
    }

    fn parse(s: &str) -> State {
        match s {
            "submitted" => State::Submitted,
            "returned" => State::Returned,
            "approved" => State::Approved,
            "published" => State::Published,
            "past" => State::Past,
            _ => State::Draft,
        }
    }

    /// The state in the office's words.
    pub fn title(self) -> &'static str {
        match self {
            State::Draft => "填写中",
            State::Submitted => "已提交",
            State::Returned => "已退回",
            State::Approved => "已通过",
            State::Published => "已发布",
            State::Past => "往年已发布",
        }
    }

    /// Whether its writer may still change it.
    pub fn editable(self) -> bool {
        matches!(self, State::Draft | State::Returned)
    }

    /// Whether it counts in the region's 汇总.
    pub fn approved(self) -> bool {
        matches!(self, State::Approved | State::Published | State::Past)
    }
}

/// A report of an agency for a year.
#[derive(Clone, Debug, Serialize)]
pub struct ReportRow {
    pub id: i64,
    pub agency: i64,
    pub agency_name: String,
    pub region: i64,
    pub year: i64,
    pub state: State,
    /// Its latest version.
    pub head: i64,
    pub updated: i64,
}

/// One saved version.
#[derive(Clone, Debug, Serialize)]
pub struct VersionRow {
    pub id: i64,
    /// Its place among the report's versions, from 1: what people call
    /// it (第 N 版).
    pub number: i64,
    pub parent: Option<i64>,
    pub author: Option<String>,
    pub at: i64,
    /// `saved`, `created`, `imported`.
    pub source: String,
    pub body: String,
}

/// A reviewer's comment at a place of a version.
#[derive(Clone, Debug, Serialize)]
pub struct Comment {
    pub id: i64,
    pub version: i64,
    pub author: String,
    pub at: i64,
    /// The JSON path of the cell or paragraph.
    pub path: String,
    pub body: String,
}

/// A file frozen at approval.
#[derive(Clone, Debug)]
pub struct Frozen {
    pub version: i64,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// An agency of the roster with its report of the year, if any, and last
/// year's.
#[derive(Clone, Debug)]
pub struct BoardRow {
    pub agency: i64,
    pub agency_name: String,
    pub region: i64,
    pub report: Option<ReportRow>,
    pub body: Option<String>,
    pub author: Option<String>,
    /// Last year's report's latest version: its id and text.
    pub last_year: Option<(i64, String)>,
}

const REPORT: &str = "SELECT r.id, r.agency, a.name, a.region, r.year, r.state, r.head, r.updated
                      FROM reports r JOIN agencies a ON a.id = r.agency";

fn report(row: &Row) -> rusqlite::Result<ReportRow> {
    Ok(ReportRow {
        id: row.get(0)?,
        agency: row.get(1)?,
        agency_name: row.get(2)?,
        region: row.get(3)?,
        year: row.get(4)?,
        state: State::parse(&row.get::<_, String>(5)?),
        head: row.get(6)?,
        updated: row.get(7)?,
    })
}

const VERSION: &str = "SELECT v.id, v.parent, a.name, v.at, v.source, v.body,
                       (SELECT COUNT(*) FROM versions w WHERE w.report = v.report AND w.id <= v.id)
                       FROM versions v LEFT JOIN accounts a ON a.id = v.author";

fn version(row: &Row) -> rusqlite::Result<VersionRow> {
    Ok(VersionRow {
        id: row.get(0)?,
        parent: row.get(1)?,
        author: row.get(2)?,
        at: row.get(3)?,
        source: row.get(4)?,
        body: row.get(5)?,
        number: row.get(6)?,
    })
}

/// Adds a version of `report` after `parent` and makes it the head, if
/// the head is still `parent` (a report's first version: if it has none):
/// the new version, or `None` (nothing written; the caller rolls back).
/// The head moves by a conditional update, so two saves from one version
/// cannot both land, whatever the database's isolation.
fn insert_version(
    c: &Connection,
    report: i64,
    parent: Option<i64>,
    author: Option<i64>,
    source: &str,
    body: &str,
) -> Result<Option<i64>, StoreError> {
    let t = now();
    let id: i64 = c.query_row(
        "INSERT INTO versions (report, parent, author, at, source, body) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        params![report, parent, author, t, source, body],
        |r| r.get(0),
    )?;
    let moved = c.execute(
        "UPDATE reports SET head = ?, updated = ? WHERE id = ? AND COALESCE(head, 0) = COALESCE(?, 0)",
        params![id, t, report, parent],
    )?;
    Ok((moved == 1).then_some(id))
}

fn event(c: &Connection, report: i64, account: Option<i64>, state: State, version: i64) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO events (report, account, at, state, version) VALUES (?, ?, ?, ?, ?)",
        params![report, account, now(), state.as_str(), version],
    )?;
    Ok(())
}

/// How a save went.
#[derive(Debug)]
pub enum Saved {
    /// Stored as this version.
    Stored(i64),
    /// Someone saved since the version the writer started from: theirs.
    Clash(VersionRow),
    /// The report is not the writer's to change now.
    Locked(State),
}

impl Store {
    pub fn report(&self, id: i64) -> Result<Option<ReportRow>, StoreError> {
        self.with(|c| optional(c.query_row(&format!("{REPORT} WHERE r.id = ?"), [id], report)))
    }

    pub fn report_of(&self, agency: i64, year: i64) -> Result<Option<ReportRow>, StoreError> {
        self.with(|c| {
            optional(c.query_row(&format!("{REPORT} WHERE r.agency = ? AND r.year = ?"), [agency, year], report))
        })
    }

    /// An agency's reports, newest year first.
    pub fn reports_of(&self, agency: i64) -> Result<Vec<ReportRow>, StoreError> {
        self.with(|c| {
            let mut q = c.prepare_cached(&format!("{REPORT} WHERE r.agency = ? ORDER BY r.year DESC"))?;
            let rows = q.query_map([agency], report)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Starts the report of `agency` for `year` with `body` as its first
    /// version; `None` if it has one already.
    pub fn create_report(
        &self,
        agency: i64,
        year: i64,
        state: State,
        body: &str,
        author: Option<i64>,
        source: &str,
    ) -> Result<Option<i64>, StoreError> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let id: Option<i64> = optional(tx.query_row(
                "INSERT INTO reports (agency, year, state, updated) VALUES (?, ?, ?, ?)
                 ON CONFLICT (agency, year) DO NOTHING RETURNING id",
                params![agency, year, state.as_str(), now()],
                |r| r.get(0),
            ))?;
            let Some(id) = id else { return Ok(None) };
            let Some(v) = insert_version(&tx, id, None, author, source, body)? else { return Ok(None) };
            event(&tx, id, author, state, v)?;
            tx.commit()?;
            Ok(Some(id))
        })
    }

    /// Saves `body` as the next version of `report`, if its head is still
    /// `from` (the version the writer started from) and it may be
    /// changed.
    pub fn save(&self, report: i64, from: i64, body: &str, author: i64) -> Result<Saved, StoreError> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (state, head): (String, i64) =
                tx.query_row("SELECT state, head FROM reports WHERE id = ?", [report], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let state = State::parse(&state);
            if !state.editable() {
                return Ok(Saved::Locked(state));
            }
            if head != from {
                let theirs = tx.query_row(&format!("{VERSION} WHERE v.id = ?"), [head], version)?;
                return Ok(Saved::Clash(theirs));
            }
            let Some(id) = insert_version(&tx, report, Some(head), Some(author), "saved", body)? else {
                let theirs = tx.query_row(
                    &format!("{VERSION} WHERE v.id = (SELECT head FROM reports WHERE id = ?)"),
                    [report],
                    version,
                )?;
                return Ok(Saved::Clash(theirs));
            };
            tx.execute("DELETE FROM drafts WHERE report = ? AND account = ?", params![report, author])?;
            tx.commit()?;
            Ok(Saved::Stored(id))
        })
    }

    /// Keeps `body` as `account`'s draft of `report`, unless the report
    /// has been saved since `based_on` (a draft that arrives after a save
    /// does not come back to life). Whether it was kept.
    pub fn put_draft(&self, report: i64, account: i64, based_on: i64, body: &str) -> Result<bool, StoreError> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let head: i64 = tx.query_row("SELECT head FROM reports WHERE id = ?", [report], |r| r.get(0))?;
            if head != based_on {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO drafts (report, account, based_on, at, body) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (report, account) DO UPDATE SET based_on = excluded.based_on, at = excluded.at,
                     body = excluded.body",
                params![report, account, based_on, now(), body],
            )?;
            tx.commit()?;
            Ok(true)
        })
    }

    /// `account`'s draft of `report`, if it is of the latest version.
    pub fn draft(&self, report: i64, account: i64) -> Result<Option<String>, StoreError> {
        self.with(|c| {
            optional(c.query_row(
                "SELECT d.body FROM drafts d JOIN reports r ON r.id = d.report
                 WHERE d.report = ? AND d.account = ? AND d.based_on = r.head",
                params![report, account],
                |r| r.get(0),
            ))
        })
    }

    pub fn version(&self, report: i64, id: i64) -> Result<Option<VersionRow>, StoreError> {
        self.with(|c| {
            optional(c.query_row(&format!("{VERSION} WHERE v.report = ? AND v.id = ?"), [report, id], version))
        })
    }

    /// Every version of a report, oldest first, without their bodies.
    pub fn history(&self, report: i64) -> Result<Vec<VersionRow>, StoreError> {
        self.with(|c| {
            let mut q = c.prepare_cached(
                "SELECT v.id, v.parent, a.name, v.at, v.source, '',
                        (SELECT COUNT(*) FROM versions w WHERE w.report = v.report AND w.id <= v.id)
                 FROM versions v LEFT JOIN accounts a ON a.id = v.author WHERE v.report = ? ORDER BY v.id",
            )?;
            let rows = q.query_map([report], version)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Moves `report` from one of `from` to `to`, at its head `at` (the
    /// version the person acted on); with `files`, freezes them in the
    /// same transaction. Whether it moved: not if it was in another state
    /// or has been saved since.
    pub fn step(
        &self,
        report: i64,
        at: i64,
        from: &[State],
        to: State,
        account: i64,
        files: &[(&str, String, Vec<u8>)],
    ) -> Result<bool, StoreError> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (state, head): (String, i64) =
                tx.query_row("SELECT state, head FROM reports WHERE id = ?", [report], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if !from.contains(&State::parse(&state)) || head != at {
                return Ok(false);
            }
            let moved = tx.execute(
                "UPDATE reports SET state = ?, updated = ? WHERE id = ? AND state = ? AND head = ?",
                params![to.as_str(), now(), report, state, at],
            )?;
            if moved != 1 {
                return Ok(false);
            }
            event(&tx, report, Some(account), to, head)?;
            for (format, sha, bytes) in files {
                tx.execute(
                    "INSERT INTO frozen (report, version, format, sha256, bytes) VALUES (?, ?, ?, ?, ?)
                     ON CONFLICT (report, format) DO UPDATE SET version = excluded.version,
                         sha256 = excluded.sha256, bytes = excluded.bytes",
                    params![report, head, format, sha, bytes],
                )?;
            }
            tx.commit()?;
            Ok(true)
        })
    }

    pub fn frozen(&self, report: i64, format: &str) -> Result<Option<Frozen>, StoreError> {
        self.with(|c| {
            optional(c.query_row(
                "SELECT version, sha256, bytes FROM frozen WHERE report = ? AND format = ?",
                params![report, format],
                |r| Ok(Frozen { version: r.get(0)?, sha256: r.get(1)?, bytes: r.get(2)? }),
            ))
        })
    }

    /// Adds a comment at `path` of version `version` of `report`.
    pub fn add_comment(
        &self,
        report: i64,
        version: i64,
        author: i64,
        path: &str,
        body: &str,
    ) -> Result<i64, StoreError> {
        self.with(|c| {
            Ok(c.query_row(
                "INSERT INTO comments (report, version, author, at, path, body) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                params![report, version, author, now(), path, body],
                |r| r.get(0),
            )?)
        })
    }

    /// Every comment on a report, across its versions, oldest first.
    pub fn comments(&self, report: i64) -> Result<Vec<Comment>, StoreError> {
        self.with(|c| {
            let mut q = c.prepare_cached(
                "SELECT c.id, c.version, a.name, c.at, c.path, c.body FROM comments c
                 JOIN accounts a ON a.id = c.author WHERE c.report = ? ORDER BY c.id",
            )?;
            let rows = q.query_map([report], |r| {
                Ok(Comment {
                    id: r.get(0)?,
                    version: r.get(1)?,
                    author: r.get(2)?,
                    at: r.get(3)?,
                    path: r.get(4)?,
                    body: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The years that have a report of an agency under `region`, oldest
    /// first.
    pub fn years_under(&self, region: i64) -> Result<Vec<i64>, StoreError> {
        self.with(|c| {
            let mut years = std::collections::BTreeSet::new();
            let mut q = c.prepare_cached(
                "SELECT DISTINCT r.year FROM reports r JOIN agencies g ON g.id = r.agency WHERE g.region = ?",
            )?;
            for r in subtree(c, region)? {
                for y in q.query_map([r], |row| row.get(0))? {
                    years.insert(y?);
                }
            }
            Ok(years.into_iter().collect())
        })
    }

    /// Every agency under `region` with its report of `year` (head
    /// version's text and author) and last year's text, by region and
    /// name.
    pub fn board(&self, region: i64, year: i64) -> Result<Vec<BoardRow>, StoreError> {
        self.with(|c| {
            let mut out = Vec::new();
            let mut q = c.prepare_cached(
                "SELECT g.id, g.name, g.region, r.id, r.state, r.head, r.updated, v.body, a.name, pv.id, pv.body
                 FROM agencies g
                 LEFT JOIN reports p ON p.agency = g.id AND p.year = ?
                 LEFT JOIN versions pv ON pv.id = p.head
                 LEFT JOIN reports r ON r.agency = g.id AND r.year = ?
                 LEFT JOIN versions v ON v.id = r.head
                 LEFT JOIN accounts a ON a.id = v.author
                 WHERE g.region = ? ORDER BY g.name",
            )?;
            for r in subtree(c, region)? {
                let rows = q.query_map(params![year - 1, year, r], |row| {
                    let (agency, agency_name, region): (i64, String, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
                    let report = match row.get::<_, Option<i64>>(3)? {
                        Some(id) => Some(ReportRow {
                            id,
                            agency,
                            agency_name: agency_name.clone(),
                            region,
                            year,
                            state: State::parse(&row.get::<_, String>(4)?),
                            head: row.get(5)?,
                            updated: row.get(6)?,
                        }),
                        None => None,
                    };
                    Ok(BoardRow {
                        agency,
                        agency_name,
                        region,
                        report,
                        body: row.get(7)?,
                        author: row.get(8)?,
                        last_year: match row.get::<_, Option<i64>>(9)? {
                            Some(v) => Some((v, row.get(10)?)),
                            None => None,
                        },
                    })
                })?;
                for row in rows {
                    out.push(row?);
                }
            }
            Ok(out)
        })
    }
}
