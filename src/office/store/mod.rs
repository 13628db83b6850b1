//! Where the office keeps everything: one SQLite file (WAL, created on
//! first start, migrated on every start), behind this one interface of
//! plain functions. Every acknowledged write is committed with
//! `synchronous = FULL`, so it is there after a crash; a write either
//! commits whole or not at all.
//!
//! The connection is held behind a mutex: SQLite takes one writer at a
//! time anyway, and every call is short. Callers run it on the blocking
//! pool, never on the runtime's threads.

mod people;
mod reports;
mod schema;

pub use people::{Account, Agency, Region, Role};
pub use reports::{BoardRow, Comment, Frozen, ReportRow, Saved, State, VersionRow};

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

/// What went wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库 {path} 打不开：{source}")]
    Open { path: String, source: rusqlite::Error },
    #[error("数据库 {0} 是更新版本的 nianbao 建的（结构第 {1} 版），这个版本不能使用；请升级 nianbao")]
    Newer(String, i64),
    #[error("数据库出错：{0}")]
    Sql(#[from] rusqlite::Error),
    #[error("备份没有写成：{0}")]
    Backup(String),
}

/// The office's database.
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
}

/// Seconds since 1970, as every time is stored.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn connect(path: &Path, flags: OpenFlags) -> Result<Connection, StoreError> {
    let open = |source| StoreError::Open { path: path.display().to_string(), source };
    let conn = Connection::open_with_flags(path, flags).map_err(open)?;
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(open)?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(open)?;
    Ok(conn)
}

impl Store {
    /// Opens the database at `path`, creating it if it is not there, and
    /// brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = connect(path, flags)?;
        migrate(&mut conn, path)?;
        Ok(Store { conn: Mutex::new(conn), path: path.to_path_buf() })
    }

    /// Opens an existing database (one `office init` made), without
    /// creating one.
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Open {
                path: path.display().to_string(),
                source: rusqlite::Error::InvalidPath(path.to_path_buf()),
            });
        }
        Store::open(path)
    }

    /// Where the database is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` with the connection.
    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut conn)
    }

    /// Writes a consistent copy of the database to `out` (which must not
    /// exist), while the server goes on serving: SQLite's `VACUUM INTO`
    /// reads one snapshot.
    pub fn backup(&self, out: &Path) -> Result<(), StoreError> {
        if out.exists() {
            return Err(StoreError::Backup(format!("{} 已经存在，没有覆盖", out.display())));
        }
        let target = out.to_str().ok_or_else(|| StoreError::Backup("备份文件的路径不是 UTF-8".into()))?;
        self.with(|c| Ok(c.execute("VACUUM INTO ?", [target])?)).map(|_| ())
    }
}

impl Store {
    /// The schema version the database is at (its last migration).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.with(|c| Ok(c.query_row("SELECT MAX(version) FROM migrations", [], |r| r.get(0))?))
    }
}

/// Runs the migrations this database has not had yet.
fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS migrations (version BIGINT PRIMARY KEY, applied BIGINT NOT NULL)")?;
    let done: i64 = conn.query_row("SELECT COALESCE(MAX(version), 0) FROM migrations", [], |r| r.get(0))?;
    let known = schema::MIGRATIONS.last().map_or(0, |m| m.0);
    if done > known {
        return Err(StoreError::Newer(path.display().to_string(), done));
    }
    for (version, sql) in schema::MIGRATIONS.iter().filter(|m| m.0 > done) {
        let tx = conn.transaction()?;
        tx.execute_batch(&schema::spelled(sql))?;
        tx.execute("INSERT INTO migrations (version, applied) VALUES (?, ?)", (version, now()))?;
        tx.commit()?;
    }
    Ok(())
}

/// One optional row.
fn optional<T>(r: rusqlite::Result<T>) -> Result<Option<T>, StoreError> {
    Ok(r.optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database made before a migration is brought up to date on open,
    /// its rows kept; one made by a newer nianbao is refused.
    #[test]
    fn migrations_run_once_in_order() {
        let dir = std::env::temp_dir().join(format!("nianbao-migrate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("old.db");
        let _ = std::fs::remove_file(&path);
        {
            // As the first version of nianbao's office left it.
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE migrations (version BIGINT PRIMARY KEY, applied BIGINT NOT NULL)").unwrap();
            c.execute_batch(&schema::spelled(schema::MIGRATIONS[0].1)).unwrap();
            c.execute("INSERT INTO migrations VALUES (1, 0)", []).unwrap();
            c.execute(
                "INSERT INTO accounts (login, name, role, password, created) VALUES ('a', 'A', 'admin', 'x', 0)",
                [],
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let last = schema::MIGRATIONS.last().unwrap().0;
        assert_eq!(store.schema_version().unwrap(), last);
        assert!(store.account_by_login("a").unwrap().is_some(), "its rows kept, not stopped");
        drop(store);
        assert_eq!(Store::open(&path).unwrap().schema_version().unwrap(), last, "again: nothing to run");
        Connection::open(&path).unwrap().execute("INSERT INTO migrations VALUES (?, 0)", [last + 1]).unwrap();
        assert!(matches!(Store::open(&path), Err(StoreError::Newer(_, v)) if v == last + 1));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
