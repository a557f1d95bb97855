// The three origins under test (the demo's defaults unless overridden).
export const SPA = process.env.SPA_URL ?? "http://localhost:3000";
export const ISSUER = process.env.ISSUER_URL ?? "http://127.0.0.1:9000";
export const API = process.env.API_URL ?? "http://localhost:8000";
