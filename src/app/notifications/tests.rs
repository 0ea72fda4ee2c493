use super::*;
use crate::i18n::t_args_exact;

const ORDER: &str = "0b5d3e2a-1c4f-4e8a-9f00-123456789abc";

fn row(kind: &str, params: Option<&str>) -> OutboxRow {
    OutboxRow {
        notification_id: format!("{ORDER}:7"),
        user_id: 42,
        order_id: ORDER.into(),
        kind: kind.into(),
        params: params.map(str::to_string),
        position: 99,
    }
}

/// A kind, its stored params and the arguments its message takes.
type Case = (
    NotificationKind,
    &'static str,
    Vec<(&'static str, Arg<'static>)>,
);

/// A stored row of every kind, with the arguments its message takes, named
/// and valued as the catalogs expect (written out here, not derived from the
/// code under test).
fn every_kind() -> Vec<Case> {
    let eur = |minor| Arg::Money(Money::new(minor, "EUR".parse().unwrap()));
    let short = || ("short_id", Arg::from("0B5D3E"));
    vec![
        (
            NotificationKind::PaymentReceived,
            r#"{"short_id":"0B5D3E","amount":{"amount":890,"currency":"EUR"}}"#,
            vec![short(), ("amount", eur(890))],
        ),
        (
            NotificationKind::OrderAccepted,
            r#"{"short_id":"0B5D3E","eta_minutes":15}"#,
            vec![short(), ("eta", Arg::Int(15))],
        ),
        (
            NotificationKind::OrderRejected,
            r#"{"short_id":"0B5D3E","reason":"no dough left"}"#,
            vec![short(), ("reason", Arg::from("no dough left"))],
        ),
        (
            NotificationKind::OrderReady,
            r#"{"short_id":"0B5D3E"}"#,
            vec![short()],
        ),
        (
            NotificationKind::OutForDelivery,
            r#"{"short_id":"0B5D3E"}"#,
            vec![short()],
        ),
        (
            NotificationKind::OrderDelivered,
            r#"{"short_id":"0B5D3E"}"#,
            vec![short()],
        ),
        (
            NotificationKind::OrderPickedUp,
            r#"{"short_id":"0B5D3E"}"#,
            vec![short()],
        ),
        (
            NotificationKind::OrderCancelled,
            r#"{"short_id":"0B5D3E","reason":"closed early"}"#,
            vec![short(), ("reason", Arg::from("closed early"))],
        ),
        (
            NotificationKind::RefundCompleted,
            r#"{"short_id":"0B5D3E","amount":{"amount":1250,"currency":"EUR"}}"#,
            vec![short(), ("amount", eur(1250))],
        ),
    ]
}

#[test]
fn every_kind_renders_in_every_language_without_falling_back() {
    let cases = every_kind();
    assert_eq!(cases.len(), NotificationKind::ALL.len());
    for (kind, params, args) in cases {
        let n = Notification::decode(row(kind.as_str(), Some(params))).unwrap();
        assert_eq!(n.kind, kind);
        for lang in Lang::ALL {
            let text = n.render(lang);
            let exact = t_args_exact(lang, kind.message_id(), &args)
                .unwrap_or_else(|e| panic!("{kind} in {lang}: {e}"));
            assert_eq!(text, exact, "{kind} in {lang}");
            assert!(text.contains("0B5D3E"), "{kind} in {lang}: {text}");
            assert!(!text.contains(['{', '$', '}']), "{kind} in {lang}: {text}");
        }
    }
}

#[test]
fn money_is_formatted_for_the_language_it_is_sent_in() {
    let n = Notification::decode(row(
        "payment_received",
        Some(r#"{"short_id":"0B5D3E","amount":{"amount":890,"currency":"EUR"}}"#),
    ))
    .unwrap();
    let de = n.render(Lang::De);
    assert!(de.contains("8,90\u{a0}€"), "{de}");
    assert!(de.contains("Zahlung"), "{de}");
    let en = n.render(Lang::En);
    assert!(en.contains("€8.90"), "{en}");
}

#[test]
fn an_acceptance_without_an_estimate_says_none() {
    let n = Notification::decode(row("order_accepted", Some(r#"{"short_id":"0B5D3E"}"#))).unwrap();
    assert_eq!(n.params.eta_minutes(), None);
    assert_eq!(n.render(Lang::En), "👨‍🍳 Order #0B5D3E has been accepted.");
}

#[test]
fn a_row_is_decoded_with_its_facts() {
    let n = Notification::decode(row(
        "refund_completed",
        Some(r#"{"short_id":"0B5D3E","amount":{"amount":1250,"currency":"EUR"}}"#),
    ))
    .unwrap();
    assert_eq!(n.id, format!("{ORDER}:7"));
    assert_eq!(n.user_id, UserId(42));
    assert_eq!(n.order_id.to_string(), ORDER);
    assert_eq!(n.position, 99);
    assert_eq!(n.params.short_id(), "0B5D3E");
    assert_eq!(
        n.params.amount(),
        Some(Money::new(1250, "EUR".parse().unwrap()))
    );
    assert_eq!(n.params.reason(), None);
}

fn cause(kind: &str, params: Option<&str>) -> BadNotification {
    let e = Notification::decode(row(kind, params)).unwrap_err();
    assert_eq!(e.id, format!("{ORDER}:7"));
    e.cause
}

#[test]
fn a_bad_row_is_an_error_with_its_cause_never_a_default() {
    let ok = r#"{"short_id":"0B5D3E"}"#;
    assert!(
        matches!(cause("order_eaten", Some(ok)), BadNotification::UnknownKind(k) if k == "order_eaten")
    );
    assert!(matches!(
        cause("order_ready", None),
        BadNotification::NoParams
    ));
    assert!(matches!(
        cause("order_ready", Some("{")),
        BadNotification::Json(_)
    ));
    assert!(matches!(
        cause(
            "order_ready",
            Some(r#"{"short_id":"0B5D3E","colour":"red"}"#)
        ),
        BadNotification::Json(_)
    ));
    assert!(matches!(
        cause("payment_received", Some(ok)),
        BadNotification::Missing {
            kind: NotificationKind::PaymentReceived,
            param: "amount"
        }
    ));
    assert!(matches!(
        cause("order_rejected", Some(ok)),
        BadNotification::Missing {
            param: "reason",
            ..
        }
    ));
    assert!(matches!(
        cause("order_ready", Some(r#"{"short_id":"0B5D3E","reason":"x"}"#)),
        BadNotification::Unexpected {
            param: "reason",
            ..
        }
    ));
    assert!(matches!(
        cause(
            "refund_completed",
            Some(r#"{"short_id":"0B5D3E","amount":{"amount":1,"currency":"euro"}}"#)
        ),
        BadNotification::Currency(_)
    ));
    let mut bad_order = row("order_ready", Some(ok));
    bad_order.order_id = "not-an-order".into();
    assert!(matches!(
        Notification::decode(bad_order).unwrap_err().cause,
        BadNotification::OrderId(..)
    ));
}

#[test]
fn every_kind_reads_back_as_itself() {
    for kind in NotificationKind::ALL {
        assert_eq!(NotificationKind::parse(kind.as_str()), Some(kind));
    }
}
