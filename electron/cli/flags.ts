// render's flags that describe a gateway and a model, the engine timing from the environment, and .env
// files: each turned into what the services take, or a usage error naming the flag (exit 2).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CustomModel } from '../../shared/capabilities.ts';
import type { EngineTiming } from '../services/jobs/engine.ts';
import type { GatewaySettings } from '../services/providers/registry.ts';
import { usage } from './args.ts';
import { loaded } from './deps.ts';

/** Runs a check that throws an AppError, and makes its message a usage error of `render`. */
export function checked<T>(fn: () => T): T {
  const { toAppErrorShape } = loaded();
  try {
    return fn();
  } catch (err) {
    usage('render', toAppErrorShape(err).message);
  }
}

/** --header, --auth-header and --query: how the gateway wants to be spoken to. */
export function gatewayFlags(values: { header?: string[] | undefined; 'auth-header'?: string | undefined; query?: string[] | undefined }): GatewaySettings {
  const { parseHeaderLine, parseQueryPair } = loaded();
  const auth = values['auth-header'] ?? 'bearer';
  if (auth !== 'bearer' && auth !== 'api-key') usage('render', `--auth-header must be bearer or api-key, not "${auth}".`);
  return {
    authHeader: auth,
    headers: Object.fromEntries((values.header ?? []).map((line) => checked(() => parseHeaderLine(line)))),
    query: Object.fromEntries((values.query ?? []).map((pair) => checked(() => parseQueryPair(pair)))),
  };
}

/** --price-per-second, --durations, --sizes: the creator's description of a gateway model. */
export function customModelFlags(values: { 'price-per-second'?: string | undefined; durations?: string | undefined; sizes?: string | undefined }, provider: string, model: string | null): CustomModel | null {
  const { modelProfile, CustomModelSchema, checkCustomModels } = loaded();
  const price = values['price-per-second'];
  if (price === undefined && values.durations === undefined && values.sizes === undefined) return null;
  if (!model) usage('render', '--price-per-second, --durations and --sizes describe a gateway model: name it with --model.');
  const fallback = modelProfile(provider, model);
  if (price === undefined) usage('render', `--durations and --sizes need --price-per-second too, so ${model} is estimated at its own price.`);
  const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean));
  const parsed = CustomModelSchema.safeParse({
    provider,
    id: model,
    pricePerSecond: Number(price),
    durations: list(values.durations)?.map(Number) ?? fallback?.durations ?? [],
    sizes: list(values.sizes) ?? fallback?.sizes ?? [],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = { pricePerSecond: '--price-per-second', durations: '--durations', sizes: '--sizes' }[String(issue?.path[0]) as 'sizes'] ?? '--model';
    usage('render', `${flag}: ${issue?.message ?? 'invalid value'} (e.g. --price-per-second 0.05 --durations 5,10 --sizes 1280x720,1920x1080).`);
  }
  checked(() => checkCustomModels([parsed.data]));
  return parsed.data;
}

/**
 * STORYREEL_TIMING='{"unreachableGiveUpMs":5000,...}' shortens the engine's waits and bounds (the README's
 * defaults: unreachable for 2 min → exit 75; an unconfirmed create checked for 10 min). Unknown keys are ignored.
 */
export function timingFromEnv(env: NodeJS.ProcessEnv): Partial<EngineTiming> | undefined {
  const { DEFAULT_TIMING } = loaded();
  if (!env.STORYREEL_TIMING) return undefined;
  try {
    const raw = JSON.parse(env.STORYREEL_TIMING) as Record<string, unknown>;
    const keys = Object.keys(DEFAULT_TIMING) as Array<keyof EngineTiming>;
    return Object.fromEntries(keys.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]])) as Partial<EngineTiming>;
  } catch {
    usage('render', 'STORYREEL_TIMING must be a JSON object, e.g. STORYREEL_TIMING=\'{"unreachableGiveUpMs": 30000}\'.');
  }
}

/** The .env files of these folders, a later folder's (the project's) overriding an earlier one's. */
export function loadDotenv(dirs: string[]): Record<string, string> {
  const { parseDotenv } = loaded();
  const out: Record<string, string> = {};
  for (const dir of dirs) {
    const file = path.join(dir, '.env');
    if (existsSync(file)) Object.assign(out, parseDotenv(readFileSync(file, 'utf8')));
  }
  return out;
}
