//! Complete authorizations per second at the mock issuer, read against the
//! bound its signatures set.
//!
//! One authorization is `GET /authorize` with `response_type=id_token token`
//! for a user who has a session and has already consented, with a fresh
//! `state` and `nonce` each time, answered by a `302` whose fragment carries
//! both tokens: two RS256-2048 signatures. So on `cores` cores the rate can
//! never exceed `cores ÷ (2 × one signature)`; the target is ≥ 0.75 × that.
//!
//! Run with `make bench` (installs Debian's `wrk`, then `cargo bench -p
//! server`, a release build). Starts the issuer in-process on 127.0.0.1:0,
//! logs in once through the real login and consent pages, then lets `wrk`
//! (32 connections) send authorization requests with that session cookie; a
//! Lua script makes each request's `state` and `nonce` fresh and counts only
//! responses that carry both tokens. `BENCH_SECS` sets the run's length
//! (default 5).

use std::{
    error::Error,
    sync::Arc,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use mock_issuer::{IssuerConfig, SpawnedIssuer, keys::SigningKey};
use reqwest::cookie::{CookieStore, Jar};
use serde_json::json;

#[path = "support/wrk.rs"]
mod wrk;

const SIGNATURES: u32 = 2_000;
const CALLBACK: &str = "http://localhost:3000/callback";

fn main() -> Result<(), Box<dyn Error>> {
    wrk::main("issuer", &[wrk::Layout::Shared], 5, |_, secs| run(secs))
}

async fn run(secs: u64) -> Result<(), Box<dyn Error>> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let signature = signature_cost()?;
    let bound = cores as f64 / (2.0 * signature.as_secs_f64());

    let issuer = serve().await?;
    let base = issuer.url().to_owned();
    let cookie = log_in(&base).await?;
    let dir = std::env::temp_dir().join(format!("issuer-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let script = dir.join("authorize.lua");
    std::fs::write(&script, lua_script(&cookie))?;
    let outcome = authorizations(&base, &script, secs).await;
    // The script holds a session cookie: remove it whatever happened.
    let _ = std::fs::remove_dir_all(&dir);
    let (rate, complete, other) = outcome?;

    println!(
        "issuer bench: {}, release build",
        wrk::Layout::Shared.describe(secs)
    );
    println!(
        "  one RS256-2048 signature (key parsed once): {:>8.1} µs (median of {SIGNATURES})",
        signature.as_secs_f64() * 1e6
    );
    println!("  bound: {cores} cores ÷ (2 signatures × cost)  {bound:>8.0} authorizations/s");
    println!(
        "  complete authorizations (id_token token)     {rate:>8.0} /s  ({complete} with both tokens, {other} other answers)"
    );
    println!(
        "  ratio to the bound: {:.2} (target >= 0.75; wrk runs on the same {cores} cores)",
        rate / bound
    );
    if other > 0 {
        return Err(format!("{other} responses did not carry both tokens").into());
    }
    Ok(())
}

/// The median time of one `sign_jwt` of access-token-sized claims: JSON,
/// base64url and the RSA signature, with the key pair parsed once.
fn signature_cost() -> Result<Duration, Box<dyn Error>> {
    let key = SigningKey::generate()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let claims = json!({
        "iss": "http://localhost:9000",
        "sub": "alice",
        "aud": ["http://localhost:8000/api", "http://localhost:9000/userinfo"],
        "azp": "demo-spa",
        "client_id": "demo-spa",
        "scope": "email openid profile read:messages",
        "iat": now,
        "exp": now + 120,
        "auth_time": now,
        "jti": "0123456789abcdef0123456789abcdef0123456789a",
    });
    let mut samples = Vec::with_capacity(SIGNATURES as usize);
    for _ in 0..SIGNATURES {
        let start = Instant::now();
        let token = key.sign_jwt(protocol::TokenType::AtJwt, &claims)?;
        samples.push(start.elapsed());
        std::hint::black_box(token);
    }
    samples.sort();
    Ok(samples[samples.len() / 2])
}

/// Serves the issuer (embedded tenant, keys in memory) on 127.0.0.1:0.
async fn serve() -> Result<SpawnedIssuer, Box<dyn Error>> {
    let config = IssuerConfig {
        dev_controls: false,
        ..IssuerConfig::for_tests()
    };
    Ok(mock_issuer::spawn(config).await?)
}

fn authorize_query(state: &str, nonce: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "id_token token")
        .append_pair("client_id", "demo-spa")
        .append_pair("redirect_uri", CALLBACK)
        .append_pair("scope", "openid profile email read:messages")
        .append_pair("audience", "http://localhost:8000/api")
        .append_pair("state", state)
        .append_pair("nonce", nonce)
        .finish()
}

/// Logs alice in through the login and consent pages; returns the `Cookie`
/// header of that browser (session and browser cookies).
async fn log_in(base: &str) -> Result<String, Box<dyn Error>> {
    let jar = Arc::new(Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(Arc::clone(&jar))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let location = |response: &reqwest::Response| -> Result<String, Box<dyn Error>> {
        Ok(response
            .headers()
            .get("location")
            .ok_or("no Location")?
            .to_str()?
            .to_owned())
    };
    let hidden = |html: &str, name: &str| -> Result<String, Box<dyn Error>> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = html.find(&marker).ok_or("no hidden field")? + marker.len();
        let end = html[start..].find('"').ok_or("unterminated field")? + start;
        Ok(html[start..end].to_owned())
    };

    let response = client
        .get(format!(
            "{base}/authorize?{}",
            authorize_query("warm-up", "warm-up")
        ))
        .send()
        .await?;
    let login = location(&response)?;
    let html = client
        .get(format!("{base}{login}"))
        .send()
        .await?
        .text()
        .await?;
    let form = |pairs: &[(&str, &str)]| {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    };
    let response = client
        .post(format!("{base}/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("request", &hidden(&html, "request")?),
            ("csrf", &hidden(&html, "csrf")?),
            ("username", "alice"),
            ("password", "wonderland"),
        ]))
        .send()
        .await?;
    let consent = location(&response)?;
    let html = client
        .get(format!("{base}{consent}"))
        .send()
        .await?
        .text()
        .await?;
    let response = client
        .post(format!("{base}/consent"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("request", &hidden(&html, "request")?),
            ("csrf", &hidden(&html, "csrf")?),
            ("decision", "allow"),
        ]))
        .send()
        .await?;
    if !location(&response)?.contains("access_token=") {
        return Err("the first authorization did not return tokens".into());
    }
    let cookie = jar.cookies(&base.parse()?).ok_or("no cookies were set")?;
    Ok(cookie.to_str()?.to_owned())
}

/// The `wrk` script: fresh `state` and `nonce` per request; counts the
/// answers that carry both tokens and those that do not.
fn lua_script(cookie: &str) -> String {
    let path = format!("/authorize?{}", authorize_query("", ""));
    let path = path
        .trim_end_matches("&nonce=")
        .trim_end_matches("&state=")
        .to_owned();
    format!(
        r##"local path = "{path}"
local cookie = "{cookie}"
local threads = {{}}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  complete, other, counter = 0, 0, 0
  math.randomseed(os.time() * 100 + id)
end
function request()
  counter = counter + 1
  local fresh = string.format("%d-%d-%08x%08x", id, counter, math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
  return wrk.format("GET", path .. "&state=s" .. fresh .. "&nonce=n" .. fresh, {{["Cookie"] = cookie}})
end
function response(status, headers, body)
  local location = headers["location"] or headers["Location"] or ""
  if status == 302 and location:find("#access_token=", 1, true) and location:find("&id_token=", 1, true) then
    complete = complete + 1
  else
    other = other + 1
  end
end
function done(summary, latency, requests)
  local c, o = 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("complete")
    o = o + thread:get("other")
  end
  io.write(string.format("AUTHORIZATIONS complete=%d other=%d\n", c, o))
end
"##
    )
}

/// Runs `wrk` with the script; returns the rate of complete authorizations
/// and the two counts.
async fn authorizations(
    base: &str,
    script: &std::path::Path,
    secs: u64,
) -> Result<(f64, u64, u64), Box<dyn Error>> {
    let args = vec![
        "-s".to_owned(),
        script.to_string_lossy().into_owned(),
        base.to_owned(),
    ];
    let stdout = wrk::run(wrk::Layout::Shared, args, secs).await?;
    let rate = wrk::requests_per_sec(&stdout)?;
    let counts = stdout
        .lines()
        .find_map(|line| line.strip_prefix("AUTHORIZATIONS "))
        .ok_or_else(|| format!("no counts in wrk's output:\n{stdout}"))?;
    let count = |name: &str| -> u64 {
        counts
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(name))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let (complete, other) = (count("complete="), count("other="));
    // Requests/sec counts every answer; only the complete ones count here.
    let total = (complete + other).max(1) as f64;
    Ok((rate * complete as f64 / total, complete, other))
}
