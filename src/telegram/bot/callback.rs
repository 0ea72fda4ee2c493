//! Button data: what an inline keyboard button asks for, in at most 64 bytes.
//!
//! The format is versioned (`1:<verb>[:<arg>…]`) so that buttons sent by an
//! older server are recognised as old rather than misread. Callback data
//! comes back from the client and is untrusted: [`Callback::read`] accepts
//! only well-formed data and every argument is checked again where it is used
//! (the order must be the presser's, the version current).

use super::staff::Step;
use super::stoplist::{Target, View};
use crate::i18n::Lang;
use foodbot_domain::OrderId;
use uuid::Uuid;

/// Telegram's limit on `callback_data`.
pub const MAX_BYTES: usize = 64;
const VERSION: &str = "1";

/// A button's meaning.
#[derive(Debug, Clone, PartialEq)]
pub enum Callback {
    Language(Lang),
    RefreshStatus,
    /// A page of the order history (0 is the newest).
    OrdersPage(u32),
    Details(OrderId),
    Reorder(OrderId),
    /// Asks to confirm cancelling this order.
    CancelAsk(OrderId),
    /// Confirms cancelling the order as it was at this version.
    CancelYes(OrderId, u64),
    CancelNo,
    /// A category of the menu, by its position.
    MenuCategory(u32),
    /// A view of the stop-list (staff only).
    StopList(View),
    /// Sets a dish sold out (`true`) or back on sale (staff only).
    StopListSet(Target, bool),
    /// Sends the order's invoice.
    Pay(OrderId),
    /// A staff step on the order as it was at this version (the staff chat).
    Staff(OrderId, u64, Step),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BadCallback {
    #[error("the button has no data")]
    Missing,
    #[error("the button's data is longer than 64 bytes")]
    TooLong,
    #[error("the button was made by another version of the bot: {0:?}")]
    Version(String),
    #[error("the button's data is malformed: {0:?}")]
    Malformed(String),
}

fn order(s: &str) -> Option<OrderId> {
    // Simple form (32 hex digits) keeps the data short.
    (s.len() == 32)
        .then(|| Uuid::try_parse(s).ok())
        .flatten()
        .map(OrderId)
}

fn number<T: std::str::FromStr>(s: &str) -> Option<T> {
    // Digits only: no signs, no spaces, no leading zeros beyond "0".
    let canonical =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    canonical.then(|| s.parse().ok()).flatten()
}

fn flag(s: &str) -> Option<bool> {
    match s {
        "0" => Some(false),
        "1" => Some(true),
        _ => None,
    }
}

impl Callback {
    /// The data to put on a button.
    pub fn write(&self) -> String {
        let o = |id: &OrderId| id.0.simple().to_string();
        let s = match self {
            Callback::Language(l) => format!("{VERSION}:lg:{}", l.code()),
            Callback::RefreshStatus => format!("{VERSION}:st"),
            Callback::OrdersPage(p) => format!("{VERSION}:op:{p}"),
            Callback::Details(id) => format!("{VERSION}:od:{}", o(id)),
            Callback::Reorder(id) => format!("{VERSION}:ro:{}", o(id)),
            Callback::CancelAsk(id) => format!("{VERSION}:ca:{}", o(id)),
            Callback::CancelYes(id, v) => format!("{VERSION}:cy:{}:{v}", o(id)),
            Callback::CancelNo => format!("{VERSION}:cn"),
            Callback::MenuCategory(i) => format!("{VERSION}:mc:{i}"),
            Callback::StopList(View::Categories) => format!("{VERSION}:sl"),
            Callback::StopList(View::Category(c)) => format!("{VERSION}:sc:{c}"),
            Callback::StopList(View::Options(i)) => format!("{VERSION}:sg:{i}"),
            Callback::StopListSet(Target::Item(i), on) => {
                format!("{VERSION}:si:{i}:{}", u8::from(*on))
            }
            Callback::StopListSet(
                Target::Option {
                    item,
                    group,
                    option,
                },
                on,
            ) => format!("{VERSION}:sp:{item}:{group}:{option}:{}", u8::from(*on)),
            Callback::Pay(id) => format!("{VERSION}:pay:{}", o(id)),
            Callback::Staff(id, v, step) => format!("{VERSION}:sf:{}:{v}:{}", o(id), step.code()),
        };
        debug_assert!(s.len() <= MAX_BYTES, "{s}");
        s
    }

    /// Reads a pressed button's data.
    pub fn read(data: Option<&str>) -> Result<Callback, BadCallback> {
        let data = data.filter(|d| !d.is_empty()).ok_or(BadCallback::Missing)?;
        if data.len() > MAX_BYTES {
            return Err(BadCallback::TooLong);
        }
        let bad = || BadCallback::Malformed(data.to_string());
        let mut parts = data.split(':');
        let version = parts.next().unwrap_or_default();
        if version != VERSION {
            return Err(BadCallback::Version(version.to_string()));
        }
        let verb = parts.next().ok_or_else(bad)?;
        let args: Vec<&str> = parts.collect();
        let cb = match (verb, args.as_slice()) {
            ("lg", [code]) => Callback::Language(Lang::parse(code).ok_or_else(bad)?),
            ("st", []) => Callback::RefreshStatus,
            ("op", [p]) => Callback::OrdersPage(number(p).ok_or_else(bad)?),
            ("od", [id]) => Callback::Details(order(id).ok_or_else(bad)?),
            ("ro", [id]) => Callback::Reorder(order(id).ok_or_else(bad)?),
            ("ca", [id]) => Callback::CancelAsk(order(id).ok_or_else(bad)?),
            ("cy", [id, v]) => {
                Callback::CancelYes(order(id).ok_or_else(bad)?, number(v).ok_or_else(bad)?)
            }
            ("cn", []) => Callback::CancelNo,
            ("mc", [i]) => Callback::MenuCategory(number(i).ok_or_else(bad)?),
            ("sl", []) => Callback::StopList(View::Categories),
            ("sc", [c]) => Callback::StopList(View::Category(number(c).ok_or_else(bad)?)),
            ("sg", [i]) => Callback::StopList(View::Options(number(i).ok_or_else(bad)?)),
            ("si", [i, on]) => Callback::StopListSet(
                Target::Item(number(i).ok_or_else(bad)?),
                flag(on).ok_or_else(bad)?,
            ),
            ("sp", [i, g, o, on]) => Callback::StopListSet(
                Target::Option {
                    item: number(i).ok_or_else(bad)?,
                    group: number(g).ok_or_else(bad)?,
                    option: number(o).ok_or_else(bad)?,
                },
                flag(on).ok_or_else(bad)?,
            ),
            ("pay", [id]) => Callback::Pay(order(id).ok_or_else(bad)?),
            ("sf", [id, v, step]) => Callback::Staff(
                order(id).ok_or_else(bad)?,
                number(v).ok_or_else(bad)?,
                Step::parse(step).ok_or_else(bad)?,
            ),
            _ => return Err(bad()),
        };
        Ok(cb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id() -> OrderId {
        OrderId(Uuid::from_u128(0x1234_5678_9abc_def0_1122_3344_5566_7788))
    }

    #[test]
    fn every_button_reads_back_as_written_within_64_bytes() {
        let all = [
            Callback::Language(Lang::Ar),
            Callback::RefreshStatus,
            Callback::OrdersPage(4_000_000_000),
            Callback::Details(id()),
            Callback::Reorder(id()),
            Callback::CancelAsk(id()),
            Callback::CancelYes(id(), u64::MAX),
            Callback::CancelNo,
            Callback::MenuCategory(7),
            Callback::StopList(View::Categories),
            Callback::StopList(View::Category(3)),
            Callback::StopList(View::Options(u32::MAX)),
            Callback::StopListSet(Target::Item(12), true),
            Callback::StopListSet(
                Target::Option {
                    item: u32::MAX,
                    group: u32::MAX,
                    option: u32::MAX,
                },
                false,
            ),
            Callback::Pay(id()),
            Callback::Staff(id(), u64::MAX, Step::Accept(999)),
            Callback::Staff(id(), 7, Step::Reject(2)),
            Callback::Staff(id(), 7, Step::Cancel(3)),
            Callback::Staff(id(), 7, Step::Preparing),
            Callback::Staff(id(), 7, Step::Ready),
            Callback::Staff(id(), 7, Step::OutForDelivery),
            Callback::Staff(id(), 7, Step::Delivered),
            Callback::Staff(id(), 7, Step::PickedUp),
            Callback::Staff(id(), 7, Step::AskReject),
            Callback::Staff(id(), 7, Step::AskCancel),
            Callback::Staff(id(), 7, Step::Back),
            Callback::Staff(id(), u64::MAX, Step::Refunded),
        ];
        for cb in all {
            let data = cb.write();
            assert!(data.len() <= MAX_BYTES, "{data}");
            assert_eq!(Callback::read(Some(&data)), Ok(cb));
        }
    }

    #[test]
    fn malformed_foreign_and_old_data_is_refused() {
        let o = id().0.simple().to_string();
        for data in [
            "1".to_string(),
            "1:".into(),
            "1:zz".into(),
            "1:st:extra".into(),
            "1:op:-1".into(),
            "1:op:01".into(),
            "1:op: 1".into(),
            "1:lg:xx".into(),
            format!("1:od:{}", &o[1..]),
            format!("1:od:{o}:1"),
            format!("1:cy:{o}"),
            format!("1:cy:{o}:1.5"),
            "1:od:not-a-uuid-but-32-characters!!".into(),
            "1:si:1:2".into(),
            "1:si:1".into(),
            "1:sp:1:2:3".into(),
            "1:sc:-1".into(),
            "1:sl:0".into(),
            format!("1:sf:{o}:1"),
            format!("1:sf:{o}:1:a"),
            format!("1:sf:{o}:1:a0"),
            format!("1:sf:{o}:1:a1000"),
            format!("1:sf:{o}:1:r9"),
            format!("1:sf:{o}:1:zz"),
            format!("1:sf:{o}:x:p"),
        ] {
            assert!(
                matches!(Callback::read(Some(&data)), Err(BadCallback::Malformed(_))),
                "{data:?}"
            );
        }
        assert_eq!(
            Callback::read(Some("0:st")),
            Err(BadCallback::Version("0".into()))
        );
        assert_eq!(Callback::read(None), Err(BadCallback::Missing));
        assert_eq!(Callback::read(Some("")), Err(BadCallback::Missing));
        assert_eq!(
            Callback::read(Some(&"1:st".repeat(20))),
            Err(BadCallback::TooLong)
        );
    }

    proptest! {
        #[test]
        fn any_data_reads_without_panicking(data in ".{0,80}") {
            let _ = Callback::read(Some(&data));
        }
    }
}
