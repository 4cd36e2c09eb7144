// Every fault of the /v1/videos emulator at once. The faults a test must see fire are scheduled by count
// (deterministic); the rest are seeded coin tosses on top.
import type { EmulatorFaults } from '../emulators/openai-videos/server.ts';

export const ALL_FAULTS: EmulatorFaults = {
  seed: 7,
  rateLimit: { skip: 1, count: 3, retryAfterS: 1 },
  serverError: { probability: 0.08, burst: 3, statuses: [500, 502, 503] },
  resetBeforeResponse: { probability: 0.06 },
  resetAfterCreate: { skip: 1, count: 2 },
  serverErrorAfterCreate: { skip: 3, count: 1, status: 502 },
  resetMidDownload: { count: 3, fraction: 0.5 },
  slow: { probability: 0.2, delayMs: 300 },
};
