//! Who may do what, decided here and nowhere else: every handler asks
//! one of these before it reads or changes anything.
//!
//! - An administrator sets up regions, rosters and accounts, and may do
//!   what a reviewer of every region may.
//! - A reviewer reads and reviews the reports of the agencies in their
//!   region and every region below it, and its board and 汇总.
//! - A writer reads and writes their own agency's reports, and nothing
//!   else.
//!
//! A report someone may not read is answered as if it did not exist, so
//! guessing ids tells nothing.

use super::store::{Account, Role};

/// Where a report or a region sits: its agency (none for a region) and
/// the regions from its own up to the root.
pub struct Place {
    pub agency: Option<i64>,
    pub regions: Vec<i64>,
}

/// Whether the account oversees the place: an administrator, or a
/// reviewer of one of its regions.
fn oversees(who: &Account, place: &Place) -> bool {
    match who.role {
        Role::Admin => true,
        Role::Reviewer => who.region.is_some_and(|r| place.regions.contains(&r)),
        Role::Writer => false,
    }
}

/// May read the report (or see the region's board and 汇总).
pub fn may_read(who: &Account, place: &Place) -> bool {
    oversees(who, place) || (who.role == Role::Writer && who.agency.is_some() && who.agency == place.agency)
}

/// May change the report's text, submit it, start the agency's next one.
pub fn may_write(who: &Account, place: &Place) -> bool {
    who.role == Role::Writer && who.agency.is_some() && who.agency == place.agency
}

/// May comment on, return, approve and publish the report; bring in the
/// region's past reports.
pub fn may_review(who: &Account, place: &Place) -> bool {
    oversees(who, place)
}

/// May set up regions, rosters and accounts.
pub fn may_administer(who: &Account) -> bool {
    who.role == Role::Admin
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(role: Role, region: Option<i64>, agency: Option<i64>) -> Account {
        Account { id: 1, login: "x".into(), name: "x".into(), role, region, agency }
    }

    #[test]
    fn each_role_reaches_only_its_own() {
        // Province 1 > city 2 > county 3; agency 10 in county 3, 11 in city 2.
        let in_county = Place { agency: Some(10), regions: vec![3, 2, 1] };
        let in_city = Place { agency: Some(11), regions: vec![2, 1] };
        let county_reviewer = account(Role::Reviewer, Some(3), None);
        let city_reviewer = account(Role::Reviewer, Some(2), None);
        let writer = account(Role::Writer, None, Some(10));
        let admin = account(Role::Admin, None, None);
        assert!(may_review(&county_reviewer, &in_county) && !may_read(&county_reviewer, &in_city));
        assert!(may_review(&city_reviewer, &in_county) && may_review(&city_reviewer, &in_city));
        assert!(may_write(&writer, &in_county) && !may_review(&writer, &in_county));
        assert!(!may_read(&writer, &in_city) && !may_write(&writer, &in_city));
        assert!(!may_write(&city_reviewer, &in_county) && !may_write(&admin, &in_county));
        assert!(may_review(&admin, &in_city) && may_administer(&admin) && !may_administer(&city_reviewer));
    }
}
