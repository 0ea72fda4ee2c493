//! Rebuild when a migration or a message catalog changes: `sqlx::migrate!`
//! embeds the migrations and `fluent_templates::static_loader!` the `locales/`
//! catalogs at compile time, and cargo does not otherwise know to look at them.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=locales");
}
