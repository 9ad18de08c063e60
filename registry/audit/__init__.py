"""The tamper-evident audit ledger: canonical events, their hash chain, an RFC 9162
Merkle tree over the chain, signed tree heads, export bundles and offline verification.

Everything in this package is pure code over plain data (no database, no web), so an
auditor can verify a bundle years later with nothing but this package and the bundle.

Modules, in the order data flows through them:

- `canonical`  RFC 8785 (JCS) canonical JSON: the exact bytes that get hashed.
- `chain`      event validation and the hash chain (`seal_event`, `event_hash`).
- `merkle`     RFC 9162 Merkle tree hash, inclusion and consistency proofs.
- `treehead`   Ed25519-signed tree heads and key ids.
- `bundle`     the JSON Lines export bundle: writer and offline verifier.
- `proof`      inclusion proof documents: this event is in the signed log.
- `consistency` consistency proof documents: this signed log extends that one.
- `result`     `VerifyResult`, what every verifier returns.
- `cli`        `accord audit verify`.

See README.md beside this file for the formats, written for auditors.
"""
