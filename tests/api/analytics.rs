//! The analytics views and every worked query of `docs/analytics.md`, run
//! exactly as the page prints them against a small, fully known stretch of
//! trading, with the results checked against what that trading was.
//!
//! The queries are read from the page's fenced blocks (```sql {#name .postgres
//! .sqlite}), so the page and this test cannot drift apart: a block the test
//! has no check for fails it. On PostgreSQL the queries run as a login made by
//! the page's `create-login` block (a member of the read-only `foodbot_analyst`
//! role), inside a transaction that is rolled back.

use crate::helpers::*;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use foodbot::store::Database;
use foodbot_domain::address::Address;
use foodbot_domain::catalog::LineRequest;
use foodbot_domain::order::{Fulfilment, OrderAction, PaymentMethod, PaymentReceipt};
use foodbot_domain::{Actor, Money, OrderId, UserId};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

crate::both_stores!(every_documented_query_answers_what_the_data_says);

const ANNA: i64 = 101;
const BEN: i64 = 102;
const CHLOE: i64 = 103;
const DAN: i64 = 104;

/// What the page must hold, per store (setup blocks aside).
const POSTGRES_QUERIES: [&str; 11] = [
    "freshness",
    "revenue-by-category",
    "top-items-this-month",
    "funnel-last-7-days",
    "repeat-rate",
    "prep-times-daily",
    "prep-times-last-week",
    "revenue-by-hour",
    "refunds-last-month",
    "money-in-out",
    // The login is checked by running every query as it.
    "create-login",
];
const SQLITE_QUERIES: [&str; 9] = [
    "freshness",
    "revenue-by-category-sqlite",
    "top-items-this-month-sqlite",
    "funnel-last-7-days-sqlite",
    "repeat-rate",
    "prep-times-daily-sqlite",
    "revenue-by-hour",
    "refunds-last-month-sqlite",
    "money-in-out",
];

// ------------------------------------------------------------------ the page

struct Block {
    id: String,
    classes: Vec<String>,
    sql: String,
}

/// Every ```sql block of docs/analytics.md with its `{#id .class …}` tag.
fn doc_blocks() -> Vec<Block> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/analytics.md");
    let text = std::fs::read_to_string(path).expect("docs/analytics.md");
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.trim_start().strip_prefix("```sql") else {
            continue;
        };
        let tag = info.trim();
        assert!(
            tag.starts_with("{#") && tag.ends_with('}'),
            "every sql block of docs/analytics.md is tagged {{#name .store}} so that it is tested; untagged: {line:?}"
        );
        let mut id = String::new();
        let mut classes = Vec::new();
        for word in tag[1..tag.len() - 1].split_whitespace() {
            if let Some(i) = word.strip_prefix('#') {
                id = i.to_string();
            } else if let Some(c) = word.strip_prefix('.') {
                classes.push(c.to_string());
            }
        }
        let sql: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        blocks.push(Block {
            id,
            classes,
            sql: sql.join("\n"),
        });
    }
    blocks
}

// ------------------------------------------------------------------ the data

/// One order line as asked for, with what it must cost.
#[derive(Clone, Copy)]
struct Line {
    item: &'static str,
    size: Option<&'static str>,
    options: &'static [(&'static str, &'static str)],
    quantity: u32,
    category: &'static str,
    total: i64,
}

const fn line(
    item: &'static str,
    size: Option<&'static str>,
    options: &'static [(&'static str, &'static str)],
    quantity: u32,
    category: &'static str,
    total: i64,
) -> Line {
    Line {
        item,
        size,
        options,
        quantity,
        category,
        total,
    }
}

// Prices from menu/demo/menu.toml (minor units of EUR).
const MARGHERITA_2: Line = line("margherita", None, &[], 2, "pizza", 2 * 890);
const MARGHERITA_1: Line = line("margherita", None, &[], 1, "pizza", 890);
const DIAVOLA_LARGE: Line = line("diavola", Some("32cm"), &[], 1, "pizza", 1090 + 250);
const DIAVOLA: Line = line("diavola", None, &[], 1, "pizza", 1090);
const BURGER_CHEDDAR_2: Line = line(
    "classic-burger",
    None,
    &[("doneness", "medium"), ("extras", "cheddar")],
    2,
    "burgers",
    2 * (1090 + 100),
);
const BURGER_WELL_DONE: Line = line(
    "classic-burger",
    None,
    &[("doneness", "well-done")],
    1,
    "burgers",
    1090,
);
const FRIES_2: Line = line("fries", None, &[], 2, "sides", 2 * 390);
const FRIES_1: Line = line("fries", None, &[], 1, "sides", 390);
const FRIES_LARGE: Line = line("fries", Some("large"), &[], 1, "sides", 390 + 150);
const TIRAMISU_2: Line = line("tiramisu", None, &[], 2, "desserts", 2 * 550);
const TIRAMISU_1: Line = line("tiramisu", None, &[], 1, "desserts", 550);
const COLA_LARGE_2: Line = line("cola", Some("05l"), &[], 2, "drinks", 2 * (290 + 100));
const COLA: Line = line("cola", None, &[], 1, "drinks", 290);

const DELIVERY_FEE: i64 = 299;

/// A paid line, as the test knows it.
struct Sold {
    order: OrderId,
    item: &'static str,
    category: &'static str,
    quantity: i64,
    revenue: i64,
    day: NaiveDate,
    refunded: bool,
}

/// A refund paid out, as the test knows it.
struct Refunded {
    order: OrderId,
    customer: i64,
    amount: i64,
    at: DateTime<Utc>,
    reason: String,
}

/// Drives orders through the application layer at chosen business times and
/// remembers what it did.
struct Kitchen<'a> {
    app: &'a TestApp,
    /// Read token of the last event appended.
    last: String,
    lines: HashMap<OrderId, Vec<Line>>,
    customers: HashMap<OrderId, i64>,
    paid: HashMap<OrderId, i64>,
    refund_reasons: HashMap<OrderId, String>,
    sold: Vec<Sold>,
    refunds: Vec<Refunded>,
}

fn at(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(hour, minute, 0).unwrap())
}

fn request(l: &Line) -> LineRequest {
    let mut options: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (group, option) in l.options {
        options
            .entry(group.to_string())
            .or_default()
            .push(option.to_string());
    }
    LineRequest {
        item_id: l.item.into(),
        size: l.size.map(Into::into),
        options,
        quantity: l.quantity,
        note: None,
    }
}

impl<'a> Kitchen<'a> {
    fn new(app: &'a TestApp) -> Self {
        Kitchen {
            app,
            last: String::new(),
            lines: HashMap::new(),
            customers: HashMap::new(),
            paid: HashMap::new(),
            refund_reasons: HashMap::new(),
            sold: Vec::new(),
            refunds: Vec::new(),
        }
    }

    async fn run(
        &mut self,
        actor: Actor,
        when: DateTime<Utc>,
        order: OrderId,
        action: OrderAction,
    ) -> foodbot_domain::order::Order {
        let out = self
            .app
            .state
            .app
            .order_command(&meta_at(actor, when), order, action)
            .await
            .unwrap();
        self.last = format!("Order:{order}:{}", out.version);
        out.state
    }

    async fn staff(&mut self, order: OrderId, when: DateTime<Utc>, action: OrderAction) {
        self.run(Actor::Staff(UserId(STAFF_ID)), when, order, action)
            .await;
    }

    /// A customer opens a cart with these lines; the menu must price them as expected.
    async fn open(&mut self, customer: i64, when: DateTime<Utc>, lines: &[Line]) -> OrderId {
        let a = &self.app.state.app;
        let (order, out) = a
            .create_order(
                &meta_at(Actor::Customer(UserId(customer)), when),
                UserId(customer),
                lines.iter().map(request).collect(),
            )
            .await
            .unwrap();
        let priced: Vec<i64> = out
            .state
            .lines
            .iter()
            .map(|l| l.item.line_total.amount)
            .collect();
        let expected: Vec<i64> = lines.iter().map(|l| l.total).collect();
        assert_eq!(
            priced, expected,
            "menu prices changed: fix the test's lines"
        );
        self.last = format!("Order:{order}:{}", out.version);
        self.lines.insert(order, lines.to_vec());
        self.customers.insert(order, customer);
        order
    }

    async fn checkout(&mut self, order: OrderId, delivery: bool, when: DateTime<Utc>) {
        let customer = Actor::Customer(UserId(self.customers[&order]));
        let fulfilment = if delivery {
            Fulfilment::Delivery {
                address: Address {
                    street: "Hauptstraße 1".into(),
                    city: "Berlin".into(),
                    postcode: Some("10115".into()),
                    details: None,
                },
                phone: None,
                comment: None,
            }
        } else {
            Fulfilment::pickup()
        };
        self.run(
            customer,
            when,
            order,
            OrderAction::SetFulfilment { fulfilment },
        )
        .await;
        let menu = self.app.state.app.menu.clone();
        self.run(customer, when, order, OrderAction::Checkout { menu })
            .await;
    }

    /// Issues the invoice; returns the total frozen at checkout.
    async fn request_payment(&mut self, order: OrderId, when: DateTime<Utc>) -> i64 {
        let customer = Actor::Customer(UserId(self.customers[&order]));
        let action = OrderAction::RequestPayment {
            method: PaymentMethod::Provider,
            invoice_payload: format!("o:{order}"),
        };
        let state = self.run(customer, when, order, action).await;
        state.totals.expect("checked out").total.amount
    }

    /// Invoice a minute before `when`, payment at `when`, as Telegram reports it.
    async fn pay(&mut self, order: OrderId, delivery: bool, when: DateTime<Utc>) -> i64 {
        let total = self
            .request_payment(order, when - chrono::Duration::minutes(1))
            .await;
        let subtotal: i64 = self.lines[&order].iter().map(|l| l.total).sum();
        let amount = subtotal + if delivery { DELIVERY_FEE } else { 0 };
        assert_eq!(
            total, amount,
            "the frozen total is the lines plus the delivery fee"
        );
        let receipt = PaymentReceipt {
            method: PaymentMethod::Provider,
            amount: Money::new(amount, "EUR".parse().unwrap()),
            telegram_charge_id: format!("tg-{order}"),
            provider_charge_id: format!("pp-{order}"),
        };
        self.run(
            Actor::System,
            when,
            order,
            OrderAction::RecordPayment { receipt },
        )
        .await;
        self.paid.insert(order, amount);
        for l in &self.lines[&order] {
            self.sold.push(Sold {
                order,
                item: l.item,
                category: l.category,
                quantity: i64::from(l.quantity),
                revenue: l.total,
                day: when.date_naive(),
                refunded: false,
            });
        }
        amount
    }

    /// Accepted a minute after payment, started a minute later, ready and
    /// handed over (or delivered) at the given times.
    async fn cook(
        &mut self,
        order: OrderId,
        paid: DateTime<Utc>,
        ready: Option<DateTime<Utc>>,
        done: Option<(DateTime<Utc>, DateTime<Utc>)>,
    ) {
        let minute = chrono::Duration::minutes(1);
        self.staff(
            order,
            paid + minute,
            OrderAction::Accept {
                eta_minutes: Some(20),
            },
        )
        .await;
        self.staff(order, paid + minute * 2, OrderAction::StartPreparing)
            .await;
        let Some(ready) = ready else { return };
        self.staff(order, ready, OrderAction::MarkReady).await;
        match done {
            // (out for delivery, delivered)
            Some((out, delivered)) if out != delivered => {
                self.staff(order, out, OrderAction::MarkOutForDelivery)
                    .await;
                self.staff(order, delivered, OrderAction::MarkDelivered)
                    .await;
            }
            Some((_, picked_up)) => {
                self.staff(order, picked_up, OrderAction::MarkPickedUp)
                    .await
            }
            None => {}
        }
    }

    async fn reject(&mut self, order: OrderId, when: DateTime<Utc>, reason: &str) {
        let action = OrderAction::Reject {
            reason: reason.into(),
        };
        self.staff(order, when, action).await;
        self.refund_reasons.insert(order, reason.into());
    }

    async fn cancel_by_customer(&mut self, order: OrderId, when: DateTime<Utc>, reason: &str) {
        let customer = Actor::Customer(UserId(self.customers[&order]));
        let action = OrderAction::Cancel {
            reason: Some(reason.into()),
        };
        self.run(customer, when, order, action).await;
        self.refund_reasons.insert(order, reason.into());
    }

    async fn refund(&mut self, order: OrderId, when: DateTime<Utc>) {
        let amount = self.paid[&order];
        let action = OrderAction::RecordRefund {
            amount: Money::new(amount, "EUR".parse().unwrap()),
            telegram_charge_id: format!("refund-{order}"),
        };
        self.staff(order, when, action).await;
        for s in self.sold.iter_mut().filter(|s| s.order == order) {
            s.refunded = true;
        }
        self.refunds.push(Refunded {
            order,
            customer: self.customers[&order],
            amount,
            at: when,
            reason: self.refund_reasons[&order].clone(),
        });
    }
}

// ------------------------------------------------------------------ running SQL

/// Runs the page's SQL as an analyst would and gives rows as JSON objects.
enum Analyst {
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
    Sqlite(sqlx::SqlitePool),
}

impl Analyst {
    async fn rows(&mut self, sql: &str) -> Vec<Map<String, Value>> {
        let sql = sql.trim().trim_end_matches(';');
        match self {
            Analyst::Postgres(tx) => {
                // Every column as JSON, whatever its type (numeric, date, …).
                let wrapped = format!("SELECT to_jsonb(q) FROM (\n{sql}\n) AS q");
                let rows: Vec<Value> = sqlx::query_scalar(&wrapped)
                    .fetch_all(&mut **tx)
                    .await
                    .unwrap_or_else(|e| panic!("{e}\n{sql}"));
                rows.into_iter()
                    .map(|r| match r {
                        Value::Object(m) => m,
                        other => panic!("not a row: {other}"),
                    })
                    .collect()
            }
            Analyst::Sqlite(pool) => {
                use sqlx::{Column, Row, ValueRef};
                let rows = sqlx::query(sql)
                    .fetch_all(&*pool)
                    .await
                    .unwrap_or_else(|e| panic!("{e}\n{sql}"));
                rows.iter()
                    .map(|row| {
                        let mut out = Map::new();
                        for (i, col) in row.columns().iter().enumerate() {
                            let v = if row.try_get_raw(i).unwrap().is_null() {
                                Value::Null
                            } else if let Ok(n) = row.try_get::<i64, _>(i) {
                                Value::from(n)
                            } else if let Ok(f) = row.try_get::<f64, _>(i) {
                                Value::from(f)
                            } else {
                                Value::from(row.try_get::<String, _>(i).unwrap())
                            };
                            out.insert(col.name().to_string(), v);
                        }
                        out
                    })
                    .collect()
            }
        }
    }
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

/// A time as either store gives it: RFC 3339, or SQLite's `CURRENT_TIMESTAMP`
/// form (`YYYY-MM-DD HH:MM:SS`, UTC).
fn time(v: &Value) -> DateTime<Utc> {
    let s = v.as_str().unwrap_or_else(|| panic!("not a time: {v}"));
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                .map(|t| Utc.from_utc_datetime(&t))
        })
        .unwrap_or_else(|e| panic!("not a time: {s}: {e}"))
}

fn objects(rows: Vec<Map<String, Value>>) -> Vec<Value> {
    rows.into_iter().map(Value::Object).collect()
}

// ------------------------------------------------------------------ the test

async fn every_documented_query_answers_what_the_data_says(store: Store) {
    // Whole seconds: SQLite's CURRENT_TIMESTAMP has no fraction.
    let started = Utc::now() - chrono::Duration::seconds(1);
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    for customer in [ANNA, BEN, CHLOE, DAN] {
        let (status, _) = app.get("/api/v1/me", customer).await;
        assert!(status.is_success());
    }

    let today = Utc::now().date_naive();
    let ago = |days: u64| today - chrono::Days::new(days);
    let month_start = today.with_day(1).unwrap();
    let last_month_start = month_start - chrono::Months::new(1);
    let last_month_10th = last_month_start.with_day(10).unwrap();

    let mut k = Kitchen::new(&app);

    // Three days ago, lunch: Anna has pizza delivered, Ben picks up burgers.
    let a1 = k
        .open(ANNA, at(ago(3), 12, 0), &[MARGHERITA_2, COLA_LARGE_2])
        .await;
    k.checkout(a1, true, at(ago(3), 12, 3)).await;
    assert_eq!(k.pay(a1, true, at(ago(3), 12, 5)).await, 2560 + 299);
    let out_for_delivery = (at(ago(3), 12, 30), at(ago(3), 12, 50));
    k.cook(
        a1,
        at(ago(3), 12, 5),
        Some(at(ago(3), 12, 25)),
        Some(out_for_delivery),
    )
    .await;
    let b1 = k
        .open(BEN, at(ago(3), 12, 30), &[BURGER_CHEDDAR_2, FRIES_2])
        .await;
    k.checkout(b1, false, at(ago(3), 12, 35)).await;
    assert_eq!(k.pay(b1, false, at(ago(3), 12, 40)).await, 3160);
    let picked_up = (at(ago(3), 13, 0), at(ago(3), 13, 0));
    k.cook(
        b1,
        at(ago(3), 12, 40),
        Some(at(ago(3), 12, 50)),
        Some(picked_up),
    )
    .await;

    // Two days ago, evening: Chloe's delivery is rejected and refunded; she
    // orders a burger for pickup instead.
    let c1 = k
        .open(CHLOE, at(ago(2), 20, 0), &[MARGHERITA_1, TIRAMISU_2])
        .await;
    k.checkout(c1, true, at(ago(2), 20, 3)).await;
    assert_eq!(k.pay(c1, true, at(ago(2), 20, 5)).await, 1990 + 299);
    k.reject(c1, at(ago(2), 20, 10), "out of dough").await;
    let c2 = k
        .open(CHLOE, at(ago(2), 20, 15), &[BURGER_WELL_DONE, COLA])
        .await;
    k.checkout(c2, false, at(ago(2), 20, 18)).await;
    assert_eq!(k.pay(c2, false, at(ago(2), 20, 20)).await, 1380);
    k.refund(c1, at(ago(2), 20, 30)).await;
    let picked_up = (at(ago(2), 20, 45), at(ago(2), 20, 45));
    k.cook(
        c2,
        at(ago(2), 20, 20),
        Some(at(ago(2), 20, 35)),
        Some(picked_up),
    )
    .await;

    // Yesterday: Dan abandons a cart, Ben checks out but never pays, Anna
    // comes back for a second order.
    k.open(DAN, at(ago(1), 18, 0), &[FRIES_1]).await;
    let b2 = k.open(BEN, at(ago(1), 18, 30), &[TIRAMISU_1]).await;
    k.checkout(b2, false, at(ago(1), 18, 32)).await;
    k.request_payment(b2, at(ago(1), 18, 33)).await;
    let a2 = k
        .open(
            ANNA,
            at(ago(1), 19, 0),
            &[DIAVOLA_LARGE, FRIES_LARGE, TIRAMISU_1],
        )
        .await;
    k.checkout(a2, false, at(ago(1), 19, 8)).await;
    assert_eq!(k.pay(a2, false, at(ago(1), 19, 10)).await, 2430);
    let picked_up = (at(ago(1), 19, 50), at(ago(1), 19, 50));
    k.cook(
        a2,
        at(ago(1), 19, 10),
        Some(at(ago(1), 19, 40)),
        Some(picked_up),
    )
    .await;

    // Just after midnight today: Anna's third order is still in the kitchen.
    let a3 = k.open(ANNA, at(today, 0, 10), &[MARGHERITA_1, COLA]).await;
    k.checkout(a3, false, at(today, 0, 12)).await;
    assert_eq!(k.pay(a3, false, at(today, 0, 15)).await, 1180);
    k.cook(a3, at(today, 0, 15), None, None).await;

    // Last month: Ben pays, changes his mind before the kitchen accepts, and
    // gets his money back.
    let b0 = k.open(BEN, at(last_month_10th, 13, 0), &[DIAVOLA]).await;
    k.checkout(b0, false, at(last_month_10th, 13, 2)).await;
    assert_eq!(k.pay(b0, false, at(last_month_10th, 13, 5)).await, 1090);
    k.cancel_by_customer(b0, at(last_month_10th, 13, 6), "changed my mind")
        .await;
    k.refund(b0, at(last_month_10th, 13, 30)).await;

    settle(&app, &k.last).await;

    // The page's queries, for this store.
    let blocks = doc_blocks();
    let class = match store {
        Store::Postgres => "postgres",
        Store::Sqlite => "sqlite",
    };
    let mine: Vec<&Block> = blocks
        .iter()
        .filter(|b| b.classes.iter().any(|c| c == class))
        .collect();
    let mut ids: Vec<&str> = mine.iter().map(|b| b.id.as_str()).collect();
    let mut expected_ids: Vec<&str> = match store {
        Store::Postgres => POSTGRES_QUERIES.to_vec(),
        Store::Sqlite => SQLITE_QUERIES.to_vec(),
    };
    ids.sort_unstable();
    expected_ids.sort_unstable();
    assert_eq!(
        ids, expected_ids,
        "the {class} queries of docs/analytics.md"
    );

    let mut analyst = match &app.db {
        Database::Postgres(pool) => {
            let mut tx = pool.begin().await.unwrap();
            let login = mine.iter().find(|b| b.id == "create-login").unwrap();
            assert!(login.classes.iter().any(|c| c == "setup"));
            sqlx::raw_sql(&login.sql).execute(&mut *tx).await.unwrap();
            // What logging in as alice amounts to (her role setting makes the session UTC).
            sqlx::raw_sql("SET LOCAL ROLE alice; SET LOCAL TIME ZONE 'UTC'")
                .execute(&mut *tx)
                .await
                .unwrap();
            Analyst::Postgres(tx)
        }
        Database::Sqlite(pool) => Analyst::Sqlite(pool.clone()),
    };

    let mut checked = Vec::new();
    for block in mine
        .iter()
        .filter(|b| !b.classes.iter().any(|c| c == "setup"))
    {
        let rows = analyst.rows(&block.sql).await;
        let id = block.id.trim_end_matches("-sqlite");
        match id {
            "freshness" => {
                let names: Vec<&str> = rows
                    .iter()
                    .map(|r| r["projection"].as_str().unwrap())
                    .collect();
                // One row per read model, in name order.
                let mut models = foodbot_projections::Model::ALL.map(|m| m.name());
                models.sort_unstable();
                assert_eq!(names, models);
                // Every model applied events during this test.
                for r in &rows {
                    assert!(time(&r["updated_at"]) >= started, "{r:?}");
                }
            }
            "revenue-by-category" => {
                // Last week = A1, B1 (3 days ago), C1, C2 (2 days ago), A2
                // (yesterday); C1 (margherita, 2 tiramisù) was refunded.
                assert_eq!(
                    objects(rows.clone()),
                    [
                        json!({"category": "pizza", "currency": "EUR", "orders": 3, "quantity": 4,
                               "revenue": 1780 + 890 + 1340, "net_revenue": 1780 + 1340}),
                        json!({"category": "burgers", "currency": "EUR", "orders": 2, "quantity": 3,
                               "revenue": 2380 + 1090, "net_revenue": 2380 + 1090}),
                        json!({"category": "desserts", "currency": "EUR", "orders": 2, "quantity": 3,
                               "revenue": 1100 + 550, "net_revenue": 550}),
                        json!({"category": "sides", "currency": "EUR", "orders": 2, "quantity": 3,
                               "revenue": 780 + 540, "net_revenue": 780 + 540}),
                        json!({"category": "drinks", "currency": "EUR", "orders": 2, "quantity": 3,
                               "revenue": 780 + 290, "net_revenue": 780 + 290}),
                    ],
                    "{}",
                    block.sql
                );
                // And each equals the sum of the line totals paid for in the window.
                for r in &rows {
                    let lines = k.sold.iter().filter(|s| {
                        s.category == r["category"] && s.day >= ago(7) && s.day < today
                    });
                    let (gross, net) = lines.fold((0, 0), |(g, n), s| {
                        (g + s.revenue, n + if s.refunded { 0 } else { s.revenue })
                    });
                    assert_eq!((int(&r["revenue"]), int(&r["net_revenue"])), (gross, net));
                }
            }
            "top-items-this-month" => {
                // Depends on today's date: computed from what was sold since the 1st.
                let mut items: BTreeMap<&str, (&str, i64, i64, i64)> = BTreeMap::new();
                for s in k.sold.iter().filter(|s| s.day >= month_start) {
                    let e = items.entry(s.item).or_insert((s.category, 0, 0, 0));
                    e.1 += s.quantity;
                    e.2 += s.revenue;
                    e.3 += if s.refunded { 0 } else { s.revenue };
                }
                let mut top: Vec<_> = items.into_iter().collect();
                top.sort_by(|(a_id, a), (b_id, b)| (b.3, b.1, a_id).cmp(&(a.3, a.1, b_id)));
                let expected: Vec<Value> = top
                    .iter()
                    .take(10)
                    .map(|(item, (category, quantity, revenue, net))| {
                        json!({"item_id": item, "category": category, "currency": "EUR",
                               "quantity": quantity, "revenue": revenue, "net_revenue": net})
                    })
                    .collect();
                // Today's order (margherita and cola) is always in this month.
                assert!(expected.len() >= 2);
                assert_eq!(objects(rows), expected, "{}", block.sql);
            }
            "funnel-last-7-days" => {
                // Carts: A1, B1, C1, C2, D1 (abandoned), B2, A2; all but D1
                // checked out; B2 never paid; C1 was rejected.
                assert_eq!(
                    objects(rows),
                    [
                        json!({"carts": 7, "checked_out": 6, "paid": 5, "delivered": 4,
                            "checkout_rate": 0.8571, "payment_rate": 0.8333,
                            "delivery_rate": 0.8, "conversion_rate": 0.7143})
                    ],
                    "{}",
                    block.sql
                );
            }
            "repeat-rate" => {
                // Kept paid orders: Anna 3 (A1, A2, A3), Ben 1 (B1; B0 was
                // cancelled), Chloe 1 (C2; C1 was rejected); Dan none.
                assert_eq!(
                    objects(rows),
                    [json!({"paying_customers": 3, "repeat_customers": 1, "repeat_rate": 0.3333})]
                );
            }
            "prep-times-daily" if store == Store::Postgres => {
                // Minutes from payment to ready / to handed over:
                // 3 days ago A1 20 / 45, B1 10 / 20; 2 days ago C2 15 / 25
                // (C1 was rejected); yesterday A2 30 / 40. A3 is not ready, B0
                // was cancelled.
                assert_eq!(
                    objects(rows),
                    [
                        json!({"day": ago(3).to_string(), "orders": 2,
                               "p50_ready_minutes": 15.0, "p90_ready_minutes": 19.0,
                               "p50_delivered_minutes": 32.5, "p90_delivered_minutes": 42.5}),
                        json!({"day": ago(2).to_string(), "orders": 1,
                               "p50_ready_minutes": 15.0, "p90_ready_minutes": 15.0,
                               "p50_delivered_minutes": 25.0, "p90_delivered_minutes": 25.0}),
                        json!({"day": ago(1).to_string(), "orders": 1,
                               "p50_ready_minutes": 30.0, "p90_ready_minutes": 30.0,
                               "p50_delivered_minutes": 40.0, "p90_delivered_minutes": 40.0}),
                    ],
                    "{}",
                    block.sql
                );
            }
            "prep-times-daily" => {
                // SQLite: averages of the same minutes.
                assert_eq!(
                    objects(rows),
                    [
                        json!({"day": ago(3).to_string(), "orders": 2,
                               "avg_ready_minutes": 15.0, "avg_delivered_minutes": 32.5}),
                        json!({"day": ago(2).to_string(), "orders": 1,
                               "avg_ready_minutes": 15.0, "avg_delivered_minutes": 25.0}),
                        json!({"day": ago(1).to_string(), "orders": 1,
                               "avg_ready_minutes": 30.0, "avg_delivered_minutes": 40.0}),
                    ],
                    "{}",
                    block.sql
                );
            }
            "prep-times-last-week" => {
                // Ready after 10, 15, 20 and 30 minutes: median 17.5; the 90th
                // percentile interpolates 70% of the way from 20 to 30.
                assert_eq!(
                    objects(rows),
                    [json!({"orders": 4, "p50_ready_minutes": 17.5, "p90_ready_minutes": 27.0})]
                );
            }
            "revenue-by-hour" => {
                // Paid at 00:15 (A3), 12:05 and 12:40 (A1, B1), 13:05 (B0,
                // refunded), 19:10 (A2), 20:05 and 20:20 (C1 refunded, C2).
                assert_eq!(
                    objects(rows),
                    [
                        json!({"paid_hour": 0, "currency": "EUR", "orders": 1, "revenue": 1180, "net_revenue": 1180}),
                        json!({"paid_hour": 12, "currency": "EUR", "orders": 2, "revenue": 2560 + 3160, "net_revenue": 2560 + 3160}),
                        json!({"paid_hour": 13, "currency": "EUR", "orders": 1, "revenue": 1090, "net_revenue": 0}),
                        json!({"paid_hour": 19, "currency": "EUR", "orders": 1, "revenue": 2430, "net_revenue": 2430}),
                        json!({"paid_hour": 20, "currency": "EUR", "orders": 2, "revenue": 1990 + 1380, "net_revenue": 1380}),
                    ],
                    "{}",
                    block.sql
                );
            }
            "refunds-last-month" => {
                // B0's refund always; C1's too when two days ago was last month.
                let mut expected: Vec<&Refunded> = k
                    .refunds
                    .iter()
                    .filter(|r| r.at >= at(last_month_start, 0, 0) && r.at < at(month_start, 0, 0))
                    .collect();
                // In the query's order (C1 is refunded after B0 when both count).
                expected.sort_by_key(|r| r.at);
                assert!(expected.iter().any(|r| r.order == b0));
                assert_eq!(rows.len(), expected.len(), "{rows:?}");
                for (row, r) in rows.iter().zip(&expected) {
                    assert_eq!(row["order_id"], r.order.to_string());
                    assert_eq!(int(&row["customer_id"]), r.customer);
                    assert_eq!(int(&row["amount"]), r.amount);
                    assert_eq!(row["currency"], "EUR");
                    assert_eq!(time(&row["refunded_at"]), r.at);
                    assert_eq!(row["reason"], r.reason.as_str());
                }
                let b0_row = rows.iter().find(|r| r["order_id"] == b0.to_string());
                assert_eq!(int(&b0_row.unwrap()["amount"]), 1090);
            }
            "money-in-out" => {
                let received: i64 = k.paid.values().sum();
                let refunded: i64 = k.refunds.iter().map(|r| r.amount).sum();
                assert_eq!(received, 2859 + 3160 + 2289 + 1380 + 2430 + 1180 + 1090);
                assert_eq!(refunded, 2289 + 1090);
                assert_eq!(
                    objects(rows),
                    [
                        json!({"currency": "EUR", "payments": 7, "received": received,
                            "refunds": 2, "refunded": refunded,
                            "net_received": received - refunded})
                    ]
                );
            }
            other => panic!("no check for the query {other:?} of docs/analytics.md"),
        }
        checked.push(block.id.as_str());
    }
    assert_eq!(
        checked.len(),
        expected_ids.len() - usize::from(store == Store::Postgres)
    );

    // `foodbot export … --format csv` writes the views' decimals on both
    // stores, and alike (SQLite's REAL ratios used to come out empty).
    let export = |name: &'static str| {
        let app = &app;
        async move {
            let mut out = Vec::new();
            foodbot::cli::export_to(&app.db, name, "csv", &mut out)
                .await
                .unwrap();
            String::from_utf8(out).unwrap()
        }
    };
    assert_eq!(
        export("repeat_customers").await,
        "paying_customers,repeat_customers,repeat_rate\n3,1,0.3333\n"
    );
    let funnel = export("funnel_daily").await;
    let mut lines = funnel.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let cell =
        |row: &[String], name: &str| row[header.iter().position(|h| *h == name).unwrap()].clone();
    let mut days = 0;
    for line in lines {
        let row: Vec<String> = line.split(',').map(String::from).collect();
        let (carts, checked_out): (f64, f64) = (
            cell(&row, "carts").parse().unwrap(),
            cell(&row, "checked_out").parse().unwrap(),
        );
        let rate = cell(&row, "checkout_rate");
        let expected = ((checked_out / carts) * 10_000.0).round() / 10_000.0;
        assert_eq!(rate, expected.to_string(), "{funnel}");
        days += 1;
    }
    assert!(days >= 3, "{funnel}");

    if let Analyst::Postgres(mut tx) = analyst {
        // The analyst login reads the read models and views, never the event log.
        let err = sqlx::query("SELECT count(*) FROM events")
            .execute(&mut *tx)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("permission denied"), "{err}");
        tx.rollback().await.unwrap();
    }
}
