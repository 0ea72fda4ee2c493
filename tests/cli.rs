//! The `foodbot` binary's offline commands.

use std::io::Write;
use std::process::{Command, Stdio};

fn foodbot(args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_foodbot"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn verify_init_data_checks_the_ed25519_signature_for_a_bot_id() {
    let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let public = hex::encode(key.verifying_key().to_bytes());
    let user = r#"{"id":42,"first_name":"Ada"}"#;
    let auth_date = chrono::Utc::now().timestamp().to_string();
    let raw = foodbot::telegram::init_data::sign_with_ed25519(
        &[("user", user), ("auth_date", &auth_date)],
        "555:unused-token",
        555,
        &key,
    );

    let (ok, out) = foodbot(
        &[
            "verify-init-data",
            "--bot-id",
            "555",
            "--public-key",
            &public,
        ],
        &raw,
    );
    assert!(ok, "{out}");
    assert!(
        out.contains(r#""valid":true"#) && out.contains(r#""id":42"#),
        "{out}"
    );

    let (ok, out) = foodbot(
        &[
            "verify-init-data",
            "--bot-id",
            "556",
            "--public-key",
            &public,
        ],
        &raw,
    );
    assert!(
        !ok && out.contains("signature"),
        "another bot id must not verify: {out}"
    );

    let tampered = raw.replace("Ada", "Eve");
    let (ok, _) = foodbot(
        &[
            "verify-init-data",
            "--bot-id",
            "555",
            "--public-key",
            &public,
        ],
        &tampered,
    );
    assert!(!ok, "a tampered string must not verify");

    // Telegram's own key did not sign this string.
    let (ok, _) = foodbot(&["verify-init-data", "--bot-id", "555"], &raw);
    assert!(!ok);
}

#[test]
fn check_menu_reports_the_bad_entry_and_field() {
    let dir = std::env::temp_dir().join(format!("foodbot-menu-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(dir.join("photos")).unwrap();
    let menu = std::fs::read_to_string("menu/demo/menu.toml").unwrap();
    let broken = menu.replacen(r#"category = "pizza""#, r#"category = "sushi""#, 1);
    std::fs::write(dir.join("menu.toml"), broken).unwrap();
    let path = dir.join("menu.toml");
    let (ok, out) = foodbot(&["--menu-path", path.to_str().unwrap(), "check-menu"], "");
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!ok);
    assert!(
        out.contains(r#"items[margherita].category: unknown category "sushi""#),
        "{out}"
    );
    assert!(out.contains("items[margherita].photo: file"), "{out}");

    let (ok, out) = foodbot(&["check-menu"], "");
    assert!(ok && out.contains("items, ok"), "{out}");
}

/// Runs the binary with only the given audit settings (none from the
/// environment the tests run in); nothing here reaches a database.
fn foodbot_audit(args: &[&str], key_file: Option<&std::path::Path>) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_foodbot"));
    cmd.args([
        "--database-url",
        "sqlite:///nonexistent/foodbot-never-created.db",
    ])
    .args(args)
    .env_remove("AUDIT_SIGNING_KEY_FILE")
    .env_remove("AUDIT_ANCHOR_DIR");
    if let Some(k) = key_file {
        cmd.env("AUDIT_SIGNING_KEY_FILE", k);
    }
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn audit_commands_say_clearly_when_a_key_is_missing_or_unusable() {
    let (ok, out) = foodbot_audit(&["audit", "head"], None);
    assert!(!ok && out.contains("set AUDIT_SIGNING_KEY_FILE"), "{out}");

    let missing = std::path::Path::new("/nonexistent/audit-key.pem");
    let (ok, out) = foodbot_audit(&["audit", "head"], Some(missing));
    assert!(
        !ok && out.contains("cannot read the audit key file /nonexistent/audit-key.pem"),
        "{out}"
    );

    // A public key where the private key belongs, and the other way round.
    use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
    use ed25519_dalek::pkcs8::{EncodePrivateKey, EncodePublicKey};
    let dir = std::env::temp_dir().join(format!("foodbot-keys-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let (private, public) = (dir.join("key.pem"), dir.join("key.pub.pem"));
    let private_pem = key.to_pkcs8_pem(LineEnding::LF).unwrap();
    std::fs::write(&private, private_pem.as_bytes()).unwrap();
    std::fs::write(
        &public,
        key.verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap(),
    )
    .unwrap();
    let (head_ok, head_out) = foodbot_audit(&["audit", "head"], Some(&public));
    let public_key_arg = private.to_str().unwrap();
    let (verify_ok, verify_out) =
        foodbot_audit(&["audit", "verify", "--public-key", public_key_arg], None);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        !head_ok && head_out.contains("is not an Ed25519 private key in PKCS#8 PEM"),
        "{head_out}"
    );
    assert!(
        !verify_ok && verify_out.contains("is not an Ed25519 public key in SPKI PEM"),
        "{verify_out}"
    );
    // The key itself is never shown.
    let secret = private_pem.lines().nth(1).unwrap_or_default();
    assert!(!head_out.contains(secret) && !verify_out.contains(secret));
}
