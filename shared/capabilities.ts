// Capability profiles: what each provider/model accepts and what it costs. The timeline, the settings
// and the command-line interface offer only these values, and main refuses anything else before money
// is spent. Pure data and pure functions: both processes import this file.
// The profiles are in capabilities/profiles.ts, the checks before money is spent in capabilities/checks.ts,
// the estimate and dollar formatting in capabilities/cost.ts; every name is exported from here.
export * from './capabilities/profiles.ts';
export * from './capabilities/checks.ts';
export * from './capabilities/cost.ts';
