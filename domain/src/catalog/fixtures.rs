//! A small catalog for unit tests in this crate.

use super::*;

fn t(en: &str) -> Localized {
    [
        ("en".to_string(), en.to_string()),
        ("de".to_string(), format!("{en} (de)")),
    ]
    .into_iter()
    .collect()
}

pub fn eur(amount: i64) -> Money {
    Money::new(amount, "EUR".parse().unwrap())
}

pub fn catalog() -> Catalog {
    Catalog {
        restaurant: Restaurant {
            id: "test".into(),
            name: t("Test Kitchen"),
            currency: "EUR".parse().unwrap(),
            languages: vec!["en".into(), "de".into()],
            delivery_fee: eur(299),
            hours: None,
        },
        categories: vec![
            Category {
                id: "pizza".into(),
                name: t("Pizza"),
            },
            Category {
                id: "drinks".into(),
                name: t("Drinks"),
            },
        ],
        items: vec![
            Item {
                id: "margherita".into(),
                category: "pizza".into(),
                name: t("Margherita"),
                description: t("Tomato, mozzarella, basil"),
                price: eur(890),
                photo: "photos/margherita.svg".into(),
                tags: vec![Tag::Vegetarian],
                available: true,
                sizes: vec![
                    Size {
                        id: "26cm".into(),
                        name: t("26 cm"),
                        price_delta: 0,
                    },
                    Size {
                        id: "32cm".into(),
                        name: t("32 cm"),
                        price_delta: 300,
                    },
                ],
                digital: false,
                stars: None,
                option_groups: vec![OptionGroup {
                    id: "toppings".into(),
                    name: t("Toppings"),
                    min: 0,
                    max: 2,
                    options: vec![
                        ItemOption {
                            id: "olives".into(),
                            name: t("Olives"),
                            price_delta: 100,
                            available: true,
                        },
                        ItemOption {
                            id: "basil".into(),
                            name: t("Basil"),
                            price_delta: 50,
                            available: true,
                        },
                        ItemOption {
                            id: "truffle".into(),
                            name: t("Truffle"),
                            price_delta: 500,
                            available: false,
                        },
                    ],
                }],
            },
            Item {
                id: "cola".into(),
                category: "drinks".into(),
                name: t("Cola"),
                description: t("Cold"),
                price: eur(300),
                photo: "photos/cola.svg".into(),
                tags: vec![],
                available: true,
                sizes: vec![],
                digital: false,
                stars: None,
                option_groups: vec![OptionGroup {
                    id: "ice".into(),
                    name: t("Ice"),
                    min: 1,
                    max: 1,
                    options: vec![
                        ItemOption {
                            id: "with-ice".into(),
                            name: t("With ice"),
                            price_delta: 0,
                            available: true,
                        },
                        ItemOption {
                            id: "no-ice".into(),
                            name: t("No ice"),
                            price_delta: 0,
                            available: true,
                        },
                    ],
                }],
            },
            Item {
                id: "pumpkin-pie".into(),
                category: "pizza".into(),
                name: t("Pumpkin pie"),
                description: t("Seasonal"),
                price: eur(500),
                photo: "photos/pie.svg".into(),
                tags: vec![Tag::New],
                available: false,
                sizes: vec![],
                digital: false,
                stars: None,
                option_groups: vec![],
            },
            Item {
                id: "gift-card".into(),
                category: "drinks".into(),
                name: t("Gift card"),
                description: t("A voucher"),
                price: eur(1000),
                photo: "photos/gift.svg".into(),
                tags: vec![],
                available: true,
                sizes: vec![],
                digital: true,
                stars: Some(500),
                option_groups: vec![],
            },
        ],
    }
}
