//! The fixture tests' guard: a committed fixture folder that is missing fails the test that
//! needs it, unless `RUNLENS_ALLOW_MISSING_FIXTURES=1` says to skip.

mod common;

#[test]
fn a_missing_fixture_folder_fails_unless_skipping_is_allowed() {
    // One test sets and clears the variable, so nothing else in this binary sees it.
    std::env::remove_var(common::ALLOW_MISSING);
    assert!(std::panic::catch_unwind(|| common::scenario("no_such_scenario")).is_err());
    assert!(std::panic::catch_unwind(|| common::fixture_dir("no/such/folder")).is_err());
    assert!(
        common::scenario("csv").is_some(),
        "a committed scenario is found"
    );

    std::env::set_var(common::ALLOW_MISSING, "1");
    let skipped = common::scenario("no_such_scenario");
    std::env::remove_var(common::ALLOW_MISSING);
    assert_eq!(skipped, None);
}
