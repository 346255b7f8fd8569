//! The TypeScript emitter (schema.ts, api.ts, client.ts, index.ts).
