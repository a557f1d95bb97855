//! The stand-in provider: a real HTTP server on 127.0.0.1 serving a
//! discovery document and a JWKS, with RSA keys made by aws-lc-rs. It can
//! rotate keys, go down and come back on the same port, advertise a wrong
//! issuer, and it counts JWKS fetches. It also serves an "attacker" JWKS, to
//! prove that a `jku` header is never followed.

use std::{
    net::SocketAddr,
    sync::{
        Arc, RwLock,
        atomic::{AtomicUsize, Ordering},
    },
};

use aws_lc_rs::{
    rand::SystemRandom,
    rsa::{KeyPair, KeySize},
    signature::{self, KeyPair as _},
};
use axum::{Json, Router, extract::State, routing::get};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

/// An RSA signing key and the `kid` / `alg` it is published under.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    /// `RS256` or `PS256`.
    pub alg: &'static str,
    pair: Arc<KeyPair>,
}

impl SigningKey {
    pub fn generate(kid: &str, alg: &'static str) -> Self {
        assert!(
            matches!(alg, "RS256" | "PS256"),
            "unsupported test alg {alg}"
        );
        Self {
            kid: kid.to_owned(),
            alg,
            pair: Arc::new(KeyPair::generate(KeySize::Rsa2048).unwrap()),
        }
    }

    /// The public JWK (RFC 7518 §6.3.1).
    pub fn jwk(&self) -> Value {
        let public = self.pair.public_key();
        json!({
            "kty": "RSA",
            "use": "sig",
            "alg": self.alg,
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
        })
    }

    /// The public key's DER bytes: what an attacker would use as an HMAC secret.
    pub fn public_key_bytes(&self) -> Vec<u8> {
        self.pair.public_key().as_ref().to_vec()
    }

    /// Signs with the padding of `self.alg`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let padding: &'static dyn signature::RsaEncoding = match self.alg {
            "PS256" => &signature::RSA_PSS_SHA256,
            _ => &signature::RSA_PKCS1_SHA256,
        };
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(padding, &SystemRandom::new(), message, &mut signature)
            .unwrap();
        signature
    }
}

struct Shared {
    url: String,
    advertised_issuer: RwLock<String>,
    published: RwLock<Vec<SigningKey>>,
    jwks_fetches: AtomicUsize,
    attacker_key: SigningKey,
    attacker_fetches: AtomicUsize,
}

struct Running {
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// The test issuer. Dropping it leaves its task to die with the runtime.
pub struct TestIssuer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    running: tokio::sync::Mutex<Option<Running>>,
}

impl TestIssuer {
    /// Starts on a free port with one RS256 key, `key-1`.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let url = format!("http://{addr}");
        let shared = Arc::new(Shared {
            advertised_issuer: RwLock::new(url.clone()),
            url,
            published: RwLock::new(vec![SigningKey::generate("key-1", "RS256")]),
            jwks_fetches: AtomicUsize::new(0),
            attacker_key: SigningKey::generate("attacker", "RS256"),
            attacker_fetches: AtomicUsize::new(0),
        });
        let issuer = Self {
            addr,
            shared,
            running: tokio::sync::Mutex::new(None),
        };
        issuer.serve(listener).await;
        issuer
    }

    async fn serve(&self, listener: TcpListener) {
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery_get))
            .route("/.well-known/jwks.json", get(jwks_get))
            .route("/attacker/jwks.json", get(attacker_jwks_get))
            .with_state(Arc::clone(&self.shared));
        let (shutdown, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = signal.await;
                })
                .await
                .unwrap();
        });
        *self.running.lock().await = Some(Running { shutdown, task });
    }

    /// The issuer URL (`iss`), `http://127.0.0.1:<port>`, no trailing slash.
    pub fn url(&self) -> &str {
        &self.shared.url
    }

    /// The first published key (the one tokens are normally signed with).
    pub fn key(&self) -> SigningKey {
        self.shared.published.read().unwrap()[0].clone()
    }

    /// A new RS256 key published next to the current ones, as a provider
    /// does before it starts signing with it.
    pub fn rotate(&self, kid: &str) -> SigningKey {
        let key = SigningKey::generate(kid, "RS256");
        self.publish(key.clone());
        key
    }

    pub fn publish(&self, key: SigningKey) {
        self.shared.published.write().unwrap().push(key);
    }

    /// Removes a key from the JWKS (a revocation).
    pub fn unpublish(&self, kid: &str) {
        self.shared
            .published
            .write()
            .unwrap()
            .retain(|key| key.kid != kid);
    }

    /// Makes the discovery document claim another issuer.
    pub fn advertise_issuer(&self, issuer: &str) {
        *self.shared.advertised_issuer.write().unwrap() = issuer.to_owned();
    }

    /// How many times the JWKS was fetched.
    pub fn jwks_fetches(&self) -> usize {
        self.shared.jwks_fetches.load(Ordering::SeqCst)
    }

    /// A key the issuer never published, with its own JWKS URL.
    pub fn attacker_key(&self) -> SigningKey {
        self.shared.attacker_key.clone()
    }

    pub fn attacker_jwks_url(&self) -> String {
        format!("{}/attacker/jwks.json", self.shared.url)
    }

    pub fn attacker_jwks_fetches(&self) -> usize {
        self.shared.attacker_fetches.load(Ordering::SeqCst)
    }

    /// Stops answering: connections are refused until [`Self::start_again`].
    pub async fn stop(&self) {
        if let Some(running) = self.running.lock().await.take() {
            let _ = running.shutdown.send(());
            running.task.await.unwrap();
        }
    }

    /// Listens again on the same port, with the same keys.
    pub async fn start_again(&self) {
        let listener = TcpListener::bind(self.addr).await.unwrap();
        self.serve(listener).await;
    }
}

async fn discovery_get(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let issuer = shared.advertised_issuer.read().unwrap().clone();
    Json(json!({
        "issuer": issuer,
        "jwks_uri": format!("{}/.well-known/jwks.json", shared.url),
        "authorization_endpoint": format!("{}/authorize", shared.url),
        "response_types_supported": ["id_token token", "id_token", "token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

async fn jwks_get(State(shared): State<Arc<Shared>>) -> Json<Value> {
    shared.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    let keys: Vec<Value> = shared
        .published
        .read()
        .unwrap()
        .iter()
        .map(SigningKey::jwk)
        .collect();
    Json(json!({ "keys": keys }))
}

async fn attacker_jwks_get(State(shared): State<Arc<Shared>>) -> Json<Value> {
    shared.attacker_fetches.fetch_add(1, Ordering::SeqCst);
    Json(json!({ "keys": [shared.attacker_key.jwk()] }))
}
