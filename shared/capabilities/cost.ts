// What generating costs at list price: a model's price per second, the estimate for scenes and takes (their
// seconds from the timeline), and dollars rounded and written for people. Pure functions.
import type { Project } from '../project.ts';
import { buildTimeline } from '../timeline.ts';
import { sceneTarget } from './checks.ts';
import { modelProfile, type CustomModels } from './profiles.ts';

export interface CostLine {
  sceneId: string;
  seconds: number;
  takes: number;
  usd: number;
}
export interface Estimate {
  provider: string;
  model: string;
  pricePerSecond: number;
  lines: CostLine[];
  totalSeconds: number;
  totalUsd: number;
}

export function pricePerSecond(providerId: string, model: string, size: string, custom: CustomModels = []): number {
  const profile = modelProfile(providerId, model, custom);
  return profile?.pricePerSecond[size] ?? 0;
}

/**
 * What generating `takes` takes of each listed scene would cost at list price. Each scene's seconds come
 * from the timeline (what is asked of the provider); `totalSeconds` is the video to be made and paid for,
 * takes included, not the film's length.
 */
export function estimateCost(project: Project, sceneIds: string[], takes = 1, custom: CustomModels = []): Estimate {
  const price = pricePerSecond(project.provider, project.model, project.size, custom);
  // Each scene at its own provider's price when it has one, so a film that mixes providers adds up.
  const priceOf = (sceneId: string): number => {
    const scene = project.scenes.find((s) => s.id === sceneId);
    const t = scene ? sceneTarget(project, scene) : project;
    return t.provider === project.provider && t.model === project.model ? price : pricePerSecond(t.provider, t.model, project.size, custom);
  };
  const lines = buildTimeline(project)
    .scenes.filter((s) => sceneIds.includes(s.sceneId))
    .map((s) => ({ sceneId: s.sceneId, seconds: s.planned, takes, usd: roundUsd(priceOf(s.sceneId) * s.planned * takes) }));
  return {
    provider: project.provider,
    model: project.model,
    pricePerSecond: price,
    lines,
    totalSeconds: lines.reduce((a, l) => a + l.seconds * l.takes, 0),
    totalUsd: roundUsd(lines.reduce((a, l) => a + l.usd, 0)),
  };
}

export function roundUsd(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** Dollars for people: cents, or tenths of a cent when the amount has them (a $0.035/s price). */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '$—';
  const cents = Math.round(usd * 100);
  if (Math.abs(usd * 100 - cents) > 1e-6 && Math.abs(usd) < 10) return `$${usd.toFixed(3)}`;
  return `$${(cents / 100).toFixed(2)}`;
}
