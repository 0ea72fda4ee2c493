//! User aggregate tests in given/when/then form.

use super::*;
use chrono::TimeZone;
use cqrs_es::test::TestFramework;

const ME: UserId = UserId(42);

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

fn me(action: UserAction) -> UserCommand {
    UserCommand {
        actor: Actor::Customer(ME),
        at: at(),
        action,
    }
}

fn profile(name: &str) -> Profile {
    Profile {
        first_name: name.into(),
        language_code: Some("de".into()),
        ..Profile::default()
    }
}

fn registered() -> Vec<UserEvent> {
    vec![UserEvent::UserRegistered {
        user_id: ME,
        profile: profile("Ada"),
        language: "de".into(),
        via: Channel::Bot,
        at: at(),
    }]
}

fn contact(name: &str, via: Channel) -> UserCommand {
    me(UserAction::RecordContact {
        user_id: ME,
        profile: profile(name),
        language: "de".into(),
        via,
    })
}

#[test]
fn first_contact_registers_the_user() {
    TestFramework::<User>::with(())
        .given_no_previous_events()
        .when(contact("Ada", Channel::Bot))
        .then_expect_events(registered());
}

#[test]
fn contact_from_the_mini_app_reaches_the_same_user_and_changes_nothing_if_nothing_changed() {
    TestFramework::<User>::with(())
        .given(registered())
        .when(contact("Ada", Channel::MiniApp))
        .then_expect_events(vec![]);
}

#[test]
fn a_changed_name_is_recorded() {
    TestFramework::<User>::with(())
        .given(registered())
        .when(contact("Ada L.", Channel::MiniApp))
        .then_expect_events(vec![UserEvent::ProfileUpdated {
            profile: profile("Ada L."),
            at: at(),
        }]);
}

#[test]
fn nobody_registers_someone_else() {
    TestFramework::<User>::with(())
        .given_no_previous_events()
        .when(UserCommand {
            actor: Actor::Customer(UserId(7)),
            ..contact("Eve", Channel::Bot)
        })
        .then_expect_error(UserError::NotYourself);
}

#[test]
fn only_supported_languages_can_be_chosen() {
    TestFramework::<User>::with(())
        .given(registered())
        .when(me(UserAction::ChangeLanguage {
            language: "fr".into(),
            supported: vec!["en".into(), "de".into()],
        }))
        .then_expect_error(UserError::UnsupportedLanguage("fr".into()));
}

#[test]
fn saved_addresses_are_numbered_and_can_be_removed() {
    let address = Address {
        street: "Main St 1".into(),
        city: "Berlin".into(),
        postcode: None,
        details: None,
    };
    TestFramework::<User>::with(())
        .given(registered())
        .when(me(UserAction::SaveAddress {
            label: "Home".into(),
            address: address.clone(),
        }))
        .then_expect_events(vec![UserEvent::AddressSaved {
            address_id: 1,
            label: "Home".into(),
            address: address.clone(),
            at: at(),
        }]);
    TestFramework::<User>::with(())
        .given(registered())
        .when(me(UserAction::RemoveAddress { address_id: 3 }))
        .then_expect_error(UserError::UnknownAddress(3));
}

#[test]
fn blocking_the_bot_is_recorded_once() {
    let blocked = vec![UserEvent::BotBlocked { at: at() }];
    TestFramework::<User>::with(())
        .given([registered(), blocked].concat())
        .when(UserCommand {
            actor: Actor::System,
            at: at(),
            action: UserAction::RecordBotBlocked,
        })
        .then_expect_events(vec![]);
}
