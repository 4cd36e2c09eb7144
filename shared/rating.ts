// Judging takes: four criteria creators use for a generation (visual quality, prompt adherence,
// physical/temporal consistency, narrative fit), 1–10 each, and an overall score. Pure; both processes use it.
//
// Stars (project formats 1 and 2 before scores existed: `rating`, 0–5) migrate without rewriting the file:
// a take with no `scores` reads n stars as every criterion at 2n (1★ = 2 … 5★ = 10), so its overall score is
// 2n; 0 stars is "not rated". Scoring a take writes `rating` back as its overall score halved and rounded
// (at least 1), so an older Storyreel still shows it as stars.
import { chosenTakeOf, SCORE_CRITERIA, type Project, type Scene, type ScoreCriterion, type Scores, type Take } from './project.ts';

/** `short` fits a take card; `label` and `hint` say the whole of it. */
export const CRITERIA: ReadonlyArray<{ key: ScoreCriterion; label: string; short: string; hint: string }> = [
  { key: 'visual', label: 'Visual quality', short: 'Visual', hint: 'Sharp, clean, well lit; no artefacts' },
  { key: 'adherence', label: 'Prompt adherence', short: 'Prompt', hint: 'Shows what the prompt asked for' },
  { key: 'consistency', label: 'Physical/temporal consistency', short: 'Physics', hint: 'Bodies, objects and motion hold from frame to frame' },
  { key: 'narrative', label: 'Narrative fit', short: 'Story', hint: 'Works in the film between its neighbours' },
];

/** The take's scores, criterion by criterion: its own, or its stars read as 2 points per star. */
export function scoresOf(take: Pick<Take, 'rating' | 'scores'>): Record<ScoreCriterion, number | null> {
  const own = take.scores;
  const fromStars = !own && take.rating > 0 ? take.rating * 2 : null;
  return Object.fromEntries(SCORE_CRITERIA.map((k) => [k, own ? (own[k] ?? null) : fromStars])) as Record<ScoreCriterion, number | null>;
}

/** The mean of the criteria that have a score, to one decimal; null when none has. */
export function overallScore(take: Pick<Take, 'rating' | 'scores'>): number | null {
  const given = Object.values(scoresOf(take)).filter((v): v is number => v !== null);
  if (!given.length) return null;
  return Math.round((given.reduce((a, b) => a + b, 0) / given.length) * 10) / 10;
}

/** The stars written beside scores for readers that know only stars. */
export function starsFor(scores: Scores): number {
  const overall = overallScore({ rating: 0, scores });
  return overall === null ? 0 : Math.max(1, Math.min(5, Math.round(overall / 2)));
}

/** A take's scores after one change (a value sets, null clears; criteria left out stay). */
export function mergeScores(take: Pick<Take, 'rating' | 'scores'>, patch: Partial<Record<ScoreCriterion, number | null>>): Scores {
  const current = scoresOf(take);
  return Object.fromEntries(SCORE_CRITERIA.map((k) => [k, k in patch ? (patch[k] ?? null) : current[k]])) as Scores;
}

/** The scene's highest-scored take (the latest made wins a tie); null when no take is scored. */
export function bestTakeOf(scene: Pick<Scene, 'takes'>): Take | null {
  let best: Take | null = null;
  let bestScore = -1;
  for (const take of scene.takes) {
    const score = overallScore(take);
    if (score !== null && score >= bestScore) {
      best = take;
      bestScore = score;
    }
  }
  return best;
}

/** The "best takes" rough cut: every scene whose best-scored take is not already the one in the film. */
export function bestTakesCut(project: Pick<Project, 'scenes'>): Array<{ sceneId: string; takeId: string }> {
  return project.scenes.flatMap((scene) => {
    const best = bestTakeOf(scene);
    return best && chosenTakeOf(scene)?.id !== best.id ? [{ sceneId: scene.id, takeId: best.id }] : [];
  });
}
