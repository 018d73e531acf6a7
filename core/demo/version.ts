// Bump when the generator writes a different business for the same seed (the benchmark keys
// its cached stores by it, so a stale store is never measured).
export const DEMO_GENERATOR_VERSION = 5;
